// The shared server bootstrap and auth over real TLS, through the audit service every service
// serves: tokens (missing, expired, forged, wrong role, claiming SERVICE), client certificates
// (a service's -> that service, which the auditor's RPC still refuses; ours naming no service ->
// UNAUTHENTICATED; an unrelated CA's -> handshake refused), health without a token, and the
// chain check itself.
#include <grpcpp/grpcpp.h>

#include "common/audit_chainer.h"
#include "common/audit_log.h"
#include "common/audit_service_impl.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/harness/test_database.h"
#include "tests/harness/test_pki.h"
#include "tests/harness/test_server.h"

namespace sertel {
namespace {

using testing::ContextWithToken;

class ServerAuthIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApplyMigrations(db_.url(), "authtest", {&common::Migrations()}).ok());
    auto pool = PgPool::Create({.url = db_.url(), .schema = "authtest", .size = 2});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    authn_ = testing::MakeTestAuthenticator(pki_);
    impl_ =
        std::make_unique<AuditServiceImpl>(pool_.get(), &audit_, nullptr, "authtest", authn_.get());
    server_ = std::make_unique<testing::TestServer>(pki_, std::vector<grpc::Service*>{impl_.get()});
  }

  grpc::Status Call(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                    v1::VerifyAuditChainResponse* out) {
    auto stub = v1::AuditService::NewStub(channel);
    auto ctx = ContextWithToken(token);
    return stub->VerifyAuditChain(ctx.get(), v1::VerifyAuditChainRequest(), out);
  }

  testing::TestDatabase db_;
  testing::TestPki pki_;
  AuditLog audit_{testing::TestAuditKey()};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<Authenticator> authn_;
  std::unique_ptr<AuditServiceImpl> impl_;
  std::unique_ptr<testing::TestServer> server_;
};

TEST_F(ServerAuthIntegrationTest, MissingTokenIsUnauthenticated) {
  v1::VerifyAuditChainResponse r;
  EXPECT_EQ(Call(server_->Channel(), "", &r).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ServerAuthIntegrationTest, AuditorTokenIsServed) {
  v1::VerifyAuditChainResponse r;
  grpc::Status s = Call(server_->Channel(), pki_.MintToken({"AUDITOR"}, "auditor-1"), &r);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.rows_checked(), 0);
}

TEST_F(ServerAuthIntegrationTest, WrongRoleIsPermissionDenied) {
  v1::VerifyAuditChainResponse r;
  grpc::Status s =
      Call(server_->Channel(), pki_.MintToken({"APPLICANT"}, "u1", "3171014101900001"), &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(s.error_message().find("AUDITOR"), std::string::npos) << s.error_message();
}

TEST_F(ServerAuthIntegrationTest, ExpiredTokenIsUnauthenticated) {
  v1::VerifyAuditChainResponse r;
  std::string token = pki_.MintToken({"AUDITOR"}, "a", "", absl::Minutes(-5));
  EXPECT_EQ(Call(server_->Channel(), token, &r).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ServerAuthIntegrationTest, TokenFromAnotherIssuerIsUnauthenticated) {
  v1::VerifyAuditChainResponse r;
  std::string token = pki_.MintToken({"AUDITOR"}, "a", "", absl::Minutes(5), "evil-idp");
  EXPECT_EQ(Call(server_->Channel(), token, &r).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ServerAuthIntegrationTest, ForgedTokenIsUnauthenticated) {
  testing::TestPki other;  // signs with keys this server does not trust
  v1::VerifyAuditChainResponse r;
  std::string token = other.MintToken({"AUDITOR"}, "a");
  EXPECT_EQ(Call(server_->Channel(), token, &r).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ServerAuthIntegrationTest, MalformedAuthorizationHeaderIsUnauthenticated) {
  auto stub = v1::AuditService::NewStub(server_->Channel());
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Basic dXNlcjpwYXNz");
  v1::VerifyAuditChainResponse r;
  EXPECT_EQ(stub->VerifyAuditChain(&ctx, {}, &r).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

// A service's certificate authenticates it as that service, and VerifyAuditChain names no
// service: least privilege, not a flat SERVICE role.
TEST_F(ServerAuthIntegrationTest, ServiceCertificateIsAuthenticatedButNotAnAuditor) {
  for (ServiceId service : {ServiceId::kIntake, ServiceId::kDisposition, ServiceId::kCertificate,
                            ServiceId::kNotification}) {
    v1::VerifyAuditChainResponse r;
    grpc::Status s = Call(server_->ServiceChannel(service), "", &r);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << EnumName(service);
    EXPECT_NE(s.error_message().find("AUDITOR"), std::string::npos) << s.error_message();
  }
}

// Attack: a certificate of the internal CA that names no service (a person's, as sertelctl's)
// presented without a token.
TEST_F(ServerAuthIntegrationTest, CertificateNamingNoServiceIsUnauthenticated) {
  v1::VerifyAuditChainResponse r;
  grpc::Status s = Call(server_->UnnamedCertificateChannel(), "", &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(s.error_message().find("spiffe://sertel/"), std::string::npos) << s.error_message();
}

// Attack: an identity-provider token that claims SERVICE (and AUDITOR to prove the rest of the
// token still counts): SERVICE is dropped, the person is an auditor only.
TEST_F(ServerAuthIntegrationTest, TokenClaimingServiceIsNoService) {
  v1::VerifyAuditChainResponse r;
  EXPECT_EQ(Call(server_->Channel(), pki_.MintToken({"SERVICE"}, "svc"), &r).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Call(server_->Channel(), pki_.MintToken({"SERVICE", "AUDITOR"}, "a"), &r).ok());
}

TEST_F(ServerAuthIntegrationTest, InvalidTokenIsNotRescuedByClientCertificate) {
  v1::VerifyAuditChainResponse r;
  grpc::Status s = Call(server_->ServiceChannel(ServiceId::kIntake), "not.a.token", &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

// Attack: a certificate naming spiffe://sertel/disposition from a CA we do not trust.
TEST_F(ServerAuthIntegrationTest, ClientCertificateFromAnotherCaIsRefused) {
  v1::VerifyAuditChainResponse r;
  grpc::Status s = Call(server_->RogueChannel(), "", &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(ServerAuthIntegrationTest, HealthIsServedWithoutAToken) {
  auto stub = grpc::health::v1::Health::NewStub(server_->Channel());
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse resp;
  ASSERT_TRUE(stub->Check(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(ServerAuthIntegrationTest, VerifyFindsATamperedChain) {
  ASSERT_TRUE(pool_
                  ->InTransaction([this](pqxx::work& tx) {
                    audit_.Append(tx, {.actor_sub = "s",
                                       .actor_role = "SERVICE",
                                       .action = "A",
                                       .entity_type = "e",
                                       .entity_id = "1"});
                    audit_.Append(tx, {.actor_sub = "s",
                                       .actor_role = "SERVICE",
                                       .action = "B",
                                       .entity_type = "e",
                                       .entity_id = "2"});
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_EQ(AuditChainer(pool_.get(), &audit_).RunOnce().value_or(-1), 2);
  db_.Exec("UPDATE authtest.audit_log SET action = 'Z' WHERE seq = 1");
  v1::VerifyAuditChainResponse r;
  ASSERT_TRUE(Call(server_->Channel(), pki_.MintToken({"AUDITOR"}, "a"), &r).ok());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.first_broken_seq(), 1);
}

TEST_F(ServerAuthIntegrationTest, RoleTableCoversEveryRpc) {
  EXPECT_TRUE(impl_->authorizer().CheckCoversService().ok());
}

}  // namespace
}  // namespace sertel
