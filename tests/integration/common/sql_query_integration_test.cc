// common/sql_query.h and the SQL conventions against real PostgreSQL: a statement from a .sql
// file runs by name on a plain connection and on a pool's, is read by column name, a failing
// statement is counted under its name, and the time functions (C003__sql_time.sql) are exact to
// the microsecond and keep an index usable. The page-token key (C004) is 32 random bytes, made
// once per schema.
#include <pqxx/pqxx>

#include "common/metrics.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "common/sql_query.h"
#include "common_queries.h"
#include "gtest/gtest.h"
#include "tests/harness/test_database.h"

namespace sertel {
namespace {

class SqlQueryIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApplyMigrations(db_.url(), "sqltest", {&common::Migrations()}).ok());
  }
  testing::TestDatabase db_;
};

TEST_F(SqlQueryIntegrationTest, NamedQueryRunsOnAPlainConnectionAndReadsColumnsByName) {
  pqxx::connection conn(db_.url());
  pqxx::work tx(conn);
  tx.exec("SET LOCAL search_path TO sqltest");
  pqxx::result head = RunQuery(tx, common::queries::kSelectAuditHead);
  ASSERT_EQ(head.size(), 1u);
  EXPECT_EQ(head[0]["last_seq"].as<int64_t>(), 0);
  // Twice on the same connection: defined once, then reused.
  EXPECT_EQ(RunQuery(tx, common::queries::kSelectAuditHead).size(), 1u);
}

TEST_F(SqlQueryIntegrationTest, AFailingStatementIsCountedUnderItsName) {
  auto pool = PgPool::Create({.url = db_.url(), .schema = "sqltest", .size = 1});
  ASSERT_TRUE(pool.ok()) << pool.status();
  std::string before = Metrics::Global().Render();
  absl::Status s = (*pool)->InTransaction([](pqxx::work& tx) {
    // The second insert of the same row breaks audit_log's unique nonce.
    for (int i = 0; i < 2; ++i) {
      pqxx::binarystring nonce(std::string(16, '\1')), mac(std::string(32, '\0'));
      RunQuery(tx, common::queries::kInsertAuditRow, 0, "s", "r", "a", "t", "e", "{}", nonce, mac);
    }
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
  std::string after = Metrics::Global().Render();
  EXPECT_NE(after.find("sertel_sql_errors_total{query=\"insert_audit_row\",sqlstate=\"23505\"}"),
            std::string::npos)
      << after;
}

TEST_F(SqlQueryIntegrationTest, TimeFunctionsAreExactToTheMicrosecond) {
  pqxx::connection conn(db_.url());
  pqxx::work tx(conn);
  tx.exec("SET LOCAL search_path TO sqltest");
  for (int64_t us :
       {int64_t{0}, int64_t{1732600000123456}, int64_t{-1500001}, int64_t{4102444799999999}}) {
    pqxx::result r = tx.exec_params("SELECT to_micros(from_micros($1)) AS us", us);
    EXPECT_EQ(r[0]["us"].as<int64_t>(), us);
  }
  pqxx::result r = tx.exec("SELECT to_micros(timestamptz '2024-11-26 05:46:40.000001+00') AS us");
  EXPECT_EQ(r[0]["us"].as<int64_t>(), 1732600000000001);
}

// Both functions inline (C008): the plan holds their bodies, not a call that PostgreSQL would
// parse and plan again on every execution.
TEST_F(SqlQueryIntegrationTest, TheTimeFunctionsInline) {
  pqxx::connection conn(db_.url());
  pqxx::work tx(conn);
  tx.exec("SET LOCAL search_path TO sqltest");
  for (const char* call : {"to_micros(now())", "from_micros(5)"}) {
    pqxx::result plan = tx.exec(std::string("EXPLAIN (VERBOSE) SELECT ") + call);
    std::string text;
    for (const auto& row : plan) text += row[0].as<std::string>() + "\n";
    EXPECT_EQ(text.find("_micros("), std::string::npos) << call << " is not inlined:\n" << text;
  }
}

TEST_F(SqlQueryIntegrationTest, FromMicrosKeepsAnIndexUsable) {
  pqxx::connection conn(db_.url());
  pqxx::work tx(conn);
  tx.exec("SET LOCAL search_path TO sqltest");
  tx.exec("CREATE TABLE t (at timestamptz NOT NULL)");
  tx.exec("CREATE INDEX t_at ON t (at)");
  tx.exec("INSERT INTO t SELECT now() - g * interval '1 second' FROM generate_series(1, 20000) g");
  tx.exec("ANALYZE t");
  // Only the newest few rows qualify, so the planner takes the index if the comparison allows it.
  int64_t us = tx.exec("SELECT to_micros(now()) - 5000000 AS us")[0]["us"].as<int64_t>();
  pqxx::result plan =
      tx.exec("EXPLAIN SELECT * FROM t WHERE at > from_micros(" + std::to_string(us) + ")");
  std::string text;
  for (const auto& row : plan) text += row[0].as<std::string>() + "\n";
  EXPECT_NE(text.find("t_at"), std::string::npos) << text;
}

TEST_F(SqlQueryIntegrationTest, PageTokenKeyIs32BytesAndSurvivesAReMigration) {
  auto key = [&] {
    pqxx::connection conn(db_.url());
    pqxx::work tx(conn);
    tx.exec("SET LOCAL search_path TO sqltest");
    return pqxx::binarystring(RunQuery(tx, common::queries::kSelectPageTokenKey)[0]["key"]).str();
  };
  std::string first = key();
  EXPECT_EQ(first.size(), 32u);
  EXPECT_NE(first, std::string(32, '\0'));
  ASSERT_TRUE(ApplyMigrations(db_.url(), "sqltest", {&common::Migrations()}).ok());
  EXPECT_EQ(key(), first);
  ASSERT_TRUE(ApplyMigrations(db_.url(), "othertest", {&common::Migrations()}).ok());
  pqxx::connection conn(db_.url());
  pqxx::work tx(conn);
  tx.exec("SET LOCAL search_path TO othertest");
  EXPECT_NE(pqxx::binarystring(RunQuery(tx, common::queries::kSelectPageTokenKey)[0]["key"]).str(),
            first);
}

}  // namespace
}  // namespace sertel
