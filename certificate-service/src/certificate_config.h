// certificate-service's own settings (SERTEL_CERTIFICATE_*), read with the shared EnvReader so
// that every bad value is reported at once; see docs/services.md.
//
//   EnvReader env;
//   CertificateConfig own = CertificateConfig::FromEnv(env);
#pragma once

#include <string>

#include "absl/time/time.h"
#include "common/config.h"
#include "key_generator.h"

namespace sertel::certificate {

struct CertificateConfig {
  std::string ca_key_file;    // SERTEL_CERTIFICATE_CA_KEY (required)
  std::string ca_chain_file;  // SERTEL_CERTIFICATE_CA_CERT (required): issuing CA first, PEM
  // SERTEL_CERTIFICATE_RETIRED_CA_CERTS (optional): the issuing CAs this one replaced, PEM; the
  // certificates they issued while valid still check as ours.
  std::string retired_ca_certs_file;
  // Per caller: CheckCertificate at most `check_burst` at once and one more every
  // `check_refill` (SERTEL_CERTIFICATE_CHECK_BURST, SERTEL_CERTIFICATE_CHECK_REFILL).
  int64_t check_burst = 120;
  absl::Duration check_refill = absl::Milliseconds(500);
  std::string organization = "Pemerintah Kota";     // SERTEL_CERTIFICATE_ORGANIZATION (subject O)
  absl::Duration validity = absl::Hours(24 * 730);  // SERTEL_CERTIFICATE_VALIDITY ("730d")
  KeyAlgorithm key_algorithm = KeyAlgorithm::kRsa2048;  // SERTEL_CERTIFICATE_KEY_ALGORITHM
  // SERTEL_CERTIFICATE_PKCS12_ITERATIONS (OWASP 2023, PBKDF2-HMAC-SHA256)
  int pkcs12_iterations = 600000;
  bool pkcs12_legacy = false;       // SERTEL_CERTIFICATE_PKCS12_LEGACY (3DES/SHA-1)
  std::string activation_key_file;  // SERTEL_CERTIFICATE_ACTIVATION_KEY_FILE (required, >= 32 B)
  absl::Duration activation_ttl = absl::Hours(72);  // SERTEL_CERTIFICATE_ACTIVATION_TTL
  int activation_max_attempts = 5;                  // SERTEL_CERTIFICATE_ACTIVATION_MAX_ATTEMPTS
  // SERTEL_CERTIFICATE_KEYSTORE_RETENTION
  absl::Duration keystore_retention = absl::Hours(24 * 30);
  absl::Duration expiry_reminder = absl::Hours(24 * 30);  // SERTEL_CERTIFICATE_EXPIRY_REMINDER
  absl::Duration job_interval = absl::Hours(1);           // SERTEL_CERTIFICATE_JOB_INTERVAL
  // CheckCertificate's in-memory snapshot (issue 22, certificate_snapshot.h): answers only while
  // confirmed current within SERTEL_CERTIFICATE_SNAPSHOT_MAX_STALENESS (else UNAVAILABLE),
  // reloaded whole every SERTEL_CERTIFICATE_SNAPSHOT_RELOAD besides the database's notices.
  absl::Duration snapshot_max_staleness = absl::Seconds(10);
  absl::Duration snapshot_reload = absl::Minutes(5);
  std::string crl_url;                                // SERTEL_CERTIFICATE_CRL_URL
  absl::Duration crl_validity = absl::Hours(24 * 7);  // SERTEL_CERTIFICATE_CRL_VALIDITY
  // Handover by one-time link (issue 18; docs/whatsapp.md). The link is
  // <SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL>/<token> (https; http only on loopback), valid for
  // SERTEL_CERTIFICATE_DOWNLOAD_TTL; served by an HTTPS listener on
  // SERTEL_CERTIFICATE_DOWNLOAD_ADDRESS with its own certificate and key
  // (SERTEL_CERTIFICATE_DOWNLOAD_TLS_CERT / _KEY). Behind an Ingress,
  // SERTEL_CERTIFICATE_DOWNLOAD_TRUST_PROXY=1 takes the client's address from X-Forwarded-For.
  // No base URL: no links, and a handover by WHATSAPP is refused.
  std::string download_base_url;
  absl::Duration download_ttl = absl::Hours(24);
  std::string download_address;
  std::string download_tls_cert_file;
  std::string download_tls_key_file;
  bool download_trust_proxy = false;
  // SERTEL_CERTIFICATE_CODE_CHANNELS: "email" (default) or "email,whatsapp": the activation code
  // also by WhatsApp's AUTHENTICATION template when the holder has a number.
  bool code_by_whatsapp = false;
  std::string notification_address = "127.0.0.1:50054";  // SERTEL_NOTIFICATION_ADDRESS
  // SERTEL_INTAKE_ADDRESS: where the progress reports go (IntakeService.RecordProgress, outbox)
  std::string intake_address = "localhost:50051";

  static CertificateConfig FromEnv(EnvReader& env);
};

// "730d", "72h", "30m" ... : absl::ParseDuration plus a whole-day suffix "d".
bool ParseDays(const std::string& text, absl::Duration* out);

}  // namespace sertel::certificate
