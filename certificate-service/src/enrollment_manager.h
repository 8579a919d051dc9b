// SOP steps 5 (to the CA) and 6 (the owner's passphrase): starting an enrollment with its
// one-time activation code, reading it, resending the code, and issuing the certificate once the
// owner has typed the code and a passphrase. Orchestration only: the rules are
// EnrollmentLifecycle's, the writes CertificateStore::Apply's; the key generation, the CA call and
// the PKCS#12 sealing run outside any transaction, the write checks the version they were started
// on.
//
//   EnrollmentManager m(&store, ca.get(), &codes, KeyGenerator(alg), Pkcs12Sealer({}), settings,
//                       &clock);
//   absl::StatusOr<CertificateView> c = m.SetPassphrase(caller, app_id, code, passphrase, key);
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "activation_code.h"
#include "certificate_authority.h"
#include "certificate_records.h"
#include "certificate_settings.h"
#include "certificate_store.h"
#include "common/auth.h"
#include "common/clock.h"
#include "enrollment_lifecycle.h"
#include "key_generator.h"
#include "passphrase_policy.h"
#include "pkcs12_sealer.h"
#include "request_keys.h"

namespace sertel::certificate {

// What StartEnrollment is asked (sertel.v1.StartEnrollmentRequest).
struct StartEnrollmentInput {
  std::string application_id;
  std::string request_id;
  std::optional<HolderRecord> applicant{};  // nullopt when the request has none
};

class EnrollmentManager {
 public:
  EnrollmentManager(CertificateStore* store, CertificateAuthority* ca, const ActivationCodes* codes,
                    KeyGenerator keys, Pkcs12Sealer sealer, const ManagerSettings& settings,
                    const Clock* clock);

  // SOP step 5 (to the CA): records the holder and sends a one-time activation code.
  // Idempotent: the same application again returns the existing enrollment (no new code).
  absl::StatusOr<EnrollmentRecord> StartEnrollment(const Principal& caller,
                                                   const StartEnrollmentInput& in);
  // With its timeline. An applicant reads only their own.
  absl::StatusOr<EnrollmentRecord> GetEnrollment(const Principal& caller,
                                                 const std::string& application_id);
  // SOP step 6. `passphrase` is wiped (OPENSSL_cleanse) before this returns, whatever happens.
  // `request_id` (optional): the same request again answers the same certificate and issues
  // nothing; while the first is still issuing, ABORTED.
  absl::StatusOr<CertificateView> SetPassphrase(const Principal& caller,
                                                const std::string& application_id,
                                                const std::string& activation_code,
                                                std::string& passphrase,
                                                const std::string& request_id = "");
  // The remedy for a lost, expired or locked code: the old code dies and a new one goes to the
  // owner. VERIFIER, or the applicant for their own; at most 3 in 24 hours; `request_id`
  // required (the same key again sends no second code).
  absl::StatusOr<EnrollmentRecord> ResendActivationCode(const Principal& caller,
                                                        const std::string& application_id,
                                                        const std::string& request_id);

 private:
  // The contract's order before a try is spent: existence, the caller's role for this
  // enrollment, a repeat of a done request (`*replay`), its status, then the code's shape and
  // the passphrase policy.
  absl::StatusOr<EnrollmentRecord> CheckPassphraseRequest(const Principal& caller,
                                                          const std::string& application_id,
                                                          const std::string& activation_code,
                                                          const std::string& passphrase,
                                                          const std::optional<RequestKey>& key,
                                                          absl::Time now, bool* replay) const;
  // Counts and checks one try of the activation code; the enrollment after it. A right code
  // claims `key` under `claim` in the same transaction (`*replay` for a done request).
  absl::StatusOr<EnrollmentRecord> TryActivationCode(const std::string& application_id,
                                                     const std::string& activation_code,
                                                     const Actor& actor, absl::Time now,
                                                     const std::optional<RequestKey>& key,
                                                     const std::string& claim, bool* replay);
  // The first answer of a repeated SetPassphrase: the application's certificate.
  absl::StatusOr<CertificateView> CertificateOf(const std::string& application_id) const;
  // `e` with activation_resends_left at now.
  EnrollmentRecord WithResendsLeft(EnrollmentRecord e) const;
  // Ends the hold a failed issuance set (EnrollmentLifecycle::EndIssuingHold); logged when it
  // cannot, as the hold then lapses by itself.
  void EndIssuingHold(const std::string& application_id, absl::Time held_until);
  // The key pair, the certificate, the match check, the seal.
  absl::StatusOr<Issuance> IssueAndSeal(const EnrollmentRecord& e, const std::string& passphrase,
                                        absl::Time now) const;

  CertificateStore* store_;
  CertificateAuthority* ca_;
  const ActivationCodes* codes_;
  KeyGenerator keys_;
  Pkcs12Sealer sealer_;
  PassphrasePolicy policy_;
  ManagerSettings settings_;
  EnrollmentLifecycle lifecycle_;
  const Clock* clock_;
};

}  // namespace sertel::certificate
