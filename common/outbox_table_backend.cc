#include "common/outbox_table_backend.h"

#include <pqxx/pqxx>

#include "common/sql_query.h"
#include "common_queries.h"

namespace sertel {
namespace {

std::optional<absl::Time> OptionalTime(const pqxx::field& us) {
  if (us.is_null()) return std::nullopt;
  return absl::FromUnixMicros(us.as<int64_t>());
}

// A row of list_outbox, lock_outbox_row or retry_outbox_row.
OutboxRow ReadRow(const pqxx::row& r, const std::string& service) {
  OutboxRow row;
  row.id = r["id"].as<int64_t>();
  row.service = service;
  row.topic = r["topic"].as<std::string>();
  row.state = ParseOutboxState(r["status"].as<std::string>());
  ReadSharedOutboxColumns(r, row);
  return row;
}

}  // namespace

void ReadSharedOutboxColumns(const pqxx::row& r, OutboxRow& row) {
  row.attempts = r["attempts"].as<int>();
  row.last_error = r["last_error"].as<std::string>();
  row.application_id = r["application_id"].as<std::string>();
  row.retries = r["retries"].as<int>();
  row.created_at = absl::FromUnixMicros(r["created_at_us"].as<int64_t>());
  if (row.state == OutboxState::kPending)
    row.next_attempt_at = OptionalTime(r["next_attempt_at_us"]);
  if (row.state != OutboxState::kPending) row.finished_at = OptionalTime(r["finished_at_us"]);
}

absl::StatusOr<std::vector<OutboxRow>> OutboxTableBackend::List(const OutboxQuery& query) {
  using Rows = std::vector<OutboxRow>;
  return pool_->ReadOne<Rows>([&](pqxx::nontransaction& tx) -> absl::StatusOr<Rows> {
    Rows out;
    for (const pqxx::row& r :
         RunQuery(tx, common::queries::kListOutbox, std::string(OutboxStateName(query.state)),
                  query.application_id, query.before_id, query.limit)) {
      out.push_back(ReadRow(r, service_));
    }
    return out;
  });
}

absl::StatusOr<OutboxRow> OutboxTableBackend::Retry(int64_t id, const DecideRetry& decide) {
  return pool_->InTransaction<OutboxRow>([&](pqxx::work& tx) -> absl::StatusOr<OutboxRow> {
    pqxx::result locked = RunQuery(tx, common::queries::kLockOutboxRow, id);
    if (locked.empty()) return absl::NotFoundError("no such outbox row");
    absl::StatusOr<AuditEntry> audit = decide(ReadRow(locked[0], service_));
    if (!audit.ok()) return audit.status();
    pqxx::result updated = RunQuery(tx, common::queries::kRetryOutboxRow, id);
    if (updated.empty()) return absl::AbortedError("the outbox row changed meanwhile; try again");
    // Last: the audit append serializes on the chain head.
    audit_->Append(tx, *audit);
    return ReadRow(updated[0], service_);
  });
}

absl::StatusOr<int64_t> OutboxTableBackend::CountDead() {
  return pool_->ReadOne<int64_t>([&](pqxx::nontransaction& tx) -> absl::StatusOr<int64_t> {
    return RunQuery(tx, common::queries::kCountDeadOutbox)[0]["dead"].as<int64_t>();
  });
}

}  // namespace sertel
