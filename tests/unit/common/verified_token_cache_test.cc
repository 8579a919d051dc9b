// Token verification once per token (issue 22): a reused token is taken from the cache; a
// cached token still expires at its exp; a key rotation (the source answers another key set)
// makes it verify again, and a token whose key is gone is refused; a forged token is never
// cached; the cache stays within its capacity.
#include "common/verified_token_cache.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "common/jwt.h"
#include "gtest/gtest.h"

namespace sertel {
namespace {

constexpr int64_t kNow = 1700000000;

std::string NewPrivatePem() {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

JwtKey PublicKeyOf(const std::string& private_pem, const std::string& kid) {
  absl::StatusOr<EvpPkeyPtr> key = LoadPrivateKeyPem(private_pem);
  EXPECT_TRUE(key.ok());
  return *JwtKey::From(*std::move(key), kid);
}

// A key source whose key set the test replaces (a JWKS rotation).
class SwappableKeys final : public JwtKeySource {
 public:
  void Set(JwtKeySet keys) {
    absl::MutexLock lock(&mu_);
    keys_ = std::make_shared<const JwtKeySet>(std::move(keys));
  }
  std::shared_ptr<const JwtKeySet> KeysFor(std::optional<absl::string_view>) override {
    absl::MutexLock lock(&mu_);
    return keys_;
  }

 private:
  absl::Mutex mu_;
  std::shared_ptr<const JwtKeySet> keys_ = std::make_shared<const JwtKeySet>();
};

class VerifiedTokenCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pem_ = NewPrivatePem();
    keys_ = std::make_shared<SwappableKeys>();
    JwtKeySet set;
    set.push_back(PublicKeyOf(pem_, "k1"));
    keys_->Set(std::move(set));
    signer_ = *JwtSigner::FromPem(pem_, "k1");
    verifier_ = Verifier(4096);
  }

  std::unique_ptr<JwtVerifier> Verifier(size_t capacity) {
    return *JwtVerifier::Create(keys_, {.issuer = "iss", .cache_capacity = capacity}, &clock_);
  }

  std::string Token(const std::string& sub, int64_t exp = kNow + 300) {
    return signer_->Sign({.iss = "iss", .sub = sub, .aud = {"sertel"}, .exp = exp});
  }

  FakeClock clock_{absl::FromUnixSeconds(kNow)};
  std::string pem_;
  std::shared_ptr<SwappableKeys> keys_;
  std::unique_ptr<JwtSigner> signer_;
  std::unique_ptr<JwtVerifier> verifier_;
};

TEST_F(VerifiedTokenCacheTest, AReusedTokenIsTakenFromTheCache) {
  const std::string token = Token("verifier-1");
  ASSERT_TRUE(verifier_->Verify(token).ok());
  EXPECT_EQ(verifier_->cache().hits(), 0u);
  absl::StatusOr<JwtClaims> again = verifier_->Verify(token);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->sub, "verifier-1");
  EXPECT_EQ(verifier_->cache().hits(), 1u);
}

TEST_F(VerifiedTokenCacheTest, ACachedTokenStillExpiresAtItsExp) {
  const std::string token = Token("verifier-1", kNow + 60);
  ASSERT_TRUE(verifier_->Verify(token).ok());
  clock_.Advance(absl::Seconds(60 + 31));  // past exp and the 30 s leeway
  absl::StatusOr<JwtClaims> late = verifier_->Verify(token);
  EXPECT_TRUE(absl::IsUnauthenticated(late.status())) << late.status();
  EXPECT_EQ(verifier_->cache().size(), 0u);
}

TEST_F(VerifiedTokenCacheTest, ARotationMakesItVerifyAgainAndAGoneKeyRefusesIt) {
  const std::string token = Token("verifier-1");
  ASSERT_TRUE(verifier_->Verify(token).ok());
  // The provider rotated: the same key still published, in a new set -> verified again.
  JwtKeySet same;
  same.push_back(PublicKeyOf(pem_, "k1"));
  keys_->Set(std::move(same));
  ASSERT_TRUE(verifier_->Verify(token).ok());
  EXPECT_EQ(verifier_->cache().hits(), 1u);  // found, but its key set was no longer current
  // The key withdrawn: the cached token is refused at once.
  JwtKeySet other;
  other.push_back(PublicKeyOf(NewPrivatePem(), "k2"));
  keys_->Set(std::move(other));
  absl::StatusOr<JwtClaims> refused = verifier_->Verify(token);
  EXPECT_TRUE(absl::IsUnauthenticated(refused.status())) << refused.status();
}

TEST_F(VerifiedTokenCacheTest, AForgedTokenIsNeverCached) {
  std::string token = Token("verifier-1");
  token.back() = token.back() == 'A' ? 'B' : 'A';  // the signature's last character
  EXPECT_FALSE(verifier_->Verify(token).ok());
  EXPECT_FALSE(verifier_->Verify(token).ok());
  EXPECT_EQ(verifier_->cache().size(), 0u);
  EXPECT_EQ(verifier_->cache().hits(), 0u);
}

TEST_F(VerifiedTokenCacheTest, TheCacheStaysWithinItsCapacity) {
  std::unique_ptr<JwtVerifier> small = Verifier(2);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(small->Verify(Token(absl::StrCat("s", i))).ok());
  EXPECT_LE(small->cache().size(), 2u);
  std::unique_ptr<JwtVerifier> none = Verifier(0);
  const std::string token = Token("s");
  ASSERT_TRUE(none->Verify(token).ok());
  ASSERT_TRUE(none->Verify(token).ok());
  EXPECT_EQ(none->cache().size(), 0u);
  EXPECT_EQ(none->cache().hits(), 0u);
}

TEST_F(VerifiedTokenCacheTest, AFullCacheMakesRoomWithTheExpiredEntriesFirst) {
  VerifiedTokenCache cache(3);
  auto entry = [](int64_t exp) {
    VerifiedToken t;
    t.claims.exp = exp;
    return t;
  };
  const absl::Time now = absl::FromUnixSeconds(kNow);
  cache.Insert("live-1", entry(kNow + 300), now);
  cache.Insert("expired", entry(kNow + 10), now);
  cache.Insert("live-2", entry(kNow + 300), now);
  // Twenty seconds on, a new token finds the cache full: the expired entry goes, the live stay.
  cache.Insert("new", entry(kNow + 300), now + absl::Seconds(20));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.Find("expired").has_value());
  EXPECT_TRUE(cache.Find("live-1").has_value());
  EXPECT_TRUE(cache.Find("live-2").has_value());
  EXPECT_TRUE(cache.Find("new").has_value());
  // Full of live entries: one of them makes room, the bound holds.
  cache.Insert("newer", entry(kNow + 300), now + absl::Seconds(20));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(cache.Find("newer").has_value());
}

}  // namespace
}  // namespace sertel
