// Enrollment.attention (issue 15), against real PostgreSQL: the activation code's message that the
// notification service refuses for good (INVALID_ARGUMENT: the row goes DEAD at once) marks the
// enrollment in its answers; once an operator retries the row and it is delivered, the owner has
// the code and the mark is gone.
#include "certificate_fixture.h"
#include "common/outbox_admin_manager.h"
#include "common/outbox_table_backend.h"
#include "common/uuid.h"

namespace sertel::certificate::testing {
namespace {

class CertificateAttentionTest : public CertificateIntegrationTest {};

TEST_F(CertificateAttentionTest, RefusedActivationCodeMarksTheEnrollmentUntilDelivered) {
  const std::string app = NewUuid();
  v1::Enrollment e;
  ASSERT_TRUE(Start(app, TestApplicant(), &e).ok());
  EXPECT_FALSE(e.has_attention());

  // The notification service refuses the message for good (say, a template rule), while the
  // progress report goes through.
  OutboxDispatcher refusing(pool_.get(), OutboxConfig{});
  refusing.Register(SealedNotificationClient::kTopic, [](const OutboxMessage&) {
    return absl::InvalidArgumentError("params.full_name: control characters are not allowed");
  });
  refusing.Register(kRecordProgressTopic, [this](const OutboxMessage& m) {
    return progress_client_->Deliver(m.payload);
  });
  ASSERT_TRUE(refusing.RunOnce().ok());

  v1::Enrollment marked = Enrollment(app);
  ASSERT_TRUE(marked.has_attention());
  EXPECT_EQ(marked.attention().service(), "certificate");
  EXPECT_EQ(marked.attention().what(), "notification.SendNotification");
  EXPECT_NE(marked.attention().error().find("control characters"), std::string::npos)
      << marked.attention().error();
  const std::string outbox_id = marked.attention().outbox_id();
  EXPECT_EQ(outbox_id,
            Scalar("SELECT id::text FROM outbox WHERE topic = 'notification.SendNotification'"));
  EXPECT_EQ(Scalar("SELECT application_id FROM outbox WHERE topic = "
                   "'notification.SendNotification'"),
            app)
      << "the row knows its application";
  EXPECT_TRUE(notifications_.sent(v1::NOTIFICATION_TEMPLATE_ACTIVATION_CODE).empty());

  OutboxTableBackend backend(pool_.get(), audit_.get(), "certificate");
  OutboxAdminManager admin(&backend);
  Principal op{.sub = "operator-1", .nik = "", .roles = {Role::kOperator}};
  ASSERT_TRUE(admin.Retry(op, outbox_id, "template fixed").ok());
  EXPECT_FALSE(DeliveredCode(app).empty()) << "the owner receives the code after the retry";
  EXPECT_FALSE(Enrollment(app).has_attention());
  EXPECT_EQ(notifications_.sent(v1::NOTIFICATION_TEMPLATE_ACTIVATION_CODE).size(), 1u);
}

}  // namespace
}  // namespace sertel::certificate::testing
