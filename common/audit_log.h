// The keyed, hash-chained audit log every service keeps in its own schema (docs/security.md,
// "Audit"). Append in the same transaction as the state change it records: the row is written
// unlinked, with a random nonce and a row MAC (HMAC-SHA-256 under the service's audit key,
// SERTEL_AUDIT_HMAC_KEY_FILE, never in the database), so appenders take no common lock (issue
// 22). Right after commit, ChainPending (run by AuditChainer, one at a time: it locks the head)
// checks each unlinked row's MAC and links it: its hash is HMAC-SHA-256 over the previous row's
// hash and its canonical form; the head row holds the last hash. Verify reads the head and every
// row in one snapshot and names the first row that was edited, deleted or inserted, and an
// unlinked row that lacks our MAC or waited longer than the bound; with a signed checkpoint
// (common/audit_checkpoint.h) it also catches rows deleted from the end with the head moved back.
//
//   AuditLog audit(*AuditLog::LoadKey("/etc/sertel/audit/hmac.key"));
//   audit.Append(tx, {.actor_sub = p.sub, .actor_role = "VERIFIER", .action = "VERIFIED",
//                     .entity_type = "case", .entity_id = id, .details = {{"step", 5}}});
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/connection>
#include <pqxx/row>
#include <pqxx/transaction>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
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
  int64_t unlinked_rows = 0;  // written, their MAC checked, waiting for the chainer
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

  // How long a row may wait unlinked before Verify calls the chain broken (the chainer runs
  // every 50 ms; a longer wait means it is not running).
  static constexpr absl::Duration kMaxUnlinkedAge = absl::Seconds(60);

  // Appends an unlinked row inside `tx` (throws libpqxx exceptions, like every store call). No
  // lock: concurrent transactions commit in parallel.
  void Append(pqxx::work& tx, const AuditEntry& entry) const;

  // Links up to `max_rows` unlinked rows after the head, in the order they were written, in
  // `tx` (the head row locked: one chainer at a time). A row without our MAC is left unlinked
  // (Verify reports it) and logged. FAILED_PRECONDITION on an unkeyed chain. Returns how many
  // rows were linked.
  absl::StatusOr<int> ChainPending(pqxx::work& tx, int max_rows) const;

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

  // The canonical bytes a row's hash covers (public for tests and the offline verifier): v1
  // for a row from before migration C007 (no nonce), v2 (the same, then the nonce) after.
  static std::string CanonicalRow(int64_t seq, int64_t at_micros, const std::string& actor_sub,
                                  const std::string& actor_role, const std::string& action,
                                  const std::string& entity_type, const std::string& entity_id,
                                  const std::string& details, const std::string& nonce = "");
  // What an unlinked row's MAC covers: its nonce and content (no seq: it has none yet).
  static std::string PendingCanonical(const std::string& nonce, int64_t at_micros,
                                      const std::string& actor_sub, const std::string& actor_role,
                                      const std::string& action, const std::string& entity_type,
                                      const std::string& entity_id, const std::string& details);
  // HMAC-SHA-256(key, prev_hash || canonical_row).
  std::string ChainHash(const std::string& prev_hash, const std::string& canonical_row) const;
  // HMAC-SHA-256(key, data).
  std::string Mac(const std::string& data) const;
  // SHA-256(prev_hash || canonical_row): how rows were chained before issue 16.
  static std::string LegacyChainHash(const std::string& prev_hash,
                                     const std::string& canonical_row);

 private:
  // The row's MAC is ours (constant-time compare).
  bool UnlinkedRowIsOurs(const pqxx::row& row) const;
  // Verify's second part: every unlinked row carries our MAC and none waited past the bound.
  void CheckUnlinked(pqxx::transaction_base& tx, AuditVerification& v) const;

  std::string key_;
  const Clock* clock_;
};

}  // namespace sertel
