// The only place with SQL for intake-service: applications (with the progress mirror of the
// later steps), their document versions (bytea with SHA-256 and size), intake's timeline and
// the resubmissions' idempotency keys. Every change goes through Apply, which locks the
// application, lets the rules (application_lifecycle.h) decide, and writes the new state, its
// timeline entry, its outbox rows and its audit record in one transaction (docs/architecture.md).
// The statements are intake-service/queries/*.sql.
//
//   IntakeStore store(&pool, &audit);
//   absl::StatusOr<ApplicationRecord> a = store.Apply(id, {}, [&](const ApplicationRecord* cur,
//                                                                  const SeenBefore&) {
//     return lifecycle.RecordProgress(cur, report);
//   });
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "intake_records.h"

namespace sertel {
class PgPool;
class AuditLog;
}  // namespace sertel

namespace sertel::intake {

class IntakeStore {
 public:
  IntakeStore(PgPool* pool, const AuditLog* audit) : pool_(pool), audit_(audit) {}

  // `current` is null when there is no application `id` (and comes with its current documents
  // otherwise); `seen` is what the change's key made before, and the applicant's open
  // application when a submission's insert met it.
  using Decide = std::function<absl::StatusOr<ApplicationChange>(const ApplicationRecord* current,
                                                                 const SeenBefore& seen)>;

  // Locks application `id` (SELECT ... FOR UPDATE), looks up what `key` made before, asks
  // `decide` and writes its change; returns the application as it stands afterwards, with its
  // documents and timeline. An error from `decide` rolls everything back. When a submission's
  // insert meets a committed row (a concurrent submission of the same request_id, or the NIK's
  // open application: applications_one_open_per_nik), `decide` is asked again with what it met.
  absl::StatusOr<ApplicationRecord> Apply(const std::string& id, const RequestKey& key,
                                          const Decide& decide);

  // NOT_FOUND when there is none. With its current documents and intake's timeline.
  absl::StatusOr<ApplicationRecord> Get(const std::string& id);
  // Newest first; with current documents, without timeline.
  absl::StatusOr<std::vector<ApplicationRecord>> List(const ListFilter& filter);
  // What a resubmission's request_id did before (nullopt: nothing).
  absl::StatusOr<std::optional<SeenRequest>> FindResubmission(const std::string& request_id);
  // The current version of one document, with its bytes. NOT_FOUND when there is none.
  absl::StatusOr<DocumentRecord> GetDocument(const std::string& id, int kind);

 private:
  PgPool* pool_;
  const AuditLog* audit_;
};

}  // namespace sertel::intake
