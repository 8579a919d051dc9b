#include "notification_config.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace sertel::notification {
namespace {

// A secret from a file (a Kubernetes Secret mount); surrounding white space dropped.
std::string ReadSecretFile(EnvReader& env, const std::string& var, const std::string& path,
                           bool strip = true) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    env.AddError(absl::StrCat(var, ": cannot read ", path));
    return "";
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (strip) s = std::string(absl::StripAsciiWhitespace(s));
  if (s.empty()) env.AddError(absl::StrCat(var, ": ", path, " is empty"));
  return s;
}

// The delivery worker's retries, lease and batches, and the attachment size limit.
void ReadWorker(EnvReader& env, NotificationConfig& c) {
  c.worker_enabled = env.Bool("SERTEL_NOTIFICATION_WORKER", true);
  c.worker.max_attempts = static_cast<int>(env.Int("SERTEL_NOTIFICATION_MAX_ATTEMPTS", 8, 1, 1000));
  c.worker.base_backoff = env.Duration("SERTEL_NOTIFICATION_BASE_BACKOFF", absl::Seconds(5));
  c.worker.max_backoff = env.Duration("SERTEL_NOTIFICATION_MAX_BACKOFF", absl::Minutes(30));
  c.worker.lease = env.Duration("SERTEL_NOTIFICATION_LEASE", absl::Minutes(10));
  c.worker.poll_interval =
      env.Duration("SERTEL_NOTIFICATION_POLL_INTERVAL", absl::Milliseconds(500));
  c.worker.batch_size = static_cast<int>(env.Int("SERTEL_NOTIFICATION_BATCH_SIZE", 4, 1, 100));
  c.max_attachment_bytes =
      env.Int("SERTEL_NOTIFICATION_MAX_ATTACHMENT_BYTES", 5 << 20, 1, 16 << 20);
  if (c.worker.base_backoff <= absl::ZeroDuration() ||
      c.worker.max_backoff < c.worker.base_backoff) {
    env.AddError("SERTEL_NOTIFICATION_BASE_BACKOFF / _MAX_BACKOFF: need 0 < base <= max");
  }
}

// Email: the SMTP server, its TLS mode and the login (never in clear off the loopback).
void ReadSmtp(EnvReader& env, SmtpOptions& smtp) {
  smtp.url = env.String("SERTEL_NOTIFICATION_SMTP_URL", "smtp://127.0.0.1:2525");
  smtp.from = env.String("SERTEL_NOTIFICATION_SMTP_FROM", "sertel@localhost");
  smtp.from_name = env.String("SERTEL_NOTIFICATION_SMTP_FROM_NAME", "sertel - Diskominfo");
  smtp.user = env.String("SERTEL_NOTIFICATION_SMTP_USER", "");
  smtp.ca_file = env.String("SERTEL_NOTIFICATION_SMTP_CA_FILE", "");
  smtp.timeout = env.Duration("SERTEL_NOTIFICATION_SMTP_TIMEOUT", absl::Seconds(60));
  bool smtps = absl::StartsWith(smtp.url, "smtps://");
  bool smtp_scheme = absl::StartsWith(smtp.url, "smtp://");
  bool loopback = IsLoopbackUrl(smtp.url);
  if (!smtp_scheme && !smtps) {
    env.AddError("SERTEL_NOTIFICATION_SMTP_URL: must start with smtp:// or smtps://");
  }
  // auto: implicit TLS for smtps://, none for a loopback sink, STARTTLS otherwise.
  std::string tls = env.String("SERTEL_NOTIFICATION_SMTP_TLS", "auto");
  if (tls == "auto") tls = smtps ? "implicit" : (loopback ? "none" : "starttls");
  if (tls == "none") {
    smtp.tls = SmtpTls::kNone;
    if (smtps) env.AddError("SERTEL_NOTIFICATION_SMTP_TLS: none contradicts an smtps:// URL");
  } else if (tls == "starttls") {
    smtp.tls = SmtpTls::kStartTls;
    if (smtps) {
      env.AddError("SERTEL_NOTIFICATION_SMTP_TLS: starttls wants smtp:// (smtps:// is implicit)");
    }
  } else if (tls == "implicit") {
    smtp.tls = SmtpTls::kImplicit;
    if (!smtps) env.AddError("SERTEL_NOTIFICATION_SMTP_TLS: implicit wants an smtps:// URL");
  } else {
    env.AddError("SERTEL_NOTIFICATION_SMTP_TLS: must be none, starttls, implicit or auto");
  }
  std::string password_file = env.String("SERTEL_NOTIFICATION_SMTP_PASSWORD_FILE", "");
  if (!password_file.empty()) {
    smtp.password = ReadSecretFile(env, "SERTEL_NOTIFICATION_SMTP_PASSWORD_FILE", password_file);
  }
  if (!smtp.user.empty() && password_file.empty()) {
    env.AddError(
        "SERTEL_NOTIFICATION_SMTP_PASSWORD_FILE: required with SERTEL_NOTIFICATION_SMTP_USER");
  }
  if (!smtp.user.empty() && smtp.tls == SmtpTls::kNone && !loopback) {
    env.AddError("SERTEL_NOTIFICATION_SMTP_TLS: none would send the SMTP password in clear");
  }
}

