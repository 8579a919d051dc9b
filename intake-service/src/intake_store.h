// The only place with SQL for intake-service: applications, their document versions (bytea with
// SHA-256 and size) and intake's timeline. Every state change writes its new state, its audit
// record and its outbox rows in one transaction (architecture.md). Statements are prepared once
// per connection (pass IntakeStore::Prepare as the pool's on_connect).
//
//   IntakeStore store(&pool, &audit);
//   absl::StatusOr<ApplicationRecord> a = store.Get(id);
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "intake_records.h"

namespace pqxx {
class connection_base;
}  // namespace pqxx

namespace sertel {
class PgPool;
class AuditLog;
}  // namespace sertel

namespace sertel::intake {

class IntakeStore {
 public:
  IntakeStore(PgPool* pool, const AuditLog* audit) : pool_(pool), audit_(audit) {}

  static void Prepare(pqxx::connection_base& conn);

  struct CreateResult {
    std::string id;
    bool created = false;  // false: the same request was seen before
  };
  // Inserts the application with version 1 of its documents and the timeline entry, the audit
  // record and the outbox rows. Idempotent on request_id: when one exists with the same
  // request_hash its id is returned (created = false); with another hash ALREADY_EXISTS.
  absl::StatusOr<CreateResult> Create(const ApplicationRecord& a, const TimelineRecord& t,
                                      const AuditNote& audit, const std::vector<OutboxItem>& out);

  // NOT_FOUND when there is none. With its current documents and intake's timeline.
  absl::StatusOr<ApplicationRecord> Get(const std::string& id);
  // Newest first; with current documents, without timeline.
  absl::StatusOr<std::vector<ApplicationRecord>> List(const ListFilter& filter);
  // The current version of one document, with its bytes. NOT_FOUND when there is none.
  absl::StatusOr<DocumentRecord> GetDocument(const std::string& id, int kind);

  // Adds version n+1 of each given kind (old versions stay), bumps the resubmission counter and
  // writes timeline, audit (with the replaced versions' SHA-256) and the outbox row that
  // `outbox_for(n)` builds for resubmission n. FAILED_PRECONDITION when not SUBMITTED. When
  // `resubmit_key` is not empty and equals the previous resubmission's key, nothing changes.
  absl::StatusOr<ApplicationRecord> Resubmit(
      const std::string& id, const std::vector<DocumentRecord>& docs,
      const std::string& resubmit_key, const TimelineRecord& t, AuditNote audit,
      const std::function<OutboxItem(int n)>& outbox_for);

  // SUBMITTED -> WITHDRAWN with timeline, audit and outbox. FAILED_PRECONDITION when already
  // withdrawn.
  absl::StatusOr<ApplicationRecord> Withdraw(const std::string& id, const std::string& reason,
                                             const TimelineRecord& t, const AuditNote& audit,
                                             const OutboxItem& out);

 private:
  PgPool* pool_;
  const AuditLog* audit_;
};

}  // namespace sertel::intake
