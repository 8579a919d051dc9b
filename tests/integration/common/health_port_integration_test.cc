// The plaintext port for Kubernetes probes serves grpc.health.v1 and nothing else: no server
// reflection (which would list every RPC to anyone on the network), no service RPC; the TLS
// port keeps reflection, as the contract says.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>

#include "common/audit_service_impl.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "common/server.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/harness/test_database.h"
#include "tests/harness/test_pki.h"
#include "tests/harness/test_server.h"

namespace sertel {
namespace {

// One message to the reflection service (a bidi stream, called as unary: enough to tell whether
// the method exists).
grpc::Status CallReflection(const std::shared_ptr<grpc::Channel>& channel) {
  static const grpc::internal::RpcMethod kMethod(
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      grpc::internal::RpcMethod::NORMAL_RPC);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  // ServerReflectionRequest { list_services: "" } (field 7, length 0).
  grpc::Slice list_services(std::string("\x3a\x00", 2));
  grpc::ByteBuffer request(&list_services, 1), response;
  return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      channel.get(), kMethod, &ctx, request, &response);
}

TEST(HealthPortIntegrationTest, ThePlaintextPortServesHealthOnly) {
  testing::TestDatabase db;
  testing::TestPki pki;
  ASSERT_TRUE(ApplyMigrations(db.url(), "healthtest", {&common::Migrations()}).ok());
  auto pool = PgPool::Create({.url = db.url(), .schema = "healthtest", .size = 1});
  ASSERT_TRUE(pool.ok()) << pool.status();
  AuditLog audit(testing::TestAuditKey());
  auto authn = testing::MakeTestAuthenticator(pki);
  AuditServiceImpl impl(pool->get(), &audit, nullptr, "healthtest", authn.get());
  ServerConfig config = testing::TestServerConfig(pki);
  config.health_plaintext_address = "127.0.0.1:0";
  auto server = GrpcServer::Start(config, {&impl});
  ASSERT_TRUE(server.ok()) << server.status();
  auto plain = grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->health_port()),
                                   grpc::InsecureChannelCredentials());

  auto health = grpc::health::v1::Health::NewStub(plain);
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckResponse resp;
  ASSERT_TRUE(health->Check(&ctx, {}, &resp).ok());
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  EXPECT_EQ(CallReflection(plain).error_code(), grpc::StatusCode::UNIMPLEMENTED);
  auto audit_stub = v1::AuditService::NewStub(plain);
  grpc::ClientContext ctx2;
  v1::VerifyAuditChainResponse r;
  EXPECT_EQ(audit_stub->VerifyAuditChain(&ctx2, {}, &r).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);

  // The TLS port still answers reflection (its reply is a stream message, so it is not
  // UNIMPLEMENTED).
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = pki.ca_cert_pem();
  auto secure =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()), grpc::SslCredentials(tls));
  EXPECT_NE(CallReflection(secure).error_code(), grpc::StatusCode::UNIMPLEMENTED);
  (*server)->Shutdown();
}

}  // namespace
}  // namespace sertel
