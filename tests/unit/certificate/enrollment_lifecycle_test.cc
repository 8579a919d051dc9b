// The enrollment's state machine without a database: each step's change (state, version,
// timeline entry, audit entry, outbox items, the progress report to intake), the activation
// code's tries, expiry, lock and resends, the refusals and their codes; the revocation reasons'
// names against sertel.v1; the role table.
#include "enrollment_lifecycle.h"

#include "absl/strings/match.h"
#include "certificate_roles.h"
#include "common/field_violations.h"
#include "common/progress_report.h"
#include "gtest/gtest.h"
#include "proof_of_use.h"
#include "sertel/v1/certificate.pb.h"
#include "sertel/v1/intake.pb.h"
#include "sertel/v1/notification.pb.h"

namespace sertel::certificate {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1700000000);
const Actor kVerifier{.sub = "verifier-1", .role = "VERIFIER"};

HolderRecord Holder() {
  return {"3171014101900001", "199001012015032001", "Siti Aminah Putri", "siti@kota.go.id",
          "+6281234567890",   "DISKOMINFO",         "Pranata Komputer",  "Dinas Kominfo"};
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

// The change's progress report to intake (exactly one).
v1::RecordProgressRequest Progress(const EnrollmentChange& c) {
  v1::RecordProgressRequest r;
  int found = 0;
  for (const OutboxItem& item : c.outbox) {
    if (item.topic != kRecordProgressTopic) continue;
    ++found;
    EXPECT_TRUE(r.ParseFromString(item.payload));
    EXPECT_EQ(item.key, r.request_id());
  }
  EXPECT_EQ(found, 1);
  return r;
}

// Every call certificate owes another service names its application (a DEAD row marks it).
void ExpectEveryItemNamesItsApplication(const EnrollmentChange& c) {
  for (const OutboxItem& item : c.outbox) {
    EXPECT_EQ(item.application_id, c.after.application_id) << item.topic << " " << item.key;
  }
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
  ASSERT_EQ(c->audits.size(), 1u);
  EXPECT_EQ(c->audits.at(0).action, "ENROLLMENT_STARTED");
  EXPECT_EQ(c->audits.at(0).entity_type, "enrollment");
  ASSERT_EQ(c->outbox.size(), 2u);
  EXPECT_EQ(c->outbox[0].topic, "notification.SendNotification");
  EXPECT_EQ(c->outbox[0].key, "certificate:activation:app-1:1");
  v1::SendNotificationRequest r = Payload(c->outbox[0]);
  EXPECT_EQ(r.template_(), v1::NOTIFICATION_TEMPLATE_ACTIVATION_CODE);
  EXPECT_EQ(r.recipient(), "siti@kota.go.id");
  EXPECT_EQ(r.params().at("activation_code"), "sealed:v2:xyz");
  ExpectEveryItemNamesItsApplication(*c);
  v1::RecordProgressRequest p = Progress(*c);
  EXPECT_EQ(p.application_id(), "app-1");
  EXPECT_EQ(p.source(), v1::PROGRESS_SOURCE_CERTIFICATE);
  EXPECT_EQ(p.status(), v1::APPLICATION_STATUS_AWAITING_PASSPHRASE);
  EXPECT_EQ(p.current_step(), v1::STEP_PASSPHRASE);
  EXPECT_EQ(p.version(), 1);
  EXPECT_EQ(p.at().seconds(), absl::ToUnixSeconds(kNow));
  EXPECT_EQ(p.request_id(), "certificate:progress:app-1:1");
}

// Issue 18: with SERTEL_CERTIFICATE_CODE_CHANNELS=email,whatsapp the same code also goes to the
// phone, as its own message sealed for its own request id.
TEST(EnrollmentLifecycleTest, TheCodeAlsoGoesByWhatsAppWhenItIsSealedForIt) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  NewEnrollment in = NewOne();
  in.holder.phone = "+6281299990000";
  in.sealed_code_whatsapp = "sealed:v2:wa";
  absl::StatusOr<EnrollmentChange> c = lifecycle.Start(nullptr, in, kVerifier, kNow);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->outbox.size(), 3u);
  v1::SendNotificationRequest email = Payload(c->outbox[0]);
  v1::SendNotificationRequest wa = Payload(c->outbox[1]);
  EXPECT_EQ(email.channel(), v1::CHANNEL_EMAIL);
  EXPECT_EQ(wa.channel(), v1::CHANNEL_WHATSAPP);
  EXPECT_EQ(c->outbox[1].key, "certificate:activation:app-1:1:WHATSAPP");
  EXPECT_EQ(wa.recipient(), "+6281299990000");
  EXPECT_EQ(wa.template_(), v1::NOTIFICATION_TEMPLATE_ACTIVATION_CODE);
  EXPECT_EQ(wa.params().at("activation_code"), "sealed:v2:wa");
  ExpectEveryItemNamesItsApplication(*c);
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
  ASSERT_EQ(c->audits.size(), 1u);
  EXPECT_EQ(c->audits.at(0).action, "ACTIVATION_CODE_WRONG");
  EXPECT_EQ(c->audits.at(0).details["tries_used"], 1);
  EXPECT_EQ(c->answer.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(c->answer.message(), "4 tries left")) << c->answer;
  EXPECT_EQ(FieldViolations::FromStatus(c->answer)[0].field, "activation_code");

  e.activation_attempts = 4;
  c = lifecycle.TryActivationCode(&e, false, kVerifier, kNow);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(absl::StrContains(c->answer.message(), "now locked")) << c->answer;
  EXPECT_TRUE(absl::StrContains(c->answer.message(), "ResendActivationCode")) << c->answer;
}

