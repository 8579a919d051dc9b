// A real gRPC server over TLS on 127.0.0.1:<free port> inside the test process, with the
// TestPki's identity, for integration tests that call a service through a real client.
//
//   TestPki pki;
//   auto authn = MakeTestAuthenticator(pki);
//   IntakeServiceImpl impl(...authn.get()...);
//   TestServer server(pki, {&impl});
//   auto stub = v1::IntakeService::NewStub(server.Channel());
//   auto ctx = ContextWithToken(pki.MintToken({"APPLICANT"}, "u1", "3171..."));
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/impl/service_type.h>

#include <memory>
#include <string>
#include <vector>

#include "common/auth.h"
#include "common/config.h"
#include "common/server.h"
#include "tests/harness/test_pki.h"

namespace sertel::testing {

// Verifies tokens signed by the TestPki's RSA and EC JWT keys, issuer "sertel-test".
std::unique_ptr<Authenticator> MakeTestAuthenticator(const TestPki& pki);

// The ServerConfig a service would read, pointing at the TestPki's files.
ServerConfig TestServerConfig(const TestPki& pki);
// The ClientConfig `caller` would use to call another service (mTLS with its own identity).
ClientConfig TestClientConfig(const TestPki& pki, ServiceId caller);

class TestServer {
 public:
  TestServer(const TestPki& pki, std::vector<grpc::Service*> services,
             int64_t max_message_bytes = (20 << 20) + (64 << 10));
  ~TestServer();
  int port() const { return server_->port(); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port()); }
  // TLS, no client certificate: authenticate with a bearer token.
  std::shared_ptr<grpc::Channel> Channel() const;
  // TLS with `caller`'s service certificate: that service (the SERVICE role).
  std::shared_ptr<grpc::Channel> ServiceChannel(ServiceId caller) const;
  // TLS with an internal-CA client certificate that names no service (UNAUTHENTICATED alone).
  std::shared_ptr<grpc::Channel> UnnamedCertificateChannel() const;
  // TLS with a certificate from an unrelated CA (the handshake must fail).
  std::shared_ptr<grpc::Channel> RogueChannel() const;
  void Shutdown() { server_->Shutdown(); }

 private:
  const TestPki& pki_;
  std::unique_ptr<GrpcServer> server_;
};

// A client context with `authorization: Bearer <token>` (no header when token is empty) and a
// 10 s deadline.
std::unique_ptr<grpc::ClientContext> ContextWithToken(const std::string& token);

}  // namespace sertel::testing
