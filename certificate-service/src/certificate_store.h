// The only place with SQL for certificate-service (the statements are queries/*.sql): enrollments,
// their timeline, certificates, keystores, the CRL and the figures of the reports. Every change
// of an enrollment goes through Apply, which locks the row, lets the lifecycle
// (enrollment_lifecycle.h) decide, and writes the new state, the timeline entry, the certificate
// or revocation, the outbox items and the audit entry in one transaction (docs/architecture.md).
//
//   CertificateStore store(&pool, &audit);
//   absl::StatusOr<EnrollmentRecord> e = store.Apply(app, [&](const EnrollmentRecord* current) {
//     return lifecycle.TryActivationCode(current, matches, actor, now);
//   });
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "certificate_authority.h"
#include "certificate_records.h"
#include "certificate_snapshot.h"
#include "common/change_records.h"
#include "common/clock.h"

namespace sertel {
class PgPool;
class AuditLog;
}  // namespace sertel

namespace sertel::certificate {

// How a CRL is made inside the store's transaction: the window it is valid for and the CA's
// signature over the revoked entries with the next CRL number (CertificateAuthority::MakeCrl).
// The CRL is dated when it is signed, by `clock` read under the CRL's lock: two revocations, or a
// revocation and the refresh, that read the clock in one order and took the lock in the other
// would otherwise give a higher CRL number an earlier date.
struct CrlSigner {
  const Clock* clock;
  absl::Duration validity;
  std::function<absl::StatusOr<std::string>(const std::vector<RevokedEntry>&, int64_t number,
                                            absl::Time this_update, absl::Time next_update)>
      sign;
};

class CertificateStore {
 public:
  CertificateStore(PgPool* pool, const AuditLog* audit) : pool_(pool), audit_(audit) {}

  // `current` is null when the application has no enrollment.
  using Decide = std::function<absl::StatusOr<EnrollmentChange>(const EnrollmentRecord* current)>;

  // Locks the enrollment (SELECT ... FOR UPDATE), asks `decide`, writes its change; returns the
  // enrollment as it stands afterwards, with its timeline. An error from `decide` rolls
  // everything back; a change's `answer` is returned after the change is committed. ABORTED
  // when the row no longer has the change's expected version, or a concurrent start inserted
  // it first. A change that revokes needs `crl`: the CRL is rebuilt in the same transaction.
  absl::StatusOr<EnrollmentRecord> Apply(const std::string& application_id, const Decide& decide,
                                         const CrlSigner* crl = nullptr);

  // `seen` is what an earlier call left under `key` (null when nothing), read after the
  // enrollment is locked, so two calls of one enrollment under one key are serialized.
  using DecideOnce = std::function<absl::StatusOr<EnrollmentChange>(const EnrollmentRecord* current,
                                                                    const SeenRequest* seen)>;
  // Apply for a call that carries an idempotency key. The change's `request` is written in the
  // same transaction; ALREADY_EXISTS when the key was taken meanwhile by another request.
  absl::StatusOr<EnrollmentRecord> Apply(const std::string& application_id, const RequestKey& key,
                                         const DecideOnce& decide, const CrlSigner* crl = nullptr);
  // What an earlier call left under `key`, if anything (without a lock; Apply decides again).
  absl::StatusOr<std::optional<SeenRequest>> FindRequest(const RequestKey& key);
  // Gives up `claim` on `key` (a SetPassphrase that failed after claiming it); a DONE key stays.
  absl::Status ReleaseRequest(const RequestKey& key, const std::string& claim);
  // The key of the idempotency hashes (migration V003), read once.
  absl::StatusOr<std::string> RequestHashKey();

  // NOT_FOUND when there is none. Without the timeline; ...WithTimeline reads it too.
  absl::StatusOr<EnrollmentRecord> GetEnrollment(const std::string& application_id);
  absl::StatusOr<EnrollmentRecord> GetEnrollmentWithTimeline(const std::string& application_id);
  // The most recent enrollment of a NIK, if any.
  absl::StatusOr<std::optional<EnrollmentRecord>> FindLatestByNik(const std::string& nik);
  // An audit entry on its own (a keystore download changes nothing else).
  absl::Status AppendAudit(const AuditEntry& entry);

  // What CheckCertificate's snapshot holds (certificate_snapshot.h), in one transaction: all of
  // it (`niks` null) or the rows of those NIKs.
  absl::StatusOr<SnapshotRows> LoadSnapshotRows(const std::vector<std::string>* niks);
  // Called with the holder's NIK after a committed change that the snapshot must see (an
  // enrollment started, a certificate issued or revoked): this replica sees its own writes at
  // once, the others through the database's notices (snapshot_listener.h).
  void SetOnHolderChange(std::function<void(const std::string& nik)> fn) {
    on_holder_change_ = std::move(fn);
  }

  absl::StatusOr<CertificateRecord> GetCertificateBySerial(const std::string& serial);
  absl::StatusOr<CertificateRecord> GetCertificateByApplication(const std::string& application_id);
  // The sealed PKCS#12, or nullopt once purged.
  absl::StatusOr<std::optional<std::string>> GetKeystore(const std::string& application_id);

  // Redeems a one-time download link by its token's hash, in one transaction: the link locked;
  // unknown or expired -> kUnknown; used, ended or its keystore purged -> kGone; else it is
  // marked used (with `visit`), `audit_of` is appended and the sealed PKCS#12 returned.
  absl::StatusOr<LinkDownload> RedeemDownloadLink(
      const std::string& token_hash, absl::Time now, const LinkVisit& visit,
      const std::function<AuditEntry(const std::string& app, const std::string& serial)>& audit_of);
  // A fresh CRL over every revoked certificate, with the next CRL number.
  absl::Status RebuildCrl(const CrlSigner& crl);
  // NOT_FOUND before the first CRL was made.
  absl::StatusOr<std::string> CurrentCrl();

  // Per unit code (only `unit` when not empty) and the distinct holders over them, as of a
  // moment, in one snapshot.
  absl::StatusOr<StatisticsRows> Statistics(absl::Time as_of, const std::string& unit);
  // Steps 6 (ISSUED) and 7 (HANDED_OVER) completed in [from, to): count, p50, p95, max and how
  // many took longer than `standard`. Only steps that had any rows.
  absl::StatusOr<std::vector<StepFigures>> StepTimes(absl::Time from, absl::Time to,
                                                     absl::Duration standard);

  // Deletes keystores of enrollments handed over before `before`, each with the audit entry
  // `audit_of` returns; returns how many.
  absl::StatusOr<int> PurgeKeystores(absl::Time before,
                                     const std::function<AuditEntry(const std::string&)>& audit_of);
  // For each valid certificate expiring in (now, until] without a reminder yet: writes the
  // outbox item `make` returns and marks the certificate. Returns how many.
  absl::StatusOr<int> QueueExpiryReminders(
      absl::Time now, absl::Time until,
      const std::function<OutboxItem(const CertificateRecord&, const HolderRecord&)>& make);

 private:
  absl::StatusOr<EnrollmentRecord> ApplyChange(const std::string& application_id,
                                               const RequestKey* key, const DecideOnce& decide,
                                               const CrlSigner* crl);

  PgPool* pool_;
  const AuditLog* audit_;
  std::function<void(const std::string&)> on_holder_change_;
  absl::Mutex key_mu_;
  std::optional<std::string> request_hash_key_ ABSL_GUARDED_BY(key_mu_);
};

}  // namespace sertel::certificate
