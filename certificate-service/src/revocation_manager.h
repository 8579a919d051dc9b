// Revocation (RFC 5280) and the CRL: the verifier revokes a certificate, which ends its
// enrollment and rebuilds the CRL in the same transaction; the periodic job refreshes the CRL
// before its nextUpdate; /crl.der serves the current one.
//
//   RevocationManager m(&store, ca.get(), settings, &clock);
//   absl::StatusOr<CertificateView> c = m.RevokeCertificate(caller, "ab12...", reason);
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "certificate_authority.h"
#include "certificate_records.h"
#include "certificate_settings.h"
#include "certificate_store.h"
#include "common/auth.h"
#include "common/clock.h"
#include "enrollment_lifecycle.h"

namespace sertel::certificate {

// How a change that revokes rebuilds the CRL in its transaction: signed by `ca`, valid from when
// it is signed (`clock`, read under the CRL's lock) for `validity`. Every revocation uses it
// (RevokeCertificate, and issuance when the proof of use failed).
CrlSigner CrlSignerOf(CertificateAuthority* ca, const Clock* clock, absl::Duration validity);

class RevocationManager {
 public:
  RevocationManager(CertificateStore* store, CertificateAuthority* ca,
                    const ManagerSettings& settings, const Clock* clock)
      : store_(store),
        ca_(ca),
        crl_validity_(settings.crl_validity),
        lifecycle_(settings),
        clock_(clock) {}

  // `reason`: a sertel.v1.RevocationReason number. `request_id` (optional): the same request
  // again answers the revoked certificate and changes nothing.
  absl::StatusOr<CertificateView> RevokeCertificate(const Principal& caller,
                                                    const std::string& serial, int reason,
                                                    const std::string& request_id = "");
  // A fresh CRL, valid for crl_validity from now.
  absl::Status RefreshCrl();
  // The current DER CRL, made at once when there is none yet.
  absl::StatusOr<std::string> CurrentCrl();

 private:
  CrlSigner Signer() const;

  CertificateStore* store_;
  CertificateAuthority* ca_;
  absl::Duration crl_validity_;
  EnrollmentLifecycle lifecycle_;
  const Clock* clock_;
};

}  // namespace sertel::certificate
