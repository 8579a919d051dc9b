// Per-caller token buckets: a burst, then one call per refill interval; callers are apart; the
// refusal says when to come back (RetryInfo) and reaches the gRPC trailer.
#include "common/rate_limiter.h"

#include "common/grpc_status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace sertel {
namespace {

TEST(RateLimiterTest, ABurstThenOnePerRefillPerCaller) {
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  RateLimiter limiter({.burst = 3, .refill = absl::Seconds(10)}, &clock);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Take("op-1", "Submit").ok()) << i;
  absl::Status refused = limiter.Take("op-1", "Submit");
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  EXPECT_EQ(RetryDelayOf(refused), absl::Seconds(10));
  EXPECT_TRUE(limiter.Take("op-2", "Submit").ok());  // another caller has their own bucket
  clock.Advance(absl::Seconds(4));
  EXPECT_EQ(RetryDelayOf(limiter.Take("op-1", "Submit")), absl::Seconds(6));
  clock.Advance(absl::Seconds(6));
  EXPECT_TRUE(limiter.Take("op-1", "Submit").ok());
  EXPECT_FALSE(limiter.Take("op-1", "Submit").ok());
  clock.Advance(absl::Hours(1));  // refills up to the burst, not beyond
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Take("op-1", "Submit").ok());
  EXPECT_FALSE(limiter.Take("op-1", "Submit").ok());
}

TEST(RateLimiterTest, TheRetryDelayTravelsAsRetryInfo) {
  grpc::Status s =
      ToGrpcStatus(WithRetryDelay(absl::ResourceExhaustedError("slow down"), absl::Seconds(7)));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(s.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::RetryInfo info;
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.retry_delay().seconds(), 7);
}

}  // namespace
}  // namespace sertel
