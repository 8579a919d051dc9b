// The settings every part of certificate-service's domain reads (the enrollment, handover,
// revocation and maintenance managers and the lifecycle), filled by main.cc from
// CertificateConfig (certificate_config.h); the defaults are the SOP's and docs/sop.md's.
//
//   ManagerSettings settings{.activation_ttl = absl::Hours(72)};
#pragma once

#include <string>

#include "absl/time/time.h"

namespace sertel::certificate {

// The longest one issuance takes (the key pair, the CA call, the sealing: seconds with the
// embedded CA). A SetPassphrase's claim on its request_id and its hold on the enrollment that are
// older than this belong to a request whose process died: they are taken over, so a crash
// delays the owner by at most this long.
inline constexpr absl::Duration kIssuanceLifetime = absl::Minutes(2);

struct ManagerSettings {
  absl::Duration validity = absl::Hours(24 * 730);
  absl::Duration activation_ttl = absl::Hours(72);
  int activation_max_attempts = 5;
  absl::Duration keystore_retention = absl::Hours(24 * 30);
  absl::Duration expiry_reminder = absl::Hours(24 * 30);
  absl::Duration crl_validity = absl::Hours(24 * 7);
  std::string actor = "certificate-service";  // actor_sub of automatic steps
  // The one-time download links of a handover (issue 18): "<base>/<token>"; empty: none can be
  // made, so a handover by WHATSAPP (always by link) is refused.
  std::string download_base_url = "";
  absl::Duration download_ttl = absl::Hours(24);
  // Where the activation code goes: email always; WhatsApp too when the holder has a number and
  // SERTEL_CERTIFICATE_CODE_CHANNELS names it.
  bool code_by_whatsapp = false;
};

}  // namespace sertel::certificate
