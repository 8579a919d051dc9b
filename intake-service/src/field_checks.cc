#include "field_checks.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/document_sniffer.h"
#include "common/validators.h"

namespace sertel::intake {

// The identity and text rules are common/validators.h's (one rule set for all services); the
// `required` distinction is intake's.
absl::Status CheckNik(absl::string_view nik) {
  if (nik.empty()) return absl::InvalidArgumentError("required");
  return ValidateNik(nik);
}

absl::Status CheckNip(absl::string_view nip) {
  if (nip.empty()) return absl::InvalidArgumentError("required");
  return ValidateNip(nip);
}

absl::Status CheckPhone(absl::string_view phone) {
  if (phone.empty()) return absl::InvalidArgumentError("required");
  return ValidateIndonesianPhone(phone);
}

absl::Status CheckEmail(absl::string_view email) {
  if (email.empty()) return absl::InvalidArgumentError("required");
  return ValidateEmail(email);
}

absl::Status CheckText(absl::string_view text, int max_chars, bool required, bool multiline) {
  if (absl::StripAsciiWhitespace(text).empty()) {
    return required ? absl::InvalidArgumentError("required") : absl::OkStatus();
  }
  return ValidateText(text, static_cast<size_t>(max_chars), multiline);
}

absl::Status CheckFullName(absl::string_view name) { return ValidateFullName(name); }

std::string SniffDocumentType(absl::string_view bytes) {
  DocumentFormat format = SniffDocument(bytes);
  return format == DocumentFormat::kUnknown ? "" : std::string(MimeTypeOf(format));
}

}  // namespace sertel::intake
