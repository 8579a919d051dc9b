#include "delivery_worker.h"

#include <openssl/rand.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/metrics.h"

namespace sertel::notification {
namespace {

std::string NewClaimToken() {
  unsigned char b[16];
  RAND_bytes(b, sizeof(b));
  b[6] = (b[6] & 0x0F) | 0x40;
  b[8] = (b[8] & 0x3F) | 0x80;
  std::string hex =
      absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(b), sizeof(b)));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
}

}  // namespace

DeliveryWorker::DeliveryWorker(NotificationStore* store, const NotificationManager* manager,
                               Sender* email, Sender* whatsapp, Options options,
                               const Clock* clock)
    : store_(store),
      manager_(manager),
      email_(email),
      whatsapp_(whatsapp),
      options_(options),
      clock_(clock) {}

DeliveryWorker::~DeliveryWorker() { Stop(); }

absl::Duration DeliveryWorker::Backoff(int attempts) {
  absl::Duration cap = options_.base_backoff;
  for (int i = 0; i < attempts && cap < options_.max_backoff; ++i) cap *= 2;
  if (cap > options_.max_backoff) cap = options_.max_backoff;
  absl::MutexLock lock(&rng_mu_);
  return cap * absl::Uniform(rng_, 0.0, 1.0);
}

absl::StatusOr<int> DeliveryWorker::RunOnce() {
  std::string token = NewClaimToken();
  absl::StatusOr<std::vector<NotificationRecord>> claimed =
      store_->Claim(clock_->Now(), options_.lease, options_.batch_size, token);
  if (!claimed.ok()) return claimed.status();
  for (const NotificationRecord& record : *claimed) Deliver(record, token);
  return static_cast<int>(claimed->size());
}

void DeliveryWorker::Deliver(const NotificationRecord& record, const std::string& token) {
  int attempts = record.attempts + 1;
  nlohmann::json fields = {{"notification_id", record.id},
                           {"channel", record.channel},
                           {"template", record.template_name},
                           {"attempt", attempts}};
  absl::Status result;
  Sender* sender = record.channel == "WHATSAPP" ? whatsapp_ : email_;
  if (sender == nullptr) {
    result = PermanentDeliveryError(absl::StrCat("the ", record.channel,
                                                 " channel is not configured"));
  } else {
    absl::StatusOr<OutgoingMessage> message = manager_->PrepareDelivery(record);
    if (!message.ok()) {
      result = message.status();
    } else {
      try {
        result = sender->Send(*message);
      } catch (const std::exception& e) {
        result = TemporaryDeliveryError(absl::StrCat("sender threw: ", e.what()));
      }
      for (auto& a : message->attachments) std::fill(a.content.begin(), a.content.end(), '\0');
    }
  }
  absl::Time now = clock_->Now();
  absl::Status saved;
  if (result.ok()) {
    saved = store_->MarkDelivered(record.id, token, attempts, now);
    Metrics::Global().Increment("sertel_notification_delivered_total",
                                {{"channel", record.channel}});
    Log::Info("notification_delivered", fields);
  } else {
    std::string error(result.message());
    fields["error"] = error;
    if (IsPermanentDeliveryError(result) || attempts >= options_.max_attempts) {
      saved = store_->MarkFailed(record.id, token, attempts, error, now);
      Metrics::Global().Increment("sertel_notification_failed_total",
                                  {{"channel", record.channel}});
      fields["permanent"] = IsPermanentDeliveryError(result);
      Log::Error("notification_failed", fields);
    } else {
      absl::Duration wait = Backoff(record.attempts);
      saved = store_->MarkRetry(record.id, token, attempts, error, now + wait, now);
      Metrics::Global().Increment("sertel_notification_retries_total",
                                  {{"channel", record.channel}});
      fields["retry_in_ms"] = absl::ToInt64Milliseconds(wait);
      Log::Warn("notification_retry", fields);
    }
  }
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
