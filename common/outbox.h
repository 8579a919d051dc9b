// The transactional outbox (docs/architecture.md): Outbox::Enqueue writes the call a state change
// owes a downstream service into the same transaction; OutboxDispatcher delivers pending rows
// later, claiming them with FOR UPDATE SKIP LOCKED so several replicas never deliver one row
// at once, retrying with exponential backoff and jitter, and after max_attempts marking the row
// DEAD (kept, logged, counted in /metrics), never dropping it silently. The calls of a batch run
// side by side (SERTEL_OUTBOX_PARALLELISM), the rows of one application one after the other in
// the order they were written, so that a backlog of one kind (a bulk of progress reports) does
// not hold every other message back for minutes. A DEAD row marks the
// application it is about (common/outbox_attention.h) and shows in the gauge
// sertel_outbox_dead_rows{service} until an operator retries it (OutboxAdminService).
//
//   Outbox::Enqueue(tx, "disposition.OpenCase", request_id, request.SerializeAsString());
//   OutboxDispatcher dispatcher(pool, config.outbox);
//   dispatcher.Register("disposition.OpenCase", [&](const OutboxMessage& m) { ... });
//   dispatcher.Start();
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <pqxx/transaction>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/change_records.h"
#include "common/config.h"
#include "common/pg_pool.h"

namespace sertel {

struct OutboxMessage {
  int64_t id = 0;
  std::string topic;
  std::string idempotency_key;
  std::string payload;
  int attempts = 0;            // failed attempts so far
  std::string application_id;  // "" when the row is about none
};

class Outbox {
 public:
  // Inserts a PENDING row; a second row with the same topic and key is ignored (idempotent).
  // `application_id` ("" when none) is what the row marks should it go DEAD.
  static void Enqueue(pqxx::work& tx, const std::string& topic, const std::string& idempotency_key,
                      const std::string& payload, const std::string& application_id = "");
  static void Enqueue(pqxx::work& tx, const OutboxItem& item);
};

class OutboxDispatcher {
 public:
  // A handler returns OK when the downstream call succeeded. INVALID_ARGUMENT and ALREADY_EXISTS
  // are permanent (the request itself is wrong: the row goes DEAD at once); everything else,
  // UNIMPLEMENTED and UNAVAILABLE included, is retried until max_attempts.
  using Handler = std::function<absl::Status(const OutboxMessage&)>;

  OutboxDispatcher(PgPool* pool, OutboxConfig config);
  ~OutboxDispatcher();

  void Register(const std::string& topic, Handler handler);

  // Counts the DEAD rows for the gauge sertel_outbox_dead_rows{service=`service`} (by default
  // this schema's outbox table; the notification service counts its FAILED deliveries). Without
  // a call the gauge is not kept.
  using DeadRowCounter = std::function<absl::StatusOr<int64_t>()>;
  void CountDeadRows(std::string service, DeadRowCounter counter = nullptr);
  // Sets the gauge now. The loop calls it after a batch that made a row DEAD and at least every
  // kDeadGaugeInterval (a retry, another replica), so it costs one index-only count at most that
  // often.
  absl::Status RefreshDeadGauge();
  static constexpr absl::Duration kDeadGaugeInterval = absl::Seconds(10);

  // Claims and delivers one batch of due rows; returns how many it handled. For tests and Start.
  absl::StatusOr<int> RunOnce();

  void Start();  // a background thread polling every poll_interval
  void Stop();   // finishes the batch in flight

  // The delay before attempt `attempts + 1`: uniformly in [cap / 2, cap], cap = min(max,
  // base * 2^attempts).
  absl::Duration Backoff(int attempts);

 private:
  // One row's call: its topic's handler (a throw and an unknown topic are errors).
  absl::Status Deliver(const OutboxMessage& m) const;
  // Every row's call, the rows of one application in order, applications in parallel.
  std::vector<absl::Status> DeliverAll(const std::vector<OutboxMessage>& batch) const;

  PgPool* pool_;
  OutboxConfig config_;
  absl::flat_hash_map<std::string, Handler> handlers_;
  std::string gauge_service_;
  DeadRowCounter count_dead_;
  std::atomic<bool> dead_since_refresh_{false};
  absl::Mutex rng_mu_;
  absl::BitGen rng_ ABSL_GUARDED_BY(rng_mu_);
  std::thread thread_;
  absl::Notification stop_;
};

}  // namespace sertel
