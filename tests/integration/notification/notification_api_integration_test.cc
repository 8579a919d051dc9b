// NotificationService over real gRPC with TLS (TestServer, TestPki) and real PostgreSQL:
// SERVICE queues (QUEUED at once, idempotent on request_id, a different payload under the same
// key is ALREADY_EXISTS); bad input is INVALID_ARGUMENT naming every field and leaves no row;
// roles are enforced (APPLICANT nothing, OPERATOR / AUDITOR read only, no credentials
// UNAUTHENTICATED); reads never carry attachment bytes or the activation code; lists page.
#include <pqxx/pqxx>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/field_violations.h"
#include "common/grpc_status.h"
#include "common/migrations.h"
#include "common/sealed_box.h"
#include "gtest/gtest.h"
#include "notification_manager.h"
#include "notification_proto.h"
#include "notification_service_impl.h"
#include "notification_store.h"
#include "sertel/v1/notification.grpc.pb.h"
#include "tests/harness/test_database.h"
#include "tests/harness/test_pki.h"
#include "tests/harness/test_server.h"

namespace sertel::notification {
const std::vector<Migration>& Migrations();
namespace {

using sertel::testing::ContextWithToken;

class NotificationApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApplyMigrations(db_.url(), "notification",
                                {&common::Migrations(), &notification::Migrations()})
                    .ok());
    PgPool::Options options;
    options.url = db_.url();
    options.schema = "notification";
    options.size = 4;
    auto pool = PgPool::Create(options);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    store_ = std::make_unique<NotificationStore>(pool_.get(), &audit_);
    manager_ = std::make_unique<NotificationManager>(
        store_.get(), &box_, NotificationManager::Options{}, SystemClock::Default());
    authn_ = sertel::testing::MakeTestAuthenticator(pki_);
    impl_ = std::make_unique<NotificationServiceImpl>(manager_.get(), authn_.get());
    server_ = std::make_unique<sertel::testing::TestServer>(
        pki_, std::vector<grpc::Service*>{impl_.get()});
    service_ = v1::NotificationService::NewStub(server_->ServiceChannel(ServiceId::kDisposition));
    public_ = v1::NotificationService::NewStub(server_->Channel());
  }

  static v1::SendNotificationRequest Activation(const std::string& app) {
    v1::SendNotificationRequest r;
    r.set_request_id("certificate:activation:" + app + ":1");
    r.set_application_id(app);
    r.set_channel(v1::CHANNEL_EMAIL);
    r.set_recipient("budi@example.go.id");
    r.set_template_(v1::NOTIFICATION_TEMPLATE_ACTIVATION_CODE);
    (*r.mutable_params())["full_name"] = "Budi";
    (*r.mutable_params())["application_id"] = app;
    (*r.mutable_params())["activation_code"] = "SECRET-CODE-77";
    (*r.mutable_params())["expires_at"] = "2030-01-01T00:00:00Z";
    return r;
  }
  static v1::SendNotificationRequest Handover(const std::string& app) {
    v1::SendNotificationRequest r;
    r.set_request_id("certificate:handover:" + app + ":EMAIL");
    r.set_application_id(app);
    r.set_channel(v1::CHANNEL_EMAIL);
    r.set_recipient("budi@example.go.id");
    r.set_template_(v1::NOTIFICATION_TEMPLATE_CERTIFICATE_HANDOVER);
    (*r.mutable_params())["full_name"] = "Budi";
    (*r.mutable_params())["application_id"] = app;
    (*r.mutable_params())["serial"] = "01AB";
    (*r.mutable_params())["not_after"] = "2030-01-01T00:00:00Z";
    v1::Attachment* a = r.add_attachments();
    a->set_filename(app + ".p12");
    a->set_content_type("application/x-pkcs12");
    a->set_content("PKCS12-BYTES-THAT-MUST-NOT-COME-BACK");
    return r;
  }

  grpc::Status Send(const v1::SendNotificationRequest& r, v1::Notification* out) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return service_->SendNotification(&ctx, r, out);
  }
  std::string Token(const std::string& role) { return pki_.MintToken({role}, "user-" + role, ""); }
  int64_t Rows() {
    pqxx::connection conn(db_.url());
    pqxx::nontransaction tx(conn);
    return tx.exec("SELECT count(*) FROM notification.notifications")[0][0].as<int64_t>();
  }

  sertel::testing::TestDatabase db_;
  sertel::testing::TestPki pki_;
  std::unique_ptr<PgPool> pool_;
  AuditLog audit_{sertel::testing::TestAuditKey()};
  SealedBox box_ = SealedBox::Ephemeral().value();
  std::unique_ptr<NotificationStore> store_;
  std::unique_ptr<NotificationManager> manager_;
  std::unique_ptr<Authenticator> authn_;
  std::unique_ptr<NotificationServiceImpl> impl_;
  std::unique_ptr<sertel::testing::TestServer> server_;
  std::unique_ptr<v1::NotificationService::Stub> service_;
  std::unique_ptr<v1::NotificationService::Stub> public_;
};

