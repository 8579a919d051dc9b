// Application.attention (issue 15) through GetApplication, against real PostgreSQL and services
// on real TLS ports: an OpenCase that disposition refuses for good (intake's own outbox row goes
// DEAD) marks the application; after the operator's retry it is delivered and the mark goes; a
// message the notification service gave up on (its OutboxAdminService, asked as SERVICE) marks
// it too, and a notification service that cannot be asked leaves the answer unmarked, not failed.
#include "common/outbox_admin_manager.h"
#include "common/outbox_attention.h"
#include "common/outbox_attention_client.h"
#include "common/outbox_table_backend.h"
#include "intake_fixture.h"
#include "sertel/v1/outbox_admin.grpc.pb.h"

namespace sertel::intake::itest {
namespace {

// The notification service's OutboxAdminService: one FAILED message (a DEAD row) when set.
class FakeNotificationAdmin final : public v1::OutboxAdminService::Service {
 public:
  grpc::Status ListOutboxMessages(grpc::ServerContext*, const v1::ListOutboxMessagesRequest* req,
                                  v1::ListOutboxMessagesResponse* resp) override {
    absl::MutexLock l(&mu_);
    ++calls_;
    if (dead_.has_value() && req->state() == v1::OUTBOX_STATE_DEAD &&
        req->application_id() == dead_->application_id()) {
      *resp->add_messages() = *dead_;
    }
    return grpc::Status::OK;
  }
  void SetDead(std::optional<v1::OutboxMessage> m) {
    absl::MutexLock l(&mu_);
    dead_ = std::move(m);
  }
  int calls() {
    absl::MutexLock l(&mu_);
    return calls_;
  }

 private:
  absl::Mutex mu_;
  std::optional<v1::OutboxMessage> dead_;
  int calls_ = 0;
};

class IntakeAttentionTest : public IntakeFixture {
 protected:
  void SetUp() override {
    IntakeFixture::SetUp();
    notification_server_ = std::make_unique<sertel::testing::TestServer>(
        pki_, std::vector<grpc::Service*>{&notification_admin_});
    ClientConfig client = sertel::testing::TestClientConfig(pki_, ServiceId::kIntake);
    auto channel = MakeChannel(notification_server_->address(), client);
    ASSERT_TRUE(channel.ok()) << channel.status();
    deliveries_ = std::make_unique<OutboxAttentionClient>(*channel, client, absl::Seconds(1));
    own_ = std::make_unique<OutboxAttentionReader>(pool_.get(), "intake");
    // The service as main.cc wires it: its own outbox and the notification service's messages.
    attentive_ = std::make_unique<IntakeManager>(
        store_.get(), disposition_.get(), certificate_.get(), SystemClock::Default(),
        IntakeManager::Options{.units = &testdata::SampleUnits(),
                               .withdrawals = disposition_.get(),
                               .own_attention = own_.get(),
                               .delivery_attention = deliveries_.get()});
    attentive_impl_ = std::make_unique<IntakeServiceImpl>(attentive_.get(), authn_.get());
    attentive_server_ = std::make_unique<sertel::testing::TestServer>(
        pki_, std::vector<grpc::Service*>{attentive_impl_.get()});
    attentive_stub_ = v1::IntakeService::NewStub(attentive_server_->Channel());

    dispatcher_ = std::make_unique<OutboxDispatcher>(pool_.get(), OutboxConfig{});
    dispatcher_->Register(kOpenCaseTopic, [this](const OutboxMessage& m) {
      return disposition_->Deliver(m.topic, m.payload);
    });
    dispatcher_->Register(kSendNotificationTopic,
                          [](const OutboxMessage&) { return absl::OkStatus(); });
  }

  v1::Application Tracked(const std::string& id) {
    v1::GetApplicationRequest r;
    r.set_id(id);
    v1::Application a;
    auto ctx = sertel::testing::ContextWithToken(Token("OPERATOR"));
    grpc::Status s = attentive_stub_->GetApplication(ctx.get(), r, &a);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return a;
  }

