// OidcKeySource against a scripted provider (a fetch function over a map of URLs): discovery
// then JWKS, selection by kid, a refresh on an unknown kid at most once per gap, the timer,
// and old keys kept while the provider fails.
#include "common/oidc_key_source.h"

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "gtest/gtest.h"
#include "tests/harness/test_jwk.h"

namespace sertel {
namespace {

using testing::JwksJson;
using testing::TestJwk;

constexpr char kIssuer[] = "https://sso.kota.example/realms/sertel";
constexpr char kJwksUri[] = "https://sso.kota.example/realms/sertel/protocol/openid-connect/certs";

// What the provider answers; tests change it between calls.
class FakeProvider {
 public:
  FakeProvider() { SetDiscovery(kIssuer, kJwksUri); }
  void SetDiscovery(const std::string& issuer, const std::string& jwks_uri) {
    std::lock_guard<std::mutex> lock(mu_);
    pages_[absl::StrCat(kIssuer, "/.well-known/openid-configuration")] =
        absl::StrCat(R"({"issuer":")", issuer, R"(","jwks_uri":")", jwks_uri, R"("})");
  }
  void SetKeys(const std::vector<const TestJwk*>& keys) {
    std::vector<std::string> jwks;
    for (const TestJwk* k : keys) jwks.push_back(k->public_jwk);
    std::lock_guard<std::mutex> lock(mu_);
    pages_[kJwksUri] = JwksJson(jwks);
  }
  void SetDown(bool down) { down_ = down; }
  int fetches() const { return fetches_; }

  OidcKeySource::Fetch Fetch() {
    return [this](const std::string& url) -> absl::StatusOr<std::string> {
      ++fetches_;
      if (down_) return absl::UnavailableError(absl::StrCat(url, ": connection refused"));
      std::lock_guard<std::mutex> lock(mu_);
      auto it = pages_.find(url);
      if (it == pages_.end())
        return absl::UnavailableError(absl::StrCat(url, " answered HTTP 404"));
      return it->second;
    };
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> pages_;
  std::atomic<bool> down_{false};
  std::atomic<int> fetches_{0};
};

class OidcKeySourceTest : public ::testing::Test {
 protected:
  std::shared_ptr<OidcKeySource> Source() {
    auto s = OidcKeySource::Create({.issuer = kIssuer}, provider_.Fetch(), &clock_);
    EXPECT_TRUE(s.ok()) << s.status();
    return *s;
  }
  std::unique_ptr<JwtVerifier> VerifierOver(std::shared_ptr<OidcKeySource> source) {
    auto v = JwtVerifier::Create(std::move(source), {.issuer = kIssuer}, &clock_);
    EXPECT_TRUE(v.ok()) << v.status();
    return *std::move(v);
  }
  JwtClaims Claims() const {
    JwtClaims c;
    c.iss = kIssuer;
    c.sub = "f:1234:kepala.bidang";
    c.aud = {"sertel", "account"};
    c.exp = absl::ToUnixSeconds(clock_.Now()) + 3600;
    return c;
  }
  static bool Has(const std::shared_ptr<const JwtKeySet>& keys, const std::string& kid) {
    for (const JwtKey& k : *keys) {
      if (k.kid == kid) return true;
    }
    return false;
  }

