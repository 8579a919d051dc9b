#include "common/outbox.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/sql_query.h"
#include "common_queries.h"

namespace sertel {
namespace {

bool IsPermanent(const absl::Status& s) {
  return absl::IsInvalidArgument(s) || absl::IsAlreadyExists(s);
}

}  // namespace

void Outbox::Enqueue(pqxx::work& tx, const std::string& topic, const std::string& idempotency_key,
                     const std::string& payload) {
  pqxx::binarystring bytes(payload);
  RunQuery(tx, common::queries::kInsertOutbox, topic, idempotency_key, bytes);
}

void Outbox::Enqueue(pqxx::work& tx, const OutboxItem& item) {
  Enqueue(tx, item.topic, item.key, item.payload);
}

OutboxDispatcher::OutboxDispatcher(PgPool* pool, OutboxConfig config)
    : pool_(pool), config_(config) {}

OutboxDispatcher::~OutboxDispatcher() { Stop(); }

void OutboxDispatcher::Register(const std::string& topic, Handler handler) {
  handlers_[topic] = std::move(handler);
}

absl::Duration OutboxDispatcher::Backoff(int attempts) {
  absl::Duration cap = config_.base_backoff;
  for (int i = 0; i < attempts && cap < config_.max_backoff; ++i) cap *= 2;
  if (cap > config_.max_backoff) cap = config_.max_backoff;
  absl::MutexLock lock(&rng_mu_);
  double fraction = absl::Uniform(rng_, 0.5, 1.0);  // jitter, but never a zero wait
  return cap * fraction;
}

absl::StatusOr<int> OutboxDispatcher::RunOnce() {
  return pool_->InTransaction<int>([&](pqxx::work& tx) -> absl::StatusOr<int> {
    pqxx::result rows = RunQuery(tx, common::queries::kClaimOutbox, config_.batch_size);
    int handled = 0;
    for (const auto& row : rows) {
      OutboxMessage m;
      m.id = row["id"].as<int64_t>();
      m.topic = row["topic"].as<std::string>();
      m.idempotency_key = row["idempotency_key"].as<std::string>();
      m.payload = pqxx::binarystring(row["payload"]).str();
      m.attempts = row["attempts"].as<int>();
      absl::Status result;
      auto it = handlers_.find(m.topic);
      if (it == handlers_.end()) {
        result = absl::UnimplementedError(absl::StrCat("no handler for topic ", m.topic));
      } else {
        try {
          result = it->second(m);
        } catch (const std::exception& e) {
          result = absl::InternalError(absl::StrCat("handler threw: ", e.what()));
        }
      }
      ++handled;
      if (result.ok()) {
        RunQuery(tx, common::queries::kMarkOutboxDelivered, m.id);
        Metrics::Global().Increment("sertel_outbox_delivered_total", {{"topic", m.topic}});
        Log::Info("outbox_delivered",
                  {{"topic", m.topic}, {"outbox_id", m.id}, {"attempts", m.attempts + 1}});
        continue;
      }
      int attempts = m.attempts + 1;
      std::string error = result.ToString();
      if (IsPermanent(result) || attempts >= config_.max_attempts) {
        RunQuery(tx, common::queries::kMarkOutboxDead, m.id, attempts, error);
        Metrics::Global().Increment("sertel_outbox_dead_total", {{"topic", m.topic}});
        Log::Error(
            "outbox_dead_letter",
            {{"topic", m.topic}, {"outbox_id", m.id}, {"attempts", attempts}, {"error", error}});
        continue;
      }
      absl::Duration wait = Backoff(m.attempts);
      RunQuery(tx, common::queries::kMarkOutboxRetry, m.id, attempts, error,
               absl::ToInt64Microseconds(wait));
      Metrics::Global().Increment("sertel_outbox_retries_total", {{"topic", m.topic}});
      Log::Warn("outbox_retry", {{"topic", m.topic},
                                 {"outbox_id", m.id},
                                 {"attempts", attempts},
                                 {"error", error},
                                 {"retry_in_ms", absl::ToInt64Milliseconds(wait)}});
    }
    return handled;
  });
}

void OutboxDispatcher::Start() {
  thread_ = std::thread([this] {
    while (!stop_.HasBeenNotified()) {
      absl::StatusOr<int> n = RunOnce();
      if (!n.ok()) Log::Warn("outbox_poll_failed", {{"error", n.status().ToString()}});
      // A full batch means more may be due: go again at once.
      if (n.ok() && *n >= config_.batch_size) continue;
      stop_.WaitForNotificationWithTimeout(config_.poll_interval);
    }
  });
}

void OutboxDispatcher::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sertel
