// The enrollment's state machine without a database: each step's change (state, version,
// timeline entry, audit entry, outbox item), the activation code's tries, expiry and lock, the
// refusals and their codes; the revocation reasons' names against sertel.v1; the role table.
#include "enrollment_lifecycle.h"

#include "absl/strings/match.h"
#include "certificate_roles.h"
#include "common/field_violations.h"
#include "gtest/gtest.h"
#include "sertel/v1/certificate.pb.h"
#include "sertel/v1/notification.pb.h"

namespace sertel::certificate {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1700000000);
const Actor kVerifier{.sub = "verifier-1", .role = "VERIFIER"};

HolderRecord Holder() {
  return {"3171014101900001", "199001012015032001", "Siti Aminah Putri", "siti@kota.go.id",
          "+6281234567890",   "Dinas Kominfo",      "Pranata Komputer"};
}

NewEnrollment NewOne() {
  return {.application_id = "app-1",
          .request_id = "disposition:enroll:app-1",
          .holder = Holder(),
          .activation_hash = std::string(32, 'h'),
          .sealed_code = "sealed:v2:xyz"};
}

EnrollmentRecord Awaiting() {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = lifecycle.Start(nullptr, NewOne(), kVerifier, kNow)->after;
  e.version = 3;
  return e;
}

EnrollmentRecord Issued() {
  EnrollmentRecord e = Awaiting();
  e.state = EnrollmentState::kIssued;
  e.issued_at = kNow;
  e.certificate_serial = "ab12";
  return e;
}

v1::SendNotificationRequest Payload(const OutboxItem& item) {
  v1::SendNotificationRequest r;
  EXPECT_TRUE(r.ParseFromString(item.payload));
  return r;
}

TEST(EnrollmentLifecycleTest, StartInsertsAnAwaitingEnrollmentAndQueuesTheSealedCode) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  absl::StatusOr<EnrollmentChange> c = lifecycle.Start(nullptr, NewOne(), kVerifier, kNow);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->kind, EnrollmentChange::Kind::kInsert);
  EXPECT_EQ(c->after.state, EnrollmentState::kAwaitingPassphrase);
  EXPECT_EQ(c->after.version, 1);
  EXPECT_EQ(c->after.activation_expires_at, kNow + absl::Hours(72));
  ASSERT_TRUE(c->entry.has_value());
  EXPECT_EQ(c->entry->step, 5);
  EXPECT_EQ(c->entry->action, "SENT_TO_CA");
  ASSERT_TRUE(c->audit.has_value());
  EXPECT_EQ(c->audit->action, "ENROLLMENT_STARTED");
  EXPECT_EQ(c->audit->entity_type, "enrollment");
  ASSERT_EQ(c->outbox.size(), 1u);
  EXPECT_EQ(c->outbox[0].topic, "notification.SendNotification");
  EXPECT_EQ(c->outbox[0].key, "certificate:activation:app-1:1");
  v1::SendNotificationRequest r = Payload(c->outbox[0]);
  EXPECT_EQ(r.template_(), v1::NOTIFICATION_TEMPLATE_ACTIVATION_CODE);
  EXPECT_EQ(r.recipient(), "siti@kota.go.id");
  EXPECT_EQ(r.params().at("activation_code"), "sealed:v2:xyz");
}

TEST(EnrollmentLifecycleTest, StartAgainIsNoChangeForTheSameHolderAndAConflictForAnother) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Awaiting();
  absl::StatusOr<EnrollmentChange> again = lifecycle.Start(&e, NewOne(), kVerifier, kNow);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->kind, EnrollmentChange::Kind::kNone);
  EXPECT_TRUE(again->outbox.empty());
  NewEnrollment other = NewOne();
  other.holder.nik = "3171014101900002";
  EXPECT_EQ(lifecycle.Start(&e, other, kVerifier, kNow).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(EnrollmentLifecycleTest, AWrongCodeCostsATryIsAuditedAndRefusedWithoutANewVersion) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Awaiting();
  absl::StatusOr<EnrollmentChange> c = lifecycle.TryActivationCode(&e, false, kVerifier, kNow);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->kind, EnrollmentChange::Kind::kUpdate);
  EXPECT_EQ(c->after.activation_attempts, 1);
  EXPECT_EQ(c->after.version, e.version);
  EXPECT_EQ(c->expected_version, e.version);
  ASSERT_TRUE(c->audit.has_value());
  EXPECT_EQ(c->audit->action, "ACTIVATION_CODE_WRONG");
  EXPECT_EQ(c->audit->details["tries_used"], 1);
  EXPECT_EQ(c->answer.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(c->answer.message(), "4 tries left")) << c->answer;
  EXPECT_EQ(FieldViolations::FromStatus(c->answer)[0].field, "activation_code");

  e.activation_attempts = 4;
  c = lifecycle.TryActivationCode(&e, false, kVerifier, kNow);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(absl::StrContains(c->answer.message(), "now locked")) << c->answer;
}