TEST_F(NotificationApiTest, RoleTableCoversEveryRpc) {
  EXPECT_TRUE(impl_->authorizer().CheckCoversService().ok());
}

TEST_F(NotificationApiTest, ServiceQueuesAtOnceAndTheSameRequestReturnsTheSameNotification) {
  v1::Notification first, second;
  ASSERT_TRUE(Send(Handover("app-1"), &first).ok());
  EXPECT_EQ(first.status(), v1::NOTIFICATION_STATUS_QUEUED);
  EXPECT_EQ(first.attempts(), 0);
  EXPECT_FALSE(first.id().empty());
  ASSERT_TRUE(Send(Handover("app-1"), &second).ok());
  EXPECT_EQ(second.id(), first.id());
  EXPECT_EQ(Rows(), 1);
}

TEST_F(NotificationApiTest, SameRequestIdWithAnotherPayloadIsAlreadyExists) {
  v1::Notification n;
  ASSERT_TRUE(Send(Handover("app-2"), &n).ok());
  v1::SendNotificationRequest other = Handover("app-2");
  other.set_recipient("someone.else@example.go.id");
  EXPECT_EQ(Send(other, &n).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Rows(), 1);
}

TEST_F(NotificationApiTest, UnknownTemplateAndMissingParameterAreInvalidAndLeaveNoRow) {
  v1::Notification n;
  v1::SendNotificationRequest r = Handover("app-3");
  r.set_template_(v1::NOTIFICATION_TEMPLATE_UNSPECIFIED);
  grpc::Status s = Send(r, &n);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::set<std::string> fields;
  for (const auto& v : FieldViolations::FromStatus(FromGrpcStatus(s))) fields.insert(v.field);
  EXPECT_TRUE(fields.count("template")) << s.error_message();

  r = Handover("app-3");
  r.mutable_params()->erase("serial");
  r.mutable_params()->erase("not_after");
  s = Send(r, &n);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  fields.clear();
  for (const auto& v : FieldViolations::FromStatus(FromGrpcStatus(s))) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"params.serial", "params.not_after"}));
  EXPECT_EQ(Rows(), 0);
}

