#include "common/config.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/http_client.h"
#include "common/jwt.h"

namespace sertel {

EnvReader::EnvReader() : getenv_([](const char* n) { return std::getenv(n); }) {}
EnvReader::EnvReader(Getenv getenv) : getenv_(std::move(getenv)) {}

const char* EnvReader::Get(const std::string& name) const {
  const char* v = getenv_(name.c_str());
  return (v != nullptr && *v != '\0') ? v : nullptr;
}

std::string EnvReader::String(const std::string& name, const std::string& default_value) {
  const char* v = Get(name);
  return v != nullptr ? std::string(v) : default_value;
}

std::string EnvReader::RequiredString(const std::string& name) {
  const char* v = Get(name);
  if (v == nullptr) {
    AddError(absl::StrCat(name, " is required"));
    return "";
  }
  return v;
}

int64_t EnvReader::Int(const std::string& name, int64_t default_value, int64_t min, int64_t max) {
  const char* v = Get(name);
  if (v == nullptr) return default_value;
  int64_t out = 0;
  if (!absl::SimpleAtoi(v, &out) || out < min || out > max) {
    AddError(
        absl::StrCat(name, " must be a whole number from ", min, " to ", max, ", got \"", v, "\""));
    return default_value;
  }
  return out;
}

bool EnvReader::Bool(const std::string& name, bool default_value) {
  const char* v = Get(name);
  if (v == nullptr) return default_value;
  std::string s = absl::AsciiStrToLower(v);
  if (s == "1" || s == "true" || s == "yes" || s == "on") return true;
  if (s == "0" || s == "false" || s == "no" || s == "off") return false;
  AddError(absl::StrCat(name, " must be true or false, got \"", v, "\""));
  return default_value;
}

absl::Duration EnvReader::Duration(const std::string& name, absl::Duration default_value) {
  const char* v = Get(name);
  if (v == nullptr) return default_value;
  absl::Duration d;
  if (!absl::ParseDuration(v, &d) || d < absl::ZeroDuration()) {
    AddError(
        absl::StrCat(name, " must be a duration such as 250ms, 30s, 15m or 72h, got \"", v, "\""));
    return default_value;
  }
  return d;
}

std::vector<std::string> EnvReader::List(const std::string& name) {
  const char* v = Get(name);
  std::vector<std::string> out;
  if (v == nullptr) return out;
  for (absl::string_view part : absl::StrSplit(v, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

absl::Status EnvReader::Finish() const {
  if (errors_.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("bad configuration: ", absl::StrJoin(errors_, "; ")));
}

CommonConfig CommonConfig::FromEnv(const std::string& service, int default_port, EnvReader& env) {
  CommonConfig c;
  c.service = service;
  c.log_file = env.String("SERTEL_LOG_FILE", "");
  c.log_level = env.String("SERTEL_LOG_LEVEL", "info");

  ServerConfig& s = c.server;
  s.listen_address = env.String("SERTEL_LISTEN_ADDRESS", absl::StrCat("127.0.0.1:", default_port));
  s.metrics_address =
      env.String("SERTEL_METRICS_ADDRESS", absl::StrCat("127.0.0.1:", default_port + 1000));
  if (s.metrics_address == "off") s.metrics_address.clear();
  s.dev_plaintext = env.Bool("SERTEL_DEV_PLAINTEXT", false);
  s.tls_cert_file = env.String("SERTEL_TLS_CERT", "");
  s.tls_key_file = env.String("SERTEL_TLS_KEY", "");
  s.tls_ca_file = env.String("SERTEL_TLS_CA", "");
  if (!s.dev_plaintext &&
      (s.tls_cert_file.empty() || s.tls_key_file.empty() || s.tls_ca_file.empty())) {
    env.AddError(
        "TLS is required: set SERTEL_TLS_CERT, SERTEL_TLS_KEY and SERTEL_TLS_CA (the internal CA), "
        "or SERTEL_DEV_PLAINTEXT=true for local development only");
  }
  s.max_message_bytes =
      env.Int("SERTEL_MAX_MESSAGE_BYTES", (20 << 20) + (64 << 10), 64 << 10, 256 << 20);
  // For Kubernetes' native gRPC probes, which cannot speak TLS; serves only grpc.health.v1.
  s.health_plaintext_address = env.String("SERTEL_HEALTH_PLAINTEXT_ADDRESS", "");
  s.shutdown_grace = env.Duration("SERTEL_SHUTDOWN_GRACE", absl::Seconds(10));
  s.oidc_issuer = env.String("SERTEL_OIDC_ISSUER", "");
  s.oidc_ca_file = env.String("SERTEL_OIDC_CA_FILE", "");
  s.oidc_refresh_interval = env.Duration("SERTEL_OIDC_REFRESH_INTERVAL", absl::Minutes(10));
  s.jwt_public_key_files = env.List("SERTEL_JWT_PUBLIC_KEYS");
  s.jwt_issuer = env.String("SERTEL_JWT_ISSUER", "");
  s.jwt_audience = env.String("SERTEL_JWT_AUDIENCE", "sertel");
  s.jwt_roles_claim = env.String("SERTEL_JWT_ROLES_CLAIM", "roles");
  s.jwt_nik_claim = env.String("SERTEL_JWT_NIK_CLAIM", "nik");
  s.jwt_role_prefix = env.String("SERTEL_JWT_ROLE_PREFIX", "");
  if (!s.oidc_issuer.empty()) {
    if (absl::Status url = CheckProviderUrl(s.oidc_issuer); !url.ok()) {
      env.AddError(absl::StrCat("SERTEL_OIDC_ISSUER: ", url.message()));
    }
    if (!s.jwt_public_key_files.empty()) {
      env.AddError(
          "set SERTEL_OIDC_ISSUER (keys from the identity provider) or SERTEL_JWT_PUBLIC_KEYS "
          "(fixed keys), not both");
    }
    if (!s.jwt_issuer.empty() && s.jwt_issuer != s.oidc_issuer) {
      env.AddError("SERTEL_JWT_ISSUER differs from SERTEL_OIDC_ISSUER (leave it unset)");
    }
    s.jwt_issuer = s.oidc_issuer;
    if (s.oidc_refresh_interval < absl::Minutes(1)) {
      env.AddError("SERTEL_OIDC_REFRESH_INTERVAL must be at least 1m");
    }
  } else if (!s.oidc_ca_file.empty()) {
    env.AddError("SERTEL_OIDC_CA_FILE is set without SERTEL_OIDC_ISSUER");
  }
  if (!s.jwt_public_key_files.empty() && s.jwt_issuer.empty()) {
    env.AddError("SERTEL_JWT_ISSUER is required when SERTEL_JWT_PUBLIC_KEYS is set");
  }
  JwtClaimMapping mapping{.roles_claim = s.jwt_roles_claim,
                          .nik_claim = s.jwt_nik_claim,
                          .role_prefix = s.jwt_role_prefix};
  if (absl::Status m = mapping.Check(); !m.ok()) env.AddError(std::string(m.message()));

  DatabaseConfig& d = c.database;
  d.url = env.RequiredString("SERTEL_DATABASE_URL");
  d.schema = service;
  d.pool_size = env.Int("SERTEL_DB_POOL_SIZE", 8, 1, 256);
  d.acquire_timeout = env.Duration("SERTEL_DB_ACQUIRE_TIMEOUT", absl::Seconds(5));
  d.probe_interval = env.Duration("SERTEL_DB_PROBE_INTERVAL", d.probe_interval);
  if (d.probe_interval <= absl::ZeroDuration())
    env.AddError("SERTEL_DB_PROBE_INTERVAL must be positive");
  // The synchronous server's threads are bounded and sized with the pool (docs/threading.md).
  // Handler threads beyond the pool wait for a connection (up to SERTEL_DB_ACQUIRE_TIMEOUT)
  // instead of being refused: gRPC answers RESOURCE_EXHAUSTED when no thread is free.
  s.threads = env.Int("SERTEL_GRPC_THREADS", std::max<int64_t>(128, d.pool_size * 8), 2, 1024);

  OutboxConfig& o = c.outbox;
  o.poll_interval = env.Duration("SERTEL_OUTBOX_POLL_INTERVAL", o.poll_interval);
  o.batch_size = env.Int("SERTEL_OUTBOX_BATCH_SIZE", o.batch_size, 1, 1000);
  o.parallelism = env.Int("SERTEL_OUTBOX_PARALLELISM", o.parallelism, 1, 64);
  o.max_attempts = env.Int("SERTEL_OUTBOX_MAX_ATTEMPTS", o.max_attempts, 1, 1000);
  o.base_backoff = env.Duration("SERTEL_OUTBOX_BASE_BACKOFF", o.base_backoff);
  o.max_backoff = env.Duration("SERTEL_OUTBOX_MAX_BACKOFF", o.max_backoff);

  AuditConfig& a = c.audit;
  a.hmac_key_file = env.String("SERTEL_AUDIT_HMAC_KEY_FILE", "");
  a.checkpoint_key_file = env.String("SERTEL_AUDIT_CHECKPOINT_KEY_FILE", "");
  a.checkpoint_interval = env.Duration("SERTEL_AUDIT_CHECKPOINT_INTERVAL", a.checkpoint_interval);
  if (a.checkpoint_interval <= absl::ZeroDuration()) {
    env.AddError("SERTEL_AUDIT_CHECKPOINT_INTERVAL must be positive");
  }

  ClientConfig& cl = c.client;
  cl.dev_plaintext = s.dev_plaintext;
  cl.ca_file = s.tls_ca_file;
  cl.cert_file = s.tls_cert_file;
  cl.key_file = s.tls_key_file;
  cl.deadline = env.Duration("SERTEL_RPC_DEADLINE", absl::Seconds(5));
  return c;
}

}  // namespace sertel
