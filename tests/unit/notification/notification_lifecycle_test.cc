// The state rules of a message without a database: an attempt's outcome (delivered, retried with
// backoff, failed for good or at the attempt cap) with the audit entries and attachment
// clean-up each one owes; queueing and the idempotency check on request_id; the payload hash
// being the very bytes the service stored before the records refactor (so a caller's retry
// after an upgrade is still a repeat, not ALREADY_EXISTS); and the page token of
// ListNotifications refused when forged, before anything is read.
#include "notification_lifecycle.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <openssl/sha.h>

#include <set>

#include "common/field_violations.h"
#include "common/rate_limiter.h"
#include "common/sealed_box.h"
#include "gtest/gtest.h"
#include "notification_manager.h"
#include "notification_proto.h"
#include "sender.h"

namespace sertel::notification {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

NotificationRecord Claimed(int attempts) {
  NotificationRecord r;
  r.id = "0b9e2f6c-1111-4222-8333-444455556666";
  r.application_id = "app-1";
  r.channel = "EMAIL";
  r.template_name = "CERTIFICATE_HANDOVER";
  r.status = kSending;
  r.attempts = attempts;
  return r;
}

// The hash as notification_manager.cc computed it before the refactor, on the protobuf itself.
std::string LegacyPayloadHash(const v1::SendNotificationRequest& request) {
  v1::SendNotificationRequest copy = request;
  const TemplateSpec* spec = FindTemplate(TemplateName(request.template_()));
  for (const std::string& key : spec->secret_params) {
    auto it = copy.mutable_params()->find(key);
    if (it != copy.mutable_params()->end()) it->second = "";
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy.SerializeToCodedStream(&coded);
  }
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md);
  return std::string(reinterpret_cast<const char*>(md), sizeof(md));
}

v1::SendNotificationRequest Activation(const std::string& code) {
  v1::SendNotificationRequest r;
  r.set_request_id("certificate:activation:app-1:1");
  r.set_application_id("app-1");
  r.set_channel(v1::CHANNEL_WHATSAPP);
  r.set_recipient("+6281234567890");
  r.set_template_(v1::NOTIFICATION_TEMPLATE_ACTIVATION_CODE);
  (*r.mutable_params())["full_name"] = "Budi";
  (*r.mutable_params())["application_id"] = "app-1";
  (*r.mutable_params())["activation_code"] = code;
  (*r.mutable_params())["expires_at"] = "2030-01-01T00:00:00Z";
  return r;
}

v1::SendNotificationRequest HandoverWithSize() {
  v1::SendNotificationRequest r;
  r.set_request_id("certificate:handover:app-1:EMAIL");
  r.set_application_id("app-1");
  r.set_channel(v1::CHANNEL_EMAIL);
  r.set_recipient("budi@example.go.id");
  r.set_template_(v1::NOTIFICATION_TEMPLATE_CERTIFICATE_HANDOVER);
  (*r.mutable_params())["serial"] = "1A2B";
  (*r.mutable_params())["full_name"] = "Budi";
  v1::Attachment* a = r.add_attachments();
  a->set_filename("app-1.p12");
  a->set_content_type("application/x-pkcs12");
  a->set_content("p12-bytes");
  a->set_size_bytes(9);  // what common/notification_order.cc sends
  return r;
}

TEST(PayloadHashTest, IsTheSameBytesAsBeforeTheRecordsRefactor) {
  for (const v1::SendNotificationRequest& r : {HandoverWithSize(), Activation("K7Q2-M9XD")}) {
    EXPECT_EQ(NotificationLifecycle::PayloadHash(SendInputFromProto(r)), LegacyPayloadHash(r))
        << r.ShortDebugString();
  }
}

TEST(PayloadHashTest, LeavesTheActivationCodeOutButNotTheRest) {
  auto hash = [](const v1::SendNotificationRequest& r) {
    return NotificationLifecycle::PayloadHash(SendInputFromProto(r));
  };
  EXPECT_EQ(hash(Activation("AAAA-1111")), hash(Activation("BBBB-2222")));
  v1::SendNotificationRequest other = Activation("AAAA-1111");
  (*other.mutable_params())["expires_at"] = "2031-01-01T00:00:00Z";
  EXPECT_NE(hash(Activation("AAAA-1111")), hash(other));
}

