#include "common/audit_log.h"

#include <openssl/evp.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/pg_pool.h"
#include "common/sql_query.h"
#include "common_queries.h"

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
  pqxx::result head = RunQuery(tx, common::queries::kLockAuditHead);
  int64_t seq = head[0]["last_seq"].as<int64_t>() + 1;
  std::string prev_hash = Bytes(head[0]["last_hash"]);
  int64_t at = absl::ToUnixMicros(clock_->Now());
  std::string details =
      entry.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string hash =
      ChainHash(prev_hash, CanonicalRow(seq, at, entry.actor_sub, entry.actor_role, entry.action,
                                        entry.entity_type, entry.entity_id, details));
  pqxx::binarystring prev_bin(prev_hash), hash_bin(hash);
  RunQuery(tx, common::queries::kInsertAuditRow, seq, at, entry.actor_sub, entry.actor_role,
           entry.action, entry.entity_type, entry.entity_id, details, prev_bin, hash_bin);
  RunQuery(tx, common::queries::kUpdateAuditHead, seq, hash_bin);
}

absl::StatusOr<AuditVerification> AuditLog::Verify(pqxx::connection& conn) {
  AuditVerification v;
  try {
    pqxx::read_transaction tx(conn);
    pqxx::result head = RunQuery(tx, common::queries::kSelectAuditHead);
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
      pqxx::result rows = RunQuery(tx, common::queries::kSelectAuditRows, after, kPage);
      for (const auto& row : rows) {
        int64_t seq = row["seq"].as<int64_t>();
        if (seq != expected_seq) {
          broken(expected_seq,
                 absl::StrCat("row ", expected_seq, " is missing (next row is ", seq, ")"));
          break;
        }
        std::string prev = Bytes(row["prev_hash"]);
        if (prev != expected_prev) {
          broken(seq, absl::StrCat("row ", seq, " does not link to the row before it"));
          break;
        }
        std::string recomputed = ChainHash(
            prev,
            CanonicalRow(seq, row["at_micros"].as<int64_t>(), row["actor_sub"].as<std::string>(),
                         row["actor_role"].as<std::string>(), row["action"].as<std::string>(),
                         row["entity_type"].as<std::string>(), row["entity_id"].as<std::string>(),
                         row["details"].as<std::string>()));
        if (recomputed != Bytes(row["hash"])) {
          broken(seq,
                 absl::StrCat("row ", seq, " was altered: its hash does not match its content"));
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
      int64_t last_seq = head[0]["last_seq"].as<int64_t>();
      if (last_seq != expected_seq - 1 || Bytes(head[0]["last_hash"]) != expected_prev) {
        broken(expected_seq,
               absl::StrCat("the chain ends at row ", expected_seq - 1, " but its head says row ",
                            last_seq, ": rows at the end were deleted"));
      }
    }
    return v;
  } catch (const std::exception& e) {
    return PgErrorToStatus(e);
  }
}

}  // namespace sertel
