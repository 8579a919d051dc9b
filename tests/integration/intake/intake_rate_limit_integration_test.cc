// Abuse limit on SOP step 1: one caller (a front-desk account, or a script holding one token)
// submitting faster than the limit is RESOURCE_EXHAUSTED with a RetryInfo, and the refused call
// stores nothing; another caller is not affected.
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/integration/intake/intake_fixture.h"

namespace sertel::intake::itest {
namespace {

TEST_F(IntakeFixture, SubmittingFasterThanTheLimitIsResourceExhaustedAndStoresNothing) {
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  RateLimiter limiter({.burst = 2, .refill = absl::Seconds(30)}, &clock);
  impl_->SetSubmitLimiter(&limiter);
  const std::string op = pki_.MintToken({"OPERATOR"}, "loket-1");
  v1::Application a;
  ASSERT_TRUE(Submit(testdata::ValidRequest("rl-1", "3171014101900002"), op, &a).ok());
  ASSERT_TRUE(Submit(testdata::ValidRequest("rl-2", "3171014101900003"), op, &a).ok());
  grpc::Status s = Submit(testdata::ValidRequest("rl-3", "3171014101900004"), op, &a);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(s.error_details()));
  google::rpc::RetryInfo info;
  ASSERT_EQ(details.details_size(), 1);
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.retry_delay().seconds(), 30);
  EXPECT_EQ(Count("SELECT count(*) FROM applications"), 2);

  // Another caller has a bucket of their own; the first one may go on after the delay.
  EXPECT_TRUE(Submit(testdata::ValidRequest("rl-4", "3171014101900005"),
                     ApplicantToken("3171014101900005"), &a)
                  .ok());
  clock.Advance(absl::Seconds(30));
  EXPECT_TRUE(Submit(testdata::ValidRequest("rl-3", "3171014101900004"), op, &a).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM applications"), 4);
  impl_->SetSubmitLimiter(nullptr);
}

}  // namespace
}  // namespace sertel::intake::itest
