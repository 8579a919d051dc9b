// Token verification once per token (issue 22): the claims of tokens that verified, keyed by
// the SHA-256 of the whole token, with the key set that verified them. A caller that reuses its
// token (every service and most clients do, until it expires) pays RS256 once, not per call.
// An entry is only good while the key source still answers the same key set for the token's
// kid (a JWKS refresh or rotation makes every entry verify again) and while the claims' exp and
// nbf still pass (JwtVerifier checks them on every hit): never beyond the token's exp, never
// beyond the key set's validity. Only verified tokens go in; bounded by `capacity` (when full,
// expired entries are swept, at most once a second, then an arbitrary one makes room).
//
//   VerifiedTokenCache cache(4096);
//   if (std::optional<VerifiedToken> hit = cache.Find(digest)) ...
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/jwt.h"

namespace sertel {

struct VerifiedToken {
  JwtClaims claims{};
  std::optional<std::string> kid{};         // the header's kid
  std::shared_ptr<const JwtKeySet> keys{};  // the key set that verified it
};

class VerifiedTokenCache {
 public:
  explicit VerifiedTokenCache(size_t capacity) : capacity_(capacity) {}

  // `digest`: SHA-256 of the token (raw).
  std::optional<VerifiedToken> Find(const std::string& digest) const;
  // `now` decides which entries are expired when room must be made.
  void Insert(const std::string& digest, VerifiedToken token, absl::Time now);
  void Erase(const std::string& digest);
  size_t size() const;
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }

 private:
  static constexpr absl::Duration kSweepInterval = absl::Seconds(1);

  const size_t capacity_;
  mutable std::atomic<uint64_t> hits_{0};
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, VerifiedToken> entries_ ABSL_GUARDED_BY(mu_);
  absl::Time next_sweep_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace sertel
