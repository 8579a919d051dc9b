// The input rules certificate-service's managers share: digits, hexadecimal serials and their
// one spelling (lower case, no leading zeros, as the CA writes them and the store keys them).
//
//   if (!IsSerialHex(request_serial)) v.Add("serial", "must be hexadecimal");
//   std::string serial = NormalizeSerial(request_serial);   // "00AB12" -> "ab12"
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace sertel::certificate {

bool AllDigits(absl::string_view s);
// A NIK's shape as the certificate's serialNumber carries it: 16 digits.
bool IsNikShaped(absl::string_view s);
// 1 to 40 hexadecimal digits (RFC 5280: a serial is at most 20 octets).
bool IsSerialHex(absl::string_view s);
std::string NormalizeSerial(absl::string_view s);

}  // namespace sertel::certificate
