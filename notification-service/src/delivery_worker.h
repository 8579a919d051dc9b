// Delivers queued messages: claims due rows (FOR UPDATE SKIP LOCKED, then a lease so the send
// happens outside any transaction and a crashed worker's rows come back), sends each through its
// channel, and lets NotificationLifecycle decide what follows - DELIVERED (attachment bytes
// deleted), a retry with exponential backoff and jitter, or FAILED (permanent error or
// max_attempts reached) with last_error and an audit record - which NotificationStore::Apply
// writes while the claim still holds. Several workers, in one process or many, never send one
// message twice at once.
//
//   DeliveryWorker worker(&store, &manager, &smtp, &whatsapp, {.max_attempts = 8}, clock);
//   worker.RunOnce();   // tests
//   worker.Start();     // production: a background thread; Stop() finishes the batch in flight
#pragma once

#include <string>
#include <thread>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "notification_lifecycle.h"
#include "notification_manager.h"
#include "notification_store.h"
#include "sender.h"

namespace sertel::notification {

class DeliveryWorker {
 public:
  struct Options {
    int max_attempts = 8;
    absl::Duration base_backoff = absl::Seconds(5);
    absl::Duration max_backoff = absl::Minutes(30);
    // Longer than a batch of sends can take (batch_size x the channel timeout), or another
    // worker could take over a message that is still being sent.
    absl::Duration lease = absl::Minutes(10);
    absl::Duration poll_interval = absl::Milliseconds(500);
    int batch_size = 4;
  };

  // `whatsapp` may be null (channel not configured): such messages fail permanently.
  DeliveryWorker(NotificationStore* store, const NotificationManager* manager, Sender* email,
                 Sender* whatsapp, Options options, const Clock* clock = SystemClock::Default());
  ~DeliveryWorker();

  // Claims and handles one batch; returns how many messages it handled.
  absl::StatusOr<int> RunOnce();
  void Start();
  void Stop();

  // Jitter over the upper half: uniformly in [cap / 2, cap], cap = min(max_backoff,
  // base_backoff * 2^attempts). So the attempts span at least half the sum of the caps (about
  // 10 minutes with the defaults) before a message is FAILED.
  absl::Duration Backoff(int attempts);

 private:
  void Deliver(const NotificationRecord& record, const std::string& claim_token);
  // Sends `record` through its channel: OK, or a temporary or permanent delivery error.
  absl::StatusOr<SendReceipt> Attempt(const NotificationRecord& record);

  NotificationStore* store_;
  const NotificationManager* manager_;
  Sender* email_;
  Sender* whatsapp_;
  Options options_;
  NotificationLifecycle lifecycle_;
  const Clock* clock_;
  absl::Mutex rng_mu_;
  absl::BitGen rng_ ABSL_GUARDED_BY(rng_mu_);
  std::thread thread_;
  absl::Notification stop_;
};

}  // namespace sertel::notification