TEST(EnrollmentLifecycleTest, ARightCodeSpendsNoTryAndHoldsTheEnrollmentForItsIssuance) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Awaiting();
  e.activation_attempts = 4;  // one wrong try left
  absl::StatusOr<EnrollmentChange> c = lifecycle.TryActivationCode(&e, true, kVerifier, kNow);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->after.activation_attempts, 4);
  EXPECT_EQ(c->after.issuing_until, kNow + EnrollmentLifecycle::kIssuingHold);
  EXPECT_TRUE(c->audits.empty());
  EXPECT_TRUE(c->answer.ok());
}

TEST(EnrollmentLifecycleTest, ExpiredLockedOrUsedCodesAreFailedPreconditions) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Awaiting();
  absl::Status expired =
      lifecycle.TryActivationCode(&e, true, kVerifier, kNow + absl::Hours(72)).status();
  EXPECT_EQ(expired.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(expired.message(), "expired")) << expired;
  // Both name the remedy that exists now.
  EXPECT_TRUE(absl::StrContains(expired.message(), "ResendActivationCode")) << expired;
  EXPECT_TRUE(absl::StrContains(expired.message(), "ask the verifier to resend")) << expired;
  e.activation_attempts = 5;
  absl::Status locked = lifecycle.TryActivationCode(&e, true, kVerifier, kNow).status();
  EXPECT_EQ(locked.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(locked.message(), "locked")) << locked;
  EXPECT_TRUE(absl::StrContains(locked.message(), "ResendActivationCode")) << locked;
  EnrollmentRecord issued = Issued();
  absl::Status used = lifecycle.TryActivationCode(&issued, true, kVerifier, kNow).status();
  EXPECT_EQ(used.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(used.message(), "single-use")) << used;
}

// The resent code is a new version with a fresh code, expiry and tries, sent as the first one
// was (its own message), timelined and audited without the code.
TEST(EnrollmentLifecycleTest, ResendReplacesTheCodeAndResetsItsTriesAndExpiry) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Awaiting();
  e.activation_attempts = 5;                  // locked
  absl::Time later = kNow + absl::Hours(80);  // and expired
  absl::StatusOr<EnrollmentChange> c = lifecycle.ResendActivationCode(
      &e, {.activation_hash = std::string(32, 'n'), .sealed_code = "sealed:v2:new"}, kVerifier,
      later);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->kind, EnrollmentChange::Kind::kUpdate);
  EXPECT_EQ(c->expected_version, e.version);
  EXPECT_EQ(c->after.version, e.version + 1);
  EXPECT_EQ(c->after.state, EnrollmentState::kAwaitingPassphrase);
  EXPECT_EQ(c->after.activation_hash, std::string(32, 'n'));
  EXPECT_EQ(c->after.activation_attempts, 0);
  EXPECT_EQ(c->after.activation_expires_at, later + absl::Hours(72));
  EXPECT_EQ(c->after.activation_codes_sent, 2);
  ASSERT_TRUE(c->entry.has_value());
  EXPECT_EQ(c->entry->step, 6);
  EXPECT_EQ(c->entry->action, "ACTIVATION_CODE_RESENT");
  ASSERT_EQ(c->audits.size(), 1u);
  EXPECT_EQ(c->audits.at(0).action, "ACTIVATION_CODE_RESENT");
  EXPECT_FALSE(absl::StrContains(c->audits.at(0).details.dump(), "sealed"))
      << c->audits.at(0).details;
  ASSERT_EQ(c->outbox.size(), 1u);  // no progress report: still AWAITING_PASSPHRASE
  EXPECT_EQ(c->outbox[0].key, "certificate:activation:app-1:2");
  ExpectEveryItemNamesItsApplication(*c);
  v1::SendNotificationRequest r = Payload(c->outbox[0]);
  EXPECT_EQ(r.request_id(), "certificate:activation:app-1:2");
  EXPECT_EQ(r.template_(), v1::NOTIFICATION_TEMPLATE_ACTIVATION_CODE);
  EXPECT_EQ(r.recipient(), "siti@kota.go.id");
  EXPECT_EQ(r.params().at("activation_code"), "sealed:v2:new");
  // The new code is good again: a right try is accepted.
  absl::StatusOr<EnrollmentChange> tried =
      lifecycle.TryActivationCode(&c->after, true, kVerifier, later + absl::Minutes(1));
  ASSERT_TRUE(tried.ok()) << tried.status();
  EXPECT_TRUE(tried->answer.ok());
}

