#include "common/application_status.h"

namespace sertel {

absl::string_view CaseStatusName(CaseStatus status) {
  switch (status) {
    case CaseStatus::kUnspecified:
      return "";
    case CaseStatus::kInReview:
      return "IN_REVIEW";
    case CaseStatus::kReturned:
      return "RETURNED";
    case CaseStatus::kRejected:
      return "REJECTED";
    case CaseStatus::kSentToCa:
      return "SENT_TO_CA";
    case CaseStatus::kWithdrawn:
      return "WITHDRAWN";
  }
  return "";
}

std::optional<CaseStatus> ParseCaseStatus(absl::string_view name) {
  for (CaseStatus s : {CaseStatus::kInReview, CaseStatus::kReturned, CaseStatus::kRejected,
                       CaseStatus::kSentToCa, CaseStatus::kWithdrawn}) {
    if (CaseStatusName(s) == name) return s;
  }
  return std::nullopt;
}

ApplicationStatus ApplicationStatusOf(CaseStatus status) {
  switch (status) {
    case CaseStatus::kUnspecified:
      return ApplicationStatus::kUnspecified;
    case CaseStatus::kInReview:
      return ApplicationStatus::kInReview;
    case CaseStatus::kReturned:
      return ApplicationStatus::kReturned;
    case CaseStatus::kRejected:
      return ApplicationStatus::kRejected;
    case CaseStatus::kSentToCa:
      return ApplicationStatus::kSentToCa;
    case CaseStatus::kWithdrawn:
      return ApplicationStatus::kWithdrawn;
  }
  return ApplicationStatus::kUnspecified;
}

}  // namespace sertel
