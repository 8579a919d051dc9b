// Attacks on SOP step 5's hand-off to the CA: only disposition-service, after the verifier's
// check, may start an enrollment. Intake faces the public and its TLS key is the likeliest to
// leak; an identity provider might be talked into a token with SERVICE. Each of these callers
// tries to enroll a name with the attacker's own NIK and email, and must be refused with
// nothing stored, no activation code queued and nothing signed.
#include "tests/integration/certificate/certificate_fixture.h"

namespace sertel::certificate::testing {
namespace {

class LeastPrivilegeTest : public CertificateIntegrationTest {
 protected:
  grpc::Status StartAs(const std::shared_ptr<grpc::Channel>& channel, const std::string& token) {
    v1::StartEnrollmentRequest req;
    req.set_application_id("3f2b1c1e-0000-4000-8000-00000000a77a");
    req.set_request_id("attacker:enroll");
    v1::Applicant attacker = TestApplicant("3171014101900009");
    attacker.set_email("attacker@example.org");
    *req.mutable_applicant() = attacker;
    auto stub = v1::CertificateService::NewStub(channel);
    auto ctx = Ctx(token);
    v1::Enrollment out;
    return stub->StartEnrollment(ctx.get(), req, &out);
  }

  void ExpectNothingHappened() {
    EXPECT_EQ(Scalar("SELECT count(*) FROM enrollments"), "0");
    EXPECT_EQ(Scalar("SELECT count(*) FROM outbox"), "0");
    EXPECT_EQ(Scalar("SELECT count(*) FROM audit_log"), "0");
    DeliverOutbox();
    EXPECT_TRUE(notifications_.sent().empty());
  }
};

TEST_F(LeastPrivilegeTest, IntakesCertificateCannotStartAnEnrollment) {
  grpc::Status s = StartAs(server_->ServiceChannel(ServiceId::kIntake), "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_NE(s.error_message().find("disposition"), std::string::npos) << s.error_message();
  ExpectNothingHappened();
}

TEST_F(LeastPrivilegeTest, NoOtherServiceCanStartAnEnrollment) {
  for (ServiceId other : {ServiceId::kCertificate, ServiceId::kNotification}) {
    grpc::Status s = StartAs(server_->ServiceChannel(other), "");
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << EnumName(other);
  }
  ExpectNothingHappened();
}

TEST_F(LeastPrivilegeTest, ATokenClaimingServiceCannotStartAnEnrollment) {
  grpc::Status s = StartAs(server_->Channel(), pki_.MintToken({"SERVICE"}, "idp-client"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  // Not even with every role a person may hold, nor over disposition's own TLS connection:
  // a present token always decides, and no person may start an enrollment.
  s = StartAs(server_->ServiceChannel(ServiceId::kDisposition),
              pki_.MintToken({"SERVICE", "VERIFIER", "OPERATOR", "HEAD_OF_AGENCY"}, "idp-client"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  ExpectNothingHappened();
}

TEST_F(LeastPrivilegeTest, ACertificateNamingNoServiceIsUnauthenticated) {
  grpc::Status s = StartAs(server_->UnnamedCertificateChannel(), "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  ExpectNothingHappened();
}

TEST_F(LeastPrivilegeTest, DispositionStartsIt) {
  grpc::Status s = StartAs(server_->ServiceChannel(ServiceId::kDisposition), "");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Scalar("SELECT count(*) FROM enrollments"), "1");
}

// Intake reads an enrollment for its tracking view, and may do nothing else here.
TEST_F(LeastPrivilegeTest, IntakeOnlyReadsEnrollments) {
  v1::Enrollment started;
  ASSERT_TRUE(Start("3f2b1c1e-0000-4000-8000-00000000a77b", TestApplicant(), &started).ok());
  auto intake = v1::CertificateService::NewStub(server_->ServiceChannel(ServiceId::kIntake));
  v1::GetEnrollmentRequest get;
  get.set_application_id("3f2b1c1e-0000-4000-8000-00000000a77b");
  v1::Enrollment e;
  auto ctx = Ctx("");
  grpc::Status s = intake->GetEnrollment(ctx.get(), get, &e);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(e.application_id(), get.application_id());

  v1::SetPassphraseRequest set;
  set.set_application_id(get.application_id());
  set.set_passphrase(kPassphrase);
  v1::Certificate cert;
  ctx = Ctx("");
  EXPECT_EQ(intake->SetPassphrase(ctx.get(), set, &cert).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetStatisticsRequest stats;
  v1::Statistics out;
  ctx = Ctx("");
  EXPECT_EQ(intake->GetStatistics(ctx.get(), stats, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace sertel::certificate::testing
