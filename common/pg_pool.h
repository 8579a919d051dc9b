// A bounded pool of PostgreSQL connections (libpqxx 6.4), each with the service's own schema on
// its search_path and its statements prepared once, plus the one way to run a transaction:
// InTransaction commits when the function returns OK and rolls back otherwise, mapping libpqxx
// exceptions to absl::Status (see PgErrorToStatus). ReadOne runs a read that is ONE statement
// without BEGIN/COMMIT (a statement is its own snapshot): one round trip instead of three.
//
//   auto pool = PgPool::Create({.url = url, .schema = "intake", .size = 8});
//   absl::StatusOr<Application> app = (*pool)->InTransaction<Application>(
//       [&](pqxx::work& tx) -> absl::StatusOr<Application> { ... });
#pragma once

#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/transaction>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace sertel {

// libpqxx exception -> status: unique_violation -> ALREADY_EXISTS, foreign key/check ->
// FAILED_PRECONDITION, serialization failure/deadlock -> ABORTED, broken connection ->
// UNAVAILABLE, anything else INTERNAL. The SQL text stays in the server log.
absl::Status PgErrorToStatus(const std::exception& e);

class PgPool {
 public:
  struct Options {
    std::string url;
    std::string schema;
    int size = 8;
    absl::Duration acquire_timeout = absl::Seconds(5);
    // Runs on every new connection (prepare statements here).
    std::function<void(pqxx::connection&)> on_connect;
  };

  // Opens one connection eagerly, so a wrong URL fails at start-up, the rest on demand.
  static absl::StatusOr<std::unique_ptr<PgPool>> Create(Options options);
  ~PgPool();

  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<pqxx::connection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = default;
    ~Lease();
    pqxx::connection& conn() { return *conn_; }
    // The connection is broken or in an unknown state: close it instead of reusing it.
    void Discard() { discard_ = true; }

   private:
    PgPool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
    bool discard_ = false;
  };

  // UNAVAILABLE when no connection frees up within acquire_timeout or the server is down.
  absl::StatusOr<Lease> Acquire();

  // Closes every idle connection (after a database outage they are all broken); the next
  // Acquire opens fresh ones.
  void DiscardIdle();

  template <typename T, typename Fn>
  absl::StatusOr<T> InTransaction(Fn&& fn);
  template <typename Fn>
  absl::Status InTransaction(Fn&& fn);

  // For a read that is a single statement (several statements would each see their own
  // snapshot: use InTransaction for those).
  template <typename T, typename Fn>
  absl::StatusOr<T> ReadOne(Fn&& fn);

  const Options& options() const { return options_; }

 private:
  explicit PgPool(Options options) : options_(std::move(options)) {}
  // Runs `fn` with a `Tx` (pqxx::work: committed when fn returns OK; pqxx::nontransaction) on a
  // leased connection, mapping libpqxx exceptions and discarding a broken connection.
  template <typename T, typename Tx, typename Fn>
  absl::StatusOr<T> OnLease(Fn&& fn);
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Connect();
  void Release(std::unique_ptr<pqxx::connection> conn, bool discard);

  Options options_;
  absl::Mutex mu_;
  std::deque<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

template <typename T, typename Tx, typename Fn>
absl::StatusOr<T> PgPool::OnLease(Fn&& fn) {
  absl::StatusOr<Lease> lease = Acquire();
  if (!lease.ok()) return lease.status();
  try {
    Tx tx(lease->conn());
    absl::StatusOr<T> result = fn(tx);
    if constexpr (std::is_same_v<Tx, pqxx::work>) {
      if (result.ok()) tx.commit();
    }
    return result;
  } catch (const std::exception& e) {
    absl::Status status = PgErrorToStatus(e);
    if (absl::IsUnavailable(status) || absl::IsInternal(status)) lease->Discard();
    return status;
  }
}

template <typename T, typename Fn>
absl::StatusOr<T> PgPool::InTransaction(Fn&& fn) {
  return OnLease<T, pqxx::work>(std::forward<Fn>(fn));
}

template <typename T, typename Fn>
absl::StatusOr<T> PgPool::ReadOne(Fn&& fn) {
  return OnLease<T, pqxx::nontransaction>(std::forward<Fn>(fn));
}

template <typename Fn>
absl::Status PgPool::InTransaction(Fn&& fn) {
  struct Unit {};
  return InTransaction<Unit>([&](pqxx::work& tx) -> absl::StatusOr<Unit> {
           absl::Status s = fn(tx);
           if (!s.ok()) return s;
           return Unit{};
         })
      .status();
}

}  // namespace sertel
