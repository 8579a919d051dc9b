#include "common/outbox.h"

#include <algorithm>
#include <pqxx/pqxx>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
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
                     const std::string& payload, const std::string& application_id) {
  pqxx::binarystring bytes(payload);
  RunQuery(tx, common::queries::kInsertOutbox, topic, idempotency_key, bytes, application_id);
}

void Outbox::Enqueue(pqxx::work& tx, const OutboxItem& item) {
  Enqueue(tx, item.topic, item.key, item.payload, item.application_id);
}

OutboxDispatcher::OutboxDispatcher(PgPool* pool, OutboxConfig config)
    : pool_(pool), config_(config) {}

OutboxDispatcher::~OutboxDispatcher() { Stop(); }

void OutboxDispatcher::Register(const std::string& topic, Handler handler) {
  handlers_[topic] = std::move(handler);
}

void OutboxDispatcher::CountDeadRows(std::string service, DeadRowCounter counter) {
  gauge_service_ = std::move(service);
  if (counter == nullptr) {
    counter = [this]() -> absl::StatusOr<int64_t> {
      return pool_->ReadOne<int64_t>([](pqxx::nontransaction& tx) -> absl::StatusOr<int64_t> {
        return RunQuery(tx, common::queries::kCountDeadOutbox)[0]["dead"].as<int64_t>();
      });
    };
  }
  count_dead_ = std::move(counter);
}

absl::Status OutboxDispatcher::RefreshDeadGauge() {
  if (count_dead_ == nullptr) return absl::OkStatus();
  absl::StatusOr<int64_t> dead = count_dead_();
  if (!dead.ok()) return dead.status();
  Metrics::Global().SetGauge("sertel_outbox_dead_rows", {{"service", gauge_service_}},
                             static_cast<double>(*dead));
  return absl::OkStatus();
}

absl::Duration OutboxDispatcher::Backoff(int attempts) {
  absl::Duration cap = config_.base_backoff;
  for (int i = 0; i < attempts && cap < config_.max_backoff; ++i) cap *= 2;
  if (cap > config_.max_backoff) cap = config_.max_backoff;
  absl::MutexLock lock(&rng_mu_);
  double fraction = absl::Uniform(rng_, 0.5, 1.0);  // jitter, but never a zero wait
  return cap * fraction;
}

absl::Status OutboxDispatcher::Deliver(const OutboxMessage& m) const {
  auto it = handlers_.find(m.topic);
  if (it == handlers_.end()) {
    return absl::UnimplementedError(absl::StrCat("no handler for topic ", m.topic));
  }
  try {
    return it->second(m);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("handler threw: ", e.what()));
  }
}

std::vector<absl::Status> OutboxDispatcher::DeliverAll(
    const std::vector<OutboxMessage>& batch) const {
  // The rows of one application in claim order, one after the other (a later report must not
  // overtake an earlier one); different applications side by side, at most `parallelism` at once.
  std::vector<std::vector<size_t>> groups;
  absl::flat_hash_map<std::string, size_t> group_of;
  for (size_t i = 0; i < batch.size(); ++i) {
    const std::string& app = batch[i].application_id;
    if (app.empty()) {
      groups.push_back({i});
      continue;
    }
    auto [it, fresh] = group_of.try_emplace(app, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  std::vector<absl::Status> results(batch.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t g = next++; g < groups.size(); g = next++) {
      for (size_t i : groups[g]) results[i] = Deliver(batch[i]);
    }
  };
  const size_t workers =
      std::min(groups.size(), static_cast<size_t>(std::max<int64_t>(1, config_.parallelism)));
  std::vector<std::thread> threads;
  for (size_t t = 1; t < workers; ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
  return results;
}

absl::StatusOr<int> OutboxDispatcher::RunOnce() {
  return pool_->InTransaction<int>([&](pqxx::work& tx) -> absl::StatusOr<int> {
    pqxx::result rows = RunQuery(tx, common::queries::kClaimOutbox, config_.batch_size);
    std::vector<OutboxMessage> batch;
    batch.reserve(rows.size());
    for (const auto& row : rows) {
      OutboxMessage m;
      m.id = row["id"].as<int64_t>();
      m.topic = row["topic"].as<std::string>();
      m.idempotency_key = row["idempotency_key"].as<std::string>();
      m.payload = pqxx::binarystring(row["payload"]).str();
      m.attempts = row["attempts"].as<int>();
      m.application_id = row["application_id"].as<std::string>();
      batch.push_back(std::move(m));
    }
    // The rows stay locked (claimed) while their calls run; the outcomes are written here.
    std::vector<absl::Status> results = DeliverAll(batch);
    int handled = 0;
    for (size_t i = 0; i < batch.size(); ++i) {
      const OutboxMessage& m = batch[i];
      const absl::Status& result = results[i];
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
        dead_since_refresh_ = true;
        Metrics::Global().Increment("sertel_outbox_dead_total", {{"topic", m.topic}});
        // The operator's cue (docs/operations.md, "When an outbox row is DEAD").
        Log::Error("outbox_dead_letter", {{"topic", m.topic},
                                          {"outbox_id", m.id},
                                          {"application_id", m.application_id},
                                          {"attempts", attempts},
                                          {"error", error},
                                          {"remedy",
                                           "fix the cause, then: sertelctl outbox retry "
                                           "<service> <outbox_id>"}});
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
    absl::Time next_gauge = absl::InfinitePast();
    while (!stop_.HasBeenNotified()) {
      absl::StatusOr<int> n = RunOnce();
      if (!n.ok()) Log::Warn("outbox_poll_failed", {{"error", n.status().ToString()}});
      if (dead_since_refresh_.exchange(false) || absl::Now() >= next_gauge) {
        if (absl::Status s = RefreshDeadGauge(); !s.ok()) {
          Log::Warn("outbox_dead_gauge_failed", {{"error", s.ToString()}});
        }
        next_gauge = absl::Now() + kDeadGaugeInterval;
      }
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
