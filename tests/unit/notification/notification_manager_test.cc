// The rules without a database: a SendNotification request is checked field by field (all
// violations at once), the payload hash is stable and tells payloads apart, the activation code
// is redacted on output, and a claimed message with sealed parameters renders with the code.
#include "notification_manager.h"

#include <set>

#include "absl/strings/match.h"
#include "common/field_violations.h"
#include "common/sealed_box.h"
#include "delivery_worker.h"
#include "gtest/gtest.h"
#include "notification_lifecycle.h"
#include "notification_proto.h"

namespace sertel::notification {
namespace {

std::set<std::string> Fields(const absl::Status& s) {
  std::set<std::string> out;
  for (const auto& v : FieldViolations::FromStatus(s)) out.insert(v.field);
  return out;
}

v1::SendNotificationRequest Handover() {
  v1::SendNotificationRequest r;
  r.set_request_id("certificate:handover:app-1:EMAIL");
  r.set_application_id("app-1");
  r.set_channel(v1::CHANNEL_EMAIL);
  r.set_recipient("budi@example.go.id");
  r.set_template_(v1::NOTIFICATION_TEMPLATE_CERTIFICATE_HANDOVER);
  (*r.mutable_params())["full_name"] = "Budi";
  (*r.mutable_params())["application_id"] = "app-1";
  (*r.mutable_params())["serial"] = "1A2B";
  (*r.mutable_params())["not_after"] = "2027-01-01T00:00:00Z";
  v1::Attachment* a = r.add_attachments();
  a->set_filename("app-1.p12");
  a->set_content_type("application/x-pkcs12");
  a->set_content("p12-bytes");
  return r;
}

class ManagerTest : public ::testing::Test {
 protected:
  SealedBox box_ = SealedBox::Ephemeral().value();
  FakeClock clock_{absl::FromUnixSeconds(1700000000)};
  NotificationManager manager_{nullptr, &box_, {}, &clock_};

