// The pool against real PostgreSQL: InTransaction commits only on OK; ReadOne (one statement, no
// BEGIN/COMMIT) reads; a failed statement is a clear status that leaves nothing behind and the
// pool usable; a connection the server dropped while idle is replaced before it is lent, and
// one dropped during a statement is UNAVAILABLE once, then replaced.
#include <pqxx/pqxx>

#include "absl/time/clock.h"
#include "common/pg_pool.h"
#include "gtest/gtest.h"
#include "tests/harness/test_database.h"

namespace sertel {
namespace {

class PgPoolIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.Exec("CREATE SCHEMA pooltest");
    db_.Exec("CREATE TABLE pooltest.t (id integer PRIMARY KEY)");
    auto pool = PgPool::Create({.url = db_.url(),
                                .schema = "pooltest",
                                .size = 1,
                                .acquire_timeout = absl::Seconds(5),
                                .on_connect = nullptr});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
  }

  absl::StatusOr<int64_t> Count() {
    return pool_->ReadOne<int64_t>([](pqxx::nontransaction& tx) -> absl::StatusOr<int64_t> {
      return tx.exec1("SELECT count(*) FROM t")[0].as<int64_t>();
    });
  }
  absl::Status Insert(int id, absl::Status outcome = absl::OkStatus()) {
    return pool_->InTransaction([&](pqxx::work& tx) {
      tx.exec("INSERT INTO t VALUES (" + std::to_string(id) + ")");
      return outcome;
    });
  }

  testing::TestDatabase db_;
  std::unique_ptr<PgPool> pool_;
};

TEST_F(PgPoolIntegrationTest, InTransactionCommitsOnlyWhenTheFunctionSaysOk) {
  ASSERT_TRUE(Insert(1).ok());
  EXPECT_EQ(Insert(2, absl::FailedPreconditionError("wrong step")).code(),
            absl::StatusCode::kFailedPrecondition);
  absl::Status dup = Insert(1);
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists) << dup;
  EXPECT_EQ(*Count(), 1);  // neither the refused nor the duplicate insert stayed
}

TEST_F(PgPoolIntegrationTest, AFailedReadIsAClearStatusWithoutTheSqlAndThePoolGoesOn) {
  absl::StatusOr<int64_t> bad =
      pool_->ReadOne<int64_t>([](pqxx::nontransaction& tx) -> absl::StatusOr<int64_t> {
        return tx.exec1("SELECT count(*) FROM no_such_table")[0].as<int64_t>();
      });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(bad.status().message(), "database error");  // the SQL stays in the server log
  ASSERT_TRUE(Insert(7).ok());  // the one connection of the pool still works
  EXPECT_EQ(*Count(), 1);
}

TEST_F(PgPoolIntegrationTest, AnIdleConnectionTheServerDroppedIsReplacedBeforeItIsLent) {
  ASSERT_EQ(*Count(), 0);  // the pool's one connection is now idle
  db_.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db_.name() +
           "' AND pid <> pg_backend_pid()");
  // pg_terminate_backend only signals: wait (bounded) until the backend has gone, so that its
  // FATAL message and close have reached the pool's socket.
  pqxx::connection watcher(db_.url());
  int remaining = -1;
  for (int attempt = 0; attempt < 100 && remaining != 0; ++attempt) {
    pqxx::nontransaction tx(watcher);
    remaining =
        tx.exec1("SELECT count(*) FROM pg_stat_activity WHERE datname = " + tx.quote(db_.name()) +
                 " AND pid <> pg_backend_pid()")[0]
            .as<int>();
    if (remaining != 0) absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_EQ(remaining, 0) << "the terminated backend did not go within 5 s";
  // The dropped connection is found while idle and a new one, with the schema on its search
  // path, is lent instead: the caller never sees the drop.
  absl::StatusOr<int64_t> after = Count();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*after, 0);
  EXPECT_TRUE(Insert(3).ok());
  EXPECT_EQ(*Count(), 1);
}

TEST_F(PgPoolIntegrationTest, AConnectionDroppedDuringAStatementIsUnavailableOnceThenReplaced) {
  ASSERT_EQ(*Count(), 0);
  // The statement's own backend is terminated while it runs.
  absl::StatusOr<int64_t> during =
      pool_->ReadOne<int64_t>([](pqxx::nontransaction& tx) -> absl::StatusOr<int64_t> {
        return tx.exec1("SELECT pg_terminate_backend(pg_backend_pid())::int")[0].as<int64_t>();
      });
  ASSERT_FALSE(during.ok());
  EXPECT_EQ(during.status().code(), absl::StatusCode::kUnavailable) << during.status();
  absl::StatusOr<int64_t> after = Count();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*after, 0);
}

}  // namespace
}  // namespace sertel
