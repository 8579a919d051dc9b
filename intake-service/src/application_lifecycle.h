// SOP step 1 as a state machine over intake's own state of an application (SUBMITTED, documents
// replaced while RETURNED, WITHDRAWN before SENT_TO_CA): which change a call may make, given the
// stored application and what disposition says of its case, and what each change writes besides
// the row (the timeline entry, the audit entry, the outbox items owed). The decision is an
// ApplicationChange; IntakeStore::Apply writes it in one transaction. No SQL, no gRPC, no
// protobuf (docs/architecture.md).
//
//   ApplicationLifecycle lifecycle(SystemClock::Default());
//   store.Apply(id, "", [&](const ApplicationRecord* current, const auto&) {
//     return lifecycle.Withdraw(current, input, actor);
//   });
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/clock.h"
#include "intake_records.h"

namespace sertel::intake {

// Who makes a change, as the timeline and the audit entry name them.
struct Actor {
  std::string sub;
  std::string role;  // the acting role (intake_roles.h, ActingRole)
};

class ApplicationLifecycle {
 public:
  explicit ApplicationLifecycle(const Clock* clock) : clock_(clock) {}

  // A new application from a checked submission, SUBMITTED now: its documents with the type
  // their bytes show (not the one declared), their SHA-256 and size, version 1.
  ApplicationRecord Draft(const SubmissionInput& in, std::string id,
                          std::string request_hash) const;

  // SOP step 1, idempotent on request_id (`seen`: the application that request_id made, if
  // any): the same request again answers with that application, another payload under the same
  // request_id is ALREADY_EXISTS. Otherwise inserts `draft`, with routing to step 2 (OpenCase)
  // and the applicant's receipt.
  absl::StatusOr<ApplicationChange> Submit(const std::optional<SeenRequest>& seen,
                                           const ApplicationRecord& draft,
                                           const Actor& actor) const;

  // Only a RETURNED application takes new documents (FAILED_PRECONDITION otherwise; `kase` is
  // null when disposition has no case yet).
  static absl::Status CheckCanResubmit(ApplicationStatus own, const CaseView* kase);
  // FAILED_PRECONDITION when already withdrawn, or the case is SENT_TO_CA (or later) or
  // REJECTED. A case that does not exist yet may be withdrawn.
  static absl::Status CheckCanWithdraw(ApplicationStatus own, const CaseView* kase,
                                       const EnrollmentView* enrollment);
  // The same resubmission again (its request_id) is answered without asking anyone.
  static bool IsRepeatedResubmission(const ApplicationRecord& a, absl::string_view request_id);

  // Adds version n+1 of each given kind (old versions stay) and queues ResumeCase; the audit
  // entry names the replaced versions' SHA-256. `current` (null: NOT_FOUND) comes with its
  // current documents. A repeat (IsRepeatedResubmission) changes nothing.
  absl::StatusOr<ApplicationChange> Resubmit(const ApplicationRecord* current,
                                             const ResubmissionInput& in, const Actor& actor) const;
  // SUBMITTED -> WITHDRAWN, queueing WithdrawCase.
  absl::StatusOr<ApplicationChange> Withdraw(const ApplicationRecord* current,
                                             const WithdrawalInput& in, const Actor& actor) const;

 private:
  // Now at the precision PostgreSQL keeps, so what is answered equals what is stored.
  absl::Time Now() const;
  static TimelineRecord Entry(absl::string_view action, const Actor& actor, std::string note,
                              absl::Time at);
  static AuditEntry Audit(absl::string_view action, const Actor& actor, const std::string& id);

  const Clock* clock_;
};

}  // namespace sertel::intake
