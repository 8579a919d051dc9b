// The operator's view of the calls a service owes the others (OutboxAdminService), as plain
// records, and the backend the one implementation calls: the outbox table in every service
// (OutboxTableBackend, common/outbox_table_backend.h), the deliveries at the notification service
// (its FAILED messages are its DEAD rows). No protobuf, no gRPC.
//
//   OutboxTableBackend backend(&pool, &audit, "intake");
//   absl::StatusOr<std::vector<OutboxRow>> rows = backend.List({.state = OutboxState::kDead});
//   absl::StatusOr<OutboxRow> row = backend.Retry(42, [&](const OutboxRow& current) {
//     return OutboxAdminManager::DecideRetry(current, caller, reason);   // the audit entry
//   });
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/change_records.h"

namespace sertel {

// The numbers are sertel.v1.OutboxState's.
enum class OutboxState : int { kAny = 0, kPending = 1, kDelivered = 2, kDead = 3 };

// "PENDING", "DELIVERED", "DEAD" (the outbox.status column); "" for kAny.
absl::string_view OutboxStateName(OutboxState state);
OutboxState ParseOutboxState(absl::string_view name);  // anything else -> kAny

// One row as an operator sees it: never the payload (it may carry personal data).
struct OutboxRow {
  int64_t id = 0;
  std::string service;
  std::string topic;
  OutboxState state = OutboxState::kPending;
  int attempts = 0;
  std::string last_error;
  std::string application_id;
  absl::Time created_at = absl::UnixEpoch();
  std::optional<absl::Time> next_attempt_at;  // while PENDING
  std::optional<absl::Time> finished_at;      // DEAD or DELIVERED
  int retries = 0;                            // how many times an operator put it back
};

struct OutboxQuery {
  OutboxState state = OutboxState::kAny;
  std::string application_id;  // "" = any
  int64_t before_id = 0;       // keyset: ids below this one; 0 = from the newest
  int limit = 50;
};

// The page the manager answers, newest first.
struct OutboxPage {
  std::vector<OutboxRow> rows;
  std::string next_page_token;  // empty on the last page
};

// Where the rows live. Implementations write a retry in one transaction with its audit entry.
class OutboxAdminBackend {
 public:
  virtual ~OutboxAdminBackend() = default;

  // The service name rows and attention carry ("intake", ...).
  virtual const std::string& service() const = 0;

  // Newest first (by id), at most `query.limit` rows.
  virtual absl::StatusOr<std::vector<OutboxRow>> List(const OutboxQuery& query) = 0;

  // `current`: the locked row. Returns the audit entry of the retry, or why it is refused.
  using DecideRetry = std::function<absl::StatusOr<AuditEntry>(const OutboxRow& current)>;

  // Locks row `id` (NOT_FOUND when absent), asks `decide`, puts the row back to PENDING (due
  // now, attempts 0, retries + 1) and appends the audit entry, all in one transaction; returns
  // the row as it stands afterwards. An error from `decide` changes nothing.
  virtual absl::StatusOr<OutboxRow> Retry(int64_t id, const DecideRetry& decide) = 0;

  // How many rows are DEAD now (the sertel_outbox_dead_rows gauge).
  virtual absl::StatusOr<int64_t> CountDead() = 0;
};

}  // namespace sertel
