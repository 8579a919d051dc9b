// Writes a signed checkpoint of the service's audit chain to its JSON log at start and every
// SERTEL_AUDIT_CHECKPOINT_INTERVAL (event "audit_checkpoint"), so that copies of the head live
// outside the database, where log shipping keeps them. A chain that does not verify is logged
// as "audit_chain_broken" (an error) and no checkpoint vouches for it.
//
//   AuditCheckpointLogger logger(pool, &audit, signer, "intake", absl::Minutes(5));
//   logger.Start();  ...  logger.Stop();
#pragma once

#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/audit_checkpoint.h"
#include "common/audit_log.h"
#include "common/pg_pool.h"

namespace sertel {

class AuditCheckpointLogger {
 public:
  AuditCheckpointLogger(PgPool* pool, const AuditLog* audit, const CheckpointSigner* signer,
                        std::string service, absl::Duration interval);
  ~AuditCheckpointLogger();

  // One checkpoint now: verifies, signs, logs. OK when one was logged.
  absl::Status LogOnce();
  void Start();
  void Stop();

 private:
  PgPool* pool_;
  const AuditLog* audit_;
  const CheckpointSigner* signer_;
  std::string service_;
  absl::Duration interval_;
  std::thread thread_;
  absl::Notification stop_;
};

}  // namespace sertel
