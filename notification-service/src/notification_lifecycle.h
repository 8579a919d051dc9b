// The rules of a message's state, as pure decisions (no SQL, no gRPC, no protobuf): a message is
// QUEUED when stored (due at once), SENDING while a worker's claim holds its lease, then
// DELIVERED, QUEUED again with an exponential backoff, or FAILED (a permanent error or the last
// attempt); SendNotification is idempotent on request_id; each change carries its audit entry.
// NotificationStore writes the decisions: Create (a new message), Claim (FOR UPDATE SKIP LOCKED:
// QUEUED and due, or SENDING whose lease ran out -> SENDING under a claim token until
// now + lease), Apply (an attempt's outcome, only while the claim still holds; ABORTED otherwise).
//
//   NotificationLifecycle rules({.max_attempts = 8});
//   DeliveryChange c = rules.AfterAttempt(claimed, sender.Send(message), now, wait);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "notification_records.h"
#include "sender.h"

namespace sertel::notification {

// The audit actor of the delivery worker's changes.
inline constexpr char kWorkerActor[] = "notification-worker";

class NotificationLifecycle {
 public:
  struct Options {
    int max_attempts = 8;
    absl::Duration base_backoff = absl::Seconds(5);
    absl::Duration max_backoff = absl::Minutes(30);
  };

  explicit NotificationLifecycle(Options options) : options_(options) {}

  // What a request_id stands for: SHA-256 over the request's deterministic protobuf
  // serialization with the secret parameters' values blanked (so the hash reveals nothing of
  // the activation code), the same bytes the service has always stored in payload_hash.
  static std::string PayloadHash(const SendInput& input);

  // A new message from a valid request (the record filled by the manager: id, sealed
  // parameters, attachments): QUEUED, no attempt yet, with its NOTIFICATION_QUEUED audit entry.
  static QueuedNotification Queue(NotificationRecord record, std::string payload_hash,
                                  const std::string& actor_sub);

  // request_id was used before: OK (answer with the stored message) when the payload is the
  // same, ALREADY_EXISTS when it is another one.
  static absl::Status CheckRepeat(absl::string_view stored_hash, absl::string_view payload_hash);

  // The upper bound of the retry wait after `attempts` failed attempts:
  // min(max_backoff, base_backoff * 2^attempts); the worker draws uniformly in its upper half.
  absl::Duration BackoffCap(int attempts) const;

  // The outcome of one attempt on `claimed` (its attempts before this one): SENT when the
  // channel answered with its message id (WhatsApp: the webhook tells the rest), DELIVERED when
  // it accepted without one (SMTP); FAILED when the error is permanent or this was attempt
  // max_attempts (falling back to email when the error's policy says so and the message has a
  // fallback address); otherwise QUEUED again, due at now + retry_wait, or later when the
  // error says when (a rate limit's Retry-After).
  DeliveryChange AfterAttempt(const NotificationRecord& claimed,
                              const absl::StatusOr<SendReceipt>& result, absl::Time now,
                              absl::Duration retry_wait) const;

  // What the webhook's status events make of a SENT or DELIVERED message (Meta does not
  // promise their order, and may skip "delivered" when "read" comes at once): delivered by the
  // first "delivered" or "read"; read_at from "read"; a "failed" fails a message not yet
  // delivered, with the code's policy (whatsapp_errors.h), or (a temporary code) queues it
  // again a minute later. Nothing when nothing changes, so a
  // replay or a stale event is harmless.
  static std::optional<ReportedChange> AfterReports(const NotificationRecord& current,
                                                    const std::vector<StatusReport>& reports);

  // The three outcomes (attempt number = claimed.attempts + 1). Delivered and failed messages
  // lose their attachment bytes and are audited; a retry is only in delivery_attempts.
  static DeliveryChange Delivered(const NotificationRecord& claimed, absl::Time now);
  static DeliveryChange Sent(const NotificationRecord& claimed, absl::Time now,
                             std::string provider_message_id);
  static DeliveryChange Retry(const NotificationRecord& claimed, std::string error, absl::Time now,
                              absl::Duration retry_wait);
  static DeliveryChange Failed(const NotificationRecord& claimed, std::string error, absl::Time now,
                               bool permanent);

 private:
  Options options_;
};

}  // namespace sertel::notification
