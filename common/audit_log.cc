#include "common/audit_log.h"

#include <openssl/evp.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/pg_pool.h"

namespace sertel {
namespace {

void AppendField(std::string* out, absl::string_view field) {
  // Length-prefixed, so no two different rows share a canonical form.
  absl::StrAppend(out, field.size(), ":", field, ";");
}

std::string Bytes(const pqxx::field& f) {
  pqxx::binarystring b(f);
  return b.str();
}

}  // namespace

std::string AuditLog::CanonicalRow(int64_t seq, int64_t at_micros, const std::string& actor_sub,
                                   const std::string& actor_role, const std::string& action,
                                   const std::string& entity_type, const std::string& entity_id,
                                   const std::string& details) {
  std::string out = "sertel.audit.v1;";
  AppendField(&out, absl::StrCat(seq));
  AppendField(&out, absl::StrCat(at_micros));
  AppendField(&out, actor_sub);
  AppendField(&out, actor_role);
  AppendField(&out, action);
  AppendField(&out, entity_type);
  AppendField(&out, entity_id);
  AppendField(&out, details);
  return out;
}

std::string AuditLog::ChainHash(const std::string& prev_hash, const std::string& canonical_row) {
  std::string input = prev_hash + canonical_row;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), len);
}

void AuditLog::Append(pqxx::work& tx, const AuditEntry& entry) const {
  pqxx::result head = tx.exec("SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE");
  int64_t seq = head[0][0].as<int64_t>() + 1;
  std::string prev_hash = Bytes(head[0][1]);
  int64_t at = absl::ToUnixMicros(clock_->Now());
  std::string details = entry.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string hash = ChainHash(prev_hash, CanonicalRow(seq, at, entry.actor_sub, entry.actor_role,
                                                       entry.action, entry.entity_type,
                                                       entry.entity_id, details));
  pqxx::binarystring prev_bin(prev_hash), hash_bin(hash);
  tx.exec_params(
      "INSERT INTO audit_log (seq, at_micros, actor_sub, actor_role, action, entity_type,"
      " entity_id, details, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
      seq, at, entry.actor_sub, entry.actor_role, entry.action, entry.entity_type, entry.entity_id,
      details, prev_bin, hash_bin);
  tx.exec_params("UPDATE audit_head SET last_seq = $1, last_hash = $2 WHERE id = 1", seq, hash_bin);
}

absl::StatusOr<AuditVerification> AuditLog::Verify(pqxx::connection& conn) {
  AuditVerification v;
  try {
    pqxx::read_transaction tx(conn);
    pqxx::result head = tx.exec("SELECT last_seq, last_hash FROM audit_head WHERE id = 1");
    std::string expected_prev(32, '\0');
    int64_t expected_seq = 1;
    auto broken = [&v](int64_t seq, std::string problem) {
      v.ok = false;
      v.first_broken_seq = seq;
      v.problem = std::move(problem);
    };
    // Streamed in pages so a long chain does not sit in memory at once.
    constexpr int kPage = 5000;
    int64_t after = 0;
    while (v.ok) {
      pqxx::result rows = tx.exec_params(
          "SELECT seq, at_micros, actor_sub, actor_role, action, entity_type, entity_id, details,"
          " prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
          after, kPage);
      for (const auto& row : rows) {
        int64_t seq = row[0].as<int64_t>();
        if (seq != expected_seq) {
          broken(expected_seq, absl::StrCat("row ", expected_seq, " is missing (next row is ", seq,
                                            ")"));
          break;
        }
        std::string prev = Bytes(row[8]);
        if (prev != expected_prev) {
          broken(seq, absl::StrCat("row ", seq, " does not link to the row before it"));
          break;
        }
        std::string recomputed = ChainHash(
            prev, CanonicalRow(seq, row[1].as<int64_t>(), row[2].as<std::string>(),
                               row[3].as<std::string>(), row[4].as<std::string>(),
                               row[5].as<std::string>(), row[6].as<std::string>(),
                               row[7].as<std::string>()));
        if (recomputed != Bytes(row[9])) {
          broken(seq, absl::StrCat("row ", seq, " was altered: its hash does not match its content"));
          break;
        }
        expected_prev = recomputed;
        ++expected_seq;
        ++v.rows_checked;
        after = seq;
      }
      if (rows.size() < static_cast<size_t>(kPage)) break;
    }
    if (v.ok) {
      int64_t last_seq = head[0][0].as<int64_t>();
      if (last_seq != expected_seq - 1 || Bytes(head[0][1]) != expected_prev) {
        broken(expected_seq, absl::StrCat("the chain ends at row ", expected_seq - 1,
                                          " but its head says row ", last_seq,
                                          ": rows at the end were deleted"));
      }
    }
    return v;
  } catch (const std::exception& e) {
    return PgErrorToStatus(e);
  }
}

}  // namespace sertel
