// Configuration from environment variables (12-factor). EnvReader collects every bad or missing
// value and reports them all at once; CommonConfig is what all four services read the same way.
// Each variable is documented in README.md ("Configuration").
//
//   EnvReader env;
//   auto config = CommonConfig::FromEnv("intake", 50051, env);
//   int max_docs = env.Int("SERTEL_INTAKE_MAX_DOCUMENT_BYTES", 5 << 20, 1, 64 << 20);
//   if (absl::Status s = env.Finish(); !s.ok()) { ... }
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sertel {

class EnvReader {
 public:
  using Getenv = std::function<const char*(const char*)>;
  EnvReader();
  explicit EnvReader(Getenv getenv);

  std::string String(const std::string& name, const std::string& default_value);
  std::string RequiredString(const std::string& name);
  int64_t Int(const std::string& name, int64_t default_value, int64_t min, int64_t max);
  bool Bool(const std::string& name, bool default_value);
  // "250ms", "30s", "15m", "72h" (absl::ParseDuration).
  absl::Duration Duration(const std::string& name, absl::Duration default_value);
  // Comma-separated list; empty entries dropped.
  std::vector<std::string> List(const std::string& name);

  void AddError(std::string message) { errors_.push_back(std::move(message)); }
  // OK, or INVALID_ARGUMENT listing every problem found so far.
  absl::Status Finish() const;

 private:
  const char* Get(const std::string& name) const;
  Getenv getenv_;
  std::vector<std::string> errors_;
};

struct ServerConfig {
  std::string listen_address;  // SERTEL_LISTEN_ADDRESS, default 127.0.0.1:<default port>
  std::string
      metrics_address;         // SERTEL_METRICS_ADDRESS, "" disables; default 127.0.0.1:<port+1000>
  bool dev_plaintext = false;  // SERTEL_DEV_PLAINTEXT: no TLS (development only)
  std::string tls_cert_file;   // SERTEL_TLS_CERT
  std::string tls_key_file;    // SERTEL_TLS_KEY
  std::string tls_ca_file;     // SERTEL_TLS_CA: the internal CA (client certs -> SERVICE)
  // Four 5 MiB documents (SOP step 1) plus 64 KiB for the rest of the request, and no larger.
  int64_t max_message_bytes = (20 << 20) + (64 << 10);  // SERTEL_MAX_MESSAGE_BYTES
  std::string health_plaintext_address;  // SERTEL_HEALTH_PLAINTEXT_ADDRESS: health-only, no TLS
  int64_t threads = 128;                 // SERTEL_GRPC_THREADS (default: max(128, 8 x DB pool))
  absl::Duration shutdown_grace = absl::Seconds(10);  // SERTEL_SHUTDOWN_GRACE
  // People's tokens (docs/identity.md): the OpenID provider's rotating keys, or fixed PEM keys.
  std::string oidc_issuer;   // SERTEL_OIDC_ISSUER: discovery and JWKS from this issuer
  std::string oidc_ca_file;  // SERTEL_OIDC_CA_FILE: the provider's private CA ("" system store)
  absl::Duration oidc_refresh_interval = absl::Minutes(10);  // SERTEL_OIDC_REFRESH_INTERVAL
  std::vector<std::string> jwt_public_key_files;  // SERTEL_JWT_PUBLIC_KEYS (comma-separated)
  std::string jwt_issuer;  // SERTEL_JWT_ISSUER (with static keys; with OIDC, equal if set)
  std::string jwt_audience = "sertel";    // SERTEL_JWT_AUDIENCE
  std::string jwt_roles_claim = "roles";  // SERTEL_JWT_ROLES_CLAIM (dotted path)
  std::string jwt_nik_claim = "nik";      // SERTEL_JWT_NIK_CLAIM (dotted path)
  std::string jwt_role_prefix;            // SERTEL_JWT_ROLE_PREFIX ("sertel-")
};

struct DatabaseConfig {
  std::string url;        // SERTEL_DATABASE_URL (libpq URI or key=value)
  std::string schema;     // the service's own schema (fixed per service)
  int64_t pool_size = 8;  // SERTEL_DB_POOL_SIZE
  absl::Duration acquire_timeout = absl::Seconds(5);  // SERTEL_DB_ACQUIRE_TIMEOUT
  // How often health asks the database whether it answers (common/database_watch.h).
  absl::Duration probe_interval = absl::Seconds(1);  // SERTEL_DB_PROBE_INTERVAL
};

struct OutboxConfig {
  absl::Duration poll_interval = absl::Milliseconds(200);  // SERTEL_OUTBOX_POLL_INTERVAL
  int64_t batch_size = 64;                                 // SERTEL_OUTBOX_BATCH_SIZE
  int64_t parallelism = 8;                                 // SERTEL_OUTBOX_PARALLELISM
  int64_t max_attempts = 25;                               // SERTEL_OUTBOX_MAX_ATTEMPTS
  absl::Duration base_backoff = absl::Milliseconds(500);   // SERTEL_OUTBOX_BASE_BACKOFF
  absl::Duration max_backoff = absl::Minutes(5);           // SERTEL_OUTBOX_MAX_BACKOFF
};

// How this service calls the ones below it in the call graph.
struct ClientConfig {
  bool dev_plaintext = false;  // follows SERTEL_DEV_PLAINTEXT
  std::string ca_file;         // SERTEL_TLS_CA
  std::string cert_file;       // SERTEL_TLS_CERT (names us: spiffe://sertel/<service>)
  std::string key_file;        // SERTEL_TLS_KEY
  absl::Duration deadline = absl::Seconds(5);  // SERTEL_RPC_DEADLINE
};

// The keyed audit chain and its signed checkpoints (docs/security.md, "Audit"). Both files are
// required to serve (not to migrate); neither ever goes into the database.
struct AuditConfig {
  std::string hmac_key_file;        // SERTEL_AUDIT_HMAC_KEY_FILE: >= 32 random bytes
  std::string checkpoint_key_file;  // SERTEL_AUDIT_CHECKPOINT_KEY_FILE: Ed25519 private key PEM
  absl::Duration checkpoint_interval = absl::Minutes(5);  // SERTEL_AUDIT_CHECKPOINT_INTERVAL
};

struct CommonConfig {
  std::string service;  // "intake", "disposition", "certificate", "notification"
  ServerConfig server;
  DatabaseConfig database;
  OutboxConfig outbox;
  ClientConfig client;
  AuditConfig audit;
  std::string log_file;            // SERTEL_LOG_FILE, "" = stderr
  std::string log_level = "info";  // SERTEL_LOG_LEVEL

  // Reads the shared variables. Errors accumulate in `env`; call env.Finish() after reading the
  // service's own variables too.
  static CommonConfig FromEnv(const std::string& service, int default_port, EnvReader& env);
};

}  // namespace sertel
