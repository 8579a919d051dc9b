// Per-caller rate limits (issue 16, "abuse limits"): a token bucket per caller (the token's
// `sub`), kept in memory by each replica, so with N replicas a caller gets at most N times the
// limit. A call that finds the bucket empty is RESOURCE_EXHAUSTED with a google.rpc.RetryInfo
// saying when the next one is allowed, and changes nothing.
//
//   RateLimiter submits({.burst = 10, .refill = absl::Seconds(6)}, clock);
//   if (absl::Status s = submits.Take(caller.sub, "SubmitApplication"); !s.ok()) return s;
#pragma once

#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace sertel {

class RateLimiter {
 public:
  struct Limit {
    int burst = 10;                            // calls allowed at once
    absl::Duration refill = absl::Seconds(6);  // one more call allowed per this time
  };
  // At most this many callers are remembered; beyond it, full buckets are forgotten first.
  static constexpr size_t kMaxCallers = 100000;

  explicit RateLimiter(Limit limit, const Clock* clock = SystemClock::Default())
      : limit_(limit), clock_(clock) {}

  absl::Status Take(const std::string& caller, absl::string_view what);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time at;
  };
  void ForgetFullBuckets(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Limit limit_;
  const Clock* clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

// `status` carrying a google.rpc.RetryInfo of `delay` (ToGrpcStatus sends it in the
// grpc-status-details-bin trailer; RetryDelayOf reads it back).
absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);
std::optional<absl::Duration> RetryDelayOf(const absl::Status& status);

}  // namespace sertel
