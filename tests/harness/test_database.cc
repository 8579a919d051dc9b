#include "tests/harness/test_database.h"

#include <cstdio>
#include <cstdlib>
#include <pqxx/pqxx>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sertel::testing {
namespace {

// Replaces the database name (the URL path) of a postgresql:// URL.
std::string WithDatabase(const std::string& url, const std::string& db) {
  std::string::size_type scheme = url.find("://");
  std::string::size_type slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  std::string::size_type query = url.find('?');
  std::string base = slash == std::string::npos ? url : url.substr(0, slash);
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  return absl::StrCat(base, "/", db, rest);
}

}  // namespace

std::string TestDatabase::ServerUrl() {
  const char* url = std::getenv("SERTEL_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    std::fprintf(stderr,
                 "SERTEL_TEST_DATABASE_URL is not set: integration tests need the PostgreSQL "
                 "cluster that scripts/test.sh starts.\n");
    std::abort();
  }
  return url;
}

TestDatabase::TestDatabase() {
  std::random_device rd;
  name_ = absl::StrFormat("sertel_t_%08x%08x", rd(), rd());
  std::string server = ServerUrl();
  pqxx::connection conn(server);
  pqxx::nontransaction tx(conn);
  tx.exec("CREATE DATABASE " + name_);
  url_ = WithDatabase(server, name_);
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection conn(ServerUrl());
    pqxx::nontransaction tx(conn);
    tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dropping %s: %s\n", name_.c_str(), e.what());
  }
}

void TestDatabase::Exec(const std::string& sql) const {
  pqxx::connection conn(url_);
  pqxx::nontransaction tx(conn);
  tx.exec(sql);
}

std::string TestDatabase::DumpSchema(const std::string& schema) const {
  pqxx::connection conn(url_);
  pqxx::read_transaction tx(conn);
  std::string out;
  pqxx::result tables = tx.exec_params(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema);
  for (const auto& t : tables) {
    std::string table = t[0].as<std::string>();
    pqxx::result rows =
        tx.exec("SELECT t::text FROM " + tx.quote_name(schema) + "." + tx.quote_name(table) + " t");
    for (const auto& r : rows) absl::StrAppend(&out, table, ": ", r[0].c_str(), "\n");
  }
  return out;
}

std::unique_ptr<PgPool> TestDatabase::OutagePool(const std::string& schema) const {
  absl::StatusOr<std::unique_ptr<PgPool>> pool =
      PgPool::Create({.url = url_,
                      .schema = schema,
                      .size = 1,
                      .acquire_timeout = absl::Milliseconds(100),
                      .on_connect = nullptr});
  if (!pool.ok()) {
    std::fprintf(stderr, "cannot open the outage pool on %s: %s\n", schema.c_str(),
                 std::string(pool.status().message()).c_str());
    std::abort();
  }
  return *std::move(pool);
}

}  // namespace sertel::testing
