// Issue 15, idempotency where a caller may retry after a lost reply, through the real gRPC
// service and PostgreSQL: `request_id` on SetPassphrase, HandOver and RevokeCertificate. The
// same key with the same request returns the first answer and does nothing again (one
// certificate, one notice, one revocation); another request under it is ALREADY_EXISTS; keys are
// scoped per RPC; no key keeps today's behaviour; only a keyed hash of the request is stored
// (never the passphrase or the code); the same key arriving twice at once issues once; a claim
// left by a failed or crashed SetPassphrase does not block the key.
#include <algorithm>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "request_keys.h"
#include "tests/integration/certificate/certificate_fixture.h"

namespace sertel::certificate::testing {
namespace {

class IdempotencyTest : public CertificateIntegrationTest {
 protected:
  int Handovers(const std::string& app) {
    DeliverOutbox();
    int n = 0;
    for (const auto& r : notifications_.sent(v1::NOTIFICATION_TEMPLATE_CERTIFICATE_HANDOVER)) {
      if (r.application_id() == app) ++n;
    }
    return n;
  }
  int ProgressReports(const std::string& app, v1::ApplicationStatus status) {
    DeliverOutbox();
    int n = 0;
    for (const auto& r : intake_.reports(app)) {
      if (r.status() == status) ++n;
    }
    return n;
  }
  std::string Audits(const std::string& action) {
    return Scalar("SELECT count(*) FROM audit_log WHERE action = '" + action + "'");
  }
};

TEST_F(IdempotencyTest, SetPassphraseRepeatedWithItsKeyAnswersTheSameCertificateAndIssuesOnce) {
  std::string code = Started("app-1");
  v1::Certificate first, again;
  grpc::Status s = SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &first, "sp-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  clock_.Advance(absl::Minutes(1));
  s = SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &again, "sp-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(again.serial(), first.serial());
  EXPECT_EQ(again.sha256_fingerprint(), first.sha256_fingerprint());
  EXPECT_EQ(again.certificate_pem(), first.certificate_pem());
  EXPECT_EQ(again.status(), v1::CERTIFICATE_STATUS_VALID);
  // Nothing was done again: one certificate, one issue in the audit, no try (the code was
  // right), one report.
  EXPECT_EQ(Scalar("SELECT count(*) FROM certificates"), "1");
  EXPECT_EQ(Audits("CERTIFICATE_ISSUED"), "1");
  EXPECT_EQ(Scalar("SELECT activation_attempts FROM enrollments"), "0");
  EXPECT_EQ(ProgressReports("app-1", v1::APPLICATION_STATUS_ISSUED), 1);
  EXPECT_EQ(Scalar("SELECT state FROM request_keys WHERE request_id = 'sp-1'"), "DONE");

  // The same key with another passphrase or another code is another request.
  EXPECT_EQ(
      SetPassphrase(ApplicantToken(), "app-1", code, "Another#Pass9x", &again, "sp-1").error_code(),
      grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(SetPassphrase(ApplicantToken(), "app-1", "AAAAAAAA", kPassphrase, &again, "sp-1")
                .error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  // Without a key a repeat is what it was: the code is single-use.
  EXPECT_EQ(SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &again).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // A repeat is still checked for its caller: another applicant gets nothing.
  EXPECT_EQ(
      SetPassphrase(ApplicantToken("3171014101900002"), "app-1", code, kPassphrase, &again, "sp-1")
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Scalar("SELECT count(*) FROM certificates"), "1");
}

TEST_F(IdempotencyTest, OnlyAKeyedHashOfTheRequestIsStoredNeverThePassphraseOrTheCode) {
  std::string code = Started("app-1");
  v1::Certificate c;
  ASSERT_TRUE(SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c, "sp-secret").ok());
  EXPECT_EQ(Scalar("SELECT length(request_hash) FROM request_keys"), "32");
  std::string dump = db_.DumpSchema("certificate");
  ASSERT_TRUE(absl::StrContains(dump, "sp-secret"));  // the dump holds the key row
  for (const std::string& secret : {std::string(kPassphrase), code}) {
    EXPECT_FALSE(absl::StrContains(dump, secret)) << "a secret is in a table";
    EXPECT_FALSE(absl::StrContains(absl::AsciiStrToLower(dump),
                                   absl::AsciiStrToLower(absl::BytesToHexString(secret))))
        << "a secret is in a table";
  }
  EXPECT_FALSE(absl::StrContains(ReadText(log_file_), kPassphrase));
}

TEST_F(IdempotencyTest, HandOverRepeatedWithItsKeySendsOneNotice) {
  Issue("app-1");
  v1::Enrollment first, again;
  grpc::Status s = HandOver("app-1", v1::CHANNEL_EMAIL, &first, "VERIFIER", "ho-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  s = HandOver("app-1", v1::CHANNEL_EMAIL, &again, "VERIFIER", "ho-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(again.status(), v1::ENROLLMENT_STATUS_HANDED_OVER);
  EXPECT_EQ(again.version(), first.version());
  EXPECT_EQ(again.timeline_size(), first.timeline_size());
  EXPECT_EQ(Handovers("app-1"), 1);
  EXPECT_EQ(Audits("CERTIFICATE_HANDED_OVER"), "1");
  EXPECT_EQ(ProgressReports("app-1", v1::APPLICATION_STATUS_HANDED_OVER), 1);
  // Another channel under the same key is another request; without a key, a wrong step.
  EXPECT_EQ(HandOver("app-1", v1::CHANNEL_WHATSAPP, &again, "VERIFIER", "ho-1").error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(HandOver("app-1", v1::CHANNEL_EMAIL, &again).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Handovers("app-1"), 1);
}

TEST_F(IdempotencyTest, RevokeRepeatedWithItsKeyRevokesOnceAndAnswersTheRevokedCertificate) {
  v1::Certificate c = Issue("app-1");
  v1::Certificate c2 = Issue("app-2", TestApplicant("3171014101900002"));
  v1::Certificate first, again;
  grpc::Status s =
      Revoke(c.serial(), v1::REVOCATION_REASON_KEY_COMPROMISE, &first, "VERIFIER", "rv-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::string crl_number = Scalar("SELECT crl_number FROM crl");
  clock_.Advance(absl::Minutes(5));
  s = Revoke(c.serial(), v1::REVOCATION_REASON_KEY_COMPROMISE, &again, "VERIFIER", "rv-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(again.serial(), first.serial());
  EXPECT_EQ(again.status(), v1::CERTIFICATE_STATUS_REVOKED);
  EXPECT_EQ(again.revoked_at().seconds(), first.revoked_at().seconds());
  EXPECT_EQ(Scalar("SELECT crl_number FROM crl"), crl_number);  // no second CRL
  EXPECT_EQ(Audits("CERTIFICATE_REVOKED"), "1");
  EXPECT_EQ(ProgressReports("app-1", v1::APPLICATION_STATUS_REVOKED), 1);
  // Another reason, or another certificate, under the same key: ALREADY_EXISTS, nothing revoked.
  EXPECT_EQ(
      Revoke(c.serial(), v1::REVOCATION_REASON_SUPERSEDED, &again, "VERIFIER", "rv-1").error_code(),
      grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Revoke(c2.serial(), v1::REVOCATION_REASON_KEY_COMPROMISE, &again, "VERIFIER", "rv-1")
                .error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Scalar("SELECT count(*) FROM certificates WHERE revoked_at IS NOT NULL"), "1");
  // Without a key a second revocation is what it was.
  EXPECT_EQ(Revoke(c.serial(), v1::REVOCATION_REASON_KEY_COMPROMISE, &again).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(IdempotencyTest, KeysAreScopedPerRpcAndMustBeWellFormed) {
  std::string code = Started("app-1");
  v1::Certificate c;
  ASSERT_TRUE(SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c, "same-key").ok());
  v1::Enrollment e;
  ASSERT_TRUE(HandOver("app-1", v1::CHANNEL_EMAIL, &e, "VERIFIER", "same-key").ok());
  v1::Certificate r;
  ASSERT_TRUE(
      Revoke(c.serial(), v1::REVOCATION_REASON_SUPERSEDED, &r, "VERIFIER", "same-key").ok());
  EXPECT_EQ(Scalar("SELECT count(*) FROM request_keys WHERE request_id = 'same-key'"), "3");

  std::string too_long(129, 'k');
  for (const std::string& bad : {std::string("has space"), std::string("semi;colon"), too_long}) {
    EXPECT_EQ(SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c, bad).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT)
        << bad;
    EXPECT_EQ(HandOver("app-1", v1::CHANNEL_EMAIL, &e, "VERIFIER", bad).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT)
        << bad;
    EXPECT_EQ(
        Revoke(c.serial(), v1::REVOCATION_REASON_SUPERSEDED, &r, "VERIFIER", bad).error_code(),
        grpc::StatusCode::INVALID_ARGUMENT)
        << bad;
  }
}

// The same key arriving twice at once: one issues; the others answer its certificate or ABORTED
// (the first is still issuing) - never a second certificate.
TEST_F(IdempotencyTest, TheSameSetPassphraseArrivingConcurrentlyIssuesOnce) {
  std::string code = Started("app-1");
  absl::Mutex mu;
  std::vector<grpc::Status> statuses;
  std::vector<std::string> serials;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      v1::Certificate c;
      grpc::Status s = SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c, "race-1");
      absl::MutexLock lock(&mu);
      statuses.push_back(s);
      if (s.ok()) serials.push_back(c.serial());
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_FALSE(serials.empty());
  for (const grpc::Status& s : statuses) {
    EXPECT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::ABORTED)
        << s.error_code() << " " << s.error_message();
  }
  for (const std::string& serial : serials) EXPECT_EQ(serial, serials[0]);
  EXPECT_EQ(Scalar("SELECT count(*) FROM certificates"), "1");
  EXPECT_EQ(Audits("CERTIFICATE_ISSUED"), "1");
  // Retried after the race: the winner's certificate.
  v1::Certificate c;
  ASSERT_TRUE(SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c, "race-1").ok());
  EXPECT_EQ(c.serial(), serials[0]);
}

TEST_F(IdempotencyTest, TheSameHandOverArrivingConcurrentlySendsOneNotice) {
  Issue("app-1");
  absl::Mutex mu;
  std::vector<v1::Enrollment> answers;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      v1::Enrollment e;
      grpc::Status s = HandOver("app-1", v1::CHANNEL_EMAIL, &e, "VERIFIER", "race-ho");
      EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
      absl::MutexLock lock(&mu);
      if (s.ok()) answers.push_back(e);
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(answers.size(), 4u);
  for (const v1::Enrollment& e : answers) {
    EXPECT_EQ(e.status(), v1::ENROLLMENT_STATUS_HANDED_OVER);
    EXPECT_EQ(e.version(), answers[0].version());
  }
  EXPECT_EQ(Handovers("app-1"), 1);
  EXPECT_EQ(Audits("CERTIFICATE_HANDED_OVER"), "1");
}

// A claim the first call still holds makes the second wait (ABORTED); a claim left behind by a
// call that crashed is taken over once it is older than kRequestClaimLifetime.
TEST_F(IdempotencyTest, AClaimLeftBehindBlocksOnlyUntilItIsStale) {
  std::string code = Started("app-1");
  std::string passphrase = kPassphrase;
  absl::StatusOr<std::optional<RequestKey>> key =
      MakeRequestKey(store_.get(), "SetPassphrase", "sp-crash", {"app-1", code, passphrase});
  ASSERT_TRUE(key.ok() && key->has_value()) << key.status();
  auto claim_at = [&](absl::Time at) {
    db_.Exec(absl::StrCat(
        "INSERT INTO certificate.request_keys (rpc, request_id, request_hash, application_id, "
        "state, claim, claimed_at) VALUES ('SetPassphrase', 'sp-crash', '\\x",
        absl::BytesToHexString((*key)->request_hash), "', 'app-1', 'CLAIMED', 'crashed', ",
        "to_timestamp(", absl::ToUnixSeconds(at), ")) ON CONFLICT (rpc, request_id) DO UPDATE ",
        "SET claimed_at = EXCLUDED.claimed_at"));
  };
  claim_at(clock_.Now() - absl::Minutes(1));
  v1::Certificate c;
  grpc::Status s = SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c, "sp-crash");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED) << s.error_message();
  EXPECT_EQ(Scalar("SELECT count(*) FROM certificates"), "0");
  EXPECT_EQ(Scalar("SELECT activation_attempts FROM enrollments"), "0");  // no try spent

  claim_at(clock_.Now() - kRequestClaimLifetime - absl::Seconds(1));
  s = SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c, "sp-crash");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Scalar("SELECT state FROM request_keys WHERE request_id = 'sp-crash'"), "DONE");
  EXPECT_EQ(Scalar("SELECT count(*) FROM certificates"), "1");
}

