// OutboxAdminBackend over a service's own outbox table (common/migrations/C001, C005): what
// ServiceRuntime serves in intake, disposition and certificate. The statements are
// common/queries/{list_outbox,lock_outbox_row,retry_outbox_row,count_dead_outbox}.sql.
//
//   OutboxTableBackend backend(&pool, &audit, "disposition");
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/audit_log.h"
#include "common/outbox_admin.h"
#include "common/pg_pool.h"

namespace sertel {

// Fills the columns every outbox admin query returns, whichever table it reads (attempts,
// last_error, application_id, retries, created_at_us, next_attempt_at_us, finished_at_us);
// `row.state` must be set first (only a PENDING row has a next attempt).
void ReadSharedOutboxColumns(const pqxx::row& r, OutboxRow& row);

class OutboxTableBackend final : public OutboxAdminBackend {
 public:
  OutboxTableBackend(PgPool* pool, const AuditLog* audit, std::string service)
      : pool_(pool), audit_(audit), service_(std::move(service)) {}

  const std::string& service() const override { return service_; }
  absl::StatusOr<std::vector<OutboxRow>> List(const OutboxQuery& query) override;
  absl::StatusOr<OutboxRow> Retry(int64_t id, const DecideRetry& decide) override;
  absl::StatusOr<int64_t> CountDead() override;

 private:
  PgPool* pool_;
  const AuditLog* audit_;
  std::string service_;
};

}  // namespace sertel