TEST(LifecycleTest, QueueStartsQueuedWithoutAttemptsAndIsAudited) {
  NotificationRecord r = Claimed(3);
  r.status = kFailed;
  r.request_id = "intake:receipt:app-1";
  r.attachments.resize(1);
  QueuedNotification q = NotificationLifecycle::Queue(r, "hash", "certificate-service");
  EXPECT_EQ(q.record.status, kQueued);
  EXPECT_EQ(q.record.attempts, 0);
  EXPECT_EQ(q.payload_hash, "hash");
  EXPECT_EQ(q.audit.action, "NOTIFICATION_QUEUED");
  EXPECT_EQ(q.audit.actor_sub, "certificate-service");
  EXPECT_EQ(q.audit.actor_role, "SERVICE");
  EXPECT_EQ(q.audit.entity_type, "notification");
  EXPECT_EQ(q.audit.entity_id, r.id);
  EXPECT_EQ(q.audit.details["request_id"], "intake:receipt:app-1");
  EXPECT_EQ(q.audit.details["attachments"], 1);
}

TEST(LifecycleTest, ARepeatIsTheSameMessageOnlyWithTheSamePayload) {
  EXPECT_TRUE(NotificationLifecycle::CheckRepeat("h1", "h1").ok());
  absl::Status s = NotificationLifecycle::CheckRepeat("h1", "h2");
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(s.message(), "request_id was already used for a different notification");
}

TEST(LifecycleTest, AcceptedIsDeliveredDropsTheAttachmentAndIsAudited) {
  NotificationLifecycle rules({.max_attempts = 3});
  DeliveryChange c = rules.AfterAttempt(Claimed(1), SendReceipt{}, kNow, absl::Seconds(9));
  EXPECT_EQ(c.outcome, DeliveryOutcome::kDelivered);
  EXPECT_EQ(c.attempts, 2);
  EXPECT_EQ(c.at, kNow);
  EXPECT_TRUE(c.error.empty());
  EXPECT_TRUE(c.drop_attachment_contents);
  ASSERT_TRUE(c.audit.has_value());
  EXPECT_EQ(c.audit->action, "NOTIFICATION_DELIVERED");
  EXPECT_EQ(c.audit->actor_sub, kWorkerActor);
  EXPECT_EQ(c.audit->details["attempts"], 2);
  EXPECT_EQ(c.audit->details["channel"], "EMAIL");
}

TEST(LifecycleTest, ATemporaryErrorIsRetriedAfterTheWaitKeepingTheAttachment) {
  NotificationLifecycle rules({.max_attempts = 3});
  DeliveryChange c =
      rules.AfterAttempt(Claimed(0), TemporaryDeliveryError("SMTP: down"), kNow, absl::Seconds(9));
  EXPECT_EQ(c.outcome, DeliveryOutcome::kRetry);
  EXPECT_EQ(c.attempts, 1);
  EXPECT_EQ(c.error, "SMTP: down");
  EXPECT_EQ(c.next_attempt_at, kNow + absl::Seconds(9));
  EXPECT_FALSE(c.drop_attachment_contents);
  EXPECT_FALSE(c.audit.has_value());
}

TEST(LifecycleTest, APermanentErrorOrTheLastAttemptFails) {
  NotificationLifecycle rules({.max_attempts = 3});
  DeliveryChange permanent = rules.AfterAttempt(
      Claimed(0), PermanentDeliveryError("550 no such user"), kNow, absl::Seconds(1));
  EXPECT_EQ(permanent.outcome, DeliveryOutcome::kFailed);
  EXPECT_TRUE(permanent.permanent);
  EXPECT_TRUE(permanent.drop_attachment_contents);
  ASSERT_TRUE(permanent.audit.has_value());
  EXPECT_EQ(permanent.audit->action, "NOTIFICATION_FAILED");
  EXPECT_EQ(permanent.audit->details["last_error"], "550 no such user");

  DeliveryChange capped =
      rules.AfterAttempt(Claimed(2), TemporaryDeliveryError("busy"), kNow, absl::Seconds(1));
  EXPECT_EQ(capped.outcome, DeliveryOutcome::kFailed);
  EXPECT_EQ(capped.attempts, 3);
  EXPECT_FALSE(capped.permanent);
}

