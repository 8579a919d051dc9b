// The gRPC server bootstrap all four services use: TLS (client certificates requested and
// verified against the internal CA when presented) or, only behind SERTEL_DEV_PLAINTEXT, no
// TLS; the health service and reflection; the max message size; a bounded pool of handler
// threads sized with the database pool (docs/threading.md); graceful shutdown.
//
//   auto server = GrpcServer::Start(config.server, {&intake_impl, &audit_impl});
//   WaitForShutdownSignal();
//   (*server)->Shutdown();
#pragma once

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/config.h"

namespace sertel {

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerConfig& config);

class GrpcServer {
 public:
  // With `gate`, a call that names no caller is UNAUTHENTICATED before its request is read
  // (common/token_gate.h); ServiceRuntime passes its Authenticator.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(const ServerConfig& config,
                                                           std::vector<grpc::Service*> services,
                                                           const Authenticator* gate = nullptr);
  ~GrpcServer();
  int port() const { return port_; }
  // Health NOT_SERVING at once, then waits up to shutdown_grace for calls in flight.
  void Shutdown();
  // The overall health status on both ports (DatabaseWatch: NOT_SERVING while the database is
  // unreachable). The named service "liveness" (kLivenessService) stays SERVING until Shutdown.
  void SetServing(bool serving);
  static constexpr char kLivenessService[] = "liveness";
  grpc::Server* server() { return server_.get(); }
  // The plaintext health-only listener's port (0 when SERTEL_HEALTH_PLAINTEXT_ADDRESS is unset).
  int health_port() const { return health_port_; }

 private:
  GrpcServer() = default;
  std::unique_ptr<grpc::Server> server_;
  // Kubernetes' native gRPC probes cannot speak TLS: a second server on its own port that
  // serves nothing but grpc.health.v1 (no data, no reflection), mirroring the main status.
  std::unique_ptr<grpc::Server> health_server_;
  int health_port_ = 0;
  absl::Duration grace_;
  int port_ = 0;
  bool stopped_ = false;
};

// Blocks until SIGTERM or SIGINT arrives (both are blocked in every thread first; call early in
// main, before starting threads, via BlockShutdownSignals()).
void BlockShutdownSignals();
int WaitForShutdownSignal();

}  // namespace sertel