TEST(EnrollmentLifecycleTest, AtMostThreeResendsIn24HoursAndTheRefusalSaysWhenTheNextIs) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Awaiting();
  EXPECT_EQ(EnrollmentLifecycle::ResendsLeft(e, kNow), 3);
  absl::Time t = kNow;
  for (int i = 0; i < 3; ++i) {
    t += absl::Hours(1);
    absl::StatusOr<EnrollmentChange> c = lifecycle.ResendActivationCode(
        &e, {.activation_hash = "h", .sealed_code = "s"}, kVerifier, t);
    ASSERT_TRUE(c.ok()) << i << " " << c.status();
    std::vector<TimelineRecord> timeline = e.timeline;
    timeline.push_back(*c->entry);
    e = c->after;
    e.timeline = timeline;  // the store reads the whole timeline back
    EXPECT_EQ(EnrollmentLifecycle::ResendsLeft(e, t), 2 - i);
  }
  absl::Status fourth = EnrollmentLifecycle::CheckCanResend(e, t + absl::Hours(1));
  EXPECT_EQ(fourth.code(), absl::StatusCode::kResourceExhausted);
  // The first of the three was at kNow + 1h: the next one is allowed 24 hours after it.
  EXPECT_TRUE(absl::StrContains(fourth.message(), Rfc3339(kNow + absl::Hours(25)))) << fourth;
  EXPECT_EQ(lifecycle
                .ResendActivationCode(&e, {.activation_hash = "h", .sealed_code = "s"}, kVerifier,
                                      t + absl::Hours(1))
                .status()
                .code(),
            absl::StatusCode::kResourceExhausted);
  // Once the first leaves the window, one more is allowed.
  EXPECT_EQ(EnrollmentLifecycle::ResendsLeft(e, kNow + absl::Hours(25)), 1);
  EXPECT_TRUE(EnrollmentLifecycle::CheckCanResend(e, kNow + absl::Hours(25)).ok());
}

TEST(EnrollmentLifecycleTest, ResendIsOnlyWhileAwaitingThePassphrase) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Issued();
  EXPECT_EQ(EnrollmentLifecycle::ResendsLeft(e, kNow), 0);
  absl::Status s =
      lifecycle
          .ResendActivationCode(&e, {.activation_hash = "h", .sealed_code = "s"}, kVerifier, kNow)
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(s.message(), "ISSUED")) << s;
  EXPECT_EQ(lifecycle.ResendActivationCode(nullptr, {}, kVerifier, kNow).status().code(),
            absl::StatusCode::kNotFound);
}

// A proof of use with every check, passed or with `failed` failed.
ProofReport Proof(absl::string_view failed = "") {
  ProofReport r{.passed = failed.empty(), .checks = {}, .checked_at = kNow};
  for (absl::string_view name : ProofOfUse::kAllChecks) {
    bool ok = name != failed;
    r.checks.push_back({std::string(name), ok, ok ? "" : "the signature does not verify"});
  }
  return r;
}

