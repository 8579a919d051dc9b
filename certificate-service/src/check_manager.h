// The SOP's warning as an API: "a certificate that does not match its owner leaves the owner
// unable to sign". Looks certificates up (by application or serial) and checks any PEM
// certificate against our CA, the clock, our records and the holder it names, returning every
// finding. CheckCertificate reads our records from the in-memory snapshot only (issue 22: no
// database round trip per check), and parses and verifies a certificate of ours once
// (verified_certificate_cache.h); GetCertificate reads the database.
//
//   CheckManager m(&store, ca.get(), &clock, &snapshot);
//   absl::StatusOr<CheckOutcome> r = m.CheckCertificate(pem, "3171014101900001");
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "certificate_authority.h"
#include "certificate_records.h"
#include "certificate_snapshot.h"
#include "certificate_store.h"
#include "common/clock.h"
#include "verified_certificate_cache.h"

namespace sertel::certificate {

class CheckManager {
 public:
  static constexpr size_t kMaxPemBytes = 64 << 10;
  // Certificates of ours remembered after their first check (verified_certificate_cache.h):
  // about 4 KiB each with the key.
  static constexpr size_t kVerifiedCacheCapacity = 1024;

  CheckManager(CertificateStore* store, CertificateAuthority* ca, const Clock* clock,
               const CertificateSnapshot* snapshot)
      : store_(store), ca_(ca), clock_(clock), snapshot_(snapshot) {}

  // The issuing CAs this one replaced (SERTEL_CERTIFICATE_RETIRED_CA_CERTS): certificates they
  // issued while they were valid are still ours, so a CA rotation does not flag them.
  void SetRetiredIssuers(std::vector<X509Ptr> retired) {
    retired_ = std::move(retired);
    verified_.Clear();  // what was ours is judged again against the new set
  }

  // Exactly one of `application_id` and `serial` (hex, any case, leading zeros allowed).
  absl::StatusOr<CertificateView> GetCertificate(const std::string& application_id,
                                                 const std::string& serial);
  // Exactly one certificate per PEM (more is MALFORMED). A certificate no issuing CA of ours
  // signed gets NOT_ISSUED_BY_CA and nothing else: no finding about any holder, so the check is
  // no oracle for who holds a NIK. Ours are checked against our records and the holder.
  // `expected_nik` (optional) is compared with the certificate's serialNumber too. UNAVAILABLE
  // when the snapshot is not current (certificate_snapshot.h).
  // Certificates of ours: their record is the snapshot's, with the PEM given.
  absl::StatusOr<CheckOutcome> CheckCertificate(const std::string& certificate_pem,
                                                const std::string& expected_nik);
  const VerifiedCertificateCache& verified_cache() const { return verified_; }

 private:
  // Parses the PEM (one block, exactly one certificate) and checks that an issuing CA of ours
  // signed it: its facts, or an error with the finding added to `out`.
  absl::StatusOr<VerifiedCertificate> VerifyIssuedByOurs(const std::string& certificate_pem,
                                                         CheckOutcome& out) const;
  // Our record of the certificate and the holder to compare it with: the enrollment's, or for a
  // certificate we do not know, the latest enrollment of the person it claims to be.
  void CompareWithRecords(const SnapshotData& records, const VerifiedCertificate& verified,
                          absl::Time now, CheckOutcome& out);

  CertificateStore* store_;
  CertificateAuthority* ca_;
  const Clock* clock_;
  const CertificateSnapshot* snapshot_;
  std::vector<X509Ptr> retired_;
  VerifiedCertificateCache verified_{kVerifiedCacheCapacity};
};

}  // namespace sertel::certificate
