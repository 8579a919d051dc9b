// Who a message may go to: an email address for EMAIL, an Indonesian mobile number in E.164
// (+62...) for WHATSAPP; the same rules as the contract's Applicant (common/validators.h), plus
// "required".
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace sertel::notification {

absl::Status CheckEmailRecipient(absl::string_view email);
absl::Status CheckPhoneRecipient(absl::string_view e164);

}  // namespace sertel::notification
