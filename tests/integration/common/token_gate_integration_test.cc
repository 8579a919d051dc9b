// TokenGate on a real TLS server: a call that names no caller (no token, a forged one, a
// certificate naming no service) is UNAUTHENTICATED before its request is read, a 16 MiB one
// included; health stays open without a token; a token or a service certificate passes the
// gate and the handler's role table decides.
#include <grpcpp/grpcpp.h>

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

class TokenGateIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApplyMigrations(db_.url(), "gatetest", {&common::Migrations()}).ok());
    auto pool = PgPool::Create({.url = db_.url(), .schema = "gatetest", .size = 2});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    authn_ = testing::MakeTestAuthenticator(pki_);
    impl_ =
        std::make_unique<AuditServiceImpl>(pool_.get(), &audit_, nullptr, "gatetest", authn_.get());
    auto server = GrpcServer::Start(testing::TestServerConfig(pki_), {impl_.get()}, authn_.get());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }
  void TearDown() override { server_->Shutdown(); }

  std::shared_ptr<grpc::Channel> Channel(const std::string& cert = "",
                                         const std::string& key = "") {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = pki_.ca_cert_pem();
    tls.pem_cert_chain = cert;
    tls.pem_private_key = key;
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(64 << 20);
    return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                     grpc::SslCredentials(tls), args);
  }
  grpc::Status Verify(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                      const v1::VerifyAuditChainRequest& req = {}) {
    auto stub = v1::AuditService::NewStub(channel);
    auto ctx = testing::ContextWithToken(token);
    v1::VerifyAuditChainResponse r;
    return stub->VerifyAuditChain(ctx.get(), req, &r);
  }

  testing::TestDatabase db_;
  testing::TestPki pki_;
  AuditLog audit_{testing::TestAuditKey()};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<Authenticator> authn_;
  std::unique_ptr<AuditServiceImpl> impl_;
  std::unique_ptr<GrpcServer> server_;
};

TEST_F(TokenGateIntegrationTest, NoCallerIsRefusedBeforeTheRequestIsRead) {
  EXPECT_EQ(Verify(Channel(), "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Verify(Channel(), "not.a.token").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Verify(Channel(pki_.client_cert_pem(), pki_.client_key_pem()), "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // A 16 MiB request without a token: refused as fast as a small one (the message is not read).
  v1::VerifyAuditChainRequest big;
  big.mutable_checkpoint()->set_signature(std::string(16 << 20, 'x'));
  grpc::Status s = Verify(Channel(), "", big);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
}

TEST_F(TokenGateIntegrationTest, HealthStaysOpenAndCallersPassTheGate) {
  auto health = grpc::health::v1::Health::NewStub(Channel());
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckResponse resp;
  grpc::Status h = health->Check(&ctx, {}, &resp);
  ASSERT_TRUE(h.ok()) << h.error_message();
  EXPECT_TRUE(Verify(Channel(), pki_.MintToken({"AUDITOR"}, "auditor-1")).ok());
  // A service's certificate passes the gate; the role table then says no.
  EXPECT_EQ(Verify(Channel(pki_.service_cert_pem(ServiceId::kIntake),
                           pki_.service_key_pem(ServiceId::kIntake)),
                   "")
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace sertel