TEST(LifecycleTest, BackoffCapDoublesUpToTheMaximum) {
  NotificationLifecycle rules({.base_backoff = absl::Seconds(5), .max_backoff = absl::Seconds(60)});
  EXPECT_EQ(rules.BackoffCap(0), absl::Seconds(5));
  EXPECT_EQ(rules.BackoffCap(1), absl::Seconds(10));
  EXPECT_EQ(rules.BackoffCap(3), absl::Seconds(40));
  EXPECT_EQ(rules.BackoffCap(4), absl::Seconds(60));
  EXPECT_EQ(rules.BackoffCap(100), absl::Seconds(60));
}

TEST(ListTokenTest, AForgedTokenOrNegativePageSizeIsInvalidBeforeAnyRead) {
  SealedBox box = SealedBox::Ephemeral().value();
  FakeClock clock{kNow};
  NotificationManager manager(/*store=*/nullptr, &box, {}, &clock);
  ListInput input;
  input.page_size = -1;
  input.page_token = "not-a-token!";
  absl::StatusOr<NotificationPage> page = manager.List({}, input);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& v : FieldViolations::FromStatus(page.status())) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"page_size", "page_token"}));
}

// Issue 18: WhatsApp's 200 means SENT; the webhook says the rest.
TEST(LifecycleTest, AWhatsAppMessageTheApiAcceptedIsSentWithItsId) {
  NotificationLifecycle rules({.max_attempts = 3});
  DeliveryChange c = rules.AfterAttempt(Claimed(0), SendReceipt{.provider_message_id = "wamid.1"},
                                        kNow, absl::Seconds(9));
  EXPECT_EQ(c.outcome, DeliveryOutcome::kSent);
  EXPECT_EQ(c.provider_message_id, "wamid.1");
  EXPECT_FALSE(c.audit.has_value()) << "audited when delivered or failed";
}

TEST(LifecycleTest, ARateLimitWaitsAtLeastItsRetryAfter) {
  NotificationLifecycle rules({.max_attempts = 5});
  absl::Status limited = WithRetryDelay(absl::ResourceExhaustedError("130429"), absl::Seconds(90));
  DeliveryChange c = rules.AfterAttempt(Claimed(0), limited, kNow, absl::Seconds(3));
  EXPECT_EQ(c.outcome, DeliveryOutcome::kRetry);
  EXPECT_EQ(c.next_attempt_at, kNow + absl::Seconds(90));
  c = rules.AfterAttempt(Claimed(0), limited, kNow, absl::Seconds(300));
  EXPECT_EQ(c.next_attempt_at, kNow + absl::Seconds(300)) << "the longer wait wins";
}

TEST(LifecycleTest, AnUndeliverableNumberFailsAndFallsBackToEmail) {
  NotificationLifecycle rules({.max_attempts = 5});
  absl::Status undeliverable =
      WithFailurePolicy(PermanentDeliveryError("131026"), FailurePolicy::kFallBackToEmail);
  DeliveryChange c = rules.AfterAttempt(Claimed(0), undeliverable, kNow, absl::Seconds(3));
  EXPECT_EQ(c.outcome, DeliveryOutcome::kFailed);
  EXPECT_TRUE(c.fall_back_to_email);
  c = rules.AfterAttempt(Claimed(0), PermanentDeliveryError("131030"), kNow, absl::Seconds(3));
  EXPECT_FALSE(c.fall_back_to_email);
}

NotificationRecord Sent() {
  NotificationRecord r = Claimed(1);
  r.status = kSent;
  r.provider_message_id = "wamid.1";
  return r;
}

StatusReport Event(const char* status, int seconds, int64_t code = 0) {
  return {.provider_message_id = "wamid.1",
          .status = status,
          .at = kNow + absl::Seconds(seconds),
          .error_code = code,
          .error_text = code ? "Message undeliverable" : ""};
}

