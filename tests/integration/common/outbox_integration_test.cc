// The outbox against real PostgreSQL: a failed delivery leaves the row and it is retried; a
// permanent error or too many attempts make it DEAD (kept, with the error); two dispatchers
// running at once never deliver the same row twice; the calls of a batch run side by side, each
// application's in order.
#include <atomic>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "absl/synchronization/notification.h"
#include "common/migrations.h"
#include "common/outbox.h"
#include "gtest/gtest.h"
#include "tests/harness/test_database.h"

namespace sertel {
namespace {

class OutboxIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApplyMigrations(db_.url(), "outboxtest", {&common::Migrations()}).ok());
    auto pool = PgPool::Create({.url = db_.url(), .schema = "outboxtest", .size = 4});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    config_.base_backoff = absl::Milliseconds(1);
    config_.max_backoff = absl::Milliseconds(2);
    config_.max_attempts = 3;
    config_.poll_interval = absl::Milliseconds(5);
  }

  void Enqueue(const std::string& topic, const std::string& key, const std::string& payload,
               const std::string& application_id = "") {
    ASSERT_TRUE(pool_
                    ->InTransaction([&](pqxx::work& tx) {
                      Outbox::Enqueue(tx, topic, key, payload, application_id);
                      return absl::OkStatus();
                    })
                    .ok());
  }

  std::string StatusOf(const std::string& key) {
    pqxx::connection conn(db_.url());
    pqxx::nontransaction tx(conn);
    return tx
        .exec_params("SELECT status FROM outboxtest.outbox WHERE idempotency_key = $1", key)[0][0]
        .as<std::string>();
  }

  void WaitPastBackoff() { absl::SleepFor(absl::Milliseconds(5)); }

  testing::TestDatabase db_;
  std::unique_ptr<PgPool> pool_;
  OutboxConfig config_;
};

TEST_F(OutboxIntegrationTest, FailedDeliveryKeepsTheRowAndRetriesIt) {
  Enqueue("t", "k1", "payload-1");
  OutboxDispatcher dispatcher(pool_.get(), config_);
  int calls = 0;
  dispatcher.Register("t", [&](const OutboxMessage& m) {
    EXPECT_EQ(m.payload, "payload-1");
    EXPECT_EQ(m.idempotency_key, "k1");
    ++calls;
    return calls == 1 ? absl::UnavailableError("downstream down") : absl::OkStatus();
  });
  ASSERT_EQ(dispatcher.RunOnce().value_or(-1), 1);
  EXPECT_EQ(StatusOf("k1"), "PENDING");
  WaitPastBackoff();
  ASSERT_EQ(dispatcher.RunOnce().value_or(-1), 1);
  EXPECT_EQ(StatusOf("k1"), "DELIVERED");
  EXPECT_EQ(calls, 2);
  WaitPastBackoff();
  EXPECT_EQ(dispatcher.RunOnce().value_or(-1), 0);  // delivered rows are not sent again
}

TEST_F(OutboxIntegrationTest, UnimplementedDownstreamIsRetriedNotDropped) {
  Enqueue("t", "k2", "p");
  OutboxDispatcher dispatcher(pool_.get(), config_);
  dispatcher.Register("t", [](const OutboxMessage&) { return absl::UnimplementedError("later"); });
  ASSERT_EQ(dispatcher.RunOnce().value_or(-1), 1);
  EXPECT_EQ(StatusOf("k2"), "PENDING");
}

TEST_F(OutboxIntegrationTest, TooManyFailuresMakeTheRowDeadWithItsError) {
  Enqueue("t", "k3", "p");
  OutboxDispatcher dispatcher(pool_.get(), config_);
  dispatcher.Register("t",
                      [](const OutboxMessage&) { return absl::UnavailableError("still down"); });
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(dispatcher.RunOnce().value_or(-1), 1);
    WaitPastBackoff();
  }
  EXPECT_EQ(StatusOf("k3"), "DEAD");
  pqxx::connection conn(db_.url());
  pqxx::nontransaction tx(conn);
  pqxx::result r =
      tx.exec("SELECT attempts, last_error FROM outboxtest.outbox WHERE idempotency_key = 'k3'");
  EXPECT_EQ(r[0][0].as<int>(), 3);
  EXPECT_NE(r[0][1].as<std::string>().find("still down"), std::string::npos);
}

TEST_F(OutboxIntegrationTest, PermanentErrorGoesDeadAtOnce) {
  Enqueue("t", "k4", "p");
  OutboxDispatcher dispatcher(pool_.get(), config_);
  dispatcher.Register("t", [](const OutboxMessage&) { return absl::InvalidArgumentError("bad"); });
  ASSERT_EQ(dispatcher.RunOnce().value_or(-1), 1);
  EXPECT_EQ(StatusOf("k4"), "DEAD");
}

