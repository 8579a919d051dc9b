// The only place with SQL in disposition-service (its statements are ../queries/*.sql): cases,
// their timeline, the request ids of the idempotent service calls, the inboxes and the SLA
// report. Every change goes through Apply, which locks the case row, lets the rules decide, and
// writes the new state, the timeline entry, the outbox items and the audit entry in one
// transaction.
//
//   DispositionStore store(&pool, &audit);
//   absl::StatusOr<CaseRecord> c = store.Apply(id, "", [&](const CaseRecord* cur, const auto& seen)
//   {
//     return chain.Forward(cur, expected_version, actor, note);
//   });
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/audit_log.h"
#include "common/pg_pool.h"
#include "disposition_records.h"

namespace sertel::disposition {

class DispositionStore {
 public:
  DispositionStore(PgPool* pool, const AuditLog* audit) : pool_(pool), audit_(audit) {}

  // `current` is null when the case does not exist; `seen` is what `request_id` (when not
  // empty) was recorded for before.
  using Decide = std::function<absl::StatusOr<CaseChange>(const CaseRecord* current,
                                                          const std::optional<SeenRequest>& seen)>;

  // Locks the case (SELECT ... FOR UPDATE, so two officials acting at once are serialized and the
  // second sees the first's version), asks `decide`, writes its change; returns the case as it
  // stands afterwards, with its timeline. An error from `decide` rolls everything back.
  absl::StatusOr<CaseRecord> Apply(const std::string& application_id, const std::string& request_id,
                                   const Decide& decide);

  // The case with its timeline; NOT_FOUND when there is none.
  absl::StatusOr<CaseRecord> Get(const std::string& application_id);

  // Cases IN_REVIEW at `step`, oldest arrival first, after `after` (keyset), at most `limit`.
  // Served by the partial index cases_inbox (docs/disposition-inbox-plan.md).
  absl::StatusOr<std::vector<CaseRecord>> Inbox(int step, const std::optional<InboxCursor>& after,
                                                int limit);

  // Steps 1-5 with `from <= at < to`, per step: count, p50, p95, max waiting time and how many
  // exceeded the SOP's standard time. Step 1 from the cases (submission -> opening, over
  // `step1_standard` counts as exceeded), steps 2-5 from the officials' timeline entries.
  absl::StatusOr<std::vector<StepSla>> SlaReport(absl::Time from, absl::Time to,
                                                 absl::Duration step1_standard);

 private:
  PgPool* pool_;
  const AuditLog* audit_;
};

}  // namespace sertel::disposition
