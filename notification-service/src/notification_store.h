// The only place with SQL for the notification service (schema `notification`): queueing a
// message idempotently, reading and listing, and the delivery worker's claim / finish calls.
// Claims use FOR UPDATE SKIP LOCKED and a lease (claimed_until), so several workers never hold
// one message at once and a crashed worker's messages come back when its lease runs out.
//
//   NotificationStore::Prepare(conn);           // PgPool on_connect
//   NotificationStore store(&pool, &audit);
//   absl::StatusOr<NotificationRecord> n = store.Create(record, payload_hash, caller_sub, &created);
#pragma once

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

  static void Prepare(pqxx::connection& conn);

  // Inserts the message and its attachments, with an audit record, in one transaction. When
  // request_id is already taken: the stored message if payload_hash matches (*created = false),
  // ALREADY_EXISTS otherwise.
  absl::StatusOr<NotificationRecord> Create(const NotificationRecord& record,
                                            const std::string& payload_hash,
                                            const std::string& actor_sub, bool* created);
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

  // Finishing calls; ABORTED when the claim was lost (the lease ran out and another worker took
  // the message). Delivered and failed messages lose their attachment bytes.
  absl::Status MarkDelivered(const std::string& id, const std::string& claim_token, int attempts,
                             absl::Time now);
  absl::Status MarkRetry(const std::string& id, const std::string& claim_token, int attempts,
                         const std::string& error, absl::Time next_attempt_at, absl::Time now);
  absl::Status MarkFailed(const std::string& id, const std::string& claim_token, int attempts,
                          const std::string& error, absl::Time now);

 private:
  PgPool* pool_;
  const AuditLog* audit_;
};

}  // namespace sertel::notification
