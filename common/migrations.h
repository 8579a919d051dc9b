// Schema migrations: each service owns one PostgreSQL schema; its SQL files
// (<service>/migrations/V001__what.sql, append-only) are compiled into the binary (see
// cmake/SertelHelpers.cmake) and applied in order at start-up, each once, recorded in
// <schema>.schema_migrations. The shared tables (outbox, audit chain) come first from
// common/migrations/C*.sql. All pending migrations run in one transaction under an advisory
// lock, so replicas starting together apply them once.
//
//   absl::Status s = ApplyMigrations(url, "intake", {&common::Migrations(),
//   &intake::Migrations()});
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace sertel {

struct Migration {
  absl::string_view name;  // file stem, e.g. "V001__applications"
  absl::string_view sql;
};

namespace common {
// The shared tables every service schema has (outbox, audit_log, audit_head).
const std::vector<Migration>& Migrations();
}  // namespace common

// Applies what is not yet applied. A migration that was applied with a different text is an
// error (migrations are append-only), as is a schema name that is not a plain identifier.
absl::Status ApplyMigrations(const std::string& database_url, const std::string& schema,
                             const std::vector<const std::vector<Migration>*>& sets);

}  // namespace sertel