TEST(EnrollmentLifecycleTest, IssueMovesToIssuedOrAbortsWhenTheEnrollmentChanged) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Awaiting();
  Issuance issuance{
      .certificate = {.serial = "ab12", .key_algorithm = "EC-P256", .proof_of_use = Proof()},
      .pkcs12 = "p12"};
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
  ASSERT_EQ(c->audits.size(), 1u);
  EXPECT_EQ(c->audits.at(0).action, "CERTIFICATE_ISSUED");
  ExpectEveryItemNamesItsApplication(*c);
  v1::RecordProgressRequest p = Progress(*c);
  EXPECT_EQ(p.status(), v1::APPLICATION_STATUS_ISSUED);
  EXPECT_EQ(p.current_step(), v1::STEP_HANDOVER);
  EXPECT_EQ(p.version(), e.version + 1);
}

// SOP warning: a certificate whose test signature failed is revoked in the change that stores
// it, and its keystore is not kept.
TEST(EnrollmentLifecycleTest, AFailedProofOfUseRevokesAtOnceAndKeepsNoKeystore) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Awaiting();
  for (std::optional<ProofReport> proof :
       {std::optional<ProofReport>(Proof(ProofOfUse::kSignatureVerified)),
        std::optional<ProofReport>()}) {
    Issuance issuance{
        .certificate = {.serial = "ab12", .key_algorithm = "EC-P256", .proof_of_use = proof},
        .pkcs12 = "p12"};
    absl::StatusOr<EnrollmentChange> c =
        lifecycle.Issue(&e, e.version, issuance, false, kVerifier, kNow);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->after.state, EnrollmentState::kRevoked);
    EXPECT_FALSE(c->after.keystore_available);
    ASSERT_TRUE(c->issuance.has_value());
    EXPECT_TRUE(c->issuance->pkcs12.empty());
    ASSERT_TRUE(c->revocation.has_value());
    EXPECT_EQ(c->revocation->serial, "ab12");
    EXPECT_EQ(c->revocation->reason, kUnspecifiedRevocationReason);
    EXPECT_TRUE(absl::StrContains(c->entry->note, "revoked at once")) << c->entry->note;
    ASSERT_EQ(c->audits.size(), 2u);
    EXPECT_EQ(c->audits[0].details["proof_of_use"], "FAILED");
    EXPECT_EQ(c->audits[1].action, "CERTIFICATE_REVOKED");
    EXPECT_EQ(c->audits[1].entity_id, "ab12");
    EXPECT_EQ(c->audits[1].details["reason"], "REVOCATION_REASON_UNSPECIFIED_REASON");
    EXPECT_EQ(Progress(*c).status(), v1::APPLICATION_STATUS_REVOKED);
  }
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

// The outbox row names the keystore; the bytes stay in certificate.keystores only.
TEST(EnrollmentLifecycleTest, HandOverQueuesTheKeystoreToTheChosenChannel) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Issued();
  CertificateRecord cert{.serial = "ab12", .not_after = kNow + absl::Hours(24)};
  absl::Time later = kNow + absl::Minutes(4);
  absl::StatusOr<EnrollmentChange> c =
      lifecycle.HandOver(&e, e.version, NotifyChannel::kEmail, cert, nullptr, kVerifier, later);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->after.state, EnrollmentState::kHandedOver);
  EXPECT_EQ(c->after.handover_channel, 1);
  EXPECT_EQ(c->entry->note, "by EMAIL");
  EXPECT_FALSE(c->download_link.has_value());
  EXPECT_EQ(c->entry->duration, absl::Minutes(4));
  ASSERT_EQ(c->outbox.size(), 2u);
  EXPECT_EQ(c->outbox[0].key, "certificate:handover:app-1:EMAIL");
  ExpectEveryItemNamesItsApplication(*c);
  v1::RecordProgressRequest p = Progress(*c);
  EXPECT_EQ(p.status(), v1::APPLICATION_STATUS_HANDED_OVER);
  EXPECT_EQ(p.current_step(), v1::STEP_HANDOVER);
  EXPECT_EQ(p.version(), e.version + 1);
  v1::SendNotificationRequest r = Payload(c->outbox[0]);
  ASSERT_EQ(r.attachments_size(), 1);
  EXPECT_EQ(r.attachments(0).filename(), "app-1.p12");
  EXPECT_EQ(r.attachments(0).content(), "keystore:app-1");
  EXPECT_EQ(r.params().count("download_url"), 0u);
  EXPECT_EQ(
      lifecycle.HandOver(&e, e.version + 1, NotifyChannel::kEmail, cert, nullptr, kVerifier, later)
          .status()
          .code(),
      absl::StatusCode::kAborted);
}

