// Issue 15, the remedy for a locked, expired or lost activation code, through the real gRPC
// service and PostgreSQL: ResendActivationCode kills the old code, resets its tries and lock,
// sends a new code with a fresh expiry through the outbox as StartEnrollment sends the first, at
// most 3 times in 24 hours (RESOURCE_EXHAUSTED naming when the next one is allowed), idempotent
// on its required request_id, audited without the code; and wrong codes typed by the verifier at
// the desk count like the owner's.
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "common/field_violations.h"
#include "common/grpc_status.h"
#include "tests/integration/certificate/certificate_fixture.h"

namespace sertel::certificate::testing {
namespace {

int64_t ActivationCodesSent(const std::vector<v1::SendNotificationRequest>& sent,
                            const std::string& app) {
  return std::count_if(sent.begin(), sent.end(), [&](const v1::SendNotificationRequest& r) {
    return r.application_id() == app;
  });
}

class ResendTest : public CertificateIntegrationTest {
 protected:
  std::vector<v1::SendNotificationRequest> Codes() {
    DeliverOutbox();
    return notifications_.sent(v1::NOTIFICATION_TEMPLATE_ACTIVATION_CODE);
  }
  // Five wrong tries: the code is locked.
  void LockCode(const std::string& app, const std::string& token) {
    v1::Certificate c;
    for (int i = 0; i < 5; ++i) {
      ASSERT_EQ(SetPassphrase(token, app, "WRONG234", kPassphrase, &c).error_code(),
                grpc::StatusCode::INVALID_ARGUMENT)
          << i;
    }
  }
};

TEST_F(ResendTest, ALockedCodeIsReplacedTheOldOneDiesAndTheNewOneWorks) {
  v1::Enrollment started;
  ASSERT_TRUE(Start("app-1", TestApplicant(), &started).ok());
  std::string old_code = DeliveredCode("app-1");
  LockCode("app-1", ApplicantToken());
  v1::Certificate c;
  grpc::Status s = SetPassphrase(ApplicantToken(), "app-1", old_code, kPassphrase, &c);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  // The error names the remedy.
  EXPECT_TRUE(absl::StrContains(s.error_message(), "locked")) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "ResendActivationCode")) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "ask the verifier to resend the code"))
      << s.error_message();

  clock_.Advance(absl::Hours(2));
  v1::Enrollment e;
  s = Resend(Token("VERIFIER"), "app-1", "desk-resend-1", &e);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(e.status(), v1::ENROLLMENT_STATUS_AWAITING_PASSPHRASE);
  EXPECT_EQ(e.version(), started.version() + 1);
  EXPECT_EQ(e.activation_resends_left(), 2);
  // A fresh expiry from now, not from the first code.
  EXPECT_EQ(e.activation_expires_at().seconds(),
            absl::ToUnixSeconds(clock_.Now() + absl::Hours(72)));
  ASSERT_GE(e.timeline_size(), 2);
  EXPECT_EQ(e.timeline(e.timeline_size() - 1).action(), "ACTIVATION_CODE_RESENT");
  EXPECT_EQ(e.timeline(e.timeline_size() - 1).step(), v1::STEP_PASSPHRASE);
  EXPECT_EQ(e.timeline(e.timeline_size() - 1).actor_role(), "VERIFIER");

  // Sent to the owner as the first one was, as its own message.
  std::vector<v1::SendNotificationRequest> sent = Codes();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].request_id(), "certificate:activation:app-1:2");
  EXPECT_EQ(sent[1].application_id(), "app-1");
  EXPECT_EQ(sent[1].channel(), v1::CHANNEL_EMAIL);
  EXPECT_EQ(sent[1].recipient(), "siti.aminah@kota.go.id");
  EXPECT_EQ(sent[1].params().at("full_name"), "Siti Aminah Putri");
  EXPECT_EQ(sent[1].params().at("expires_at"), Rfc3339(clock_.Now() + absl::Hours(72)));
  std::string new_code = sent[1].params().at("activation_code");
  ASSERT_EQ(new_code.size(), 8u);
  EXPECT_NE(new_code, old_code);

  // The old code fails like any wrong code, and the counter was reset: 4 tries left after it.
  s = SetPassphrase(ApplicantToken(), "app-1", old_code, kPassphrase, &c);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "4 tries left")) << s.error_message();
  s = SetPassphrase(ApplicantToken(), "app-1", new_code, kPassphrase, &c);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(c.status(), v1::CERTIFICATE_STATUS_VALID);
  EXPECT_EQ(Enrollment("app-1").activation_resends_left(), 0);  // ISSUED: nothing to resend
}

