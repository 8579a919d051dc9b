// The only place with SQL for certificate-service: enrollments, their timeline, certificates,
// keystores and the CRL. Every state change writes its new state, its audit record and any
// outbox row in one transaction (architecture.md). Statements are prepared once per connection
// (pass CertificateStore::Prepare as the pool's on_connect).
//
//   CertificateStore store(&pool, &audit);
//   absl::StatusOr<EnrollmentRecord> e = store.GetEnrollment("app-1");
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "certificate_authority.h"
#include "certificate_records.h"

namespace pqxx {
class connection_base;
}  // namespace pqxx

namespace sertel {
class PgPool;
class AuditLog;
}  // namespace sertel

namespace sertel::certificate {

class CertificateStore {
 public:
  CertificateStore(PgPool* pool, const AuditLog* audit) : pool_(pool), audit_(audit) {}

  // Prepares every statement on a new connection (PgPool::Options::on_connect).
  static void Prepare(pqxx::connection_base& conn);

  // ALREADY_EXISTS when an enrollment for the application exists.
  absl::StatusOr<EnrollmentRecord> CreateEnrollment(const EnrollmentRecord& e,
                                                    const TimelineRecord& t, const AuditNote& a,
                                                    const OutboxItem& o);
  absl::StatusOr<EnrollmentRecord> GetEnrollment(const std::string& application_id);
  absl::StatusOr<std::vector<TimelineRecord>> GetTimeline(const std::string& application_id);
  // The most recent enrollment of a NIK, if any.
  absl::StatusOr<std::optional<EnrollmentRecord>> FindLatestByNik(const std::string& nik);

  // Counts one try of the activation code before it is compared, so that parallel guesses
  // cannot exceed the limit. FAILED_PRECONDITION when max_attempts tries were used already or
  // the enrollment is no longer awaiting its passphrase. Returns the tries used, this one
  // included.
  absl::StatusOr<int> ClaimActivationAttempt(const std::string& application_id, int max_attempts);
  absl::Status AppendAudit(const AuditNote& a);

  // Step 6 done. ABORTED when the enrollment changed since `expected_version` was read.
  absl::StatusOr<EnrollmentRecord> CompleteIssuance(const std::string& application_id,
                                                    int64_t expected_version,
                                                    const CertificateRecord& c,
                                                    const std::string& pkcs12,
                                                    const TimelineRecord& t, const AuditNote& a);
  // Step 7 done. ABORTED when the enrollment changed since `expected_version` was read.
  absl::StatusOr<EnrollmentRecord> CompleteHandover(const std::string& application_id,
                                                    int64_t expected_version, int channel,
                                                    absl::Time at, const TimelineRecord& t,
                                                    const AuditNote& a, const OutboxItem& o);

  absl::StatusOr<CertificateRecord> GetCertificateBySerial(const std::string& serial);
  absl::StatusOr<CertificateRecord> GetCertificateByApplication(const std::string& application_id);
  // The sealed PKCS#12, or nullopt once purged.
  absl::StatusOr<std::optional<std::string>> GetKeystore(const std::string& application_id);

  // Builds the DER CRL from every revoked certificate and the next CRL number.
  using CrlBuilder =
      std::function<absl::StatusOr<std::string>(const std::vector<RevokedEntry>&, int64_t)>;
  // Revokes and rebuilds the CRL in one transaction. NOT_FOUND, FAILED_PRECONDITION when
  // already revoked.
  // `reason` is the sertel.v1.RevocationReason number; the CRL is valid until next_update.
  absl::StatusOr<CertificateRecord> Revoke(const std::string& serial, int reason, absl::Time at,
                                           absl::Time next_update, const TimelineRecord& t,
                                           const AuditNote& a, const CrlBuilder& build);
  absl::Status RebuildCrl(absl::Time this_update, absl::Time next_update, const CrlBuilder& build);
  // NOT_FOUND before the first CRL was made.
  absl::StatusOr<std::string> CurrentCrl();

  // Per unit (only `unit` when not empty), as of a moment.
  absl::StatusOr<std::vector<UnitFigures>> Statistics(absl::Time as_of, const std::string& unit);

  // Steps 6 (ISSUED) and 7 (HANDED_OVER) completed in [from, to): count, p50, p95, max and how
  // many took longer than `standard`. Only steps that had any rows.
  absl::StatusOr<std::vector<StepFigures>> StepTimes(absl::Time from, absl::Time to,
                                                    absl::Duration standard);

  // Deletes keystores of enrollments handed over before `before`; returns how many.
  absl::StatusOr<int> PurgeKeystores(absl::Time before, const std::string& actor);
  // For each valid certificate expiring in (now, until] without a reminder yet: writes the
  // outbox row `make` returns and marks the certificate. Returns how many.
  absl::StatusOr<int> QueueExpiryReminders(
      absl::Time now, absl::Time until,
      const std::function<OutboxItem(const CertificateRecord&, const HolderRecord&)>& make);

 private:
  PgPool* pool_;
  const AuditLog* audit_;
};

}  // namespace sertel::certificate
