// SOP step 7: the verifier hands the certificate over by email or WhatsApp, and the owner or the
// verifier downloads the keystore. By email the keystore goes out through the outbox as the
// notification's attachment; by WhatsApp (whose Cloud API takes no PKCS#12) and by email on
// request, the message carries a one-time download link instead (download_link.h), which
// RedeemLink serves once. Before anything goes out, the stored certificate is checked again
// against its holder (the SOP's warning).
//
//   HandoverManager m(&store, ca.get(), &codes, settings, &clock);
//   absl::StatusOr<EnrollmentRecord> e = m.HandOver(caller, app_id, 1 /* EMAIL */, request_id);
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "activation_code.h"
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
  HandoverManager(CertificateStore* store, CertificateAuthority* ca, const ActivationCodes* codes,
                  const ManagerSettings& settings, const Clock* clock)
      : store_(store),
        ca_(ca),
        codes_(codes),
        lifecycle_(settings),
        download_base_url_(settings.download_base_url),
        download_ttl_(settings.download_ttl),
        clock_(clock) {}

  // `channel`: a sertel.v1.Channel number (EMAIL or WHATSAPP). `request_id` (optional): the
  // same request again answers the enrollment and sends no second notice. `by_link`: an email
  // carries the one-time link instead of the attachment (WhatsApp always does).
  // FAILED_PRECONDITION for a link when no SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL is configured.
  absl::StatusOr<EnrollmentRecord> HandOver(const Principal& caller,
                                            const std::string& application_id, int channel,
                                            const std::string& request_id = "",
                                            bool by_link = false);
  // A download by one-time link (the HTTPS listener, download_route.h): the sealed PKCS#12
  // once; kUnknown for a token that is malformed, unknown or expired; kGone once used, ended or
  // purged. Audited with `visit`.
  absl::StatusOr<LinkDownload> RedeemLink(absl::string_view token, const LinkVisit& visit);
  // For the owner (their own) and the verifier; audited.
  absl::StatusOr<KeystoreDownload> DownloadKeystore(const Principal& caller,
                                                    const std::string& application_id);

 private:
  // SOP warning: what goes out is the certificate of record and still matches its holder.
  absl::Status RecheckMatch(const CertificateRecord& c, const HolderRecord& holder,
                            absl::Time now) const;

  // A new link for a handover of `certificate`, its URL sealed for the message `request_id`.
  absl::StatusOr<HandoverLink> NewLink(const std::string& request_id,
                                       const CertificateRecord& certificate, absl::Time now) const;

  CertificateStore* store_;
  CertificateAuthority* ca_;
  const ActivationCodes* codes_;
  EnrollmentLifecycle lifecycle_;
  std::string download_base_url_;
  absl::Duration download_ttl_;
  const Clock* clock_;
};

}  // namespace sertel::certificate
