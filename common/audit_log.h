// The keyed, hash-chained audit log every service keeps in its own schema (docs/security.md,
// "Audit"). Append in the same transaction as the state change it records. Each row's hash is
// HMAC-SHA-256, under the service's audit key (SERTEL_AUDIT_HMAC_KEY_FILE, never in the
// database), over the previous row's hash and this row's canonical form; the head row holds the
// last hash. Verify reads the head and every row in one snapshot and names the first row that
// was edited, deleted or inserted; with a signed checkpoint (common/audit_checkpoint.h) it also
// catches rows deleted from the end with the head moved back.
//
//   AuditLog audit(*AuditLog::LoadKey("/etc/sertel/audit/hmac.key"));
//   audit.Append(tx, {.actor_sub = p.sub, .actor_role = "VERIFIER", .action = "VERIFIED",
//                     .entity_type = "case", .entity_id = id, .details = {{"step", 5}}});
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/connection>
#include <pqxx/transaction>
#include <string>

#include "absl/status/statusor.h"
#include "common/audit_checkpoint.h"
#include "common/change_records.h"  // AuditEntry
#include "common/clock.h"
#include "nlohmann/json.hpp"

namespace sertel {

struct AuditVerification {
  bool ok = true;
  int64_t rows_checked = 0;
  int64_t first_broken_seq = 0;  // 0 when ok
  std::string problem;           // empty when ok
  int64_t head_seq = 0;          // the head in the verified snapshot (what a checkpoint signs)
  std::string head_hash;
};

// The chain's head as the database holds it.
struct AuditHead {
  int64_t seq = 0;
  std::string hash;  // 32 bytes
  bool keyed = false;
};

class AuditLog {
 public:
  static constexpr size_t kMinKeyBytes = 32;

  // `key`: at least kMinKeyBytes bytes (LoadKey checks it).
  explicit AuditLog(std::string key, const Clock* clock = SystemClock::Default());
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // The key file's bytes; FAILED_PRECONDITION when shorter than kMinKeyBytes.
  static absl::StatusOr<std::string> LoadKey(const std::string& path);

  // Appends inside `tx` (throws libpqxx exceptions, like every store call). Serializes appenders
  // on the chain head, so call it last in the transaction to keep that lock short.
  void Append(pqxx::work& tx, const AuditEntry& entry) const;

  // Reads the head and the whole chain in one REPEATABLE READ snapshot and recomputes every
  // keyed hash. With `checkpoint` (its signature checked by the caller), the chain must hold
  // row checkpoint->seq with exactly its hash.
  absl::StatusOr<AuditVerification> Verify(
      pqxx::connection& conn,
      const std::optional<AuditCheckpoint>& checkpoint = std::nullopt) const;

  // The head in a snapshot of its own (for checkpoints).
  static absl::StatusOr<AuditHead> Head(pqxx::connection& conn);

  // A chain written before issue 16 (unkeyed SHA-256): verifies it as it was written and, if it
  // is intact, re-keys every row in one transaction. Nothing to do on a keyed or empty chain.
  // FAILED_PRECONDITION, and nothing changes, when the unkeyed chain is broken.
  absl::Status KeyLegacyChain(pqxx::connection& conn) const;

  // The canonical bytes a row's hash covers (public for tests and the offline verifier).
  static std::string CanonicalRow(int64_t seq, int64_t at_micros, const std::string& actor_sub,
                                  const std::string& actor_role, const std::string& action,
                                  const std::string& entity_type, const std::string& entity_id,
                                  const std::string& details);
  // HMAC-SHA-256(key, prev_hash || canonical_row).
  std::string ChainHash(const std::string& prev_hash, const std::string& canonical_row) const;
  // SHA-256(prev_hash || canonical_row): how rows were chained before issue 16.
  static std::string LegacyChainHash(const std::string& prev_hash,
                                     const std::string& canonical_row);

 private:
  std::string key_;
  const Clock* clock_;
};

}  // namespace sertel
