#include "common/audit_chainer.h"

#include <pqxx/nontransaction>

#include "common/log.h"
#include "common/metrics.h"
#include "common/sql_query.h"
#include "common_queries.h"

namespace sertel {

AuditChainer::~AuditChainer() { Stop(); }

absl::StatusOr<int> AuditChainer::RunOnce() {
  absl::StatusOr<int64_t> waiting =
      pool_->ReadOne<int64_t>([](pqxx::nontransaction& tx) -> absl::StatusOr<int64_t> {
        return RunQuery(tx, common::queries::kCountUnlinkedAuditRows)[0]["unlinked"].as<int64_t>();
      });
  if (!waiting.ok()) return waiting.status();
  Metrics::Global().SetGauge("sertel_audit_unlinked_rows", {}, static_cast<double>(*waiting));
  int total = 0;
  while (*waiting > 0) {
    absl::StatusOr<int> linked =
        pool_->InTransaction<int>([&](pqxx::work& tx) -> absl::StatusOr<int> {
          // A head held elsewhere (another replica's round is short; an operator's open
          // transaction may not be) costs a skipped round, never a connection held indefinitely.
          RunQuery(tx, common::queries::kSetLocalLockTimeout, std::string(kLockTimeout));
          return audit_->ChainPending(tx, kBatch);
        });
    if (!linked.ok()) return linked.status();
    total += *linked;
    if (*linked < kBatch) break;
  }
  if (total > 0) Metrics::Global().Increment("sertel_audit_rows_linked_total", {}, total);
  return total;
}

void AuditChainer::Start() {
  thread_ = std::thread([this] {
    bool failing = false;
    do {
      absl::StatusOr<int> n = RunOnce();
      if (!n.ok() && !failing) {
        Log::Error("audit_chainer_failed", {{"error", std::string(n.status().message())}});
      }
      failing = !n.ok();
    } while (!stop_.WaitForNotificationWithTimeout(interval_));
  });
}

void AuditChainer::Stop() {
  if (!thread_.joinable()) return;
  stop_.Notify();
  thread_.join();
  (void)RunOnce();  // what the last transactions wrote
}

}  // namespace sertel
