#include "intake_records.h"

#include "absl/strings/strip.h"

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

absl::string_view SopStatusColumn(ApplicationStatus status) {
  if (status == ApplicationStatus::kUnspecified) return "";
  absl::string_view name = ApplicationStatusName(status);
  absl::ConsumePrefix(&name, "APPLICATION_STATUS_");
  return name;
}

ApplicationStatus ParseSopStatusColumn(absl::string_view name) {
  for (int i = 1; i <= static_cast<int>(ApplicationStatus::kRevoked); ++i) {
    if (SopStatusColumn(static_cast<ApplicationStatus>(i)) == name) {
      return static_cast<ApplicationStatus>(i);
    }
  }
  return ApplicationStatus::kUnspecified;
}

bool IsOpenStatus(ApplicationStatus status) {
  switch (status) {
    case ApplicationStatus::kSubmitted:
    case ApplicationStatus::kInReview:
    case ApplicationStatus::kReturned:
    case ApplicationStatus::kSentToCa:
    case ApplicationStatus::kAwaitingPassphrase:
    case ApplicationStatus::kIssued:
      return true;
    default:
      return false;
  }
}

absl::string_view EnrollmentStatusName(EnrollmentStatus status) {
  switch (status) {
    case EnrollmentStatus::kUnspecified:
      return "";
    case EnrollmentStatus::kAwaitingPassphrase:
      return "AWAITING_PASSPHRASE";
    case EnrollmentStatus::kIssued:
      return "ISSUED";
    case EnrollmentStatus::kHandedOver:
      return "HANDED_OVER";
    case EnrollmentStatus::kRevoked:
      return "REVOKED";
  }
  return "";
}

EnrollmentStatus ParseEnrollmentStatus(absl::string_view name) {
  for (int i = 1; i <= static_cast<int>(EnrollmentStatus::kRevoked); ++i) {
    if (!name.empty() && EnrollmentStatusName(static_cast<EnrollmentStatus>(i)) == name) {
      return static_cast<EnrollmentStatus>(i);
    }
  }
  return EnrollmentStatus::kUnspecified;
}

}  // namespace sertel::intake
