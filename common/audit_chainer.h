// Links the audit rows that state changes write unlinked (common/audit_log.h, issue 22) right
// after they commit, in the order they were written: every replica runs one, and they take
// turns on the chain head's lock, so exactly one links at a time. A round first asks (without a
// transaction, on the partial index) whether anything waits, so an idle service costs one cheap
// query per interval. The rows wait at most about one interval; AuditLog::Verify calls a wait
// beyond AuditLog::kMaxUnlinkedAge broken, and the gauge sertel_audit_unlinked_rows shows the
// backlog.
//
//   AuditChainer chainer(pool, &audit);
//   chainer.Start();  ...  chainer.Stop();   // Stop links what is left
#pragma once

#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/audit_log.h"
#include "common/pg_pool.h"

namespace sertel {

class AuditChainer {
 public:
  static constexpr int kBatch = 1000;
  // A round gives up when the chain head stays locked this long (SQL interval text).
  static constexpr char kLockTimeout[] = "2s";

  AuditChainer(PgPool* pool, const AuditLog* audit,
               absl::Duration interval = absl::Milliseconds(50))
      : pool_(pool), audit_(audit), interval_(interval) {}
  ~AuditChainer();

  // Links everything that waits now (in batches of kBatch, one transaction each); how many.
  absl::StatusOr<int> RunOnce();
  void Start();
  void Stop();

 private:
  PgPool* pool_;
  const AuditLog* audit_;
  absl::Duration interval_;
  std::thread thread_;
  absl::Notification stop_;
};

}  // namespace sertel
