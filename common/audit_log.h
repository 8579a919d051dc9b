// The hash-chained audit log every service keeps in its own schema (docs/architecture.md,
// "Tamper-evident audit"). Append in the same transaction as the state change it records;
// Verify walks the chain and names the first row that was edited, deleted or inserted.
//
//   audit.Append(tx, {.actor_sub = p.sub, .actor_role = "VERIFIER", .action = "VERIFIED",
//                     .entity_type = "case", .entity_id = id, .details = {{"step", 5}}});
#pragma once

#include <cstdint>
#include <pqxx/connection>
#include <pqxx/transaction>
#include <string>

#include "absl/status/statusor.h"
#include "common/change_records.h"  // AuditEntry
#include "common/clock.h"
#include "nlohmann/json.hpp"

namespace sertel {

struct AuditVerification {
  bool ok = true;
  int64_t rows_checked = 0;
  int64_t first_broken_seq = 0;  // 0 when ok
  std::string problem;           // empty when ok
};

class AuditLog {
 public:
  explicit AuditLog(const Clock* clock = SystemClock::Default()) : clock_(clock) {}

  // Appends inside `tx` (throws libpqxx exceptions, like every store call). Serializes appenders
  // on the chain head, so call it last in the transaction to keep that lock short.
  void Append(pqxx::work& tx, const AuditEntry& entry) const;

  // Reads the whole chain in order and recomputes every hash.
  static absl::StatusOr<AuditVerification> Verify(pqxx::connection& conn);

  // The canonical bytes a row's hash covers (public for tests).
  static std::string CanonicalRow(int64_t seq, int64_t at_micros, const std::string& actor_sub,
                                  const std::string& actor_role, const std::string& action,
                                  const std::string& entity_type, const std::string& entity_id,
                                  const std::string& details);
  static std::string ChainHash(const std::string& prev_hash, const std::string& canonical_row);

 private:
  const Clock* clock_;
};

}  // namespace sertel