// A CA that is down: the key pair is made, the certificate is not.
class DownCa final : public ForwardingCa {
 public:
  using ForwardingCa::ForwardingCa;
  absl::StatusOr<IssuedCertificate> Issue(const IssueRequest&) override {
    return absl::UnavailableError("the CA is unreachable");
  }
};

TEST_F(IdempotencyTest, AFailedIssuanceGivesItsClaimUpSoTheSameRequestCanBeRetried) {
  std::string code = Started("app-1");
  DownCa down(ca_.get());
  EnrollmentManager failing(store_.get(), &down, codes_.get(), KeyGenerator(KeyAlgorithm::kEcP256),
                            Pkcs12Sealer({.iterations = 2048}), ManagerSettings{}, &clock_);
  Principal verifier{.sub = "verifier-1", .nik = "", .roles = {Role::kVerifier}};
  std::string passphrase = kPassphrase;
  absl::StatusOr<CertificateView> failed =
      failing.SetPassphrase(verifier, "app-1", code, passphrase, "sp-retry");
  ASSERT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
  EXPECT_EQ(Scalar("SELECT count(*) FROM request_keys"), "0");
  EXPECT_EQ(Scalar("SELECT status FROM enrollments"), "AWAITING_PASSPHRASE");
  // The retry with the same key, once the CA is back, issues.
  v1::Certificate c;
  grpc::Status s = SetPassphrase(Token("VERIFIER"), "app-1", code, kPassphrase, &c, "sp-retry");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Scalar("SELECT count(*) FROM certificates"), "1");
}

