#include "common/verified_token_cache.h"

namespace sertel {

std::optional<VerifiedToken> VerifiedTokenCache::Find(const std::string& digest) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(digest);
  if (it == entries_.end()) return std::nullopt;
  hits_.fetch_add(1, std::memory_order_relaxed);
  return it->second;
}

void VerifiedTokenCache::Insert(const std::string& digest, VerifiedToken token, absl::Time now) {
  if (capacity_ == 0) return;
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= capacity_ && !entries_.contains(digest)) {
    // A sweep walks every entry: at most once a second, so that a full cache of live tokens does
    // not make each new token pay for a walk.
    if (now >= next_sweep_) {
      next_sweep_ = now + kSweepInterval;
      const int64_t now_s = absl::ToUnixSeconds(now);
      for (auto it = entries_.begin(); it != entries_.end();) {
        if (it->second.claims.exp < now_s) {
          entries_.erase(it++);
        } else {
          ++it;
        }
      }
    }
    if (entries_.size() >= capacity_) entries_.erase(entries_.begin());
  }
  entries_.insert_or_assign(digest, std::move(token));
}

void VerifiedTokenCache::Erase(const std::string& digest) {
  absl::MutexLock lock(&mu_);
  entries_.erase(digest);
}

size_t VerifiedTokenCache::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace sertel
