#include "common/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sertel {
namespace {

constexpr char kRetryDelayPayload[] = "type.googleapis.com/google.rpc.RetryInfo";

}  // namespace

absl::Status RateLimiter::Take(const std::string& caller, absl::string_view what) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(caller);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxCallers) ForgetFullBuckets(now);
    it = buckets_.emplace(caller, Bucket{static_cast<double>(limit_.burst), now}).first;
  }
  Bucket& b = it->second;
  const double refilled = absl::FDivDuration(now - b.at, limit_.refill);
  b.tokens = std::min<double>(limit_.burst, b.tokens + std::max(0.0, refilled));
  b.at = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return absl::OkStatus();
  }
  const absl::Duration wait = limit_.refill * (1.0 - b.tokens);
  const int64_t seconds =
      std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1))));
  return WithRetryDelay(
      absl::ResourceExhaustedError(absl::StrCat(
          what, ": at most ", limit_.burst, " calls at once and one more every ",
          absl::FormatDuration(limit_.refill), " per caller; try again in ", seconds, " s")),
      absl::Seconds(seconds));
}

void RateLimiter::ForgetFullBuckets(absl::Time now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    bool full =
        it->second.tokens + absl::FDivDuration(now - it->second.at, limit_.refill) >= limit_.burst;
    if (full) {
      buckets_.erase(it++);
    } else {
      ++it;
    }
  }
  if (buckets_.size() >= kMaxCallers) buckets_.clear();  // a flood of callers: start afresh
}

absl::Status WithRetryDelay(absl::Status status, absl::Duration delay) {
  status.SetPayload(kRetryDelayPayload, absl::Cord(absl::StrCat(absl::ToInt64Milliseconds(delay))));
  return status;
}

std::optional<absl::Duration> RetryDelayOf(const absl::Status& status) {
  auto p = status.GetPayload(kRetryDelayPayload);
  if (!p.has_value()) return std::nullopt;
  int64_t ms = 0;
  if (!absl::SimpleAtoi(std::string(*p), &ms)) return std::nullopt;
  return absl::Milliseconds(ms);
}

}  // namespace sertel
