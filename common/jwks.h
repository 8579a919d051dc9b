// JSON Web Key Sets (RFC 7517 §5) as published at an OpenID provider's jwks_uri: the signing keys
// sertel can use (RSA >= 2048 bits and EC P-256, RFC 7518 §6) become JwtKeys. Keys for
// encryption (`use` "enc"), for other algorithms or of other types are skipped, not errors: a
// provider lists all its keys and we verify only RS256 and ES256.
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/jwt.h"

namespace sertel {

// INVALID_ARGUMENT when the text is not a JSON object with a "keys" array, or when no key in it
// is usable for RS256/ES256 signatures.
absl::StatusOr<JwtKeySet> ParseJwks(absl::string_view json);

}  // namespace sertel
