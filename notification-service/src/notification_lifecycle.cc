#include "notification_lifecycle.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/rate_limiter.h"
#include "notification_payloads.h"
#include "sender.h"
#include "templates.h"
#include "whatsapp_errors.h"

namespace sertel::notification {
namespace {

constexpr char kServiceRole[] = "SERVICE";
constexpr char kEntityType[] = "notification";

AuditEntry WorkerAudit(const NotificationRecord& claimed, const char* action,
                       nlohmann::json details) {
  details["application_id"] = claimed.application_id;
  details["template"] = claimed.template_name;
  details["channel"] = claimed.channel;
  return AuditEntry{.actor_sub = kWorkerActor,
                    .actor_role = kServiceRole,
                    .action = action,
                    .entity_type = kEntityType,
                    .entity_id = claimed.id,
                    .details = std::move(details)};
}

// What every outcome of attempt claimed.attempts + 1, ended at `now`, has.
DeliveryChange Attempted(const NotificationRecord& claimed, DeliveryOutcome outcome,
                         std::string error, absl::Time now) {
  DeliveryChange c;
  c.outcome = outcome;
  c.attempts = claimed.attempts + 1;
  c.error = std::move(error);
  c.at = now;
  return c;
}

}  // namespace

std::string NotificationLifecycle::PayloadHash(const SendInput& input) {
  const TemplateSpec* spec = FindTemplate(input.template_name);
  std::string bytes =
      SendRequestBytes(input, spec != nullptr ? spec->secret_params : std::vector<std::string>{});
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return std::string(reinterpret_cast<const char*>(md), sizeof(md));
}

QueuedNotification NotificationLifecycle::Queue(NotificationRecord record, std::string payload_hash,
                                                const std::string& actor_sub) {
  record.status = kQueued;
  record.attempts = 0;
  record.last_error.clear();
  AuditEntry audit{.actor_sub = actor_sub,
                   .actor_role = kServiceRole,
                   .action = "NOTIFICATION_QUEUED",
                   .entity_type = kEntityType,
                   .entity_id = record.id,
                   .details = {{"request_id", record.request_id},
                               {"application_id", record.application_id},
                               {"channel", record.channel},
                               {"template", record.template_name},
                               {"attachments", record.attachments.size()}}};
  return QueuedNotification{std::move(record), std::move(payload_hash), std::move(audit)};
}

absl::Status NotificationLifecycle::CheckRepeat(absl::string_view stored_hash,
                                                absl::string_view payload_hash) {
  if (stored_hash != payload_hash) {
    return absl::AlreadyExistsError("request_id was already used for a different notification");
  }
  return absl::OkStatus();
}

absl::Duration NotificationLifecycle::BackoffCap(int attempts) const {
  absl::Duration cap = options_.base_backoff;
  for (int i = 0; i < attempts && cap < options_.max_backoff; ++i) cap *= 2;
  if (cap > options_.max_backoff) cap = options_.max_backoff;
  return cap;
}

DeliveryChange NotificationLifecycle::AfterAttempt(const NotificationRecord& claimed,
                                                   const absl::StatusOr<SendReceipt>& result,
                                                   absl::Time now,
                                                   absl::Duration retry_wait) const {
  if (result.ok()) {
    if (!result->provider_message_id.empty()) {
      return Sent(claimed, now, result->provider_message_id);
    }
    return Delivered(claimed, now);
  }
  const absl::Status& error_status = result.status();
  std::string error(error_status.message());
  bool permanent = IsPermanentDeliveryError(error_status);
  // A paused channel (its token refused, 190): the message waits for the probe; no attempt is
  // spent, so a long pause fails nothing.
  if (!permanent && FailurePolicyOf(error_status) == FailurePolicy::kPauseChannel) {
    DeliveryChange c =
        Retry(claimed, std::move(error), now, RetryDelayOf(error_status).value_or(retry_wait));
    c.attempts = claimed.attempts;
    return c;
  }
  if (permanent || claimed.attempts + 1 >= options_.max_attempts) {
    DeliveryChange c = Failed(claimed, std::move(error), now, permanent);
    c.fall_back_to_email =
        permanent && FailurePolicyOf(error_status) == FailurePolicy::kFallBackToEmail;
    if (c.fall_back_to_email && c.audit) c.audit->details["falls_back_to"] = "EMAIL";
    return c;
  }
  // A rate limit's Retry-After (or a paused channel's probe time) is the earliest next try.
  if (std::optional<absl::Duration> after = RetryDelayOf(error_status);
      after && *after > retry_wait) {
    retry_wait = *after;
  }
  return Retry(claimed, std::move(error), now, retry_wait);
}

DeliveryChange NotificationLifecycle::Sent(const NotificationRecord& claimed, absl::Time now,
                                           std::string provider_message_id) {
  DeliveryChange c = Attempted(claimed, DeliveryOutcome::kSent, "", now);
  c.drop_attachment_contents = true;
  c.provider_message_id = std::move(provider_message_id);
  return c;
}

std::optional<ReportedChange> NotificationLifecycle::AfterReports(
    const NotificationRecord& current, const std::vector<StatusReport>& reports) {
  if (current.status != kSent && current.status != kDelivered) return std::nullopt;
  ReportedChange c{.status = current.status,
                   .delivered_at = current.delivered_at,
                   .read_at = current.read_at,
                   .error = current.last_error};
  const StatusReport* failed = nullptr;
  for (const StatusReport& r : reports) {
    if (r.status == "delivered" || r.status == "read") {
      if (!c.delivered_at.has_value() || r.at < *c.delivered_at) c.delivered_at = r.at;
      if (r.status == "read") c.read_at = r.at;
    } else if (r.status == "failed") {
      failed = &r;
    }
  }
  if (c.delivered_at.has_value()) {
    c.status = kDelivered;  // a failure reported after delivery changes nothing
  } else if (failed != nullptr) {
    absl::Status s = DeliveryErrorForWhatsAppCode(
        failed->error_code, 0,
        absl::StrCat("WhatsApp reported the message failed: error ", failed->error_code,
                     failed->error_text.empty() ? "" : ": ", failed->error_text),
        std::nullopt);
    c.error = std::string(s.message());
    if (!IsPermanentDeliveryError(s)) {
      // A rate limit or "something went wrong" after the API took the message: sent again.
      c.status = kQueued;
      c.next_attempt_at = failed->at + absl::Minutes(1);
      return c;
    }
    c.status = kFailed;
    c.fall_back_to_email =
        FailurePolicyOf(s) == FailurePolicy::kFallBackToEmail && !current.fallback_email.empty();
  }
  if (c.status == current.status && c.delivered_at == current.delivered_at &&
      c.read_at == current.read_at) {
    return std::nullopt;
  }
  if (c.status != current.status) {
    nlohmann::json details = {{"attempts", current.attempts}, {"reported_by", "webhook"}};
    if (c.status == kFailed) {
      details["last_error"] = c.error;
      if (c.fall_back_to_email) details["falls_back_to"] = "EMAIL";
    }
    c.audit = WorkerAudit(current,
                          c.status == kDelivered ? "NOTIFICATION_DELIVERED" : "NOTIFICATION_FAILED",
                          std::move(details));
  }
  return c;
}

DeliveryChange NotificationLifecycle::Delivered(const NotificationRecord& claimed, absl::Time now) {
  DeliveryChange c = Attempted(claimed, DeliveryOutcome::kDelivered, "", now);
  c.drop_attachment_contents = true;
  c.audit = WorkerAudit(claimed, "NOTIFICATION_DELIVERED", {{"attempts", c.attempts}});
  return c;
}

DeliveryChange NotificationLifecycle::Retry(const NotificationRecord& claimed, std::string error,
                                            absl::Time now, absl::Duration retry_wait) {
  DeliveryChange c = Attempted(claimed, DeliveryOutcome::kRetry, std::move(error), now);
  c.retry_in = retry_wait;
  c.next_attempt_at = now + retry_wait;
  return c;
}

DeliveryChange NotificationLifecycle::Failed(const NotificationRecord& claimed, std::string error,
                                             absl::Time now, bool permanent) {
  DeliveryChange c = Attempted(claimed, DeliveryOutcome::kFailed, std::move(error), now);
  c.permanent = permanent;
  // The keystore of SOP step 7 is not kept for a message that will never go out.
  c.drop_attachment_contents = true;
  c.audit = WorkerAudit(claimed, "NOTIFICATION_FAILED",
                        {{"attempts", c.attempts}, {"last_error", c.error}});
  return c;
}

}  // namespace sertel::notification
