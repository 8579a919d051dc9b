// SOP step 7: the verifier hands the certificate over by email or WhatsApp (the keystore goes
// out through the outbox as the notification's attachment), and the owner or the verifier
// downloads the keystore. Before anything goes out, the stored certificate is checked again
// against its holder (the SOP's warning).
//
//   HandoverManager m(&store, ca.get(), settings, &clock);
//   absl::StatusOr<EnrollmentRecord> e = m.HandOver(caller, app_id, 1 /* EMAIL */, request_id);
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

class HandoverManager {
 public:
  HandoverManager(CertificateStore* store, CertificateAuthority* ca,
                  const ManagerSettings& settings, const Clock* clock)
      : store_(store), ca_(ca), lifecycle_(settings), clock_(clock) {}

  // `channel`: a sertel.v1.Channel number (EMAIL or WHATSAPP). `request_id` (optional): the
  // same request again answers the enrollment and sends no second notice.
  absl::StatusOr<EnrollmentRecord> HandOver(const Principal& caller,
                                            const std::string& application_id, int channel,
                                            const std::string& request_id = "");
  // For the owner (their own) and the verifier; audited.
  absl::StatusOr<KeystoreDownload> DownloadKeystore(const Principal& caller,
                                                    const std::string& application_id);

 private:
  // SOP warning: what goes out is the certificate of record and still matches its holder.
  absl::Status RecheckMatch(const CertificateRecord& c, const HolderRecord& holder,
                            absl::Time now) const;

  CertificateStore* store_;
  CertificateAuthority* ca_;
  EnrollmentLifecycle lifecycle_;
  const Clock* clock_;
};

}  // namespace sertel::certificate
