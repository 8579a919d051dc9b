// Keeps CheckCertificate's snapshot (certificate_snapshot.h) current on every replica (issue 22):
// a connection of its own LISTENs on <schema>_holders, where migration V006's triggers send the
// NIK of every certificate issued or revoked and every enrollment started, from the writing
// transaction. Each round waits for notices up to `heartbeat`, then runs one statement on that
// connection (PostgreSQL delivers every notice committed before it by then), re-reads the rows
// of the NIKs noticed and confirms the snapshot fresh as of the statement's start. A full reload
// runs at start, after every reconnect (notices sent meanwhile are lost) and every
// `full_reload` (a safety net). The replica's own writes come through Refresh at once
// (CertificateStore::SetOnHolderChange), so a caller who revokes and checks on the same replica
// sees the revocation.
//
//   SnapshotListener listener({.url = url, .schema = "certificate"}, &store, &snapshot);
//   if (absl::Status s = listener.Start(); !s.ok()) ...   // the first full load
//   ...  listener.Stop();
#pragma once

#include <memory>
#include <pqxx/connection>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "certificate_snapshot.h"
#include "certificate_store.h"

namespace sertel::certificate {

class HolderNotices;

class SnapshotListener {
 public:
  struct Options {
    std::string url{};
    std::string schema{};
    absl::Duration heartbeat = absl::Seconds(1);
    absl::Duration full_reload = absl::Minutes(5);
  };

  // The listening connection's application_name (pg_stat_activity).
  static constexpr const char* kApplicationName = "sertel-certificate-snapshot";

  SnapshotListener(Options options, CertificateStore* store, CertificateSnapshot* snapshot);
  ~SnapshotListener();

  // Connects, listens and loads everything once (an error here stops the service), then keeps
  // the snapshot current on a thread of its own.
  absl::Status Start();
  void Stop();

  // Re-reads the rows of `nik` now (a write of this replica, just committed). A failure is
  // logged; the listener's next full reload repairs it.
  void Refresh(const std::string& nik);

  // One round of the thread (public for tests): connect and reload everything, or wait for
  // notices, re-read what they name and confirm. After a failure the connection is dropped, so
  // the next round reloads everything.
  absl::Status RunRound();

 private:
  absl::Status Round();
  absl::Status Connect();
  absl::Status ReloadAll(absl::Time as_of) ABSL_EXCLUSIVE_LOCKS_REQUIRED(reload_mu_);
  absl::Status ReloadNiks(const std::vector<std::string>& niks)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(reload_mu_);
  void Disconnect();

  const Options options_;
  CertificateStore* store_;
  CertificateSnapshot* snapshot_;
  // Every read-and-apply runs under it, in order: a full reload read before a write committed
  // never lands after that write's own refresh.
  absl::Mutex reload_mu_;
  // Only the listener's thread (or Start, before it) touches these.
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<HolderNotices> notices_;
  absl::flat_hash_set<std::string> pending_;
  absl::Time last_full_ = absl::InfinitePast();
  std::thread thread_;
  absl::Notification stop_;
};

}  // namespace sertel::certificate