TEST_F(ResendTest, AnExpiredCodeIsReplacedByTheOwnerWithAFreshExpiry) {
  v1::Enrollment e;
  ASSERT_TRUE(Start("app-1", TestApplicant(), &e).ok());
  std::string old_code = DeliveredCode("app-1");
  clock_.Advance(absl::Hours(73));
  v1::Certificate c;
  grpc::Status s = SetPassphrase(ApplicantToken(), "app-1", old_code, kPassphrase, &c);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "expired")) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "ResendActivationCode")) << s.error_message();

  s = Resend(ApplicantToken(), "app-1", "owner-resend-1", &e);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(e.activation_expires_at().seconds(),
            absl::ToUnixSeconds(clock_.Now() + absl::Hours(72)));
  EXPECT_EQ(e.timeline(e.timeline_size() - 1).actor_role(), "APPLICANT");
  std::string new_code = LatestCode("app-1");
  EXPECT_NE(new_code, old_code);
  EXPECT_EQ(SetPassphrase(ApplicantToken(), "app-1", old_code, kPassphrase, &c).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  s = SetPassphrase(ApplicantToken(), "app-1", new_code, kPassphrase, &c);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(ResendTest, AtMostThreeResendsIn24HoursThenResourceExhaustedWithTheNextTime) {
  v1::Enrollment e;
  ASSERT_TRUE(Start("app-1", TestApplicant(), &e).ok());
  EXPECT_EQ(e.activation_resends_left(), 3);
  EXPECT_EQ(Enrollment("app-1").activation_resends_left(), 3);
  const absl::Time first = clock_.Now() + absl::Minutes(10);
  clock_.Set(first);
  for (int i = 0; i < 3; ++i) {
    grpc::Status s = Resend(Token("VERIFIER"), "app-1", absl::StrCat("resend-", i), &e);
    ASSERT_TRUE(s.ok()) << i << " " << s.error_message();
    EXPECT_EQ(e.activation_resends_left(), 2 - i);
    clock_.Advance(absl::Hours(1));
  }
  EXPECT_EQ(Enrollment("app-1").activation_resends_left(), 0);
  const int64_t version = Enrollment("app-1").version();
  ASSERT_EQ(ActivationCodesSent(Codes(), "app-1"), 4);

  v1::Enrollment refused;
  grpc::Status s = Resend(Token("VERIFIER"), "app-1", "resend-3", &refused);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // The message says when the next one is allowed: 24 hours after the oldest of the three.
  EXPECT_TRUE(absl::StrContains(s.error_message(), Rfc3339(first + absl::Hours(24))))
      << s.error_message();
  // Nothing changed: no new version, no new code.
  EXPECT_EQ(Enrollment("app-1").version(), version);
  EXPECT_EQ(ActivationCodesSent(Codes(), "app-1"), 4);
  EXPECT_EQ(Scalar("SELECT count(*) FROM request_keys WHERE request_id = 'resend-3'"), "0");

  // Once the oldest leaves the window, one more.
  clock_.Set(first + absl::Hours(24) + absl::Seconds(1));
  EXPECT_EQ(Enrollment("app-1").activation_resends_left(), 1);
  s = Resend(Token("VERIFIER"), "app-1", "resend-4", &e);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(e.activation_resends_left(), 0);
  EXPECT_EQ(ActivationCodesSent(Codes(), "app-1"), 5);
}

TEST_F(ResendTest, TheRequestIdIsRequiredAndTheSameKeySendsNoSecondCode) {
  v1::Enrollment e;
  ASSERT_TRUE(Start("app-1", TestApplicant(), &e).ok());
  ASSERT_TRUE(Start("app-2", TestApplicant("3171014101900002"), &e).ok());
  grpc::Status s = Resend(Token("VERIFIER"), "app-1", "", &e);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<FieldViolation> v = FieldViolations::FromStatus(FromGrpcStatus(s));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "request_id");
  EXPECT_EQ(Resend(Token("VERIFIER"), "app-1", "bad key!", &e).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::Enrollment first, again;
  ASSERT_TRUE(Resend(Token("VERIFIER"), "app-1", "k-1", &first).ok());
  clock_.Advance(absl::Minutes(1));
  s = Resend(Token("VERIFIER"), "app-1", "k-1", &again);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(again.version(), first.version());
  EXPECT_EQ(again.activation_expires_at().seconds(), first.activation_expires_at().seconds());
  EXPECT_EQ(again.activation_resends_left(), 2);
  EXPECT_EQ(ActivationCodesSent(Codes(), "app-1"), 2);  // the first code and ONE resend
  EXPECT_EQ(Scalar("SELECT count(*) FROM audit_log WHERE action = 'ACTIVATION_CODE_RESENT'"), "1");

  // The same key for another application is another request.
  s = Resend(Token("VERIFIER"), "app-2", "k-1", &e);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << s.error_message();
  EXPECT_EQ(ActivationCodesSent(Codes(), "app-2"), 1);
  EXPECT_EQ(Enrollment("app-2").version(), 1);
}

TEST_F(ResendTest, ResendIsForTheVerifierAndTheOwnerWhileAwaitingThePassphrase) {
  v1::Enrollment e;
  ASSERT_TRUE(Start("app-1", TestApplicant(), &e).ok());
  EXPECT_EQ(Resend(ApplicantToken("3171014101900002"), "app-1", "x-1", &e).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Resend(Token("AUDITOR"), "app-1", "x-2", &e).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Resend("", "app-1", "x-3", &e).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Resend(Token("VERIFIER"), "nope", "x-4", &e).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ActivationCodesSent(Codes(), "app-1"), 1);

  std::string code = DeliveredCode("app-1");
  v1::Certificate c;
  ASSERT_TRUE(SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c).ok());
  grpc::Status s = Resend(Token("VERIFIER"), "app-1", "x-5", &e);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "ISSUED")) << s.error_message();
  EXPECT_EQ(ActivationCodesSent(Codes(), "app-1"), 1);
}

