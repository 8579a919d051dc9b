#include "common/service_runtime.h"

#include <cstdio>
#include <cstring>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/audit_chainer.h"
#include "common/audit_checkpoint_logger.h"
#include "common/database_watch.h"
#include "common/jwt.h"
#include "common/log.h"
#include "common/outbox_table_backend.h"
#include "common/server.h"
#include "common/sql_query.h"
#include "common/token_verifier_factory.h"
#include "common_queries.h"

namespace sertel {
namespace {

// The page-token key of this service's schema (common/migrations/C004__page_token_key.sql).
absl::StatusOr<PageTokenCodec> LoadPageTokens(PgPool& pool) {
  absl::StatusOr<std::string> key =
      pool.ReadOne<std::string>([](pqxx::nontransaction& tx) -> absl::StatusOr<std::string> {
        pqxx::result r = RunQuery(tx, common::queries::kSelectPageTokenKey);
        if (r.empty()) return absl::FailedPreconditionError("the page-token key is missing");
        return pqxx::binarystring(r[0]["key"]).str();
      });
  if (!key.ok()) return key.status();
  return PageTokenCodec::FromKeyChecked(*std::move(key));
}

}  // namespace

int ServiceRuntime::ExitWith(const absl::Status& status) {
  std::fprintf(stderr, "sertel: cannot start: %s\n", std::string(status.message()).c_str());
  Log::Error("startup_failed", {{"error", std::string(status.message())}});
  return 2;
}

absl::StatusOr<std::unique_ptr<ServiceRuntime>> ServiceRuntime::Create(
    CommonConfig config, const EnvReader& env, const std::vector<Migration>& migrations, int argc,
    char** argv, std::function<void(pqxx::connection&)> on_connect) {
  BlockShutdownSignals();  // before any thread starts, so only WaitForShutdownSignal sees them
  // Debian builds Abseil without NDEBUG, so every absl::Mutex acquisition also walked the
  // deadlock detector's lock graph (GraphCycles in issue 22's profiles). The tests keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  LogLevel level = LogLevel::kInfo;
  bool level_ok = Log::ParseLevel(config.log_level, &level);
  Log::Init(absl::StrCat(config.service, "-service"), config.log_file, level);
  if (absl::Status s = env.Finish(); !s.ok()) return s;
  if (!level_ok)
    return absl::InvalidArgumentError("SERTEL_LOG_LEVEL must be debug|info|warn|error");

  std::unique_ptr<ServiceRuntime> rt(new ServiceRuntime());
  rt->migrate_only_ = argc > 1 && std::strcmp(argv[1], "migrate") == 0;
  if (absl::Status s = ApplyMigrations(config.database.url, config.database.schema,
                                       {&common::Migrations(), &migrations});
      !s.ok()) {
    return s;
  }
  rt->config_ = std::move(config);
  if (rt->migrate_only_) return rt;

  // The audit chain's key and the checkpoint key: required to serve, never in the database.
  const AuditConfig& audit = rt->config_.audit;
  if (audit.hmac_key_file.empty() || audit.checkpoint_key_file.empty()) {
    return absl::FailedPreconditionError(
        "SERTEL_AUDIT_HMAC_KEY_FILE (32 random bytes) and SERTEL_AUDIT_CHECKPOINT_KEY_FILE (an "
        "Ed25519 private key) are required to serve (docs/security.md, \"Audit\")");
  }
  absl::StatusOr<std::string> audit_key = AuditLog::LoadKey(audit.hmac_key_file);
  if (!audit_key.ok()) return audit_key.status();
  rt->audit_ = std::make_unique<AuditLog>(*std::move(audit_key));
  absl::StatusOr<std::unique_ptr<CheckpointSigner>> signer =
      CheckpointSigner::LoadFile(audit.checkpoint_key_file);
  if (!signer.ok()) return signer.status();
  rt->checkpoints_ = std::move(*signer);

  absl::StatusOr<std::unique_ptr<PgPool>> pool =
      PgPool::Create({.url = rt->config_.database.url,
                      .schema = rt->config_.database.schema,
                      .size = static_cast<int>(rt->config_.database.pool_size),
                      .acquire_timeout = rt->config_.database.acquire_timeout,
                      .on_connect = std::move(on_connect)});
  if (!pool.ok()) return pool.status();
  rt->pool_ = std::move(*pool);
  absl::StatusOr<PageTokenCodec> page_tokens = LoadPageTokens(*rt->pool_);
  if (!page_tokens.ok()) return page_tokens.status();
  rt->page_tokens_ = std::make_unique<PageTokenCodec>(*std::move(page_tokens));
  // A chain from before the key is keyed only on the operator's explicit, one-time command
  // (`<svc>-service key-legacy-audit-chain`), never at start: otherwise a database writer could
  // flip the head to "unkeyed", rebuild the chain with plain SHA-256 and have the next start
  // re-key the forgery (docs/security.md, "Chains from before the key").
  if (argc > 1 && std::strcmp(argv[1], "key-legacy-audit-chain") == 0) {
    absl::StatusOr<PgPool::Lease> lease = rt->pool_->Acquire();
    if (!lease.ok()) return lease.status();
    if (absl::Status s = rt->audit_->KeyLegacyChain(lease->conn()); !s.ok()) return s;
    rt->migrate_only_ = true;  // done: main() exits as after `migrate`
    return rt;
  }

  const ServerConfig& server = rt->config_.server;
  absl::StatusOr<std::shared_ptr<const JwtVerifier>> verifier = MakeJwtVerifier(server);
  if (!verifier.ok()) return verifier.status();
  rt->authenticator_ = std::make_unique<Authenticator>(*std::move(verifier));
  rt->outbox_ = std::make_unique<OutboxDispatcher>(rt->pool_.get(), rt->config_.outbox);
  if (!server.metrics_address.empty()) {
    rt->http_ = std::make_unique<MetricsHttpServer>(server.metrics_address);
  }
  rt->audit_service_ =
      std::make_unique<AuditServiceImpl>(rt->pool_.get(), rt->audit_.get(), rt->checkpoints_.get(),
                                         rt->config_.service, rt->authenticator_.get());
  rt->outbox_backend_ =
      std::make_unique<OutboxTableBackend>(rt->pool_.get(), rt->audit_.get(), rt->config_.service);
  ServiceRuntime* self = rt.get();  // owns the dispatcher, so it outlives the counter
  rt->outbox_->CountDeadRows(rt->config_.service,
                             [self] { return self->outbox_backend_->CountDead(); });
  return rt;
}

void ServiceRuntime::SetOutboxAdminBackend(std::unique_ptr<OutboxAdminBackend> backend) {
  outbox_backend_ = std::move(backend);
}

int ServiceRuntime::Serve(std::vector<grpc::Service*> services) {
  if (http_ != nullptr) {
    if (absl::Status s = http_->Start(); !s.ok()) return ExitWith(s);
  }
  services.push_back(audit_service_.get());
  outbox_admin_ = std::make_unique<OutboxAdminManager>(outbox_backend_.get(), page_tokens_.get());
  outbox_admin_service_ =
      std::make_unique<OutboxAdminServiceImpl>(outbox_admin_.get(), authenticator_.get());
  if (absl::Status s = outbox_admin_service_->authorizer().CheckCoversService(); !s.ok()) {
    return ExitWith(s);
  }
  services.push_back(outbox_admin_service_.get());
  absl::StatusOr<std::unique_ptr<GrpcServer>> server =
      GrpcServer::Start(config_.server, std::move(services), authenticator_.get());
  if (!server.ok()) return ExitWith(server.status());
  GrpcServer* grpc_server = server->get();
  DatabaseWatch database_watch(
      config_.database.url, pool_.get(), [grpc_server](bool up) { grpc_server->SetServing(up); },
      config_.database.probe_interval);
  database_watch.Start();
  outbox_->Start();
  // Issue 22: appends write unlinked rows; this links them right after they commit.
  AuditChainer chainer(pool_.get(), audit_.get());
  chainer.Start();
  AuditCheckpointLogger checkpoint_logger(pool_.get(), audit_.get(), checkpoints_.get(),
                                          config_.service, config_.audit.checkpoint_interval);
  checkpoint_logger.Start();
  WaitForShutdownSignal();
  checkpoint_logger.Stop();
  (*server)->Shutdown();
  outbox_->Stop();
  chainer.Stop();  // links what the last transactions wrote
  database_watch.Stop();
  if (http_ != nullptr) http_->Stop();
  return 0;
}

}  // namespace sertel
