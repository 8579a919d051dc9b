// SQL as SQL (the userver convention): every statement is a file <service>/queries/<name>.sql,
// embedded at build time (cmake/SertelHelpers.cmake, sertel_embed_queries) and prepared on each
// new connection under its file name, so a log line or a metric names the statement, never its
// text. The build generates <ns>_queries.h with one SqlQuery constant per file
// (queries::kInsertCase = {"insert_case", "INSERT ..."}), so a misspelled name does not compile.
// Columns are read by name.
//
//   pqxx::result r = RunQuery(tx, queries::kSelectCase, application_id);
//   c.status = r[0]["status"].as<std::string>();
#pragma once

#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/result>
#include <pqxx/transaction_base>
#include <string>
#include <utility>
#include <vector>

namespace sertel {

struct SqlQuery {
  const char* name;  // the file's stem: "select_case"
  const char* sql;   // the file's text
};

// Defines every query on `conn` under its name (optional: RunQuery defines a query on first use
// on each connection, so a plain pqxx::connection works too).
void PrepareQueries(pqxx::connection_base& conn, const std::vector<SqlQuery>& queries);

// Counts and logs a failed statement by name (sertel_sql_errors_total{query, sqlstate}).
void RecordQueryFailure(const char* name, const std::exception& e);

// Runs the prepared statement `query` with `args` in `tx`. libpqxx prepares a statement on the
// server when it is first executed; a connection that has not seen `query` yet gets it defined
// here (libpqxx refuses an unknown name before anything reaches the server, so the transaction
// is untouched). A failure is recorded under the statement's name and rethrown, for the store's
// caller to map (common/pg_pool.h, PgErrorToStatus).
template <typename... Args>
pqxx::result RunQuery(pqxx::transaction_base& tx, const SqlQuery& query, Args&&... args) {
  try {
    try {
      return tx.exec_prepared(query.name, args...);
    } catch (const pqxx::argument_error&) {
      tx.conn().prepare(query.name, query.sql);
    }
    return tx.exec_prepared(query.name, std::forward<Args>(args)...);
  } catch (const std::exception& e) {
    RecordQueryFailure(query.name, e);
    throw;
  }
}

}  // namespace sertel
