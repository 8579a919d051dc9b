#include "disposition_records.h"

#include "common/sop.h"

namespace sertel::disposition {

absl::string_view CaseStatusName(CaseStatus status) {
  switch (status) {
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
  return "UNSPECIFIED";
}

std::optional<CaseStatus> ParseCaseStatus(absl::string_view name) {
  for (CaseStatus s : {CaseStatus::kInReview, CaseStatus::kReturned, CaseStatus::kRejected,
                       CaseStatus::kSentToCa, CaseStatus::kWithdrawn}) {
    if (CaseStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::optional<std::string> DocumentKindName(int kind) {
  std::optional<absl::string_view> name = SopDocumentKindName(kind);
  if (!name) return std::nullopt;
  return std::string(*name);
}

}  // namespace sertel::disposition
