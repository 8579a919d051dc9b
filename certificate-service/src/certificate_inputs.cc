#include "certificate_inputs.h"

#include "absl/strings/ascii.h"

namespace sertel::certificate {

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsNikShaped(absl::string_view s) { return s.size() == 16 && AllDigits(s); }

bool IsSerialHex(absl::string_view s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string NormalizeSerial(absl::string_view s) {
  std::string out = absl::AsciiStrToLower(s);
  size_t nz = out.find_first_not_of('0');
  return nz == std::string::npos ? "0" : out.substr(nz);
}

}  // namespace sertel::certificate