TEST_F(NotificationApiTest, ApplicantMayNeitherSendNorRead) {
  v1::Notification n;
  ASSERT_TRUE(Send(Handover("app-4"), &n).ok());
  std::string token = pki_.MintToken({"APPLICANT"}, "u1", "3171012345678901");
  v1::Notification out;
  auto c1 = ContextWithToken(token);
  EXPECT_EQ(public_->SendNotification(c1.get(), Handover("app-5"), &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetNotificationRequest get;
  get.set_id(n.id());
  auto c2 = ContextWithToken(token);
  EXPECT_EQ(public_->GetNotification(c2.get(), get, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Rows(), 1);
}

TEST_F(NotificationApiTest, OperatorAndAuditorReadButDoNotSend) {
  v1::Notification n;
  ASSERT_TRUE(Send(Handover("app-6"), &n).ok());
  for (const char* role : {"OPERATOR", "AUDITOR"}) {
    v1::Notification out;
    auto c1 = ContextWithToken(Token(role));
    EXPECT_EQ(public_->SendNotification(c1.get(), Handover("app-7"), &out).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << role;
    v1::GetNotificationRequest get;
    get.set_id(n.id());
    auto c2 = ContextWithToken(Token(role));
    grpc::Status s = public_->GetNotification(c2.get(), get, &out);
    EXPECT_TRUE(s.ok()) << role << ": " << s.error_message();
    EXPECT_EQ(out.id(), n.id());
  }
}

TEST_F(NotificationApiTest, NoCredentialsIsUnauthenticated) {
  v1::Notification out;
  auto ctx = ContextWithToken("");
  EXPECT_EQ(public_->SendNotification(ctx.get(), Handover("app-8"), &out).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Rows(), 0);
}

TEST_F(NotificationApiTest, ReadsNeverCarryAttachmentBytesOrTheActivationCode) {
  v1::Notification a, h;
  ASSERT_TRUE(Send(Activation("app-9"), &a).ok());
  ASSERT_TRUE(Send(Handover("app-9"), &h).ok());
  EXPECT_EQ(a.params().at("activation_code"), kRedacted);
  EXPECT_TRUE(h.attachments(0).content().empty());
  v1::ListNotificationsRequest list;
  list.set_application_id("app-9");
  v1::ListNotificationsResponse resp;
  auto ctx = ContextWithToken(Token("AUDITOR"));
  ASSERT_TRUE(public_->ListNotifications(ctx.get(), list, &resp).ok());
  ASSERT_EQ(resp.notifications_size(), 2);
  for (const v1::Notification& n : resp.notifications()) {
    std::string wire = n.SerializeAsString();
    EXPECT_EQ(wire.find("SECRET-CODE-77"), std::string::npos);
    EXPECT_EQ(wire.find("PKCS12-BYTES"), std::string::npos);
  }
  EXPECT_EQ(resp.notifications(0).id(), h.id()) << "newest first";
  EXPECT_EQ(resp.notifications(1).attachments_size(), 0);
  EXPECT_EQ(resp.notifications(0).attachments(0).size_bytes(), 36);
  std::string dump = db_.DumpSchema("notification");
  EXPECT_EQ(dump.find("SECRET-CODE-77"), std::string::npos) << "activation code stored in clear";
}

TEST_F(NotificationApiTest, ListPagesWithAnOpaqueTokenAndRejectsAForgedOne) {
  for (int i = 0; i < 5; ++i) {
    v1::Notification n;
    ASSERT_TRUE(Send(Handover("app-p" + std::to_string(i)), &n).ok());
  }
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListNotificationsRequest req;
    req.set_page_size(2);
    req.set_page_token(token);
    v1::ListNotificationsResponse resp;
    auto ctx = ContextWithToken(Token("OPERATOR"));
    ASSERT_TRUE(public_->ListNotifications(ctx.get(), req, &resp).ok());
    for (const auto& n : resp.notifications()) seen.insert(n.id());
    token = resp.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(pages, 3);
  v1::ListNotificationsRequest bad;
  bad.set_page_token("not-a-token!");
  v1::ListNotificationsResponse resp;
  auto ctx = ContextWithToken(Token("OPERATOR"));
  EXPECT_EQ(public_->ListNotifications(ctx.get(), bad, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(NotificationApiTest, APageTokenIsBoundToItsApplicationFilter) {
  for (int i = 0; i < 3; ++i) {
    v1::Notification n;
    v1::SendNotificationRequest r = Handover("app-t");
    r.set_request_id(absl::StrCat(r.request_id(), ":", i));
    ASSERT_TRUE(Send(r, &n).ok());
  }
  auto list = [&](const std::string& app, const std::string& token,
                  v1::ListNotificationsResponse* resp) {
    v1::ListNotificationsRequest req;
    req.set_application_id(app);
    req.set_page_size(1);
    req.set_page_token(token);
    auto ctx = ContextWithToken(Token("OPERATOR"));
    return public_->ListNotifications(ctx.get(), req, resp);
  };
  v1::ListNotificationsResponse first;
  ASSERT_TRUE(list("app-t", "", &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  for (const char* other : {"app-u", ""}) {
    v1::ListNotificationsResponse resp;
    grpc::Status s = list(other, first.next_page_token(), &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "filter '" << other << "'";
    std::set<std::string> fields;
    for (const auto& v : FieldViolations::FromStatus(FromGrpcStatus(s))) fields.insert(v.field);
    EXPECT_EQ(fields, (std::set<std::string>{"page_token"}));
  }
  v1::ListNotificationsResponse second;
  ASSERT_TRUE(list("app-t", first.next_page_token(), &second).ok());
  ASSERT_EQ(second.notifications_size(), 1);
  EXPECT_NE(second.notifications(0).id(), first.notifications(0).id());
}

TEST_F(NotificationApiTest, UnknownIdIsNotFoundAndAMalformedOneInvalid) {
  v1::Notification out;
  v1::GetNotificationRequest get;
  get.set_id("7a1c9d6e-0000-4000-8000-000000000000");
  auto c1 = ContextWithToken(Token("OPERATOR"));
  EXPECT_EQ(public_->GetNotification(c1.get(), get, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  get.set_id("'; DROP TABLE notifications; --");
  auto c2 = ContextWithToken(Token("OPERATOR"));
  EXPECT_EQ(public_->GetNotification(c2.get(), get, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace sertel::notification