TEST(EnrollmentLifecycleTest, ARightCodeIsCountedWithoutAuditOrRefusal) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Awaiting();
  absl::StatusOr<EnrollmentChange> c = lifecycle.TryActivationCode(&e, true, kVerifier, kNow);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->after.activation_attempts, 1);
  EXPECT_FALSE(c->audit.has_value());
  EXPECT_TRUE(c->answer.ok());
}

TEST(EnrollmentLifecycleTest, ExpiredLockedOrUsedCodesAreFailedPreconditions) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Awaiting();
  absl::Status expired =
      lifecycle.TryActivationCode(&e, true, kVerifier, kNow + absl::Hours(72)).status();
  EXPECT_EQ(expired.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(expired.message(), "expired")) << expired;
  e.activation_attempts = 5;
  absl::Status locked = lifecycle.TryActivationCode(&e, true, kVerifier, kNow).status();
  EXPECT_EQ(locked.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(locked.message(), "locked")) << locked;
  EnrollmentRecord issued = Issued();
  absl::Status used = lifecycle.TryActivationCode(&issued, true, kVerifier, kNow).status();
  EXPECT_EQ(used.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(used.message(), "single-use")) << used;
}

TEST(EnrollmentLifecycleTest, IssueMovesToIssuedOrAbortsWhenTheEnrollmentChanged) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Awaiting();
  Issuance issuance{.certificate = {.serial = "ab12", .key_algorithm = "EC-P256"}, .pkcs12 = "p12"};
  absl::Time later = kNow + absl::Minutes(12);
  EXPECT_EQ(lifecycle.Issue(&e, e.version - 1, issuance, false, kVerifier, later).status().code(),
            absl::StatusCode::kAborted);
  absl::StatusOr<EnrollmentChange> c =
      lifecycle.Issue(&e, e.version, issuance, false, kVerifier, later);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->after.state, EnrollmentState::kIssued);
  EXPECT_EQ(c->after.version, e.version + 1);
  EXPECT_TRUE(c->after.activation_hash.empty());
  EXPECT_EQ(c->after.certificate_serial, "ab12");
  ASSERT_TRUE(c->issuance.has_value());
  EXPECT_EQ(c->issuance->pkcs12, "p12");
  EXPECT_EQ(c->entry->step, 6);
  EXPECT_EQ(c->entry->action, "ISSUED");
  EXPECT_EQ(c->entry->duration, absl::Minutes(12));
  EXPECT_EQ(c->audit->action, "CERTIFICATE_ISSUED");
}

TEST(EnrollmentLifecycleTest, HandOverNeedsIssuedAndAPhoneForWhatsApp) {
  EXPECT_EQ(EnrollmentLifecycle::CheckCanHandOver(Awaiting(), NotifyChannel::kEmail).code(),
            absl::StatusCode::kFailedPrecondition);
  EnrollmentRecord e = Issued();
  EXPECT_TRUE(EnrollmentLifecycle::CheckCanHandOver(e, NotifyChannel::kWhatsApp).ok());
  e.holder.phone.clear();
  EXPECT_EQ(EnrollmentLifecycle::CheckCanHandOver(e, NotifyChannel::kWhatsApp).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(EnrollmentLifecycle::CheckCanHandOver(e, NotifyChannel::kEmail).ok());
}

TEST(EnrollmentLifecycleTest, HandOverQueuesTheKeystoreToTheChosenChannel) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Issued();
  CertificateRecord cert{.serial = "ab12", .not_after = kNow + absl::Hours(24)};
  absl::Time later = kNow + absl::Minutes(4);
  absl::StatusOr<EnrollmentChange> c = lifecycle.HandOver(&e, e.version, NotifyChannel::kWhatsApp,
                                                          cert, "p12-bytes", kVerifier, later);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->after.state, EnrollmentState::kHandedOver);
  EXPECT_EQ(c->after.handover_channel, 2);
  EXPECT_EQ(c->entry->note, "by WHATSAPP");
  EXPECT_EQ(c->entry->duration, absl::Minutes(4));
  ASSERT_EQ(c->outbox.size(), 1u);
  EXPECT_EQ(c->outbox[0].key, "certificate:handover:app-1:WHATSAPP");
  v1::SendNotificationRequest r = Payload(c->outbox[0]);
  EXPECT_EQ(r.recipient(), "+6281234567890");
  ASSERT_EQ(r.attachments_size(), 1);
  EXPECT_EQ(r.attachments(0).filename(), "app-1.p12");
  EXPECT_EQ(r.attachments(0).content(), "p12-bytes");
  EXPECT_EQ(lifecycle.HandOver(&e, e.version + 1, NotifyChannel::kEmail, cert, "", kVerifier, later)
                .status()
                .code(),
            absl::StatusCode::kAborted);
}

