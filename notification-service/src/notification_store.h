// The only place with SQL for the notification service (schema `notification`, statements in
// notification-service/queries/): queueing a message idempotently, reading and listing, and the
// delivery worker's claim and the outcome of each attempt. Claims use FOR UPDATE SKIP LOCKED and
// a lease (claimed_until), so several workers never hold one message at once and a crashed
// worker's messages come back when its lease runs out.
//
//   NotificationStore store(&pool, &audit);
//   absl::StatusOr<StoredNotification> n = store.Create(NotificationLifecycle::Queue(...));
//   absl::Status s = store.Apply(id, claim_token, [&](const NotificationRecord& current) {
//     return rules.AfterAttempt(current, result, now, wait);
//   });
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/audit_log.h"
#include "common/pg_pool.h"
#include "notification_records.h"

namespace sertel::notification {

class NotificationStore {
 public:
  NotificationStore(PgPool* pool, const AuditLog* audit) : pool_(pool), audit_(audit) {}

  // Inserts the message and its attachments, with its audit entry, in one transaction. When
  // request_id is already taken nothing is written and the stored message comes back with
  // created = false and the payload hash it was queued with (NotificationLifecycle::CheckRepeat).
  absl::StatusOr<StoredNotification> Create(const QueuedNotification& queued);
  // Without attachment bytes or sealed parameters. NOT_FOUND when absent.
  absl::StatusOr<NotificationRecord> Get(const std::string& id);

  struct Page {
    std::vector<NotificationRecord> notifications;
    bool more = false;
  };
  // Newest first; application_id empty = all; before_seq 0 = from the newest.
  absl::StatusOr<Page> List(const std::string& application_id, int page_size, int64_t before_seq);

  // Claims up to `limit` due messages (QUEUED and due, or SENDING with an expired lease): they
  // become SENDING until now + lease under `claim_token`. With attachment bytes and sealed
  // parameters.
  absl::StatusOr<std::vector<NotificationRecord>> Claim(absl::Time now, absl::Duration lease,
                                                        int limit, const std::string& claim_token);

  // `current`: the locked message (id, application_id, channel, template_name, status,
  // attempts).
  using Decide = std::function<absl::StatusOr<DeliveryChange>(const NotificationRecord& current)>;

  using MakeFallback =
      std::function<absl::StatusOr<QueuedNotification>(const NotificationRecord& whatsapp)>;
  // What the statuses reported for a message make of it (NotificationLifecycle::AfterReports):
  // nothing when they change nothing.
  using DecideReported = std::function<std::optional<ReportedChange>(
      const NotificationRecord& current, const std::vector<StatusReport>& reports)>;
  struct ReportRules {
    DecideReported decide;
    MakeFallback fallback;
  };

  // An attempt's outcome, in one transaction: locks the message while `claim_token` still holds
  // it (ABORTED "the claim on this notification was lost" when the lease ran out and another
  // worker took it), asks `decide`, writes the new state, the delivery attempt, drops the
  // attachment bytes and appends the audit entry the change carries; a change that gives up
  // with fall_back_to_email queues the email too. A SENT one records the Cloud API's id and
  // applies the webhook's events already kept for it (`rules`), under that id's lock.
  absl::Status Apply(const std::string& id, const std::string& claim_token, const Decide& decide,
                     const ReportRules* rules = nullptr);

  // A webhook's status event, in one transaction under its message id's lock: kept once (false:
  // a replay, nothing changes); if the message it names is known, every event kept for it is
  // applied (`rules`), with its fallback email when it failed for good. An event that comes
  // before the worker recorded the id waits for that transaction, which applies it.
  absl::StatusOr<bool> RecordStatus(const StatusReport& report, absl::Time received_at,
                                    const ReportRules& rules);

 private:
  PgPool* pool_;
  const AuditLog* audit_;
};

}  // namespace sertel::notification
