// A fresh PostgreSQL database for one test (fixture), on the throwaway cluster that
// scripts/test.sh starts (SERTEL_TEST_DATABASE_URL). Dropped when destroyed. Integration tests
// fail, not skip, when the variable is missing: a skipped test proves nothing.
//
//   TestDatabase db;                    // CREATE DATABASE sertel_t_<random>
//   ASSERT_OK(ApplyMigrations(db.url(), "intake", {...}));
#pragma once

#include <memory>
#include <string>

#include "common/pg_pool.h"

namespace sertel::testing {

// The audit chain key of every test's AuditLog (32 bytes; a real service reads its own from
// SERTEL_AUDIT_HMAC_KEY_FILE).
inline std::string TestAuditKey() { return std::string(32, 'A'); }

class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  // Runs one SQL statement outside any test code path (setup, tampering in audit tests).
  void Exec(const std::string& sql) const;
  // Every row of every table of `schema`, as text (for "no secret in any table" checks); bytea
  // columns appear in hex (\\x...), so search for the hex form of a secret too.
  std::string DumpSchema(const std::string& schema) const;

  // A pool of one connection on `schema` that gives up waiting after 100 ms: hold its only lease
  // and every store call made through it answers UNAVAILABLE at once, as in a database outage;
  // release it and the same calls work again.
  std::unique_ptr<PgPool> OutagePool(const std::string& schema) const;

  // The server URL from SERTEL_TEST_DATABASE_URL; aborts the test binary with a clear message
  // when it is not set.
  static std::string ServerUrl();

 private:
  std::string name_;
  std::string url_;
};

}  // namespace sertel::testing