// Issue 23's crash run: an issuance that fails with the right code (here the CA is down; in the
// run, the service killed or the database restarted mid-issuance) spends no try, so however
// often it fails the owner is never told the right code is "locked after too many wrong tries".
TEST_F(IdempotencyTest, FailedIssuancesWithTheRightCodeNeverLockTheCode) {
  std::string code = Started("app-1");
  DownCa down(ca_.get());
  EnrollmentManager failing(store_.get(), &down, codes_.get(), KeyGenerator(KeyAlgorithm::kEcP256),
                            Pkcs12Sealer({.iterations = 2048}), ManagerSettings{}, &clock_);
  Principal owner{.sub = "applicant-1", .nik = TestApplicant().nik(), .roles = {Role::kApplicant}};
  for (int i = 0; i < ManagerSettings{}.activation_max_attempts + 2; ++i) {
    std::string passphrase = kPassphrase;
    absl::StatusOr<CertificateView> failed =
        failing.SetPassphrase(owner, "app-1", code, passphrase, absl::StrCat("sp-", i));
    ASSERT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << i << failed.status();
  }
  EXPECT_EQ(Scalar("SELECT activation_attempts FROM enrollments"), "0");
  EXPECT_EQ(Audits("ACTIVATION_CODE_WRONG"), "0");
  v1::Certificate c;
  grpc::Status s = SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c, "sp-last");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Scalar("SELECT status FROM enrollments"), "ISSUED");
}

}  // namespace
}  // namespace sertel::certificate::testing
