#include "recipient_rules.h"

#include "common/validators.h"

namespace sertel::notification {

absl::Status CheckEmailRecipient(absl::string_view email) {
  if (email.empty()) return absl::InvalidArgumentError("required");
  return ValidateEmail(email);
}

absl::Status CheckPhoneRecipient(absl::string_view e164) {
  if (e164.empty()) return absl::InvalidArgumentError("required");
  return ValidateIndonesianPhone(e164);
}

}  // namespace sertel::notification
