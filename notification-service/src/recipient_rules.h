// Who a message may go to: an email address for EMAIL, an Indonesian E.164 mobile number
// (+62...) for WHATSAPP. Local stand-ins until common/validators.h (ValidateEmail,
// ValidateIndonesianPhone) is available to this service; same rules as the contract's Applicant.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace sertel::notification {

absl::Status CheckEmailRecipient(absl::string_view email);
absl::Status CheckPhoneRecipient(absl::string_view e164);

}  // namespace sertel::notification
