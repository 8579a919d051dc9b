// certificate-service's rules for SOP steps 5 (the CA), 6 (the owner's passphrase) and 7 (the
// handover), the match check (the SOP's warning), revocation and the holder count (the SOP's
// recording duty). Plain C++ over the store, the CA and the crypto classes: no gRPC here, so
// the gRPC layer (certificate_service_impl.h) stays a thin translation and tests can drive this
// class directly with a FakeClock.
//
//   CertificateManager m(&store, ca.get(), &codes, KeyGenerator(alg), Pkcs12Sealer({}), settings,
//                        &clock);
//   absl::Status s = m.SetPassphrase(caller, app_id, code, passphrase, &certificate);
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "activation_code.h"
#include "certificate_authority.h"
#include "certificate_matcher.h"
#include "certificate_records.h"
#include "certificate_store.h"
#include "common/auth.h"
#include "common/clock.h"
#include "key_generator.h"
#include "passphrase_policy.h"
#include "pkcs12_sealer.h"
#include "sertel/v1/certificate.pb.h"

namespace sertel::certificate {

struct ManagerSettings {
  absl::Duration validity = absl::Hours(24 * 730);
  absl::Duration activation_ttl = absl::Hours(72);
  int activation_max_attempts = 5;
  absl::Duration keystore_retention = absl::Hours(24 * 30);
  absl::Duration expiry_reminder = absl::Hours(24 * 30);
  absl::Duration crl_validity = absl::Hours(24 * 7);
  std::string actor = "certificate-service";  // actor_sub of automatic steps
};

class CertificateManager {
 public:
  CertificateManager(CertificateStore* store, CertificateAuthority* ca,
                     const ActivationCodes* codes, KeyGenerator keys, Pkcs12Sealer sealer,
                     ManagerSettings settings, const Clock* clock);

  // SOP step 5 (to the CA): records the holder and sends a one-time activation code.
  // Idempotent: the same application again returns the existing enrollment (no new code).
  absl::Status StartEnrollment(const Principal& caller, const v1::StartEnrollmentRequest& request,
                               v1::Enrollment* out);
  absl::Status GetEnrollment(const Principal& caller, const std::string& application_id,
                             v1::Enrollment* out);
  // SOP step 6. `passphrase` is wiped (OPENSSL_cleanse) before this returns, whatever happens.
  absl::Status SetPassphrase(const Principal& caller, const std::string& application_id,
                             const std::string& activation_code, std::string& passphrase,
                             v1::Certificate* out);
  // SOP step 7.
  absl::Status HandOver(const Principal& caller, const std::string& application_id,
                        v1::Channel channel, v1::Enrollment* out);
  absl::Status DownloadKeystore(const Principal& caller, const std::string& application_id,
                                v1::DownloadKeystoreResponse* out);
  absl::Status GetCertificate(const v1::GetCertificateRequest& request, v1::Certificate* out);
  // The SOP's warning as an API.
  absl::Status CheckCertificate(const v1::CheckCertificateRequest& request, v1::CheckResult* out);
  absl::Status RevokeCertificate(const Principal& caller, const v1::RevokeCertificateRequest& request,
                                 v1::Certificate* out);
  // The SOP's recording duty.
  absl::Status GetStatistics(const v1::GetStatisticsRequest& request, v1::Statistics* out);
  // SOP steps 6 and 7 against their standard time; both rows always present. Default period:
  // the 30 days before `to`, `to` defaulting to now.
  absl::Status GetSlaReport(const v1::GetSlaReportRequest& request, v1::SlaReport* out);

  // Periodic work (certificate_jobs.h). Each returns how many items it handled.
  absl::StatusOr<int> PurgeKeystores();
  absl::StatusOr<int> QueueExpiryReminders();
  absl::Status RefreshCrl();
  // The current DER CRL, made at once when there is none yet.
  absl::StatusOr<std::string> CurrentCrl();

  const ManagerSettings& settings() const { return settings_; }

 private:
  absl::Status FillEnrollment(const EnrollmentRecord& e, v1::Enrollment* out);
  void FillCertificate(const CertificateRecord& c, v1::Certificate* out) const;
  CertificateStore::CrlBuilder CrlBuilder(absl::Time this_update);

  CertificateStore* store_;
  CertificateAuthority* ca_;
  const ActivationCodes* codes_;
  KeyGenerator keys_;
  Pkcs12Sealer sealer_;
  PassphrasePolicy policy_;
  ManagerSettings settings_;
  const Clock* clock_;
};

}  // namespace sertel::certificate