TEST_F(OutboxIntegrationTest, SameKeyIsEnqueuedOnce) {
  Enqueue("t", "k5", "first");
  Enqueue("t", "k5", "second");
  pqxx::connection conn(db_.url());
  pqxx::nontransaction tx(conn);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM outboxtest.outbox")[0][0].as<int>(), 1);
}

TEST_F(OutboxIntegrationTest, RolledBackTransactionLeavesNoRow) {
  absl::Status s = pool_->InTransaction([&](pqxx::work& tx) {
    Outbox::Enqueue(tx, "t", "k6", "p");
    return absl::FailedPreconditionError("the state change failed");
  });
  EXPECT_TRUE(absl::IsFailedPrecondition(s));
  pqxx::connection conn(db_.url());
  pqxx::nontransaction tx(conn);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM outboxtest.outbox")[0][0].as<int>(), 0);
}

TEST_F(OutboxIntegrationTest, TwoDispatchersNeverDeliverTheSameRowTwice) {
  constexpr int kRows = 200;
  for (int i = 0; i < kRows; ++i) Enqueue("t", "row-" + std::to_string(i), std::to_string(i));
  std::mutex mu;
  std::multiset<std::string> delivered;
  auto handler = [&](const OutboxMessage& m) {
    absl::SleepFor(absl::Microseconds(200));  // widen the window for a double claim
    std::lock_guard<std::mutex> lock(mu);
    delivered.insert(m.idempotency_key);
    return absl::OkStatus();
  };
  config_.batch_size = 7;
  OutboxDispatcher a(pool_.get(), config_), b(pool_.get(), config_);
  a.Register("t", handler);
  b.Register("t", handler);
  std::atomic<bool> done{false};
  auto drain = [&](OutboxDispatcher& d) {
    while (!done) {
      absl::StatusOr<int> n = d.RunOnce();
      ASSERT_TRUE(n.ok()) << n.status();
      std::lock_guard<std::mutex> lock(mu);
      if (delivered.size() >= static_cast<size_t>(kRows)) done = true;
    }
  };
  std::thread ta([&] { drain(a); }), tb([&] { drain(b); });
  ta.join();
  tb.join();
  EXPECT_EQ(delivered.size(), static_cast<size_t>(kRows));
  for (const auto& key : delivered) EXPECT_EQ(delivered.count(key), 1u) << key;
}

// A batch's calls run side by side across applications, and one application's rows are called
// one after the other in the order they were written.
TEST_F(OutboxIntegrationTest, ApplicationsAreDeliveredSideBySideEachInItsOwnOrder) {
  const std::vector<std::string> apps = {"app-a", "app-b", "app-c"};
  for (int i = 0; i < 4; ++i) {
    for (const std::string& app : apps) {
      Enqueue("t", app + "-" + std::to_string(i), std::to_string(i), app);
    }
  }
  Enqueue("t", "no-app-1", "x");
  Enqueue("t", "no-app-2", "x");
  std::mutex mu;
  std::map<std::string, std::vector<std::string>> order;
  std::atomic<int> in_flight{0};
  std::atomic<int> most_in_flight{0};
  absl::Notification b_started;
  std::atomic<bool> a_saw_b{false};
  config_.batch_size = 64;
  config_.parallelism = 4;
  OutboxDispatcher dispatcher(pool_.get(), config_);
  dispatcher.Register("t", [&](const OutboxMessage& m) {
    int now = ++in_flight;
    for (int seen = most_in_flight.load();
         now > seen && !most_in_flight.compare_exchange_weak(seen, now);) {
    }
    if (m.idempotency_key == "app-b-0") b_started.Notify();
    // app-a's first call waits for app-b's first one: a dispatcher that called one row at a
    // time would never get there.
    if (m.idempotency_key == "app-a-0") {
      a_saw_b = b_started.WaitForNotificationWithTimeout(absl::Seconds(10));
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      order[m.application_id].push_back(m.payload);
    }
    --in_flight;
    return absl::OkStatus();
  });
  ASSERT_EQ(dispatcher.RunOnce().value_or(-1), 14);
  EXPECT_TRUE(a_saw_b) << "the calls of the batch ran one at a time";
  EXPECT_GE(most_in_flight.load(), 2);
  EXPECT_LE(most_in_flight.load(), 4);
  for (const std::string& app : apps) {
    EXPECT_EQ(order[app], (std::vector<std::string>{"0", "1", "2", "3"})) << app;
  }
  EXPECT_EQ(order[""].size(), 2u);
  for (const std::string& app : apps) EXPECT_EQ(StatusOf(app + "-3"), "DELIVERED");
}

}  // namespace
}  // namespace sertel
