#include "intake_records.h"

namespace sertel::intake {

absl::string_view ApplicationStatusName(ApplicationStatus status) {
  switch (status) {
    case ApplicationStatus::kUnspecified:
      return "APPLICATION_STATUS_UNSPECIFIED";
    case ApplicationStatus::kSubmitted:
      return "APPLICATION_STATUS_SUBMITTED";
    case ApplicationStatus::kInReview:
      return "APPLICATION_STATUS_IN_REVIEW";
    case ApplicationStatus::kReturned:
      return "APPLICATION_STATUS_RETURNED";
    case ApplicationStatus::kRejected:
      return "APPLICATION_STATUS_REJECTED";
    case ApplicationStatus::kWithdrawn:
      return "APPLICATION_STATUS_WITHDRAWN";
    case ApplicationStatus::kSentToCa:
      return "APPLICATION_STATUS_SENT_TO_CA";
    case ApplicationStatus::kAwaitingPassphrase:
      return "APPLICATION_STATUS_AWAITING_PASSPHRASE";
    case ApplicationStatus::kIssued:
      return "APPLICATION_STATUS_ISSUED";
    case ApplicationStatus::kHandedOver:
      return "APPLICATION_STATUS_HANDED_OVER";
    case ApplicationStatus::kRevoked:
      return "APPLICATION_STATUS_REVOKED";
  }
  return "";
}

absl::string_view StoredStatusName(ApplicationStatus status) {
  return status == ApplicationStatus::kWithdrawn ? "WITHDRAWN" : "SUBMITTED";
}

ApplicationStatus ParseStoredStatus(absl::string_view name) {
  return name == "WITHDRAWN" ? ApplicationStatus::kWithdrawn : ApplicationStatus::kSubmitted;
}

}  // namespace sertel::intake
