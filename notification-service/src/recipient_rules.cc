#include "recipient_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace sertel::notification {

absl::Status CheckEmailRecipient(absl::string_view email) {
  // RFC 5321 limits (254 for the path, 64 for the local part), one '@', a dotted domain, and no
  // character that could break out of an SMTP command or a header.
  if (email.empty()) return absl::InvalidArgumentError("required");
  if (email.size() > 254) return absl::InvalidArgumentError("longer than 254 characters");
  size_t at = email.find('@');
  if (at == absl::string_view::npos || at == 0 || email.rfind('@') != at) {
    return absl::InvalidArgumentError("not an email address");
  }
  absl::string_view local = email.substr(0, at);
  absl::string_view domain = email.substr(at + 1);
  if (local.size() > 64) return absl::InvalidArgumentError("local part longer than 64 characters");
  for (unsigned char c : local) {
    bool ok = absl::ascii_isalnum(c) || absl::StrContains("!#$%&'*+-/=?^_`{|}~.", c);
    if (!ok) return absl::InvalidArgumentError("not an email address");
  }
  if (local.front() == '.' || local.back() == '.' || absl::StrContains(local, "..")) {
    return absl::InvalidArgumentError("not an email address");
  }
  if (domain.empty() || domain.find('.') == absl::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || absl::StrContains(domain, "..")) {
    return absl::InvalidArgumentError("not an email address");
  }
  for (unsigned char c : domain) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '.') {
      return absl::InvalidArgumentError("not an email address");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPhoneRecipient(absl::string_view e164) {
  // E.164: '+', country code 62, then a mobile number starting with 8 (Indonesian mobiles are
  // 08xx nationally); 10-13 digits after the country code at most 15 digits in all.
  if (e164.empty()) return absl::InvalidArgumentError("required");
  if (!absl::StartsWith(e164, "+62")) {
    return absl::InvalidArgumentError("must be an E.164 Indonesian number, e.g. +6281234567890");
  }
  absl::string_view national = e164.substr(3);
  for (char c : national) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError("must be an E.164 Indonesian number, e.g. +6281234567890");
    }
  }
  if (national.empty() || national.front() != '8' || national.size() < 9 ||
      national.size() > 12) {
    return absl::InvalidArgumentError("must be an Indonesian mobile number, e.g. +6281234567890");
  }
  return absl::OkStatus();
}

}  // namespace sertel::notification
