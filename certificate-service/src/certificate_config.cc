#include "certificate_config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/http_client.h"
#include "download_link.h"

namespace sertel::certificate {

bool ParseDays(const std::string& text, absl::Duration* out) {
  if (!text.empty() && text.back() == 'd') {
    int64_t days = 0;
    if (!absl::SimpleAtoi(text.substr(0, text.size() - 1), &days) || days <= 0) return false;
    *out = absl::Hours(24 * days);
    return true;
  }
  return absl::ParseDuration(text, out) && *out > absl::ZeroDuration();
}

namespace {
absl::Duration DurationOrDays(EnvReader& env, const std::string& name, absl::Duration def,
                              const std::string& def_text) {
  std::string text = env.String(name, def_text);
  absl::Duration d = def;
  if (!ParseDays(text, &d)) {
    env.AddError(
        absl::StrCat(name, ": \"", text, "\" is not a positive duration (e.g. 730d, 72h)"));
    return def;
  }
  return d;
}

bool IsLoopbackHost(absl::string_view host) {
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]";
}

void ReadDownloadSettings(EnvReader& env, CertificateConfig& c) {
  c.download_base_url = env.String("SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL", "");
  c.download_ttl = DurationOrDays(env, "SERTEL_CERTIFICATE_DOWNLOAD_TTL", c.download_ttl, "24h");
  c.download_address = env.String("SERTEL_CERTIFICATE_DOWNLOAD_ADDRESS", "");
  c.download_tls_cert_file = env.String("SERTEL_CERTIFICATE_DOWNLOAD_TLS_CERT", "");
  c.download_tls_key_file = env.String("SERTEL_CERTIFICATE_DOWNLOAD_TLS_KEY", "");
  c.download_trust_proxy = env.Bool("SERTEL_CERTIFICATE_DOWNLOAD_TRUST_PROXY", false);
  for (const std::string& channel : env.List("SERTEL_CERTIFICATE_CODE_CHANNELS")) {
    std::string lower = absl::AsciiStrToLower(channel);
    if (lower == "whatsapp") {
      c.code_by_whatsapp = true;
    } else if (lower != "email") {
      env.AddError(absl::StrCat("SERTEL_CERTIFICATE_CODE_CHANNELS: unknown channel \"", channel,
                                "\" (want email, whatsapp)"));
    }
  }
  const std::string& url = c.download_base_url;
  if (url.empty()) {
    if (!c.download_address.empty()) {
      env.AddError(
          "SERTEL_CERTIFICATE_DOWNLOAD_ADDRESS needs SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL (the "
          "link the messages carry)");
    }
    return;
  }
  // https, or http to a loopback host only (common/http_client.h), never with user info.
  if (absl::Status s = CheckProviderUrl(url); !s.ok()) {
    env.AddError(absl::StrCat("SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL: ", s.message()));
  }
  const bool http = absl::StartsWithIgnoreCase(url, "http://");
  // The path becomes the listener's route pattern (download_route.h).
  for (char ch : DownloadPathPrefix(url)) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(ch)) && ch != '/' && ch != '-' &&
        ch != '_') {
      env.AddError(absl::StrCat("SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL: \"", url,
                                "\": its path may hold letters, digits, '/', '-' and '_' only"));
      break;
    }
  }
  if (c.download_address.empty()) {
    env.AddError(
        "SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL needs SERTEL_CERTIFICATE_DOWNLOAD_ADDRESS (where "
        "the links are served)");
  }
  if (c.download_tls_cert_file.empty() != c.download_tls_key_file.empty()) {
    env.AddError(
        "SERTEL_CERTIFICATE_DOWNLOAD_TLS_CERT and SERTEL_CERTIFICATE_DOWNLOAD_TLS_KEY go together");
  }
  absl::string_view bind = c.download_address;
  bind = bind.substr(0, bind.rfind(':'));
  if (c.download_tls_cert_file.empty() && http && !IsLoopbackHost(bind)) {
    env.AddError(
        "SERTEL_CERTIFICATE_DOWNLOAD_ADDRESS: without TLS the download listener binds to "
        "loopback only (127.0.0.1, localhost, [::1])");
  }
  if (c.download_tls_cert_file.empty() && !http) {
    env.AddError(
        "the download listener serves keystores: SERTEL_CERTIFICATE_DOWNLOAD_TLS_CERT and "
        "SERTEL_CERTIFICATE_DOWNLOAD_TLS_KEY are required (plain HTTP only for a loopback base "
        "URL)");
  }
}

}  // namespace

