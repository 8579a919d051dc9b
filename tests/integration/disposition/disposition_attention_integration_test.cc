// Case.attention (issue 15), against real PostgreSQL and a certificate service on a real TLS
// port: a StartEnrollment the certificate service refuses for good (INVALID_ARGUMENT: the row
// goes DEAD at once) marks the case in every answer until an operator retries the row and it is
// delivered; the cases of an inbox page carry theirs too.
#include "common/outbox_admin_manager.h"
#include "common/outbox_table_backend.h"
#include "common/uuid.h"
#include "disposition_fixture.h"

namespace sertel::disposition::itest {
namespace {

// Refuses StartEnrollment as the real one refused a 95-character unit (the subject's OU holds at
// most 64), until the data is fixed.
class RefusingCertificate final : public v1::CertificateService::Service {
 public:
  grpc::Status StartEnrollment(grpc::ServerContext*, const v1::StartEnrollmentRequest*,
                               v1::Enrollment*) override {
    absl::MutexLock l(&mu_);
    ++calls_;
    if (!accept_) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "applicant.unit: the certificate's OU holds at most 64 characters");
    }
    return grpc::Status::OK;
  }
  void Accept() {
    absl::MutexLock l(&mu_);
    accept_ = true;
  }
  int calls() {
    absl::MutexLock l(&mu_);
    return calls_;
  }

 private:
  absl::Mutex mu_;
  bool accept_ = false;
  int calls_ = 0;
};

class DispositionAttentionTest : public DispositionFixture {
 protected:
  void SetUp() override {
    DispositionFixture::SetUp();
    cert_server_ = std::make_unique<sertel::testing::TestServer>(
        pki_, std::vector<grpc::Service*>{&certificate_});
    ClientConfig client = sertel::testing::TestClientConfig(pki_, ServiceId::kDisposition);
    auto channel = MakeChannel(cert_server_->address(), client);
    ASSERT_TRUE(channel.ok()) << channel.status();
    client_ = std::make_unique<CertificateClient>(*channel, client);
    dispatcher_ = std::make_unique<OutboxDispatcher>(pool_.get(), OutboxConfig{});
    dispatcher_->Register(kStartEnrollmentTopic,
                          [this](const OutboxMessage& m) { return client_->Deliver(m.payload); });
    // Any other row (progress reports, notices) is accepted.
    for (const char* topic : {"intake.RecordProgress", "notification.SendNotification"}) {
      dispatcher_->Register(topic, [](const OutboxMessage&) { return absl::OkStatus(); });
    }
  }

  v1::Case Get(const std::string& id) {
    v1::Case c;
    grpc::Status s = GetCase(Token("AUDITOR"), id, &c);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return c;
  }

  RefusingCertificate certificate_;
  std::unique_ptr<sertel::testing::TestServer> cert_server_;
  std::unique_ptr<CertificateClient> client_;
  std::unique_ptr<OutboxDispatcher> dispatcher_;
};

TEST_F(DispositionAttentionTest, RefusedStartEnrollmentMarksTheCaseUntilRetriedAndDelivered) {
  const std::string id = NewUuid();
  v1::Case c = AtStep(id, 5);
  ASSERT_TRUE(Verify(StepToken(5), id, c.version(), AllChecked(), &c).ok());
  EXPECT_FALSE(c.has_attention()) << "nothing has failed yet";
  ASSERT_TRUE(dispatcher_->RunOnce().ok());
  ASSERT_EQ(certificate_.calls(), 1);
  ASSERT_EQ(Query("SELECT status FROM outbox WHERE topic = 'certificate.StartEnrollment'")[0][0]
                .as<std::string>(),
            "DEAD")
      << "a permanent error is not retried";

  v1::Case marked = Get(id);
  ASSERT_TRUE(marked.has_attention());
  EXPECT_EQ(marked.attention().service(), "disposition");
  EXPECT_EQ(marked.attention().what(), "certificate.StartEnrollment");
  EXPECT_NE(marked.attention().error().find("at most 64 characters"), std::string::npos)
      << marked.attention().error();
  EXPECT_TRUE(marked.attention().has_at());
  const std::string outbox_id = marked.attention().outbox_id();
  EXPECT_EQ(outbox_id,
            Query("SELECT id::text FROM outbox WHERE topic = 'certificate.StartEnrollment'")[0][0]
                .as<std::string>());
  // SERVICE (intake asking for GetApplication) sees it the same way.
  v1::GetCaseRequest r;
  r.set_application_id(id);
  v1::Case as_service;
  auto ctx = Ctx("");
  ASSERT_TRUE(service_stub_->GetCase(ctx.get(), r, &as_service).ok());
  EXPECT_EQ(as_service.attention().outbox_id(), outbox_id);

  // The operator fixes the cause, then retries the row.
  certificate_.Accept();
  OutboxTableBackend backend(pool_.get(), audit_.get(), "disposition");
  OutboxAdminManager admin(&backend);
  Principal op{.sub = "operator-1", .nik = "", .roles = {Role::kOperator}};
  absl::StatusOr<OutboxRow> row = admin.Retry(op, outbox_id, "OU disingkat di daftar unit");
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_FALSE(Get(id).has_attention()) << "a row being retried no longer marks the case";
  ASSERT_TRUE(dispatcher_->RunOnce().ok());
  EXPECT_EQ(certificate_.calls(), 2);
  EXPECT_EQ(Query("SELECT status FROM outbox WHERE topic = 'certificate.StartEnrollment'")[0][0]
                .as<std::string>(),
            "DELIVERED");
  EXPECT_FALSE(Get(id).has_attention());
  EXPECT_EQ(Get(id).status(), v1::CASE_STATUS_SENT_TO_CA) << "the case itself did not change";
}

TEST_F(DispositionAttentionTest, InboxCasesCarryTheirOwnAttention) {
  const std::string marked = NewUuid();
  const std::string clean = NewUuid();
  OpenOk(marked);
  clock_.Advance(absl::Minutes(1));
  OpenOk(clean);
  // A call owed for `marked` that failed for good (whatever its topic).
  ASSERT_TRUE(pool_
                  ->InTransaction([&](pqxx::work& tx) {
                    Outbox::Enqueue(tx, OutboxItem{.topic = "test.Refused",
                                                   .key = "k",
                                                   .payload = "p",
                                                   .application_id = marked});
                    return absl::OkStatus();
                  })
                  .ok());
  dispatcher_->Register("test.Refused", [](const OutboxMessage&) {
    return absl::InvalidArgumentError("refused for good");
  });
  ASSERT_TRUE(dispatcher_->RunOnce().ok());

  v1::ListInboxRequest req;
  v1::ListInboxResponse inbox;
  auto ctx = Ctx(StepToken(2));
  ASSERT_TRUE(stub_->ListInbox(ctx.get(), req, &inbox).ok());
  ASSERT_EQ(inbox.cases_size(), 2);
  for (const v1::Case& c : inbox.cases()) {
    if (c.application_id() == marked) {
      ASSERT_TRUE(c.has_attention());
      EXPECT_EQ(c.attention().what(), "test.Refused");
    } else {
      EXPECT_FALSE(c.has_attention()) << c.application_id();
    }
  }
}

}  // namespace
}  // namespace sertel::disposition::itest
