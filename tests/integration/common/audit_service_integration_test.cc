// AuditService over real TLS with a checkpoint key: an auditor signs a checkpoint, keeps it, and
// later verifies the chain against it (as `sertelctl audit checkpoint` and `sertelctl audit
// verify --checkpoint` do); a deleted tail with the head moved back is found; a checkpoint
// edited by its keeper or signed by another key is refused; no service may ask.
#include <grpcpp/grpcpp.h>

#include "common/audit_chainer.h"
#include "common/audit_log.h"
#include "common/audit_service_impl.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "gtest/gtest.h"
#include "tests/harness/test_database.h"
#include "tests/harness/test_pki.h"
#include "tests/harness/test_server.h"

namespace sertel {
namespace {

class AuditServiceIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApplyMigrations(db_.url(), "intake", {&common::Migrations()}).ok());
    auto pool = PgPool::Create({.url = db_.url(), .schema = "intake", .size = 2});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    auto signer = CheckpointSigner::FromPem(testing::MakeEd25519KeyPem());
    ASSERT_TRUE(signer.ok()) << signer.status();
    signer_ = std::move(*signer);
    authn_ = testing::MakeTestAuthenticator(pki_);
    impl_ = std::make_unique<AuditServiceImpl>(pool_.get(), &audit_, signer_.get(), "intake",
                                               authn_.get());
    server_ = std::make_unique<testing::TestServer>(pki_, std::vector<grpc::Service*>{impl_.get()});
    stub_ = v1::AuditService::NewStub(server_->Channel());
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(pool_
                      ->InTransaction([&](pqxx::work& tx) {
                        audit_.Append(tx, {.actor_sub = "s",
                                           .actor_role = "SERVICE",
                                           .action = "A",
                                           .entity_type = "e",
                                           .entity_id = std::to_string(i)});
                        return absl::OkStatus();
                      })
                      .ok());
    }
    // Linked, as the service's chainer does right after commit.
    ASSERT_EQ(AuditChainer(pool_.get(), &audit_).RunOnce().value_or(-1), 4);
  }

  grpc::Status Sign(v1::SignAuditCheckpointResponse* out, const std::string& role = "AUDITOR") {
    auto ctx = testing::ContextWithToken(pki_.MintToken({role}, "auditor-1"));
    return stub_->SignAuditCheckpoint(ctx.get(), {}, out);
  }
  grpc::Status Verify(const v1::AuditCheckpoint& c, v1::VerifyAuditChainResponse* out) {
    v1::VerifyAuditChainRequest req;
    *req.mutable_checkpoint() = c;
    auto ctx = testing::ContextWithToken(pki_.MintToken({"AUDITOR"}, "auditor-1"));
    return stub_->VerifyAuditChain(ctx.get(), req, out);
  }

  testing::TestDatabase db_;
  testing::TestPki pki_;
  AuditLog audit_{testing::TestAuditKey()};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<CheckpointSigner> signer_;
  std::unique_ptr<Authenticator> authn_;
  std::unique_ptr<AuditServiceImpl> impl_;
  std::unique_ptr<testing::TestServer> server_;
  std::unique_ptr<v1::AuditService::Stub> stub_;
};

TEST_F(AuditServiceIntegrationTest, ASavedCheckpointCatchesADeletedTail) {
  v1::SignAuditCheckpointResponse signed_;
  ASSERT_TRUE(Sign(&signed_).ok());
  EXPECT_EQ(signed_.checkpoint().service(), "intake");
  EXPECT_EQ(signed_.checkpoint().seq(), 4);
  EXPECT_NE(signed_.public_key_pem().find("BEGIN PUBLIC KEY"), std::string::npos);
  v1::VerifyAuditChainResponse r;
  ASSERT_TRUE(Verify(signed_.checkpoint(), &r).ok());
  EXPECT_TRUE(r.ok()) << r.problem();

  db_.Exec("DELETE FROM intake.audit_log WHERE seq > 2");
  db_.Exec(
      "UPDATE intake.audit_head SET last_seq = 2, "
      "last_hash = (SELECT hash FROM intake.audit_log WHERE seq = 2)");
  ASSERT_TRUE(Verify(signed_.checkpoint(), &r).ok());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.first_broken_seq(), 3);
}

TEST_F(AuditServiceIntegrationTest, AnEditedOrForeignCheckpointIsRefused) {
  v1::SignAuditCheckpointResponse signed_;
  ASSERT_TRUE(Sign(&signed_).ok());
  v1::AuditCheckpoint edited = signed_.checkpoint();
  edited.set_seq(2);
  v1::VerifyAuditChainResponse r;
  EXPECT_EQ(Verify(edited, &r).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::AuditCheckpoint other_service = signed_.checkpoint();
  other_service.set_service("certificate");
  EXPECT_EQ(Verify(other_service, &r).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AuditServiceIntegrationTest, OnlyAnAuditorSignsAndNoCheckpointVouchesForABrokenChain) {
  v1::SignAuditCheckpointResponse out;
  EXPECT_EQ(Sign(&out, "VERIFIER").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  auto service = v1::AuditService::NewStub(server_->ServiceChannel(ServiceId::kIntake));
  auto ctx = testing::ContextWithToken("");
  EXPECT_EQ(service->SignAuditCheckpoint(ctx.get(), {}, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  db_.Exec("UPDATE intake.audit_log SET action = 'Z' WHERE seq = 2");
  grpc::Status s = Sign(&out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_TRUE(impl_->authorizer().CheckCoversService().ok());
}

}  // namespace
}  // namespace sertel
