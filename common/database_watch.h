// Health that tells the truth: a service whose database is unreachable reports NOT_SERVING on
// grpc.health.v1 (both the TLS port and the plaintext probe port), so that Kubernetes takes it
// out of its Service while its writes answer UNAVAILABLE; when the database answers again it
// reports SERVING by itself, without a restart. A thread probes the database every `interval`
// over a connection of its own (not one of the pool's, so a busy pool never looks like an
// outage), with a connect timeout; on recovery the pool's idle connections, which the outage
// broke, are dropped so that no caller gets a stale one. The named health service "liveness"
// stays SERVING while the process runs (the liveness probe asks for it: an outage of the
// database is no reason to restart a service).
//
//   DatabaseWatch watch(config.database.url, &pool, [&](bool up) { server->SetServing(up); },
//                       absl::Seconds(1));
//   watch.Start();  ...  watch.Stop();
#pragma once

#include <functional>
#include <memory>
#include <pqxx/connection>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/pg_pool.h"

namespace sertel {

// `url` with a connect timeout of `seconds` (libpq's connect_timeout), in the URL's own syntax
// (URI or key=value).
std::string WithConnectTimeout(const std::string& url, int seconds);
// `url` with one more libpq connection parameter `key`=`value` (a plain word), in the URL's own
// syntax.
std::string WithConnectOption(const std::string& url, const std::string& key,
                              const std::string& value);

class DatabaseWatch {
 public:
  // `on_change(up)` runs when the answer changes (the database starts out reachable: the
  // service applied its migrations).
  DatabaseWatch(std::string url, PgPool* pool, std::function<void(bool up)> on_change,
                absl::Duration interval);
  ~DatabaseWatch();

  // One probe: true when the database answered. Updates the health status, the gauge
  // sertel_database_up and, on a change, logs database_unreachable / database_reachable.
  bool ProbeOnce();

  void Start();  // probes every interval on a thread of its own
  void Stop();

 private:
  std::string url_;
  PgPool* pool_;
  std::function<void(bool)> on_change_;
  absl::Duration interval_;
  std::unique_ptr<pqxx::connection> conn_;
  bool up_ = true;
  std::thread thread_;
  absl::Notification stop_;
};

}  // namespace sertel
