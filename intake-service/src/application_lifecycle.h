// SOP step 1 as a state machine over intake's own state of an application (SUBMITTED, documents
// replaced while RETURNED, WITHDRAWN before SENT_TO_CA) and its mirror of the later steps
// (progress_mirror.h): which change a call may make, given the stored application and what
// disposition says of its case, and what each change writes besides the row (the timeline
// entry, the audit entry, the outbox items owed). The decision is an ApplicationChange;
// IntakeStore::Apply writes it in one transaction. No SQL, no gRPC, no protobuf
// (docs/architecture.md).
//
//   ApplicationLifecycle lifecycle(SystemClock::Default());
//   store.Apply(id, {}, [&](const ApplicationRecord* current, const SeenBefore&) {
//     return lifecycle.Withdraw(current, input, withdrawn_case, actor);
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

  // SOP step 1, idempotent on request_id (`seen.request`: the application that request_id
  // made, if any): the same request again answers with that application, another payload under
  // the same request_id is ALREADY_EXISTS. Then one open application per person: when the
  // applicant's NIK has one (`seen.open_application`), FAILED_PRECONDITION naming it. Otherwise
  // inserts `draft`, with routing to step 2 (OpenCase) and the applicant's receipt.
  absl::StatusOr<ApplicationChange> Submit(const SeenBefore& seen, const ApplicationRecord& draft,
                                           const Actor& actor) const;

  // Only a RETURNED application takes new documents (FAILED_PRECONDITION otherwise; `kase` is
  // null when disposition has no case yet).
  static absl::Status CheckCanResubmit(ApplicationStatus own, const CaseView* kase);
  // FAILED_PRECONDITION when already withdrawn, or the case is SENT_TO_CA (or later) or
  // REJECTED; the refusal after SENT_TO_CA tells the caller to ask for a revocation instead. A
  // case that does not exist yet, or that disposition withdrew already, may be withdrawn.
  static absl::Status CheckCanWithdraw(ApplicationStatus own, const CaseView* kase,
                                       const EnrollmentView* enrollment);

  // SHA-256 (hex) over a canonical form of a resubmission (the application and each document's
  // kind, file name, declared type and bytes, whatever their order).
  static std::string ResubmissionHash(const ResubmissionInput& in);
  // Whether `seen` (what the resubmission's request_id did before, if anything) makes this a
  // repeat: true for the same application and payload, ALREADY_EXISTS for another payload.
  static absl::StatusOr<bool> IsRepeatedResubmission(const std::optional<SeenRequest>& seen,
                                                     const std::string& application_id,
                                                     const std::string& request_hash);

  // Adds version n+1 of each given kind (old versions stay) and queues ResumeCase; the audit
  // entry names the replaced versions' SHA-256. `current` (null: NOT_FOUND) comes with its
  // current documents; `seen` is what the request_id did before (a repeat changes nothing);
  // `kase` is the RETURNED case the caller checked (documents already back since it was
  // returned: FAILED_PRECONDITION, so two resubmissions never resume it twice).
  absl::StatusOr<ApplicationChange> Resubmit(const ApplicationRecord* current,
                                             const std::optional<SeenRequest>& seen,
                                             const ResubmissionInput& in,
                                             const std::string& request_hash, const CaseView& kase,
                                             const Actor& actor) const;
  // SUBMITTED -> WITHDRAWN once disposition withdrew the case (`withdrawn`, its answer to
  // WithdrawCase, which the mirror takes as the case's report). Owes nobody anything. A
  // concurrent withdrawal that got there first: no change.
  absl::StatusOr<ApplicationChange> Withdraw(const ApplicationRecord* current,
                                             const WithdrawalInput& in, const CaseView& withdrawn,
                                             const Actor& actor) const;
  // A progress report of disposition or certificate (checked, CheckProgressReport): applied to
  // the mirror when newer than the last one of its source, the status across the SOP derived
  // again; an older or repeated report changes nothing. NOT_FOUND without `current`.
  absl::StatusOr<ApplicationChange> RecordProgress(const ApplicationRecord* current,
                                                   const ProgressInput& in) const;

 private:
  // Now at the precision PostgreSQL keeps, so what is answered equals what is stored.
  absl::Time Now() const;
  static TimelineRecord Entry(absl::string_view action, const Actor& actor, std::string note,
                              absl::Time at);
  static AuditEntry Audit(absl::string_view action, const Actor& actor, const std::string& id);

  const Clock* clock_;
};

}  // namespace sertel::intake
