#include "common/migrations.h"

#include <openssl/evp.h>

#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/pg_pool.h"

namespace sertel {
namespace {

std::string Sha256Hex(absl::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), len));
}

bool IsPlainIdentifier(absl::string_view s) {
  if (s.empty() || s.size() > 63 || !(absl::ascii_islower(s[0]) || s[0] == '_')) return false;
  for (char c : s) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_')) return false;
  }
  return true;
}

}  // namespace

absl::Status ApplyMigrations(const std::string& database_url, const std::string& schema,
                             const std::vector<const std::vector<Migration>*>& sets) {
  if (!IsPlainIdentifier(schema)) {
    return absl::InvalidArgumentError(absl::StrCat("bad schema name \"", schema, "\""));
  }
  try {
    pqxx::connection conn(database_url);
    pqxx::work tx(conn);
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", "sertel.migrations." + schema);
    // With per-service roles the schema exists already, owned by this service's role, which
    // may not create schemas (CREATE SCHEMA IF NOT EXISTS checks that right first); in tests
    // and single-role setups it is made here.
    if (tx.exec_params("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema).empty()) {
      tx.exec("CREATE SCHEMA " + schema);
    }
    tx.exec("SET LOCAL search_path TO " + schema);
    tx.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " name text PRIMARY KEY, sha256 text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    int applied = 0;
    for (const auto* set : sets) {
      for (const Migration& m : *set) {
        std::string checksum = Sha256Hex(m.sql);
        pqxx::result r = tx.exec_params("SELECT sha256 FROM schema_migrations WHERE name = $1",
                                        std::string(m.name));
        if (!r.empty()) {
          if (r[0][0].as<std::string>() != checksum) {
            return absl::FailedPreconditionError(
                absl::StrCat("migration ", m.name, " in schema ", schema,
                             " was changed after it was applied; migrations are append-only"));
          }
          continue;
        }
        tx.exec(std::string(m.sql));
        tx.exec_params("INSERT INTO schema_migrations (name, sha256) VALUES ($1, $2)",
                       std::string(m.name), checksum);
        ++applied;
      }
    }
    tx.commit();
    Log::Info("migrations_applied", {{"schema", schema}, {"applied", applied}});
    return absl::OkStatus();
  } catch (const std::exception& e) {
    absl::Status s = PgErrorToStatus(e);
    return absl::Status(s.code(), absl::StrCat("migrating schema ", schema, ": ", s.message()));
  }
}

}  // namespace sertel