TEST(EnrollmentLifecycleTest, RevokeEndsTheEnrollmentOnceAndAuditsTheCertificate) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Issued();
  absl::StatusOr<EnrollmentChange> c = lifecycle.Revoke(&e, "ab12", 4, kVerifier, kNow);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->after.state, EnrollmentState::kRevoked);
  ASSERT_TRUE(c->revocation.has_value());
  EXPECT_EQ(c->revocation->serial, "ab12");
  EXPECT_EQ(c->entry->note, "REVOCATION_REASON_AFFILIATION_CHANGED");
  EXPECT_EQ(c->audit->entity_type, "certificate");
  EXPECT_EQ(c->audit->entity_id, "ab12");
  EXPECT_EQ(lifecycle.Revoke(&c->after, "ab12", 4, kVerifier, kNow).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(EnrollmentLifecycleTest, CertificateStatusFollowsRevocationAndExpiry) {
  CertificateRecord c{.not_after = kNow + absl::Hours(1)};
  EXPECT_EQ(EnrollmentLifecycle::StatusAt(c, kNow), CertificateStatus::kValid);
  EXPECT_EQ(EnrollmentLifecycle::StatusAt(c, kNow + absl::Hours(1)), CertificateStatus::kExpired);
  c.revoked_at = kNow + absl::Minutes(1);
  EXPECT_EQ(EnrollmentLifecycle::StatusAt(c, kNow), CertificateStatus::kValid);
  EXPECT_EQ(EnrollmentLifecycle::StatusAt(c, kNow + absl::Minutes(1)), CertificateStatus::kRevoked);
}

TEST(RevocationReasonTest, NamesAreSertelV1sAndOnlyRfc5280ReasonsAreAccepted) {
  for (int n = -1; n <= 12; ++n) {
    bool accepted = n != v1::REVOCATION_REASON_UNSPECIFIED && v1::RevocationReason_IsValid(n);
    ASSERT_EQ(RevocationReasonName(n).has_value(), accepted) << n;
    if (accepted) {
      EXPECT_EQ(*RevocationReasonName(n),
                v1::RevocationReason_Name(static_cast<v1::RevocationReason>(n)));
    }
  }
}

TEST(CertificateRolesTest, TheTableIsBuiltFromTheNamedSets) {
  const RoleTable& t = CertificateRoles();
  EXPECT_TRUE(t.at("GetEnrollment").Contains(Role::kApplicant));
  EXPECT_TRUE(t.at("GetEnrollment").Contains(Role::kHeadOfSection));
  EXPECT_TRUE(t.at("SetPassphrase").Contains(Role::kApplicant));
  EXPECT_TRUE(t.at("SetPassphrase").Contains(Role::kVerifier));
  EXPECT_FALSE(t.at("SetPassphrase").Contains(Role::kAuditor));
  EXPECT_FALSE(t.at("HandOver").Contains(Role::kApplicant));
  EXPECT_TRUE(t.at("GetSlaReport").Contains(Role::kService));
  EXPECT_FALSE(t.at("GetStatistics").Contains(Role::kService));
  EXPECT_EQ(t.size(), 10u);
}

TEST(CertificateRolesTest, AnApplicantActsOnlyOnTheirOwnEnrollment) {
  Principal owner{.sub = "a", .nik = "3171014101900001", .roles = {Role::kApplicant}};
  Principal other{.sub = "b", .nik = "3171014101900002", .roles = {Role::kApplicant}};
  Principal verifier{.sub = "v", .nik = "", .roles = {Role::kVerifier}};
  EXPECT_TRUE(CheckOwnEnrollment(owner, Holder().nik, kActForTheOwner).ok());
  EXPECT_EQ(CheckOwnEnrollment(other, Holder().nik, kActForTheOwner).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckOwnEnrollment(verifier, Holder().nik, kActForTheOwner).ok());
  EXPECT_EQ(ActingRole(verifier), "VERIFIER");
  EXPECT_EQ(ActingRole(owner), "APPLICANT");
}

}  // namespace
}  // namespace sertel::certificate