TEST_F(ResendTest, TheResendIsAuditedAndNoCodeReachesATableTheAuditOrTheLog) {
  v1::Enrollment e;
  ASSERT_TRUE(Start("app-1", TestApplicant(), &e).ok());
  std::string old_code = DeliveredCode("app-1");
  ASSERT_TRUE(Resend(Token("VERIFIER"), "app-1", "audit-1", &e).ok());
  std::string new_code = LatestCode("app-1");
  EXPECT_EQ(Scalar("SELECT actor_role FROM audit_log WHERE action = 'ACTIVATION_CODE_RESENT'"),
            "VERIFIER");
  std::string details =
      Scalar("SELECT details FROM audit_log WHERE action = 'ACTIVATION_CODE_RESENT'");
  EXPECT_TRUE(absl::StrContains(details, "codes_sent")) << details;
  std::string dump = db_.DumpSchema("certificate");
  ASSERT_TRUE(absl::StrContains(dump, "ACTIVATION_CODE_RESENT"));
  for (const std::string& code : {old_code, new_code}) {
    EXPECT_FALSE(absl::StrContains(dump, code)) << "a code is in a table";
    EXPECT_FALSE(absl::StrContains(absl::AsciiStrToLower(dump),
                                   absl::AsciiStrToLower(absl::BytesToHexString(code))))
        << "a code is in a table";
    EXPECT_FALSE(absl::StrContains(ReadText(log_file_), code)) << "a code is in the log";
  }
}

// Issue 15: "Wrong codes typed by a VERIFIER at the desk count like the owner's" - one counter,
// one lock, whoever types.
TEST_F(ResendTest, WrongCodesTypedByTheVerifierCountAndLockLikeTheOwners) {
  v1::Enrollment e;
  ASSERT_TRUE(Start("app-1", TestApplicant(), &e).ok());
  std::string code = DeliveredCode("app-1");
  v1::Certificate c;
  grpc::Status s = SetPassphrase(Token("VERIFIER"), "app-1", "WRONG234", kPassphrase, &c);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "4 tries left")) << s.error_message();
  // The owner's next wrong try continues the same count.
  s = SetPassphrase(ApplicantToken(), "app-1", "WRONG234", kPassphrase, &c);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "3 tries left")) << s.error_message();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(SetPassphrase(Token("VERIFIER"), "app-1", "WRONG234", kPassphrase, &c).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  // Locked for both, even with the right code.
  s = SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "locked")) << s.error_message();
  s = SetPassphrase(Token("VERIFIER"), "app-1", code, kPassphrase, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Scalar("SELECT activation_attempts FROM enrollments WHERE application_id = 'app-1'"),
            "5");
  EXPECT_EQ(Scalar("SELECT count(*) FROM audit_log WHERE action = 'ACTIVATION_CODE_WRONG' "
                   "AND actor_role = 'VERIFIER'"),
            "4");
  EXPECT_EQ(Scalar("SELECT count(*) FROM audit_log WHERE action = 'ACTIVATION_CODE_WRONG' "
                   "AND actor_role = 'APPLICANT'"),
            "1");
}

TEST_F(ResendTest, FiveWrongCodesByTheVerifierAloneLockTheOwnersCode) {
  v1::Enrollment e;
  ASSERT_TRUE(Start("app-1", TestApplicant(), &e).ok());
  std::string code = DeliveredCode("app-1");
  LockCode("app-1", Token("VERIFIER"));
  v1::Certificate c;
  grpc::Status s = SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "locked")) << s.error_message();
  EXPECT_EQ(Scalar("SELECT count(*) FROM certificates"), "0");
}

}  // namespace
}  // namespace sertel::certificate::testing
