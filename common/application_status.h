// Where an application stands across the SOP, as the API numbers it: sertel.v1.ApplicationStatus
// (all seven steps; intake lists by it, disposition and certificate report it) and
// sertel.v1.CaseStatus (disposition's view of steps 2-5). One definition for every service, so
// that a report one service writes is read back with the same numbers by the next.
//
//   ApplicationStatus s = ApplicationStatusOf(CaseStatus::kSentToCa);  // kSentToCa
//   std::optional<CaseStatus> c = ParseCaseStatus("RETURNED");          // the column's value
#pragma once

#include <optional>

#include "absl/strings/string_view.h"

namespace sertel {

// The numbers are sertel.v1.ApplicationStatus's.
enum class ApplicationStatus : int {
  kUnspecified = 0,
  kSubmitted = 1,
  kInReview = 2,
  kReturned = 3,
  kRejected = 4,
  kWithdrawn = 5,
  kSentToCa = 6,
  kAwaitingPassphrase = 7,
  kIssued = 8,
  kHandedOver = 9,
  kRevoked = 10,
};

// The numbers are sertel.v1.CaseStatus's.
enum class CaseStatus : int {
  kUnspecified = 0,
  kInReview = 1,
  kReturned = 2,
  kRejected = 3,
  kSentToCa = 4,
  kWithdrawn = 5,
};

// "IN_REVIEW", "RETURNED", ... (disposition's column values); "" for kUnspecified.
absl::string_view CaseStatusName(CaseStatus status);
// The inverse of CaseStatusName; nullopt for "" and for any other name.
std::optional<CaseStatus> ParseCaseStatus(absl::string_view name);
// The status across the SOP that a case status means; kUnspecified for kUnspecified.
ApplicationStatus ApplicationStatusOf(CaseStatus status);

}  // namespace sertel