// WhatsApp: on when a phone number id is configured.
void ReadWhatsApp(EnvReader& env, NotificationConfig& c) {
  c.whatsapp.base_url =
      env.String("SERTEL_NOTIFICATION_WHATSAPP_BASE_URL", "https://graph.facebook.com");
  c.whatsapp.api_version = env.String("SERTEL_NOTIFICATION_WHATSAPP_API_VERSION", "v21.0");
  c.whatsapp.phone_number_id = env.String("SERTEL_NOTIFICATION_WHATSAPP_PHONE_NUMBER_ID", "");
  c.whatsapp.ca_file = env.String("SERTEL_NOTIFICATION_WHATSAPP_CA_FILE", "");
  c.whatsapp.timeout = env.Duration("SERTEL_NOTIFICATION_WHATSAPP_TIMEOUT", absl::Seconds(60));
  auto templates = ParseWhatsAppTemplates(env.String("SERTEL_NOTIFICATION_WHATSAPP_TEMPLATES", ""));
  if (templates.ok()) {
    c.whatsapp.templates = *templates;
  } else {
    env.AddError(
        absl::StrCat("SERTEL_NOTIFICATION_WHATSAPP_TEMPLATES: ", templates.status().message()));
  }
  c.whatsapp_enabled = !c.whatsapp.phone_number_id.empty();
  if (c.whatsapp_enabled) {
    std::string token_file = env.String("SERTEL_NOTIFICATION_WHATSAPP_TOKEN_FILE", "");
    if (token_file.empty()) {
      env.AddError("SERTEL_NOTIFICATION_WHATSAPP_TOKEN_FILE: required with a phone number id");
    } else {
      c.whatsapp.token = ReadSecretFile(env, "SERTEL_NOTIFICATION_WHATSAPP_TOKEN_FILE", token_file);
    }
    // Real TLS for the real API; plain HTTP only for a stub on the loopback interface.
    bool https = absl::StartsWith(c.whatsapp.base_url, "https://");
    bool http = absl::StartsWith(c.whatsapp.base_url, "http://");
    if (!https && !(http && IsLoopbackUrl(c.whatsapp.base_url))) {
      env.AddError(
          "SERTEL_NOTIFICATION_WHATSAPP_BASE_URL: must be https:// (http:// only on "
          "127.0.0.1/localhost)");
    }
    // The webhook (docs/whatsapp.md): Meta's subscription check and the signature of every POST.
    for (auto [name, out] :
         {std::pair{"SERTEL_NOTIFICATION_WHATSAPP_APP_SECRET_FILE", &c.webhook.app_secret},
          std::pair{"SERTEL_NOTIFICATION_WHATSAPP_VERIFY_TOKEN_FILE", &c.webhook.verify_token}}) {
      std::string file = env.String(name, "");
      if (file.empty()) {
        env.AddError(absl::StrCat(name,
                                  ": required with a phone number id (the delivery reports come "
                                  "by webhook)"));
      } else {
        *out = ReadSecretFile(env, name, file);
      }
    }
    c.webhook.path = env.String("SERTEL_NOTIFICATION_WHATSAPP_WEBHOOK_PATH", c.webhook.path);
    // The path is a route pattern: letters, digits, '/', '-' and '_' only.
    bool plain_path = absl::StartsWith(c.webhook.path, "/");
    for (char ch : c.webhook.path) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(ch)) && ch != '/' && ch != '-' &&
          ch != '_') {
        plain_path = false;
      }
    }
    if (!plain_path) {
      env.AddError(
          "SERTEL_NOTIFICATION_WHATSAPP_WEBHOOK_PATH: a path starting with / of letters, digits, "
          "'/', '-' and '_'");
    }
    c.whatsapp.token_pause =
        env.Duration("SERTEL_NOTIFICATION_WHATSAPP_TOKEN_PAUSE", c.whatsapp.token_pause);
    for (char ch : c.whatsapp.phone_number_id) {
      if (ch < '0' || ch > '9') {
        env.AddError("SERTEL_NOTIFICATION_WHATSAPP_PHONE_NUMBER_ID: digits only");
        break;
      }
    }
  }
}

}  // namespace

NotificationConfig NotificationConfig::FromEnv(EnvReader& env) {
  NotificationConfig c;
  ReadWorker(env, c);
  ReadSmtp(env, c.smtp);
  ReadWhatsApp(env, c);
  std::string key_file = env.String("SERTEL_NOTIFICATION_SECRET_KEY_FILE", "");
  if (!key_file.empty()) {
    c.secret_key = ReadSecretFile(env, "SERTEL_NOTIFICATION_SECRET_KEY_FILE", key_file,
                                  /*strip=*/false);
  }
  return c;
}

}  // namespace sertel::notification
