// OutboxAdminService at the notification service: it owes no other service a call, but it owes
// applicants their messages, so its "outbox rows" are its deliveries. A message is PENDING while
// QUEUED or SENDING, DELIVERED once accepted, DEAD when FAILED (a permanent error or the last
// attempt); the row id is the message's seq. A retry puts a FAILED message back to QUEUED for a
// new round of attempts (migration V003), audited on the message. A FAILED message whose
// attachment bytes were dropped (they may be a keystore, SOP step 7) cannot go again: the
// keystore is downloaded or handed over anew at the certificate service instead.
//
//   NotificationOutboxBackend backend(&pool, &audit, SystemClock::Default());
//   runtime.SetOutboxAdminBackend(std::make_unique<NotificationOutboxBackend>(...));
#pragma once

#include <string>
#include <vector>

#include "common/audit_log.h"
#include "common/clock.h"
#include "common/outbox_admin.h"
#include "common/pg_pool.h"

namespace sertel::notification {

class NotificationOutboxBackend final : public OutboxAdminBackend {
 public:
  NotificationOutboxBackend(PgPool* pool, const AuditLog* audit, const Clock* clock)
      : pool_(pool), audit_(audit), clock_(clock) {}

  const std::string& service() const override { return service_; }
  absl::StatusOr<std::vector<OutboxRow>> List(const OutboxQuery& query) override;
  absl::StatusOr<OutboxRow> Retry(int64_t id, const DecideRetry& decide) override;
  absl::StatusOr<int64_t> CountDead() override;

  // "notification.EMAIL.ACTIVATION_CODE": what a message owes, as an outbox row's topic.
  static std::string TopicOf(const std::string& channel, const std::string& template_name);

 private:
  PgPool* pool_;
  const AuditLog* audit_;
  const Clock* clock_;
  const std::string service_ = "notification";
};

}  // namespace sertel::notification
