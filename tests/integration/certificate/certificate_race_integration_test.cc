// Issue 23's races at SOP step 6, through the real gRPC service and PostgreSQL: the CA signs at
// most one certificate per enrollment. Two SetPassphrase calls with the right code (two devices,
// two requests) arrive while the first is calling the CA: the second is ABORTED before a key
// pair is made or a try is counted, and the CA's signatures are counted. A resent code cannot
// replace the one an issuance is using, and a hold left by a request that died lapses by itself.
#include <memory>
#include <thread>

#include "enrollment_lifecycle.h"
#include "tests/integration/certificate/certificate_fixture.h"

namespace sertel::certificate::testing {
namespace {

class RaceTest : public CertificateIntegrationTest {
 protected:
  // The owner's first SetPassphrase, in its own thread, held inside the CA until Finish().
  struct HeldIssuance {
    std::thread thread;
    grpc::Status status;
    v1::Certificate certificate;
  };
  std::unique_ptr<HeldIssuance> HoldFirstIssuance(const std::string& app, const std::string& code) {
    auto held = std::make_unique<HeldIssuance>();
    counting_ca_->HoldNext();
    HeldIssuance* h = held.get();
    held->thread = std::thread([=, this] {
      h->status = SetPassphrase(ApplicantToken(), app, code, kPassphrase, &h->certificate);
    });
    EXPECT_TRUE(counting_ca_->AwaitHeld(absl::Seconds(20)))
        << "the first request never reached the CA";
    return held;
  }
  // Lets the held issuance go on; its answer.
  grpc::Status Finish(HeldIssuance& held) {
    counting_ca_->LetGo();
    held.thread.join();
    return held.status;
  }
};

TEST_F(RaceTest, ASecondSetPassphraseWhileTheFirstIsAtTheCaIsAbortedAndTheCaSignsOnce) {
  std::string code = Started("app-1");
  std::unique_ptr<HeldIssuance> first = HoldFirstIssuance("app-1", code);

  // Attack: the same owner's second device, the right code, another request.
  v1::Certificate second;
  grpc::Status s = SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &second);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED) << s.error_message();
  EXPECT_EQ(counting_ca_->signed_count(), 1);
  EXPECT_EQ(Scalar("SELECT activation_attempts FROM enrollments"), "0");  // no try spent
  // A guess meanwhile is refused the same way and spends no try either.
  s = SetPassphrase(ApplicantToken(), "app-1", "000-000", kPassphrase, &second);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED) << s.error_message();
  EXPECT_EQ(Scalar("SELECT activation_attempts FROM enrollments"), "0");

  grpc::Status answer = Finish(*first);
  ASSERT_TRUE(answer.ok()) << answer.error_message();
  EXPECT_EQ(counting_ca_->signed_count(), 1);
  EXPECT_EQ(Scalar("SELECT count(*) FROM certificates"), "1");
  EXPECT_EQ(Scalar("SELECT count(*) FROM enrollments WHERE issuing_until IS NULL"), "1");
  // Tried again after the answer: the step is done, and the CA is not called.
  s = SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &second);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_EQ(counting_ca_->signed_count(), 1);
}

TEST_F(RaceTest, ACodeCannotBeResentWhileAnIssuanceUsesIt) {
  std::string code = Started("app-1");
  std::unique_ptr<HeldIssuance> first = HoldFirstIssuance("app-1", code);
  v1::Enrollment e;
  grpc::Status s = Resend(Token("VERIFIER"), "app-1", "resend-1", &e);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED) << s.error_message();
  // The issuance that was under way is the one stored.
  grpc::Status answer = Finish(*first);
  ASSERT_TRUE(answer.ok()) << answer.error_message();
  EXPECT_EQ(Scalar("SELECT activation_codes_sent FROM enrollments"), "1");
  EXPECT_EQ(counting_ca_->signed_count(), 1);
}

TEST_F(RaceTest, AHoldLeftByARequestThatDiedLapsesByItself) {
  std::string code = Started("app-1");
  auto hold_until = [&](absl::Time at) {
    db_.Exec(absl::StrCat("UPDATE certificate.enrollments SET issuing_until = to_timestamp(",
                          absl::ToUnixSeconds(at), ")"));
  };
  hold_until(clock_.Now() + absl::Minutes(1));
  v1::Certificate c;
  grpc::Status s = SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED) << s.error_message();
  EXPECT_EQ(counting_ca_->signed_count(), 0);
  EXPECT_EQ(Scalar("SELECT activation_attempts FROM enrollments"), "0");

  hold_until(clock_.Now() - absl::Seconds(1));
  s = SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(counting_ca_->signed_count(), 1);
}

}  // namespace
}  // namespace sertel::certificate::testing
