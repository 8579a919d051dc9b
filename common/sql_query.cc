#include "common/sql_query.h"

#include <pqxx/except>

#include "common/log.h"
#include "common/metrics.h"

namespace sertel {

void PrepareQueries(pqxx::connection_base& conn, const std::vector<SqlQuery>& queries) {
  for (const SqlQuery& q : queries) conn.prepare(q.name, q.sql);
}

void RecordQueryFailure(const char* name, const std::exception& e) {
  std::string sqlstate;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) sqlstate = sql->sqlstate();
  if (sqlstate.empty() && dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    sqlstate = "connection";
  }
  Metrics::Global().Increment(
      "sertel_sql_errors_total",
      {{"query", name}, {"sqlstate", sqlstate.empty() ? "other" : sqlstate}});
  // Constraint violations and serialization failures are ordinary answers (ALREADY_EXISTS,
  // ABORTED); the caller decides whether they are worth more than a debug line.
  Log::Debug("sql_failed", {{"query", name}, {"sqlstate", sqlstate}});
}

}  // namespace sertel
