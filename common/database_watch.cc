#include "common/database_watch.h"

#include <pqxx/nontransaction>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/metrics.h"

namespace sertel {

std::string WithConnectOption(const std::string& url, const std::string& key,
                              const std::string& value) {
  if (absl::StartsWith(url, "postgres://") || absl::StartsWith(url, "postgresql://")) {
    return absl::StrCat(url, absl::StrContains(url, "?") ? "&" : "?", key, "=", value);
  }
  return absl::StrCat(url, " ", key, "=", value);
}

std::string WithConnectTimeout(const std::string& url, int seconds) {
  return WithConnectOption(url, "connect_timeout", absl::StrCat(seconds));
}

DatabaseWatch::DatabaseWatch(std::string url, PgPool* pool, std::function<void(bool)> on_change,
                             absl::Duration interval)
    : url_(WithConnectTimeout(url, 2)),
      pool_(pool),
      on_change_(std::move(on_change)),
      interval_(interval) {}

DatabaseWatch::~DatabaseWatch() { Stop(); }

bool DatabaseWatch::ProbeOnce() {
  bool up = false;
  try {
    if (conn_ == nullptr) conn_ = std::make_unique<pqxx::connection>(url_);
    pqxx::nontransaction tx(*conn_);
    tx.exec("SELECT 1");
    up = true;
  } catch (const std::exception& e) {
    conn_.reset();  // reconnect on the next probe
    if (up_) Log::Error("database_unreachable", {{"error", e.what()}});
  }
  if (up && !up_) {
    pool_->DiscardIdle();  // the outage broke them
    Log::Info("database_reachable");
  }
  if (up != up_ && on_change_) on_change_(up);
  up_ = up;
  Metrics::Global().SetGauge("sertel_database_up", {}, up ? 1 : 0);
  return up;
}

void DatabaseWatch::Start() {
  thread_ = std::thread([this] {
    do {
      ProbeOnce();
    } while (!stop_.WaitForNotificationWithTimeout(interval_));
  });
}

void DatabaseWatch::Stop() {
  if (!thread_.joinable()) return;
  stop_.Notify();
  thread_.join();
}

}  // namespace sertel
