#include "common/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/server_builder.h>
#include <signal.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/pem.h"
#include "common/token_gate.h"
#include "sertel/v1/audit.grpc.pb.h"

namespace sertel {

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerConfig& config) {
  if (config.dev_plaintext) {
    Log::Warn("plaintext_mode",
              {{"message",
                "SERTEL_DEV_PLAINTEXT is set: this server speaks NO TLS. Development "
                "only; never in production."}});
    return grpc::InsecureServerCredentials();
  }
  absl::StatusOr<std::string> cert = ReadFile(config.tls_cert_file);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFile(config.tls_key_file);
  if (!key.ok()) return key.status();
  absl::StatusOr<std::string> ca = ReadFile(config.tls_ca_file);
  if (!ca.ok()) return ca.status();
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);  // mTLS optional, verified when present
  options.pem_root_certs = *ca;
  options.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(options);
}

namespace {

// What the transport accepts of a request's metadata (headers), tokens included.
constexpr int kMaxMetadataBytes = 32 * 1024;

// The plaintext port serves health only: server reflection (registered for every builder by
// InitProtoReflectionServerBuilderPlugin) is taken off its builder.
class WithoutReflection final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->erase(std::remove_if(plugins->begin(), plugins->end(),
                                  [](const std::unique_ptr<grpc::ServerBuilderPlugin>& p) {
                                    return p->name() == "proto_server_reflection";
                                  }),
                   plugins->end());
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(const ServerConfig& config,
                                                              std::vector<grpc::Service*> services,
                                                              const Authenticator* gate) {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> creds = MakeServerCredentials(config);
  if (!creds.ok()) return creds.status();
  // A call that names no caller is refused before its message is read (common/token_gate.h).
  if (gate != nullptr && !config.dev_plaintext) {
    (*creds)->SetAuthMetadataProcessor(std::make_shared<TokenGate>(gate));
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  std::unique_ptr<GrpcServer> out(new GrpcServer());
  out->grace_ = config.shutdown_grace;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen_address, *creds, &out->port_);
  for (grpc::Service* s : services) builder.RegisterService(s);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(config.max_message_bytes));
  // Synchronous API with a bounded number of handler threads: libpqxx blocks, so each handler
  // holds a thread; the bound keeps threads in step with database connections.
  grpc::ResourceQuota quota("sertel");
  quota.SetMaxThreads(static_cast<int>(config.threads));
  builder.SetResourceQuota(quota);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 2);
  // A request's metadata up to 32 KiB reaches the handlers: a token too large for the verifier
  // (JwtVerifier's max_token_bytes, 8 KiB) is then refused UNAUTHENTICATED "token too large" like
  // every other bad token, not by gRPC's 8 KiB default (RESOURCE_EXHAUSTED). Larger metadata is
  // still refused by the transport before any handler runs.
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, kMaxMetadataBytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  out->server_ = builder.BuildAndStart();
  if (out->server_ == nullptr || out->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", config.listen_address));
  }
  out->server_->GetHealthCheckService()->SetServingStatus(true);
  out->server_->GetHealthCheckService()->SetServingStatus(kLivenessService, true);
  if (!config.health_plaintext_address.empty()) {
    grpc::ServerBuilder health_builder;
    health_builder.AddListeningPort(config.health_plaintext_address,
                                    grpc::InsecureServerCredentials(), &out->health_port_);
    health_builder.SetMaxReceiveMessageSize(4096);
    health_builder.SetOption(std::make_unique<WithoutReflection>());
    // A synchronous server needs one synchronous service to poll for; this one answers every
    // RPC UNIMPLEMENTED, as every non-health RPC on this port must be.
    static v1::AuditService::Service* const kNothingButHealth = new v1::AuditService::Service();
    health_builder.RegisterService(kNothingButHealth);
    out->health_server_ = health_builder.BuildAndStart();
    if (out->health_server_ == nullptr || out->health_port_ == 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", config.health_plaintext_address));
    }
    out->health_server_->GetHealthCheckService()->SetServingStatus(true);
    out->health_server_->GetHealthCheckService()->SetServingStatus(kLivenessService, true);
  }
  Log::Info("server_started", {{"address", config.listen_address},
                               {"port", out->port_},
                               {"tls", !config.dev_plaintext},
                               {"threads", config.threads}});
  return out;
}

GrpcServer::~GrpcServer() { Shutdown(); }

void GrpcServer::SetServing(bool serving) {
  if (stopped_ || server_ == nullptr) return;
  server_->GetHealthCheckService()->SetServingStatus("", serving);
  if (health_server_) health_server_->GetHealthCheckService()->SetServingStatus("", serving);
}

void GrpcServer::Shutdown() {
  if (stopped_ || server_ == nullptr) return;
  stopped_ = true;
  server_->GetHealthCheckService()->SetServingStatus(false);
  if (health_server_) health_server_->GetHealthCheckService()->SetServingStatus(false);
  Log::Info("server_draining", {{"grace_ms", absl::ToInt64Milliseconds(grace_)}});
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace_));
  server_->Wait();
  if (health_server_) {
    health_server_->Shutdown(absl::ToChronoTime(absl::Now()));
    health_server_->Wait();
  }
  Log::Info("server_stopped");
}

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  Log::Info("shutdown_signal", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  return sig;
}

}  // namespace sertel