  absl::Status Validate(const v1::SendNotificationRequest& r) const {
    return manager_.Validate(SendInputFromProto(r));
  }
};

TEST_F(ManagerTest, ValidHandoverPasses) { EXPECT_TRUE(Validate(Handover()).ok()); }

TEST_F(ManagerTest, EveryBadFieldIsReportedAtOnce) {
  v1::SendNotificationRequest r = Handover();
  r.clear_request_id();
  r.set_recipient("not-an-email");
  r.mutable_params()->erase("serial");
  r.mutable_attachments(0)->set_content(std::string((5 << 20) + 1, 'x'));
  r.mutable_attachments(0)->clear_content_type();
  absl::Status s = Validate(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(s),
            (std::set<std::string>{"request_id", "recipient", "params.serial",
                                   "attachments[0].content", "attachments[0].content_type"}));
}

TEST_F(ManagerTest, UnknownChannelAndTemplateAreInvalid) {
  v1::SendNotificationRequest r = Handover();
  r.set_channel(v1::CHANNEL_UNSPECIFIED);
  r.set_template_(static_cast<v1::NotificationTemplate>(99));
  absl::Status s = Validate(r);
  EXPECT_TRUE(Fields(s).count("channel"));
  EXPECT_TRUE(Fields(s).count("template"));
}

// Issue 18: the Cloud API takes no PKCS#12, so what it would refuse is refused here first; a
// handover by WhatsApp carries the one-time link.
TEST_F(ManagerTest, WhatsAppNeedsAnE164NumberNoAttachmentAndTheLinkForAHandover) {
  v1::SendNotificationRequest r = Handover();
  r.set_channel(v1::CHANNEL_WHATSAPP);
  r.set_recipient("081234567890");
  absl::Status s = Validate(r);
  EXPECT_EQ(Fields(s), (std::set<std::string>{"recipient", "attachments", "params.download_url"}));
  r.set_recipient("+6281234567890");
  r.clear_attachments();
  EXPECT_EQ(Fields(Validate(r)), (std::set<std::string>{"params.download_url"}));
  (*r.mutable_params())["download_url"] = "https://sertel.kota.go.id/unduh/tok";
  (*r.mutable_params())["download_expires_at"] = "2026-12-04T03:00:00Z";
  EXPECT_TRUE(Validate(r).ok()) << Validate(r);
  r.set_fallback_email("not-an-address");
  EXPECT_EQ(Fields(Validate(r)), (std::set<std::string>{"fallback_email"}));
  r.set_fallback_email("budi@kota.go.id");
  EXPECT_TRUE(Validate(r).ok()) << Validate(r);
  r.set_channel(v1::CHANNEL_EMAIL);
  r.set_recipient("budi@kota.go.id");
  EXPECT_TRUE(Fields(Validate(r)).count("fallback_email")) << "only WhatsApp falls back";
}

TEST_F(ManagerTest, MoreThanTwoAttachmentsOrAHandoverWithoutOneIsInvalid) {
  v1::SendNotificationRequest r = Handover();
  *r.add_attachments() = r.attachments(0);
  *r.add_attachments() = r.attachments(0);
  EXPECT_TRUE(Fields(Validate(r)).count("attachments"));
  r.clear_attachments();
  EXPECT_TRUE(Fields(Validate(r)).count("attachments"));
}

TEST_F(ManagerTest, PayloadHashIsStableAndTellsPayloadsApart) {
  v1::SendNotificationRequest a = Handover();
  v1::SendNotificationRequest b = Handover();
  auto hash = [](const v1::SendNotificationRequest& r) {
    return NotificationLifecycle::PayloadHash(SendInputFromProto(r));
  };
  EXPECT_EQ(hash(a), hash(b));
  b.set_recipient("siti@example.go.id");
  EXPECT_NE(hash(a), hash(b));
}

TEST_F(ManagerTest, ActivationCodeIsRedactedOnOutput) {
  NotificationRecord r;
  r.id = "0b9e2f6c-1111-4222-8333-444455556666";
  r.template_name = "ACTIVATION_CODE";
  r.channel = "EMAIL";
  r.params = {
      {"full_name", "Budi"}, {"application_id", "a"}, {"expires_at", "2025-01-01T00:00:00Z"}};
  v1::Notification n;
  ToProto(r, &n);
  EXPECT_EQ(n.params().at("activation_code"), kRedacted);
  EXPECT_EQ(n.template_(), v1::NOTIFICATION_TEMPLATE_ACTIVATION_CODE);
  EXPECT_EQ(n.status(), v1::NOTIFICATION_STATUS_QUEUED);
}

TEST_F(ManagerTest, SealedActivationCodeOpensOnlyForItsOwnRow) {
  NotificationRecord r;
  r.id = "0b9e2f6c-1111-4222-8333-444455556666";
  r.template_name = "ACTIVATION_CODE";
  r.recipient = "budi@example.go.id";
  r.params = {
      {"full_name", "Budi"}, {"application_id", "a"}, {"expires_at", "2025-01-01T00:00:00Z"}};
  r.sealed_params = box_.Seal(R"({"activation_code":"K7Q2-M9XD"})", r.id).value();
  EXPECT_EQ(r.sealed_params.find("K7Q2"), std::string::npos);
  absl::StatusOr<OutgoingMessage> m = manager_.PrepareDelivery(r);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(absl::StrContains(m->rendered.body, "\nKode aktivasi: K7Q2-M9XD\n"));
  r.id = "0b9e2f6c-1111-4222-8333-444455556667";  // moved to another row
  EXPECT_TRUE(IsPermanentDeliveryError(manager_.PrepareDelivery(r).status()));
}

TEST(SealedBoxTest, KeyMaterialInHexOrBase64AndTamperDetection) {
  auto hex = SealedBox::FromKeyMaterial(std::string(64, 'a'));
  ASSERT_TRUE(hex.ok());
  auto other = SealedBox::FromKeyMaterial(std::string(64, 'b'));
  std::string sealed = hex->Seal("geheim", "id-1").value();
  EXPECT_EQ(hex->Open(sealed, "id-1").value_or(""), "geheim");
  EXPECT_FALSE(other->Open(sealed, "id-1").ok());
  sealed[sealed.size() - 1] ^= 1;
  EXPECT_FALSE(hex->Open(sealed, "id-1").ok());
  EXPECT_FALSE(SealedBox::FromKeyMaterial("short").ok());
}

// Never less than half the cap: eight attempts cannot all be spent within a short outage.
TEST(DeliveryWorkerBackoffTest, JitterStaysInTheUpperHalfOfTheCappedExponential) {
  DeliveryWorker worker(nullptr, nullptr, nullptr, nullptr,
                        {.base_backoff = absl::Seconds(1), .max_backoff = absl::Seconds(60)});
  for (int attempts = 0; attempts < 12; ++attempts) {
    absl::Duration cap = std::min(absl::Seconds(60), absl::Seconds(1) * (1 << attempts));
    for (int i = 0; i < 50; ++i) {
      absl::Duration d = worker.Backoff(attempts);
      EXPECT_GE(d, cap / 2);
      EXPECT_LE(d, cap);
    }
  }
}

}  // namespace
}  // namespace sertel::notification
