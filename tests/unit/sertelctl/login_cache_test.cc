// sertelctl's sign-in cache: where it lives, its permissions, and the refresh of an access
// token that is about to expire (and what happens when the provider refuses the refresh).
#include "login_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace sertel::ctl {
namespace {

class LoginCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sertelctl-login-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = absl::StrCat(dir_, "/config/sertel/tokens.json");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  CachedLogin Login(absl::Time expires_at, std::string refresh = "refresh-1") const {
    return {.issuer = "http://127.0.0.1:9/op",
            .client_id = "sertel",
            .ca_file = "",
            .tokens = {.access_token = "access-1",
                       .refresh_token = std::move(refresh),
                       .expires_at = expires_at}};
  }

  std::string dir_;
  std::string path_;
  absl::Time now_ = absl::FromUnixSeconds(1'900'000'000);
};

TEST_F(LoginCacheTest, PathFollowsXdgConfigHomeElseHome) {
  setenv("XDG_CONFIG_HOME", "/srv/cfg", 1);
  EXPECT_EQ(LoginCachePath(), "/srv/cfg/sertel/tokens.json");
  setenv("XDG_CONFIG_HOME", "relative/ignored", 1);  // the spec wants an absolute path
  setenv("HOME", "/home/verifikator", 1);
  EXPECT_EQ(LoginCachePath(), "/home/verifikator/.config/sertel/tokens.json");
  unsetenv("XDG_CONFIG_HOME");
  EXPECT_EQ(LoginCachePath(), "/home/verifikator/.config/sertel/tokens.json");
}

TEST_F(LoginCacheTest, SavedOnlyForItsOwnerAndReadBack) {
  ASSERT_TRUE(SaveLogin(path_, Login(now_ + absl::Minutes(5))).ok());
  struct stat st {};
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(absl::StrCat(dir_, "/config/sertel").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  absl::StatusOr<std::optional<CachedLogin>> back = LoadLogin(path_);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ((*back)->tokens.access_token, "access-1");
  EXPECT_EQ((*back)->tokens.refresh_token, "refresh-1");
  EXPECT_EQ((*back)->tokens.expires_at, now_ + absl::Minutes(5));
  EXPECT_EQ((*back)->issuer, "http://127.0.0.1:9/op");
}

TEST_F(LoginCacheTest, AFileOthersCanReadIsRefused) {
  ASSERT_TRUE(SaveLogin(path_, Login(now_ + absl::Minutes(5))).ok());
  ASSERT_EQ(chmod(path_.c_str(), 0644), 0);
  EXPECT_EQ(LoadLogin(path_).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(LoginCacheTest, NoFileIsNoLoginAndLogoutOfNothingIsFine) {
  absl::StatusOr<std::optional<CachedLogin>> none = LoadLogin(path_);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_TRUE(RemoveLogin(path_).ok());
}

TEST_F(LoginCacheTest, AValidTokenIsUsedWithoutRefreshing) {
  int refreshes = 0;
  auto refresh = [&](const CachedLogin&) -> absl::StatusOr<TokenSet> {
    ++refreshes;
    return absl::InternalError("not expected");
  };
  absl::StatusOr<std::string> t =
      FreshAccessToken(path_, Login(now_ + absl::Minutes(5)), now_, refresh);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, "access-1");
  EXPECT_EQ(refreshes, 0);
}

TEST_F(LoginCacheTest, ATokenAboutToExpireIsRefreshedAndTheCacheRewritten) {
  std::string seen_refresh;
  auto refresh = [&](const CachedLogin& l) -> absl::StatusOr<TokenSet> {
    seen_refresh = l.tokens.refresh_token;
    return TokenSet{.access_token = "access-2",
                    .refresh_token = "refresh-2",  // the provider rotates it
                    .expires_at = now_ + absl::Minutes(5)};
  };
  absl::StatusOr<std::string> t =
      FreshAccessToken(path_, Login(now_ + absl::Seconds(30)), now_, refresh);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, "access-2");
  EXPECT_EQ(seen_refresh, "refresh-1");
  absl::StatusOr<std::optional<CachedLogin>> back = LoadLogin(path_);
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->tokens.access_token, "access-2");
  EXPECT_EQ((*back)->tokens.refresh_token, "refresh-2");
}

TEST_F(LoginCacheTest, ARefusedOrMissingRefreshTokenAsksForLogin) {
  auto refused = [](const CachedLogin&) -> absl::StatusOr<TokenSet> {
    return absl::UnauthenticatedError("the identity provider refused: invalid_grant");
  };
  absl::StatusOr<std::string> t = FreshAccessToken(path_, Login(now_), now_, refused);
  EXPECT_EQ(t.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(t.status().message().find("sertelctl login"), std::string::npos);
  t = FreshAccessToken(path_, Login(now_, ""), now_, refused);
  EXPECT_EQ(t.status().code(), absl::StatusCode::kUnauthenticated);
  auto down = [](const CachedLogin&) -> absl::StatusOr<TokenSet> {
    return absl::UnavailableError("connection refused");
  };
  EXPECT_EQ(FreshAccessToken(path_, Login(now_), now_, down).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(TokenResponseTest, SuccessAndTheErrorsOfRfc6749) {
  const absl::Time now = absl::FromUnixSeconds(1'900'000'000);
  absl::StatusOr<TokenSet> t = ParseTokenResponse(
      200, R"({"access_token":"a","refresh_token":"r","expires_in":300,"token_type":"Bearer"})",
      now);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->expires_at, now + absl::Minutes(5));
  EXPECT_EQ(t->refresh_token, "r");
  EXPECT_EQ(ParseTokenResponse(400, R"({"error":"invalid_grant"})", now).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ParseTokenResponse(400, R"({"error":"invalid_client"})", now).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ParseTokenResponse(502, "<html>Bad gateway</html>", now).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(ParseTokenResponse(200, R"({"token_type":"Bearer"})", now).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace sertel::ctl
