// The enrollment's life against a real PostgreSQL where the store's transaction matters: times
// are stored and read back to the microsecond (to_micros/from_micros, no double precision),
// parallel tries of the activation code never exceed the limit (the row is locked while a try is
// counted), a try is not a new version, and concurrent starts of one application make one
// enrollment and send one code.
#include <algorithm>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "tests/integration/certificate/certificate_fixture.h"

namespace sertel::certificate::testing {
namespace {

TEST_F(CertificateIntegrationTest, TimesAreStoredAndReadBackToTheMicrosecond) {
  // Within the test CA's validity: the proof of use verifies the chain at the clock's time.
  const int64_t base = absl::ToUnixSeconds(absl::Now());
  clock_.Set(absl::FromUnixSeconds(base) + absl::Nanoseconds(123456789));
  v1::Enrollment e;
  ASSERT_TRUE(Start("app-1", TestApplicant(), &e).ok());
  EXPECT_EQ(e.created_at().seconds(), base);
  EXPECT_EQ(e.created_at().nanos(), 123456000);
  EXPECT_EQ(e.activation_expires_at().seconds(), base + 72 * 3600);
  EXPECT_EQ(e.activation_expires_at().nanos(), 123456000);
  ASSERT_EQ(e.timeline_size(), 1);
  EXPECT_EQ(e.timeline(0).at().nanos(), 123456000);

  std::string code = DeliveredCode("app-1");
  clock_.Advance(absl::Microseconds(1));
  v1::Certificate c;
  ASSERT_TRUE(SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c).ok());
  clock_.Advance(absl::Seconds(90) + absl::Microseconds(1));
  ASSERT_TRUE(HandOver("app-1", v1::CHANNEL_EMAIL, &e).ok());
  EXPECT_EQ(c.proof_of_use().indication(), v1::PROOF_INDICATION_PASSED);
  EXPECT_EQ(c.proof_of_use().checked_at().nanos(), 123457000);
  ASSERT_EQ(e.timeline_size(), 3);
  EXPECT_EQ(e.timeline(1).at().nanos(), 123457000);
  EXPECT_EQ(e.timeline(2).at().nanos(), 123458000);
  EXPECT_EQ(e.timeline(2).duration().seconds(), 90);
  EXPECT_EQ(e.updated_at().nanos(), 123458000);
}

TEST_F(CertificateIntegrationTest, ParallelWrongCodesNeverExceedTheLimit) {
  v1::Enrollment e;
  ASSERT_TRUE(Start("app-1", TestApplicant(), &e).ok());
  std::string code = DeliveredCode("app-1");
  absl::Mutex mu;
  std::vector<grpc::StatusCode> codes;
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      v1::Certificate c;
      grpc::StatusCode got =
          SetPassphrase(ApplicantToken(), "app-1", "WRONG234", kPassphrase, &c).error_code();
      absl::MutexLock lock(&mu);
      codes.push_back(got);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::count(codes.begin(), codes.end(), grpc::StatusCode::INVALID_ARGUMENT), 5);
  EXPECT_EQ(std::count(codes.begin(), codes.end(), grpc::StatusCode::FAILED_PRECONDITION), 3);
  v1::Certificate c;
  EXPECT_EQ(SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(CertificateIntegrationTest, AWrongTryIsNotANewVersionOfTheEnrollment) {
  v1::Enrollment started;
  ASSERT_TRUE(Start("app-1", TestApplicant(), &started).ok());
  std::string code = DeliveredCode("app-1");
  v1::Certificate c;
  ASSERT_EQ(SetPassphrase(ApplicantToken(), "app-1", "WRONG234", kPassphrase, &c).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::GetEnrollmentRequest req;
  req.set_application_id("app-1");
  v1::Enrollment e;
  auto ctx = Ctx(Token("VERIFIER"));
  ASSERT_TRUE(stub_->GetEnrollment(ctx.get(), req, &e).ok());
  EXPECT_EQ(e.version(), started.version());
  EXPECT_EQ(e.status(), v1::ENROLLMENT_STATUS_AWAITING_PASSPHRASE);
  ASSERT_TRUE(SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c).ok());
  auto ctx2 = Ctx(Token("VERIFIER"));
  ASSERT_TRUE(stub_->GetEnrollment(ctx2.get(), req, &e).ok());
  EXPECT_EQ(e.version(), started.version() + 1);
  EXPECT_EQ(e.status(), v1::ENROLLMENT_STATUS_ISSUED);
}

TEST_F(CertificateIntegrationTest, ConcurrentStartsMakeOneEnrollmentAndSendOneCode) {
  absl::Mutex mu;
  std::vector<v1::Enrollment> got;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      v1::Enrollment e;
      grpc::Status s = Start("app-1", TestApplicant(), &e);
      EXPECT_TRUE(s.ok()) << s.error_message();
      absl::MutexLock lock(&mu);
      got.push_back(e);
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(got.size(), 4u);
  for (const v1::Enrollment& e : got) {
    EXPECT_EQ(e.version(), 1);
    EXPECT_EQ(e.created_at().seconds(), got[0].created_at().seconds());
    EXPECT_EQ(e.created_at().nanos(), got[0].created_at().nanos());
  }
  DeliverOutbox();
  EXPECT_EQ(notifications_.sent(v1::NOTIFICATION_TEMPLATE_ACTIVATION_CODE).size(), 1u);
}

}  // namespace
}  // namespace sertel::certificate::testing
