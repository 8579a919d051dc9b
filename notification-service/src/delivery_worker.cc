#include "delivery_worker.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/uuid.h"

namespace sertel::notification {
namespace {

// The metric, the log line and its level for one attempt's outcome.
void Report(const NotificationRecord& record, const DeliveryChange& change, nlohmann::json fields) {
  const MetricLabels labels = {{"channel", record.channel}};
  switch (change.outcome) {
    case DeliveryOutcome::kSent:
      Metrics::Global().Increment("sertel_notification_sent_total", labels);
      fields["provider_message_id"] = change.provider_message_id;
      Log::Info("notification_sent", fields);
      return;
    case DeliveryOutcome::kDelivered:
      Metrics::Global().Increment("sertel_notification_delivered_total", labels);
      Log::Info("notification_delivered", fields);
      return;
    case DeliveryOutcome::kFailed:
      fields["error"] = change.error;
      Metrics::Global().Increment("sertel_notification_failed_total", labels);
      fields["permanent"] = change.permanent;
      Log::Error("notification_failed", fields);
      return;
    case DeliveryOutcome::kRetry:
      fields["error"] = change.error;
      Metrics::Global().Increment("sertel_notification_retries_total", labels);
      fields["retry_in_ms"] = absl::ToInt64Milliseconds(change.retry_in);
      Log::Warn("notification_retry", fields);
      return;
  }
}

}  // namespace

DeliveryWorker::DeliveryWorker(NotificationStore* store, const NotificationManager* manager,
                               Sender* email, Sender* whatsapp, Options options, const Clock* clock)
    : store_(store),
      manager_(manager),
      email_(email),
      whatsapp_(whatsapp),
      options_(options),
      lifecycle_({.max_attempts = options.max_attempts,
                  .base_backoff = options.base_backoff,
                  .max_backoff = options.max_backoff}),
      clock_(clock) {}

DeliveryWorker::~DeliveryWorker() { Stop(); }

absl::Duration DeliveryWorker::Backoff(int attempts) {
  absl::Duration cap = lifecycle_.BackoffCap(attempts);
  absl::MutexLock lock(&rng_mu_);
  // Never less than half the cap (as common/outbox.cc): a run of short draws must not spend
  // every attempt within a short outage of the SMTP server or the Cloud API.
  return cap * absl::Uniform(rng_, 0.5, 1.0);
}

absl::StatusOr<int> DeliveryWorker::RunOnce() {
  std::string token = NewUuid();
  absl::StatusOr<std::vector<NotificationRecord>> claimed =
      store_->Claim(clock_->Now(), options_.lease, options_.batch_size, token);
  if (!claimed.ok()) return claimed.status();
  for (const NotificationRecord& record : *claimed) Deliver(record, token);
  return static_cast<int>(claimed->size());
}

absl::StatusOr<SendReceipt> DeliveryWorker::Attempt(const NotificationRecord& record) {
  Sender* sender = record.channel == "WHATSAPP" ? whatsapp_ : email_;
  if (sender == nullptr) {
    return PermanentDeliveryError(
        absl::StrCat("the ", record.channel, " channel is not configured"));
  }
  absl::StatusOr<OutgoingMessage> message = manager_->PrepareDelivery(record);
  if (!message.ok()) return message.status();
  absl::StatusOr<SendReceipt> result = TemporaryDeliveryError("not sent");
  try {
    result = sender->Send(*message);
  } catch (const std::exception& e) {
    result = TemporaryDeliveryError(absl::StrCat("sender threw: ", e.what()));
  }
  for (auto& a : message->attachments) std::fill(a.content.begin(), a.content.end(), '\0');
  return result;
}

void DeliveryWorker::Deliver(const NotificationRecord& record, const std::string& token) {
  absl::StatusOr<SendReceipt> result = Attempt(record);
  absl::Time now = clock_->Now();
  absl::Duration wait = Backoff(record.attempts);
  const NotificationStore::ReportRules rules{
      .decide = &NotificationLifecycle::AfterReports,
      .fallback = [this](const NotificationRecord& whatsapp) {
        return manager_->FallbackEmail(whatsapp);
      }};
  absl::Status saved = store_->Apply(
      record.id, token,
      [&](const NotificationRecord& current) {
        return lifecycle_.AfterAttempt(current, result, now, wait);
      },
      &rules);
  if (!result.ok() && FailurePolicyOf(result.status()) == FailurePolicy::kDeadLetter) {
    // The template as Meta approved it differs from whatsapp_templates.json: every message of it
    // fails until someone fixes one or the other (docs/whatsapp.md).
    Metrics::Global().Increment("sertel_notification_dead_letter_total",
                                {{"channel", record.channel}, {"reason", "template"}});
    Log::Error("whatsapp_template_rejected", {{"notification_id", record.id},
                                              {"template", record.template_name},
                                              {"error", std::string(result.status().message())}});
  }

  // The same rule on the claimed copy for the metric and the log line: the attempt happened
  // even when its outcome could not be saved.
  Report(record, lifecycle_.AfterAttempt(record, result, now, wait),
         {{"notification_id", record.id},
          {"outbox_id", record.seq},  // what `sertelctl outbox retry notification` takes
          {"application_id", record.application_id},
          {"channel", record.channel},
          {"template", record.template_name},
          {"attempt", record.attempts + 1}});
  if (!saved.ok()) {
    // The lease ran out and another worker took the message, or the database is down: the row
    // stays claimed until its lease ends and is then handled again (at-least-once; the email
    // Message-ID lets the receiver drop a duplicate).
    Log::Error("notification_state_not_saved",
               {{"notification_id", record.id}, {"error", saved.ToString()}});
  }
}

void DeliveryWorker::Start() {
  thread_ = std::thread([this] {
    while (!stop_.HasBeenNotified()) {
      absl::StatusOr<int> n = RunOnce();
      if (!n.ok()) Log::Warn("notification_poll_failed", {{"error", n.status().ToString()}});
      if (n.ok() && *n >= options_.batch_size) continue;  // more may be due
      stop_.WaitForNotificationWithTimeout(options_.poll_interval);
    }
  });
}

void DeliveryWorker::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sertel::notification