TEST(LifecycleTest, DeliveredThenReadMarksTheMessageDeliveredAndRead) {
  std::optional<ReportedChange> c =
      NotificationLifecycle::AfterReports(Sent(), {Event("sent", 1), Event("delivered", 2)});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->status, kDelivered);
  EXPECT_EQ(c->delivered_at, kNow + absl::Seconds(2));
  ASSERT_TRUE(c->audit.has_value());
  EXPECT_EQ(c->audit->action, "NOTIFICATION_DELIVERED");
  NotificationRecord delivered = Sent();
  delivered.status = kDelivered;
  delivered.delivered_at = kNow + absl::Seconds(2);
  c = NotificationLifecycle::AfterReports(
      delivered, {Event("sent", 1), Event("delivered", 2), Event("read", 5)});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->read_at, kNow + absl::Seconds(5));
  EXPECT_FALSE(c->audit.has_value()) << "read is recorded, not a new state";
}

TEST(LifecycleTest, ReplaysAndOutOfOrderEventsAreHarmless) {
  NotificationRecord done = Sent();
  done.status = kDelivered;
  done.delivered_at = kNow + absl::Seconds(2);
  done.read_at = kNow + absl::Seconds(5);
  // The same events again: nothing changes.
  EXPECT_FALSE(NotificationLifecycle::AfterReports(
                   done, {Event("read", 5), Event("sent", 1), Event("delivered", 2)})
                   .has_value());
  // A "read" alone (Meta skips "delivered" when both come at once) delivers too.
  std::optional<ReportedChange> c = NotificationLifecycle::AfterReports(Sent(), {Event("read", 7)});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->status, kDelivered);
  EXPECT_EQ(c->delivered_at, kNow + absl::Seconds(7));
  // A failure after delivery changes nothing.
  EXPECT_FALSE(
      NotificationLifecycle::AfterReports(done, {Event("delivered", 2), Event("failed", 9, 131026)})
          .has_value());
  // A message not sent (yet) or failed already is not touched.
  NotificationRecord failed = Sent();
  failed.status = kFailed;
  EXPECT_FALSE(NotificationLifecycle::AfterReports(failed, {Event("delivered", 2)}).has_value());
}

TEST(LifecycleTest, APausedChannelSpendsNoAttempt) {
  NotificationLifecycle rules({.max_attempts = 2});
  absl::Status paused =
      WithFailurePolicy(WithRetryDelay(TemporaryDeliveryError("paused: 190"), absl::Minutes(5)),
                        FailurePolicy::kPauseChannel);
  DeliveryChange c = rules.AfterAttempt(Claimed(1), paused, kNow, absl::Seconds(3));
  EXPECT_EQ(c.outcome, DeliveryOutcome::kRetry) << "not FAILED at the attempt cap";
  EXPECT_EQ(c.attempts, 1);
  EXPECT_EQ(c.next_attempt_at, kNow + absl::Minutes(5));
}

TEST(LifecycleTest, AReportedTemporaryFailureQueuesTheMessageAgain) {
  std::optional<ReportedChange> c =
      NotificationLifecycle::AfterReports(Sent(), {Event("failed", 3, 131000)});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->status, kQueued);
  ASSERT_TRUE(c->next_attempt_at.has_value());
  EXPECT_EQ(*c->next_attempt_at, kNow + absl::Seconds(3) + absl::Minutes(1));
}

TEST(LifecycleTest, AReportedFailureFailsTheMessageAndFallsBackWhenThereIsAnAddress) {
  NotificationRecord sent = Sent();
  std::optional<ReportedChange> c =
      NotificationLifecycle::AfterReports(sent, {Event("sent", 1), Event("failed", 3, 131026)});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->status, kFailed);
  EXPECT_NE(c->error.find("131026"), std::string::npos) << c->error;
  EXPECT_FALSE(c->fall_back_to_email) << "no fallback address";
  sent.fallback_email = "budi@kota.go.id";
  c = NotificationLifecycle::AfterReports(sent, {Event("failed", 3, 131026)});
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->fall_back_to_email);
  EXPECT_EQ(c->audit->details["falls_back_to"], "EMAIL");
  c = NotificationLifecycle::AfterReports(sent, {Event("failed", 3, 132001)});
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->fall_back_to_email) << "a template error is not the number's fault";
}

}  // namespace
}  // namespace sertel::notification