  FakeClock clock_{absl::FromUnixSeconds(1'900'000'000)};
  FakeProvider provider_;
  TestJwk k1_ = TestJwk::Rsa("k1");
  TestJwk k2_ = TestJwk::Ec("k2");
};

TEST_F(OidcKeySourceTest, LoadsTheKeysThroughDiscoveryAndSelectsByKid) {
  provider_.SetKeys({&k1_, &k2_});
  auto source = Source();
  ASSERT_TRUE(source->Refresh().ok());
  EXPECT_EQ(provider_.fetches(), 2) << "discovery, then the JWKS";
  std::shared_ptr<const JwtKeySet> for_k2 = source->KeysFor("k2");
  ASSERT_EQ(for_k2->size(), 1u);
  EXPECT_EQ(for_k2->front().kid, "k2");
  EXPECT_EQ(source->KeysFor(std::nullopt)->size(), 2u) << "a token without kid: every key";
  auto verifier = VerifierOver(source);
  EXPECT_TRUE(verifier->Verify(k1_.signer->Sign(Claims())).ok());
  EXPECT_TRUE(verifier->Verify(k2_.signer->Sign(Claims())).ok());
}

TEST_F(OidcKeySourceTest, ADiscoveryDocumentForAnotherIssuerIsRefused) {
  provider_.SetKeys({&k1_});
  provider_.SetDiscovery("https://evil.example/realms/sertel", kJwksUri);
  auto source = Source();
  absl::Status s = source->Refresh();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(source->KeysFor("k1")->empty());
  provider_.SetDiscovery(kIssuer, "http://sso.kota.example/certs");  // clear text, not loopback
  clock_.Advance(absl::Minutes(1));
  EXPECT_EQ(source->Refresh().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(OidcKeySourceTest, AnUnknownKidRefreshesAtMostOncePerGap) {
  provider_.SetKeys({&k1_});
  auto source = Source();
  ASSERT_TRUE(source->Refresh().ok());
  auto verifier = VerifierOver(source);
  // The provider rotates: k2 is published and signs from now on.
  provider_.SetKeys({&k2_, &k1_});
  clock_.Advance(absl::Seconds(31));
  EXPECT_TRUE(verifier->Verify(k2_.signer->Sign(Claims())).ok()) << "refreshed on the new kid";
  EXPECT_EQ(source->refresh_attempts(), 2);
  // Made-up kids within the gap cause no fetch at all.
  TestJwk forged = TestJwk::Rsa("forged");
  for (int i = 0; i < 50; ++i) {
    absl::StatusOr<JwtClaims> c = verifier->Verify(forged.signer->Sign(Claims()));
    EXPECT_EQ(c.status().code(), absl::StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(source->refresh_attempts(), 2);
  clock_.Advance(absl::Seconds(30));
  EXPECT_FALSE(verifier->Verify(forged.signer->Sign(Claims())).ok());
  EXPECT_EQ(source->refresh_attempts(), 3) << "once the gap has passed, one more look";
  EXPECT_TRUE(verifier->Verify(k1_.signer->Sign(Claims())).ok()) << "the old key still verifies";
}

TEST_F(OidcKeySourceTest, AFailedRefreshKeepsTheKeysWeHave) {
  provider_.SetKeys({&k1_});
  auto source = Source();
  ASSERT_TRUE(source->Refresh().ok());
  provider_.SetDown(true);
  clock_.Advance(absl::Minutes(11));
  EXPECT_EQ(source->Refresh().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(Has(source->KeysFor("k1"), "k1"));
  provider_.SetDown(false);
  provider_.SetKeys({});  // "keys": [] - nothing usable: refused, the old set stays
  clock_.Advance(absl::Minutes(1));
  EXPECT_EQ(source->Refresh().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(VerifierOver(source)->Verify(k1_.signer->Sign(Claims())).ok());
}

TEST_F(OidcKeySourceTest, TheTimerRefreshesEveryIntervalAndRetriesFailuresEveryGap) {
  provider_.SetKeys({&k1_});
  auto source = Source();
  source->RefreshIfDue();
  EXPECT_EQ(source->refresh_attempts(), 1) << "nothing loaded yet: due at once";
  clock_.Advance(absl::Minutes(9));
  source->RefreshIfDue();
  EXPECT_EQ(source->refresh_attempts(), 1) << "loaded 9 minutes ago: not due";
  provider_.SetKeys({&k2_, &k1_});
  clock_.Advance(absl::Minutes(1));
  source->RefreshIfDue();
  EXPECT_EQ(source->refresh_attempts(), 2);
  EXPECT_TRUE(Has(source->KeysFor("k2"), "k2")) << "picked up by the timer";

  provider_.SetDown(true);
  clock_.Advance(absl::Minutes(10));
  source->RefreshIfDue();
  EXPECT_EQ(source->refresh_attempts(), 3);
  clock_.Advance(absl::Seconds(10));
  source->RefreshIfDue();
  EXPECT_EQ(source->refresh_attempts(), 3) << "a failure is retried after the gap, not at once";
  clock_.Advance(absl::Seconds(20));
  source->RefreshIfDue();
  EXPECT_EQ(source->refresh_attempts(), 4);
  EXPECT_TRUE(Has(source->KeysFor("k2"), "k2"));
}

TEST_F(OidcKeySourceTest, ConcurrentCallersWithANewKidShareOneRefresh) {
  provider_.SetKeys({&k1_});
  auto source = Source();
  ASSERT_TRUE(source->Refresh().ok());
  provider_.SetKeys({&k2_, &k1_});
  clock_.Advance(absl::Seconds(31));
  auto verifier = VerifierOver(source);
  const std::string token = k2_.signer->Sign(Claims());
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { ok += verifier->Verify(token).ok() ? 1 : 0; });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(source->refresh_attempts(), 2);
}

TEST_F(OidcKeySourceTest, TheBackgroundThreadLoadsTheKeysAndStopsWithTheSource) {
  provider_.SetKeys({&k1_});
  auto s = OidcKeySource::Create({.issuer = kIssuer}, provider_.Fetch());  // the real clock
  ASSERT_TRUE(s.ok());
  (*s)->StartBackgroundRefresh();
  for (int i = 0; i < 200 && (*s)->refresh_attempts() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE((*s)->refresh_attempts(), 1);
  for (int i = 0; i < 200 && (*s)->KeysFor(std::nullopt)->empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(Has((*s)->KeysFor("k1"), "k1"));
  s->reset();  // joins the thread; a hang here fails the test by its timeout
}

TEST(OidcKeySourceConfigTest, RefusesIssuersInClearTextAndBadIntervals) {
  EXPECT_EQ(OidcKeySource::Create({.issuer = "http://sso.kota.example"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OidcKeySource::Create({.issuer = ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OidcKeySource::Create({.issuer = kIssuer, .refresh_interval = absl::Seconds(1)})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(OidcKeySource::Create({.issuer = "http://127.0.0.1:8080/op"}).ok());
}

}  // namespace
}  // namespace sertel
