#include "tests/harness/test_server.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/time/clock.h"
#include "common/jwt.h"
#include "gtest/gtest.h"

namespace sertel::testing {
namespace {

std::shared_ptr<grpc::Channel> TlsChannel(const std::string& address, const std::string& ca,
                                          const std::string& cert, const std::string& key) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ca;
  options.pem_cert_chain = cert;
  options.pem_private_key = key;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(options), args);
}

}  // namespace

std::unique_ptr<Authenticator> MakeTestAuthenticator(const TestPki& pki) {
  auto verifier = JwtVerifier::FromPems({pki.jwt_public_key_pem(), pki.jwt_ec_public_key_pem()},
                                        {.issuer = "sertel-test", .audience = "sertel"});
  EXPECT_TRUE(verifier.ok()) << verifier.status();
  return std::make_unique<Authenticator>(std::shared_ptr<const JwtVerifier>(std::move(*verifier)));
}

ServerConfig TestServerConfig(const TestPki& pki) {
  ServerConfig c;
  c.listen_address = "127.0.0.1:0";
  c.tls_cert_file = pki.server_cert_path();
  c.tls_key_file = pki.server_key_path();
  c.tls_ca_file = pki.ca_cert_path();
  c.threads = 16;
  c.shutdown_grace = absl::Seconds(1);
  return c;
}

ClientConfig TestClientConfig(const TestPki& pki, ServiceId caller) {
  ClientConfig c;
  c.ca_file = pki.ca_cert_path();
  c.cert_file = pki.service_cert_path(caller);
  c.key_file = pki.service_key_path(caller);
  c.deadline = absl::Seconds(5);
  return c;
}

TestServer::TestServer(const TestPki& pki, std::vector<grpc::Service*> services,
                       int64_t max_message_bytes)
    : pki_(pki) {
  ServerConfig config = TestServerConfig(pki);
  config.max_message_bytes = max_message_bytes;
  auto server = GrpcServer::Start(config, std::move(services));
  if (!server.ok()) {
    ADD_FAILURE() << "test server did not start: " << server.status();
    std::abort();
  }
  server_ = std::move(*server);
}

TestServer::~TestServer() { server_->Shutdown(); }

std::shared_ptr<grpc::Channel> TestServer::Channel() const {
  return TlsChannel(address(), pki_.ca_cert_pem(), "", "");
}

std::shared_ptr<grpc::Channel> TestServer::ServiceChannel(ServiceId caller) const {
  return TlsChannel(address(), pki_.ca_cert_pem(), pki_.service_cert_pem(caller),
                    pki_.service_key_pem(caller));
}

std::shared_ptr<grpc::Channel> TestServer::UnnamedCertificateChannel() const {
  return TlsChannel(address(), pki_.ca_cert_pem(), pki_.client_cert_pem(), pki_.client_key_pem());
}

std::shared_ptr<grpc::Channel> TestServer::RogueChannel() const {
  return TlsChannel(address(), pki_.ca_cert_pem(), pki_.rogue_cert_pem(), pki_.rogue_key_pem());
}

std::unique_ptr<grpc::ClientContext> ContextWithToken(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  return ctx;
}

}  // namespace sertel::testing
