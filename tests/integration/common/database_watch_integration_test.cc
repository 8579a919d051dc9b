// Health against real PostgreSQL: the watch says SERVING while the database answers and
// NOT_SERVING (once, on the change) when it does not; the pool drops the idle connections an
// outage broke, so that the first caller after it gets a fresh one instead of UNAVAILABLE. (The
// stop and start of a real cluster under the running suite is e2e_python_database_outage.)
#include <pqxx/pqxx>
#include <vector>

#include "common/database_watch.h"
#include "common/metrics.h"
#include "gtest/gtest.h"
#include "tests/harness/test_database.h"

namespace sertel {
namespace {

TEST(DatabaseWatchTest, ConnectTimeoutIsAddedInTheUrlsOwnSyntax) {
  EXPECT_EQ(WithConnectTimeout("postgresql://u@h:1/d", 2),
            "postgresql://u@h:1/d?connect_timeout=2");
  EXPECT_EQ(WithConnectTimeout("postgres://h/d?sslmode=require", 3),
            "postgres://h/d?sslmode=require&connect_timeout=3");
  EXPECT_EQ(WithConnectTimeout("host=h dbname=d", 2), "host=h dbname=d connect_timeout=2");
}

class DatabaseWatchIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.Exec("CREATE SCHEMA watchtest");
    auto pool = PgPool::Create({.url = db_.url(), .schema = "watchtest", .size = 2});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
  }

  testing::TestDatabase db_;
  std::unique_ptr<PgPool> pool_;
  std::vector<bool> changes_;
};

TEST_F(DatabaseWatchIntegrationTest, AReachableDatabaseIsServingWithoutAChange) {
  DatabaseWatch watch(
      db_.url(), pool_.get(), [&](bool up) { changes_.push_back(up); }, absl::Milliseconds(50));
  EXPECT_TRUE(watch.ProbeOnce());
  EXPECT_TRUE(watch.ProbeOnce());
  EXPECT_TRUE(changes_.empty());
  EXPECT_NE(Metrics::Global().Render().find("sertel_database_up 1"), std::string::npos);
}

TEST_F(DatabaseWatchIntegrationTest, AnUnreachableDatabaseIsNotServingOnceAndGauged) {
  // Nothing listens on port 1: connecting is refused at once.
  DatabaseWatch watch(
      "postgresql://postgres@127.0.0.1:1/postgres", pool_.get(),
      [&](bool up) { changes_.push_back(up); }, absl::Milliseconds(50));
  EXPECT_FALSE(watch.ProbeOnce());
  EXPECT_FALSE(watch.ProbeOnce());
  EXPECT_EQ(changes_, std::vector<bool>{false});  // reported once, on the change
  EXPECT_NE(Metrics::Global().Render().find("sertel_database_up 0"), std::string::npos);
}

TEST_F(DatabaseWatchIntegrationTest, TheThreadProbesUntilStopped) {
  DatabaseWatch watch(
      "postgresql://postgres@127.0.0.1:1/postgres", pool_.get(),
      [&](bool up) { changes_.push_back(up); }, absl::Milliseconds(20));
  watch.Start();
  absl::SleepFor(absl::Milliseconds(200));
  watch.Stop();
  EXPECT_EQ(changes_, std::vector<bool>{false});
}

TEST_F(DatabaseWatchIntegrationTest, AfterAnOutageTheIdleConnectionsAreDroppedNotHandedOut) {
  // An idle pooled connection, then every backend of this database killed (what a restart of
  // the server does to them).
  ASSERT_TRUE(pool_
                  ->InTransaction([](pqxx::work& tx) {
                    tx.exec("SELECT 1");
                    return absl::OkStatus();
                  })
                  .ok());
  db_.Exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  pool_->DiscardIdle();
  absl::Status s = pool_->InTransaction([](pqxx::work& tx) {
    tx.exec("SELECT 1");
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;  // a fresh connection, not the broken one
}

}  // namespace
}  // namespace sertel