  FakeNotificationAdmin notification_admin_;
  std::unique_ptr<sertel::testing::TestServer> notification_server_;
  std::unique_ptr<OutboxAttentionClient> deliveries_;
  std::unique_ptr<OutboxAttentionReader> own_;
  std::unique_ptr<IntakeManager> attentive_;
  std::unique_ptr<IntakeServiceImpl> attentive_impl_;
  std::unique_ptr<sertel::testing::TestServer> attentive_server_;
  std::unique_ptr<v1::IntakeService::Stub> attentive_stub_;
  std::unique_ptr<OutboxDispatcher> dispatcher_;
};

TEST_F(IntakeAttentionTest, RefusedOpenCaseMarksTheApplicationUntilRetriedAndDelivered) {
  v1::Application a = SubmitOk();
  EXPECT_FALSE(a.has_attention());
  fake_disposition_.SetOpenCaseCode(grpc::StatusCode::INVALID_ARGUMENT);  // refused for good
  ASSERT_TRUE(dispatcher_->RunOnce().ok());
  ASSERT_EQ(Query("SELECT status FROM outbox WHERE topic = 'disposition.OpenCase'")[0][0]
                .as<std::string>(),
            "DEAD");

  v1::Application marked = Tracked(a.id());
  ASSERT_TRUE(marked.has_attention());
  EXPECT_EQ(marked.attention().service(), "intake");
  EXPECT_EQ(marked.attention().what(), "disposition.OpenCase");
  EXPECT_NE(marked.attention().error().find("not yet"), std::string::npos)
      << marked.attention().error();
  const std::string outbox_id = marked.attention().outbox_id();
  EXPECT_EQ(outbox_id,
            Query("SELECT id::text FROM outbox WHERE topic = 'disposition.OpenCase'")[0][0]
                .as<std::string>());
  EXPECT_EQ(notification_admin_.calls(), 0) << "intake's own row is closer: no need to ask";

  fake_disposition_.SetOpenCaseCode(grpc::StatusCode::OK);  // the cause is fixed
  OutboxTableBackend backend(pool_.get(), &audit_, "intake");
  OutboxAdminManager admin(&backend);
  Principal op{.sub = "operator-1", .nik = "", .roles = {Role::kOperator}};
  ASSERT_TRUE(admin.Retry(op, outbox_id, "kode unit diperbaiki").ok());
  ASSERT_TRUE(dispatcher_->RunOnce().ok());
  EXPECT_EQ(fake_disposition_.opened().size(), 1u) << "delivered once the downstream accepts";
  fake_disposition_.SetCase(CaseIn(v1::CASE_STATUS_IN_REVIEW, v1::STEP_HEAD_OF_AGENCY_REVIEW));
  v1::Application clean = Tracked(a.id());
  EXPECT_FALSE(clean.has_attention()) << clean.attention().DebugString();
  EXPECT_EQ(clean.status(), v1::APPLICATION_STATUS_IN_REVIEW);
}

TEST_F(IntakeAttentionTest, AMessageTheNotificationServiceGaveUpOnMarksTheApplication) {
  v1::Application a = SubmitOk();
  fake_disposition_.SetOpenCaseCode(grpc::StatusCode::OK);
  ASSERT_TRUE(dispatcher_->RunOnce().ok());
  fake_disposition_.SetCase(CaseIn(v1::CASE_STATUS_RETURNED, v1::STEP_HEAD_OF_AGENCY_REVIEW));
  EXPECT_FALSE(Tracked(a.id()).has_attention());

  v1::OutboxMessage failed;
  failed.set_id("17");
  failed.set_service("notification");
  failed.set_topic("notification.EMAIL.APPLICATION_RETURNED");
  failed.set_state(v1::OUTBOX_STATE_DEAD);
  failed.set_last_error("550 mailbox unavailable");
  failed.set_application_id(a.id());
  failed.mutable_finished_at()->set_seconds(1735689600);
  notification_admin_.SetDead(failed);
  v1::Application marked = Tracked(a.id());
  ASSERT_TRUE(marked.has_attention());
  EXPECT_EQ(marked.attention().service(), "notification");
  EXPECT_EQ(marked.attention().what(), "notification.EMAIL.APPLICATION_RETURNED");
  EXPECT_EQ(marked.attention().outbox_id(), "17");
  EXPECT_EQ(marked.attention().error(), "550 mailbox unavailable");
  EXPECT_EQ(marked.attention().at().seconds(), 1735689600);

  // Cannot be asked: the answer is still given, unmarked.
  notification_server_->Shutdown();
  v1::Application unknown = Tracked(a.id());
  EXPECT_FALSE(unknown.has_attention());
  EXPECT_EQ(unknown.status(), v1::APPLICATION_STATUS_RETURNED);
}

}  // namespace
}  // namespace sertel::intake::itest
