// certificate-service's plain data (see migrations/V001__enrollments.sql): an enrollment as it
// travels SOP steps 5-7, its timeline, the issued certificate, the change one step makes (new
// state + timeline entry + audit entry + outbox items, written by CertificateStore::Apply in one
// transaction) and the figures of the reports. No protobuf, no SQL.
//
//   EnrollmentRecord e = ...;                       // from CertificateStore
//   if (e.state == EnrollmentState::kIssued) { ... }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "certificate_matcher.h"
#include "common/change_records.h"
#include "common/outbox_attention.h"

namespace sertel::certificate {

// The numbers equal sertel.v1.EnrollmentStatus.
enum class EnrollmentState { kAwaitingPassphrase = 1, kIssued = 2, kHandedOver = 3, kRevoked = 4 };
std::string EnrollmentStateName(EnrollmentState s);  // "AWAITING_PASSPHRASE", ...
std::optional<EnrollmentState> ParseEnrollmentState(const std::string& s);

// The numbers equal sertel.v1.CertificateStatus.
enum class CertificateStatus { kValid = 1, kRevoked = 2, kExpired = 3 };

// sertel.v1.RevocationReason's UNSPECIFIED_REASON (RFC 5280's unspecified, code 0).
constexpr int kUnspecifiedRevocationReason = 1;

// sertel.v1.RevocationReason's name for its number ("REVOCATION_REASON_KEY_COMPROMISE"), nullopt
// for a number that is not an RFC 5280 reason we accept (0, 8 removeFromCRL, 9 unused).
std::optional<std::string> RevocationReasonName(int reason);
// The RFC 5280 CRLReason code of a sertel.v1.RevocationReason number (the enum is the code plus
// one).
int RfcReasonCode(int reason);

// RFC 3339 in UTC to the second, as notification templates and audit details carry times.
std::string Rfc3339(absl::Time t);

// Who acts, as the timeline and the audit chain name them.
struct Actor {
  std::string sub;
  std::string role;  // "VERIFIER", "APPLICANT", "SERVICE", ...
};

// `unit` is the unit's code in intake's registry (what statistics group by); `certificate_ou`
// the unit's name in the certificate's subject OU (Applicant.certificate_ou, or the unit itself
// from callers older than the registry).
struct HolderRecord {
  std::string nik{}, nip{}, full_name{}, email{}, phone{}, unit{}, position{}, certificate_ou{};
  bool operator==(const HolderRecord& other) const = default;
};
// What the certificate says of its holder: CN, serialNumber, SAN email and OU.
HolderIdentity IdentityOf(const HolderRecord& holder);

struct TimelineRecord {
  int step = 0;
  std::string action;
  std::string actor_sub;
  std::string actor_role;
  std::string note;
  absl::Time at;
  absl::Duration duration;  // how long the enrollment waited at `step` before this
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
  int handover_channel = 0;  // sertel.v1.Channel number (common/notification_order.h)
  std::optional<absl::Time> handed_over_at;
  std::optional<absl::Time> issued_at;
  // While set and in the future, a SetPassphrase whose code matched is calling the CA
  // (EnrollmentLifecycle::TryActivationCode): no other issuance starts.
  std::optional<absl::Time> issuing_until;
  bool keystore_available = false;
  absl::Time created_at;
  absl::Time updated_at;
  std::vector<TimelineRecord> timeline;  // oldest first; filled by reads that ask for it
  // How many more activation codes ResendActivationCode may send in the current 24 hours, at the
  // moment of the answer: filled by the managers (EnrollmentLifecycle::ResendsLeft), never
  // stored.
  int activation_resends_left = 0;
  // The newest DEAD outbox row of this enrollment (e.g. the activation code's notification
  // refused for good), filled by the reads that answer a caller (with the timeline); never stored
  // in the enrollment row.
  std::optional<AttentionRecord> attention;
};

// Proof of use (issue 21): the test signature made with a new certificate's key right after
// issuance, and its verification (proof_of_use.h runs it). One check by name.
struct ProofCheck {
  std::string name;
  bool passed = false;
  std::string detail;  // what failed, or "" when passed; never key material
};

struct ProofReport {
  bool passed = false;  // every check passed: indication PASSED, else FAILED
  std::vector<ProofCheck> checks;
  absl::Time checked_at;
};

struct CertificateRecord {
  std::string serial{};
  std::string application_id{};
  std::string nik{}, full_name{}, email{}, unit{};
  std::string subject{};
  absl::Time not_before{}, not_after{};
  std::string sha256_fingerprint{};
  std::string certificate_pem{};
  std::string key_algorithm{};
  absl::Time issued_at{};
  std::optional<absl::Time> revoked_at{};
  int revocation_reason = 0;  // sertel.v1.RevocationReason number
  // nullopt: issued before proofs of use existed (HandOver refuses it, as a FAILED one).
  std::optional<ProofReport> proof_of_use{};
};

// A certificate with its status at the moment it was read.
struct CertificateView {
  CertificateRecord certificate;
  CertificateStatus status = CertificateStatus::kValid;
};

// SOP step 6's result to store with the enrollment's change: the certificate and the PKCS#12
// sealed under the owner's passphrase.
struct Issuance {
  CertificateRecord certificate;
  std::string pkcs12;
};

// A revocation to write with the enrollment's change (the CRL is rebuilt in the same
// transaction).
struct Revocation {
  std::string serial;
  int reason = 0;  // sertel.v1.RevocationReason number
  absl::Time at;
};

// A one-time download link of a handover (issue 18), as the handover's change writes it: the
// SHA-256 of its token (the token itself only travels, sealed, in the outbox message).
struct DownloadLinkWrite {
  std::string token_hash;  // raw 32 bytes
  std::string serial;
  absl::Time created_at;
  absl::Time expires_at;
};

// Who fetched a link: recorded with the download and in the audit chain.
struct LinkVisit {
  std::string address;
  std::string user_agent;
};

// What a link gives: the keystore (once), nothing for an unknown or expired token (404), or
// nothing any more - used, ended by a new handover or a revocation, or purged (410).
enum class LinkVerdict { kServed, kUnknown, kGone };
struct LinkDownload {
  LinkVerdict verdict = LinkVerdict::kUnknown;
  std::string application_id;
  std::string pkcs12;  // kServed only
};

// An idempotency key (a request's request_id) of one RPC: the same key with the same request
// returns the first answer and does nothing again; with another request it is ALREADY_EXISTS.
// Keys are scoped per RPC.
struct RequestKey {
  std::string rpc{};           // "SetPassphrase", "HandOver", "RevokeCertificate", ...
  std::string request_id{};    // the caller's key
  std::string request_hash{};  // HMAC-SHA256 (raw) of the request's canonical form
};

// What an earlier call left under the same key.
struct SeenRequest {
  std::string request_hash{};
  std::string application_id{};
  bool done = false;    // false: claimed by a SetPassphrase that is still issuing
  std::string claim{};  // the claimant's token (a claim only)
  absl::Time claimed_at{};
};

// The key row a change writes in its transaction: DONE, or (SetPassphrase, before it issues)
// CLAIMED under `claim`.
struct RequestWrite {
  RequestKey key{};
  std::string application_id{};
  bool done = true;
  std::string claim{};
  absl::Time at{};
};

// What one step does to an enrollment; CertificateStore::Apply writes it in one transaction.
struct EnrollmentChange {
  enum class Kind { kNone, kInsert, kUpdate };
  Kind kind = Kind::kNone;
  EnrollmentRecord after{};      // the enrollment as it stands afterwards
  int64_t expected_version = 0;  // kUpdate: the version the row must still have
  std::optional<TimelineRecord> entry{};
  std::vector<AuditEntry> audits{};  // in this order
  std::vector<OutboxItem> outbox{};
  std::optional<Issuance> issuance{};
  std::optional<Revocation> revocation{};  // also ends the enrollment's open download links
  std::optional<DownloadLinkWrite> download_link{};  // replaces the enrollment's open links
  std::optional<RequestWrite> request{};  // the idempotency key, when the call carried one
  // Told to the caller once the change is written: a wrong activation code is counted and
  // audited, and still refused.
  absl::Status answer{};
};

// The outcome of CheckCertificate (the SOP's warning): every finding, and our record of the
// certificate when it is one of ours.
struct CheckOutcome {
  std::vector<Finding> findings;
  std::optional<CertificateView> certificate;
  bool ok() const { return findings.empty(); }
};

// What DownloadKeystore hands out.
struct KeystoreDownload {
  std::string pkcs12;
  std::string certificate_pem;
  std::string chain_pem;
};

struct UnitFigures {
  std::string unit;
  int64_t holders_with_valid_certificate = 0;
  int64_t issued_total = 0;
  int64_t revoked_total = 0;
  int64_t expired_total = 0;
  int64_t awaiting_passphrase = 0;
};

// What the store counts as of a moment: the figures per unit (code) and the people holding a
// valid certificate over all of them (distinct NIKs: not the sum of the units).
struct StatisticsRows {
  std::vector<UnitFigures> by_unit{};
  int64_t holders_with_valid_certificate = 0;
};

// The SOP's recorded figures as of a moment: the totals and the same per unit.
struct StatisticsReport {
  absl::Time as_of{};
  UnitFigures total{};
  std::vector<UnitFigures> by_unit{};
};

// How long one SOP step took over a period (the SLA report's row for step 6 or 7).
struct StepFigures {
  int step = 0;
  int64_t count = 0;
  absl::Duration p50{}, p95{}, max{};
  int64_t exceeded = 0;  // longer than the SOP's standard time
  absl::Duration standard{};
};

struct SlaReportRecord {
  absl::Time from, to;
  std::vector<StepFigures> steps;  // steps 6 and 7, always both
};

}  // namespace sertel::certificate