CertificateConfig CertificateConfig::FromEnv(EnvReader& env) {
  CertificateConfig c;
  c.ca_key_file = env.RequiredString("SERTEL_CERTIFICATE_CA_KEY");
  c.ca_chain_file = env.RequiredString("SERTEL_CERTIFICATE_CA_CERT");
  c.retired_ca_certs_file = env.String("SERTEL_CERTIFICATE_RETIRED_CA_CERTS", "");
  c.check_burst = env.Int("SERTEL_CERTIFICATE_CHECK_BURST", c.check_burst, 1, 1000000);
  c.check_refill = env.Duration("SERTEL_CERTIFICATE_CHECK_REFILL", c.check_refill);
  if (c.check_refill <= absl::ZeroDuration()) {
    env.AddError("SERTEL_CERTIFICATE_CHECK_REFILL must be positive");
  }
  c.organization = env.String("SERTEL_CERTIFICATE_ORGANIZATION", c.organization);
  if (c.organization.empty()) env.AddError("SERTEL_CERTIFICATE_ORGANIZATION must not be empty");
  c.validity = DurationOrDays(env, "SERTEL_CERTIFICATE_VALIDITY", c.validity, "730d");
  std::string algorithm = env.String("SERTEL_CERTIFICATE_KEY_ALGORITHM", "RSA-2048");
  if (absl::StatusOr<KeyAlgorithm> a = ParseKeyAlgorithm(algorithm); a.ok()) {
    c.key_algorithm = *a;
  } else {
    env.AddError(absl::StrCat("SERTEL_CERTIFICATE_KEY_ALGORITHM: ", a.status().message()));
  }
  c.pkcs12_iterations = static_cast<int>(
      env.Int("SERTEL_CERTIFICATE_PKCS12_ITERATIONS", c.pkcs12_iterations, 2048, 10000000));
  c.pkcs12_legacy = env.Bool("SERTEL_CERTIFICATE_PKCS12_LEGACY", false);
  c.activation_key_file = env.RequiredString("SERTEL_CERTIFICATE_ACTIVATION_KEY_FILE");
  c.activation_ttl =
      DurationOrDays(env, "SERTEL_CERTIFICATE_ACTIVATION_TTL", c.activation_ttl, "72h");
  c.activation_max_attempts =
      static_cast<int>(env.Int("SERTEL_CERTIFICATE_ACTIVATION_MAX_ATTEMPTS", 5, 1, 20));
  c.keystore_retention =
      DurationOrDays(env, "SERTEL_CERTIFICATE_KEYSTORE_RETENTION", c.keystore_retention, "30d");
  c.expiry_reminder =
      DurationOrDays(env, "SERTEL_CERTIFICATE_EXPIRY_REMINDER", c.expiry_reminder, "30d");
  c.job_interval = DurationOrDays(env, "SERTEL_CERTIFICATE_JOB_INTERVAL", c.job_interval, "1h");
  c.snapshot_max_staleness = DurationOrDays(env, "SERTEL_CERTIFICATE_SNAPSHOT_MAX_STALENESS",
                                            c.snapshot_max_staleness, "10s");
  if (c.snapshot_max_staleness < absl::Seconds(2)) {
    env.AddError(
        "SERTEL_CERTIFICATE_SNAPSHOT_MAX_STALENESS must be at least 2s (the heartbeat is 1s)");
  }
  c.snapshot_reload =
      DurationOrDays(env, "SERTEL_CERTIFICATE_SNAPSHOT_RELOAD", c.snapshot_reload, "5m");
  c.crl_url = env.String("SERTEL_CERTIFICATE_CRL_URL", "");
  c.crl_validity = DurationOrDays(env, "SERTEL_CERTIFICATE_CRL_VALIDITY", c.crl_validity, "7d");
  ReadDownloadSettings(env, c);
  c.notification_address = env.String("SERTEL_NOTIFICATION_ADDRESS", c.notification_address);
  c.intake_address = env.String("SERTEL_INTAKE_ADDRESS", c.intake_address);
  if (c.intake_address.empty()) env.AddError("SERTEL_INTAKE_ADDRESS must not be empty");
  return c;
}

}  // namespace sertel::certificate
