#include "snapshot_listener.h"

#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/notification>

#include "absl/strings/str_cat.h"
#include "certificate_inputs.h"
#include "common/database_watch.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/pg_connection_probe.h"
#include "common/pg_pool.h"

namespace sertel::certificate {

// The NIKs the triggers send. Anyone who may connect may NOTIFY on any channel: a payload that
// is not a NIK is dropped (it could only cost a re-read anyway).
class HolderNotices final : public pqxx::notification_receiver {
 public:
  HolderNotices(pqxx::connection_base& conn, const std::string& channel,
                absl::flat_hash_set<std::string>* pending)
      : pqxx::notification_receiver(conn, channel), pending_(pending) {}
  void operator()(const std::string& payload, int /*backend_pid*/) override {
    if (IsNikShaped(payload)) pending_->insert(payload);
  }

 private:
  absl::flat_hash_set<std::string>* pending_;
};

SnapshotListener::SnapshotListener(Options options, CertificateStore* store,
                                   CertificateSnapshot* snapshot)
    : options_(std::move(options)), store_(store), snapshot_(snapshot) {}

SnapshotListener::~SnapshotListener() { Stop(); }

absl::Status SnapshotListener::Start() {
  if (absl::Status s = RunRound(); !s.ok()) return s;
  thread_ = std::thread([this] {
    absl::Duration backoff = absl::Milliseconds(100);
    while (!stop_.HasBeenNotified()) {
      absl::Status s = RunRound();
      if (s.ok()) {
        backoff = absl::Milliseconds(100);
        continue;
      }
      Log::Error("certificate_snapshot_listener_failed", {{"error", std::string(s.message())}});
      Metrics::Global().Increment("sertel_certificate_snapshot_failures_total", {});
      stop_.WaitForNotificationWithTimeout(backoff);
      backoff = std::min(backoff * 2, absl::Seconds(5));
    }
  });
  return absl::OkStatus();
}

void SnapshotListener::Stop() {
  if (!thread_.joinable()) return;
  stop_.Notify();
  thread_.join();
  Disconnect();
}

void SnapshotListener::Disconnect() {
  notices_.reset();
  conn_.reset();
  pending_.clear();
}

absl::Status SnapshotListener::Connect() {
  try {
    conn_ = std::make_unique<pqxx::connection>(WithConnectOption(
        WithConnectTimeout(options_.url, 2), "application_name", kApplicationName));
    // LISTEN runs here, before the full reload reads: no change falls between the two.
    notices_ = std::make_unique<HolderNotices>(*conn_, absl::StrCat(options_.schema, "_holders"),
                                               &pending_);
    return absl::OkStatus();
  } catch (const std::exception& e) {
    Disconnect();
    return PgErrorToStatus(e);
  }
}

absl::Status SnapshotListener::RunRound() {
  absl::Status s = Round();
  // Notices may have been lost: the next round connects again and reloads everything.
  if (!s.ok()) Disconnect();
  return s;
}

absl::Status SnapshotListener::Round() {
  if (conn_ == nullptr) {
    absl::Time as_of = snapshot_->Now();
    if (absl::Status s = Connect(); !s.ok()) return s;
    pending_.clear();  // the full reload reads after LISTEN: it covers them
    absl::MutexLock lock(&reload_mu_);
    return ReloadAll(as_of);
  }
  try {
    absl::Duration wait = options_.heartbeat;
    conn_->await_notification(absl::ToInt64Seconds(wait),
                              absl::ToInt64Microseconds(wait % absl::Seconds(1)));
    // A server that ended the connection while we waited is caught before a statement runs.
    if (!ServerStillHolds(*conn_)) {
      return absl::UnavailableError("the database closed the listener's connection");
    }
    // Every notice committed before this statement is delivered by the time it returns.
    absl::Time as_of = snapshot_->Now();
    {
      pqxx::nontransaction tx(*conn_);
      tx.exec("SELECT 1");
    }
    conn_->get_notifs();
    absl::MutexLock lock(&reload_mu_);
    if (as_of - last_full_ >= options_.full_reload) {
      pending_.clear();
      return ReloadAll(as_of);
    }
    if (!pending_.empty()) {
      std::vector<std::string> niks(pending_.begin(), pending_.end());
      pending_.clear();
      if (absl::Status s = ReloadNiks(niks); !s.ok()) return s;
    }
    snapshot_->ConfirmFresh(as_of);
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return PgErrorToStatus(e);
  }
}

absl::Status SnapshotListener::ReloadAll(absl::Time as_of) {
  absl::StatusOr<SnapshotRows> rows = store_->LoadSnapshotRows(nullptr);
  if (!rows.ok()) return rows.status();
  size_t count = rows->certificates.size();
  snapshot_->ReplaceAll(*std::move(rows), as_of);
  last_full_ = as_of;
  Metrics::Global().Increment("sertel_certificate_snapshot_reloads_total", {{"kind", "full"}});
  Log::Debug("certificate_snapshot_loaded", {{"certificates", static_cast<int64_t>(count)}});
  return absl::OkStatus();
}

absl::Status SnapshotListener::ReloadNiks(const std::vector<std::string>& niks) {
  absl::StatusOr<SnapshotRows> rows = store_->LoadSnapshotRows(&niks);
  if (!rows.ok()) return rows.status();
  snapshot_->ReplaceNiks(niks, *std::move(rows));
  Metrics::Global().Increment("sertel_certificate_snapshot_reloads_total", {{"kind", "niks"}});
  return absl::OkStatus();
}

void SnapshotListener::Refresh(const std::string& nik) {
  absl::MutexLock lock(&reload_mu_);
  if (absl::Status s = ReloadNiks({nik}); !s.ok()) {
    Log::Error("certificate_snapshot_refresh_failed", {{"error", std::string(s.message())}});
  }
}

}  // namespace sertel::certificate
