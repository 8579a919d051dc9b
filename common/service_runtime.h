// What every service's main() does, in one place: configuration, logging, migrations, the
// database pool, token verification, /metrics, the outbox dispatcher (and its gauge of DEAD
// rows), the gRPC server (with the audit and outbox admin services beside the service's own),
// and a graceful stop on SIGTERM/SIGINT.
//
//   int main(int argc, char** argv) {
//     EnvReader env;
//     CommonConfig common = CommonConfig::FromEnv("intake", 50051, env);
//     IntakeConfig own = IntakeConfig::FromEnv(env);
//     auto rt = ServiceRuntime::Create(std::move(common), env, intake::Migrations(), argc, argv);
//     if (!rt.ok()) return ServiceRuntime::ExitWith(rt.status());
//     ... build store, rules, clients, impl; (*rt)->outbox().Register(...);
//     return (*rt)->Serve({&impl});
//   }
#pragma once

#include <grpcpp/impl/service_type.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "common/audit_log.h"
#include "common/audit_service_impl.h"
#include "common/auth.h"
#include "common/config.h"
#include "common/metrics.h"
#include "common/migrations.h"
#include "common/outbox.h"
#include "common/outbox_admin.h"
#include "common/outbox_admin_manager.h"
#include "common/outbox_admin_service_impl.h"
#include "common/page_token.h"
#include "common/pg_pool.h"

namespace sertel {

class ServiceRuntime {
 public:
  // Checks `env` (all configuration errors at once), applies migrations, opens the pool. With
  // argv[1] == "migrate" the caller should exit after Create returns (see migrate_only()).
  static absl::StatusOr<std::unique_ptr<ServiceRuntime>> Create(
      CommonConfig config, const EnvReader& env, const std::vector<Migration>& migrations, int argc,
      char** argv, std::function<void(pqxx::connection&)> on_connect = nullptr);

  // Prints the reason on stderr (and the log) and returns the exit code 2.
  static int ExitWith(const absl::Status& status);

  bool migrate_only() const { return migrate_only_; }
  const CommonConfig& config() const { return config_; }
  PgPool& pool() { return *pool_; }
  const Authenticator& authenticator() const { return *authenticator_; }
  OutboxDispatcher& outbox() { return *outbox_; }
  // The keyed audit chain every store of this service appends to (SERTEL_AUDIT_HMAC_KEY_FILE).
  const AuditLog& audit() const { return *audit_; }
  MetricsHttpServer* http() { return http_.get(); }  // null when metrics are off
  // Signs this service's page tokens with the key kept in its schema (the same in every replica).
  const PageTokenCodec* page_tokens() const { return page_tokens_.get(); }

  // Where OutboxAdminService finds the rows and the DEAD-row gauge counts them: this schema's
  // outbox table unless a service brings its own (the notification service's deliveries). Call
  // before Serve.
  void SetOutboxAdminBackend(std::unique_ptr<OutboxAdminBackend> backend);

  // Starts /metrics, the outbox dispatcher and the gRPC server; blocks until SIGTERM/SIGINT;
  // drains; returns the process exit code.
  int Serve(std::vector<grpc::Service*> services);

 private:
  ServiceRuntime() = default;
  CommonConfig config_;
  bool migrate_only_ = false;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<OutboxDispatcher> outbox_;
  std::unique_ptr<MetricsHttpServer> http_;
  std::unique_ptr<AuditServiceImpl> audit_service_;
  std::unique_ptr<PageTokenCodec> page_tokens_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<CheckpointSigner> checkpoints_;
  std::unique_ptr<OutboxAdminBackend> outbox_backend_;
  std::unique_ptr<OutboxAdminManager> outbox_admin_;
  std::unique_ptr<OutboxAdminServiceImpl> outbox_admin_service_;
};

}  // namespace sertel
