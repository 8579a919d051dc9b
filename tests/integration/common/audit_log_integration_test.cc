// The audit chain against real PostgreSQL: an intact chain verifies; an edited, a deleted and
// a deleted-last row are each found, naming the first broken row.
#include <pqxx/pqxx>

#include "common/audit_log.h"
#include "common/migrations.h"
#include "gtest/gtest.h"
#include "tests/harness/test_database.h"

namespace sertel {
namespace {

class AuditLogIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApplyMigrations(db_.url(), "audittest", {&common::Migrations()}).ok());
    conn_ = std::make_unique<pqxx::connection>(db_.url());
    pqxx::nontransaction(*conn_).exec("SET search_path TO audittest");
    FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
    AuditLog audit(&clock);
    for (int i = 1; i <= 5; ++i) {
      pqxx::work tx(*conn_);
      audit.Append(tx, {.actor_sub = "user-" + std::to_string(i),
                        .actor_role = "VERIFIER",
                        .action = "FORWARDED",
                        .entity_type = "case",
                        .entity_id = "app-" + std::to_string(i),
                        .details = {{"step", i}, {"note", "ok"}}});
      tx.commit();
      clock.Advance(absl::Minutes(1));
    }
  }

  AuditVerification Verify() {
    absl::StatusOr<AuditVerification> v = AuditLog::Verify(*conn_);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.value_or(AuditVerification{});
  }

  testing::TestDatabase db_;
  std::unique_ptr<pqxx::connection> conn_;
};

TEST_F(AuditLogIntegrationTest, IntactChainVerifies) {
  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.rows_checked, 5);
  EXPECT_EQ(v.first_broken_seq, 0);
}

TEST_F(AuditLogIntegrationTest, EditedRowIsFound) {
  db_.Exec("UPDATE audittest.audit_log SET actor_sub = 'mallory' WHERE seq = 3");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 3);
  EXPECT_NE(v.problem.find("altered"), std::string::npos) << v.problem;
}

TEST_F(AuditLogIntegrationTest, EditedDetailsAreFound) {
  db_.Exec(
      "UPDATE audittest.audit_log SET details = '{\"step\":2,\"note\":\"changed\"}' "
      "WHERE seq = 2");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 2);
}

TEST_F(AuditLogIntegrationTest, DeletedRowIsFound) {
  db_.Exec("DELETE FROM audittest.audit_log WHERE seq = 2");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 2);
  EXPECT_NE(v.problem.find("missing"), std::string::npos) << v.problem;
}

TEST_F(AuditLogIntegrationTest, DeletedLastRowIsFound) {
  db_.Exec("DELETE FROM audittest.audit_log WHERE seq = 5");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 5);
}

TEST_F(AuditLogIntegrationTest, RenumberedRowsAfterDeleteAreFound) {
  // A careful attacker deletes row 3 and renumbers the rest: the links no longer match.
  db_.Exec("DELETE FROM audittest.audit_log WHERE seq = 3");
  db_.Exec("UPDATE audittest.audit_log SET seq = seq - 1 WHERE seq > 3");
  db_.Exec("UPDATE audittest.audit_head SET last_seq = 4");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 3);
}

TEST_F(AuditLogIntegrationTest, ConcurrentAppendersKeepOneChain) {
  AuditLog audit;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      pqxx::connection conn(db_.url());
      pqxx::nontransaction(conn).exec("SET search_path TO audittest");
      for (int i = 0; i < 10; ++i) {
        pqxx::work tx(conn);
        audit.Append(tx, {.actor_sub = "t" + std::to_string(t),
                          .actor_role = "SERVICE",
                          .action = "X",
                          .entity_type = "e",
                          .entity_id = std::to_string(i)});
        tx.commit();
      }
    });
  }
  for (auto& th : threads) th.join();
  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.rows_checked, 45);
}

}  // namespace
}  // namespace sertel
