#include "common/audit_checkpoint_logger.h"

#include "common/log.h"

namespace sertel {

AuditCheckpointLogger::AuditCheckpointLogger(PgPool* pool, const AuditLog* audit,
                                             const CheckpointSigner* signer, std::string service,
                                             absl::Duration interval)
    : pool_(pool),
      audit_(audit),
      signer_(signer),
      service_(std::move(service)),
      interval_(interval) {}

AuditCheckpointLogger::~AuditCheckpointLogger() { Stop(); }

absl::Status AuditCheckpointLogger::LogOnce() {
  absl::StatusOr<PgPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  absl::StatusOr<AuditVerification> v = audit_->Verify(lease->conn());
  if (!v.ok()) return v.status();
  if (!v->ok) {
    Log::Error("audit_chain_broken",
               {{"first_broken_seq", v->first_broken_seq}, {"problem", v->problem}});
    return absl::DataLossError(v->problem);
  }
  absl::StatusOr<AuditCheckpoint> c =
      signer_->Sign(service_, v->head_seq, v->head_hash, absl::Now());
  if (!c.ok()) return c.status();
  Log::Info("audit_checkpoint", {{"checkpoint", c->ToJson()}});
  return absl::OkStatus();
}

void AuditCheckpointLogger::Start() {
  thread_ = std::thread([this] {
    do {
      if (absl::Status s = LogOnce(); !s.ok() && !absl::IsDataLoss(s)) {
        Log::Warn("audit_checkpoint_failed", {{"error", s.ToString()}});
      }
    } while (!stop_.WaitForNotificationWithTimeout(interval_));
  });
}

void AuditCheckpointLogger::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sertel
