#include "common/pg_pool.h"

#include <pqxx/except>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/pg_connection_probe.h"

namespace sertel {

absl::Status PgErrorToStatus(const std::exception& e) {
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) {
    return absl::AlreadyExistsError("the record already exists");
  }
  if (dynamic_cast<const pqxx::foreign_key_violation*>(&e) != nullptr ||
      dynamic_cast<const pqxx::check_violation*>(&e) != nullptr ||
      dynamic_cast<const pqxx::not_null_violation*>(&e) != nullptr) {
    Log::Warn("db_constraint_violation", {{"error", e.what()}});
    return absl::FailedPreconditionError("the change violates a database constraint");
  }
  if (dynamic_cast<const pqxx::serialization_failure*>(&e) != nullptr ||
      dynamic_cast<const pqxx::deadlock_detected*>(&e) != nullptr) {
    return absl::AbortedError("concurrent update; retry");
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
      dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    Log::Error("db_unavailable", {{"error", e.what()}});
    return absl::UnavailableError("the database is unavailable");
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e); sql != nullptr) {
    // Class 08 is a connection exception, 57P01.. an administrator shutdown.
    const std::string& state = sql->sqlstate();
    if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) {
      Log::Error("db_unavailable", {{"error", e.what()}, {"sqlstate", state}});
      return absl::UnavailableError("the database is unavailable");
    }
    Log::Error("db_error", {{"error", e.what()}, {"sqlstate", state}, {"query", sql->query()}});
    return absl::InternalError("database error");
  }
  Log::Error("db_error", {{"error", e.what()}});
  return absl::InternalError("database error");
}

absl::StatusOr<std::unique_ptr<PgPool>> PgPool::Create(Options options) {
  std::unique_ptr<PgPool> pool(new PgPool(std::move(options)));
  absl::StatusOr<std::unique_ptr<pqxx::connection>> first = pool->Connect();
  if (!first.ok()) return first.status();
  absl::MutexLock lock(&pool->mu_);
  pool->idle_.push_back(std::move(*first));
  pool->open_ = 1;
  return pool;
}

PgPool::~PgPool() {
  absl::MutexLock lock(&mu_);
  for (auto& c : idle_) {
    try {
      c->disconnect();
    } catch (...) {
    }
  }
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> PgPool::Connect() {
  try {
    auto conn = std::make_unique<pqxx::connection>(options_.url);
    {
      pqxx::nontransaction tx(*conn);
      tx.exec("SET search_path TO " + tx.quote_name(options_.schema));
    }
    if (options_.on_connect) options_.on_connect(*conn);
    return conn;
  } catch (const std::exception& e) {
    Log::Error("db_connect_failed", {{"error", e.what()}});
    return absl::UnavailableError("cannot connect to the database");
  }
}

void PgPool::DiscardIdle() {
  std::deque<std::unique_ptr<pqxx::connection>> stale;
  {
    absl::MutexLock lock(&mu_);
    stale.swap(idle_);
    open_ -= static_cast<int>(stale.size());
  }
  for (auto& c : stale) {
    try {
      c->disconnect();
    } catch (...) {
    }
  }
}

absl::StatusOr<PgPool::Lease> PgPool::Acquire() {
  // Each round lends an idle connection, discards one the server dropped while it was idle, or
  // opens a new one: it ends within pool-size rounds.
  while (true) {
    std::unique_ptr<pqxx::connection> idle;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !idle_.empty() || open_ < options_.size;
      };
      if (!mu_.AwaitWithTimeout(absl::Condition(&ready), options_.acquire_timeout)) {
        return absl::UnavailableError(absl::StrCat(
            "all ", options_.size, " database connections are busy; try again shortly"));
      }
      if (!idle_.empty()) {
        idle = std::move(idle_.front());
        idle_.pop_front();
      } else {
        ++open_;
      }
    }
    if (idle == nullptr) break;
    if (ServerStillHolds(*idle)) return Lease(this, std::move(idle));
    Log::Warn("db_idle_connection_dropped", {});
    Release(std::move(idle), /*discard=*/true);
  }
  absl::StatusOr<std::unique_ptr<pqxx::connection>> conn = Connect();
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    return conn.status();
  }
  return Lease(this, std::move(*conn));
}

void PgPool::Release(std::unique_ptr<pqxx::connection> conn, bool discard) {
  if (conn == nullptr) return;
  bool broken = discard || !conn->is_open();
  if (broken) {
    try {
      conn->disconnect();
    } catch (...) {
    }
    conn.reset();
  }
  absl::MutexLock lock(&mu_);
  if (broken) {
    --open_;
  } else {
    idle_.push_back(std::move(conn));
  }
}

PgPool::Lease::~Lease() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Release(std::move(conn_), discard_);
}

}  // namespace sertel