// Issue 18: by WhatsApp the message carries the sealed link, never the keystore, and the change
// stores only the token's hash.
TEST(EnrollmentLifecycleTest, HandOverByLinkCarriesTheSealedLinkAndStoresTheHash) {
  EnrollmentLifecycle lifecycle{ManagerSettings{}};
  EnrollmentRecord e = Issued();
  CertificateRecord cert{.serial = "ab12", .not_after = kNow + absl::Hours(24)};
  HandoverLink link{.write = {.token_hash = std::string(32, 'h'),
                              .serial = "ab12",
                              .created_at = kNow,
                              .expires_at = kNow + absl::Hours(24)},
                    .sealed_url = "sealed:v2:abc"};
  absl::StatusOr<EnrollmentChange> c =
      lifecycle.HandOver(&e, e.version, NotifyChannel::kWhatsApp, cert, &link, kVerifier, kNow);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->entry->note, "by WHATSAPP (one-time link)");
  ASSERT_TRUE(c->download_link.has_value());
  EXPECT_EQ(c->download_link->token_hash, std::string(32, 'h'));
  v1::SendNotificationRequest r = Payload(c->outbox[0]);
  EXPECT_EQ(r.recipient(), "+6281234567890");
  EXPECT_EQ(r.attachments_size(), 0);
  EXPECT_EQ(r.params().at("download_url"), "sealed:v2:abc");
  EXPECT_EQ(r.params().at("download_expires_at"), Rfc3339(kNow + absl::Hours(24)));
  EXPECT_EQ(c->audits.at(0).details["by_link"], true);
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
  EXPECT_EQ(c->audits.at(0).entity_type, "certificate");
  EXPECT_EQ(c->audits.at(0).entity_id, "ab12");
  ExpectEveryItemNamesItsApplication(*c);
  v1::RecordProgressRequest p = Progress(*c);
  EXPECT_EQ(p.status(), v1::APPLICATION_STATUS_REVOKED);
  EXPECT_EQ(p.current_step(), v1::STEP_HANDOVER);
  EXPECT_EQ(p.version(), e.version + 1);
  EXPECT_EQ(lifecycle.Revoke(&c->after, "ab12", 4, kVerifier, kNow).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(EnrollmentLifecycleTest, TheExpiryReminderNamesItsApplication) {
  CertificateRecord c{.serial = "ab12", .application_id = "app-1", .not_after = kNow};
  OutboxItem item = EnrollmentLifecycle::ExpiryReminder(c, Holder());
  EXPECT_EQ(item.application_id, "app-1");
  EXPECT_EQ(item.key, "certificate:expiry:ab12");
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
  EXPECT_TRUE(t.at("GetEnrollment").roles.Contains(Role::kApplicant));
  EXPECT_TRUE(t.at("GetEnrollment").roles.Contains(Role::kHeadOfSection));
  EXPECT_TRUE(t.at("SetPassphrase").roles.Contains(Role::kApplicant));
  EXPECT_TRUE(t.at("SetPassphrase").roles.Contains(Role::kVerifier));
  EXPECT_FALSE(t.at("SetPassphrase").roles.Contains(Role::kAuditor));
  EXPECT_FALSE(t.at("HandOver").roles.Contains(Role::kApplicant));
  EXPECT_TRUE(t.at("GetSlaReport").services.Contains(ServiceId::kDisposition));
  EXPECT_TRUE(t.at("GetStatistics").services.empty());
  EXPECT_TRUE(t.at("ResendActivationCode").roles.Contains(Role::kApplicant));
  EXPECT_TRUE(t.at("ResendActivationCode").roles.Contains(Role::kVerifier));
  EXPECT_FALSE(t.at("ResendActivationCode").roles.Contains(Role::kAuditor));
  EXPECT_TRUE(t.at("ResendActivationCode").services.empty());
  // SOP step 5: only disposition (after the verifier) starts an enrollment; intake, which faces
  // the public, only reads one for its tracking view; no person starts one.
  EXPECT_EQ(t.at("StartEnrollment").services, ServiceSet({ServiceId::kDisposition}));
  EXPECT_TRUE(t.at("StartEnrollment").roles.empty());
  EXPECT_EQ(t.at("GetEnrollment").services, ServiceSet({ServiceId::kIntake}));
  // Issue 21: every system that receives a signed document may verify it, as CheckCertificate.
  EXPECT_EQ(t.at("VerifyDocument").roles, t.at("CheckCertificate").roles);
  EXPECT_EQ(t.size(), 12u);
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
