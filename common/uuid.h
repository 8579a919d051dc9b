// Random (version 4, RFC 4122) UUIDs for the ids sertel mints, and the check for ids it is
// given. The bytes come from OpenSSL's CSPRNG; a failing RAND_bytes stops the process rather
// than fall back to a weaker source.
//
//   std::string id = NewUuid();   // "3f0c9a4e-8d1b-4c7a-9e2f-0a1b2c3d4e5f"
//   if (!IsUuid(request.id())) return InvalidArgument(...);
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace sertel {

std::string NewUuid();
// 8-4-4-4-12 hexadecimal digits (either case), nothing else.
bool IsUuid(absl::string_view s);

}  // namespace sertel
