// The rows certificate-service keeps (see migrations/V001__enrollments.sql), as plain structs
// shared by the store, the rules and the gRPC layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace sertel::certificate {

enum class EnrollmentState { kAwaitingPassphrase, kIssued, kHandedOver, kRevoked };
std::string EnrollmentStateName(EnrollmentState s);  // "AWAITING_PASSPHRASE", ...
std::optional<EnrollmentState> ParseEnrollmentState(const std::string& s);

struct HolderRecord {
  std::string nik, nip, full_name, email, phone, unit, position;
};

struct EnrollmentRecord {
  std::string application_id;
  std::string request_id;
  HolderRecord holder;
  EnrollmentState state = EnrollmentState::kAwaitingPassphrase;
  int64_t version = 1;
  std::string activation_hash;  // HMAC-SHA256 of the code (raw bytes); empty once used
  absl::Time activation_expires_at = absl::InfinitePast();
  int activation_attempts = 0;
  int activation_codes_sent = 1;
  std::string certificate_serial;
  int handover_channel = 0;  // sertel.v1.Channel number
  std::optional<absl::Time> handed_over_at;
  std::optional<absl::Time> issued_at;
  bool keystore_available = false;
  absl::Time created_at;
  absl::Time updated_at;
};

struct TimelineRecord {
  int step = 0;
  std::string action;
  std::string actor_sub;
  std::string actor_role;
  std::string note;
  absl::Time at;
  absl::Duration duration;
};

struct CertificateRecord {
  std::string serial;
  std::string application_id;
  std::string nik, full_name, email, unit;
  std::string subject;
  absl::Time not_before, not_after;
  std::string sha256_fingerprint;
  std::string certificate_pem;
  std::string key_algorithm;
  absl::Time issued_at;
  std::optional<absl::Time> revoked_at;
  int revocation_reason = 0;  // sertel.v1.RevocationReason number
};

// An audit record to append in the same transaction (common/audit_log.h). Never a secret.
struct AuditNote {
  std::string actor_sub;
  std::string actor_role;
  std::string action;
  std::string entity_id;
  nlohmann::json details = nlohmann::json::object();
};

// An outbox row to write in the same transaction (common/outbox.h).
struct OutboxItem {
  std::string topic;
  std::string key;
  std::string payload;
};

struct UnitFigures {
  std::string unit;
  int64_t holders_with_valid_certificate = 0;
  int64_t issued_total = 0;
  int64_t revoked_total = 0;
  int64_t expired_total = 0;
  int64_t awaiting_passphrase = 0;
};

// How long one SOP step took over a period (the SLA report's row for step 6 or 7).
struct StepFigures {
  int step = 0;
  int64_t count = 0;
  absl::Duration p50, p95, max;
  int64_t exceeded = 0;  // longer than the SOP's standard time
};

}  // namespace sertel::certificate
