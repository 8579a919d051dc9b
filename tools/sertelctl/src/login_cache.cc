#include "login_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/pem.h"
#include "local_files.h"

namespace sertel::ctl {
namespace {

using Json = nlohmann::json;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

std::string Dir(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

absl::Status MakeDir(const std::string& dir) {
  if (mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) return absl::OkStatus();
  if (errno == ENOENT) {
    if (absl::Status s = MakeDir(Dir(dir)); !s.ok()) return s;
    if (mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat("cannot create ", dir, ": ", std::strerror(errno)));
}

}  // namespace

std::string LoginCachePath() {
  // XDG Base Directory Specification: $XDG_CONFIG_HOME, else $HOME/.config.
  std::string base = Env("XDG_CONFIG_HOME");
  if (base.empty() || base[0] != '/') {
    const std::string home = Env("HOME");
    if (home.empty()) return "";
    base = absl::StrCat(home, "/.config");
  }
  return absl::StrCat(base, "/sertel/tokens.json");
}

absl::StatusOr<std::optional<CachedLogin>> LoadLogin(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<CachedLogin>();
    return absl::PermissionDeniedError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  if ((st.st_mode & 077) != 0 || st.st_uid != geteuid()) {
    return absl::PermissionDeniedError(absl::StrCat(
        path, " may be read by others than you; remove it and run sertelctl login again"));
  }
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  Json j = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  Wipe(*text);
  if (j.is_discarded() || !j.is_object() || !j.value("access_token", Json()).is_string()) {
    return absl::DataLossError(
        absl::StrCat(path, " is not a sertelctl login; remove it and run sertelctl login"));
  }
  CachedLogin login;
  login.issuer = j.value("issuer", "");
  login.client_id = j.value("client_id", "sertel");
  login.ca_file = j.value("ca_file", "");
  login.tokens.access_token = j.value("access_token", "");
  login.tokens.refresh_token = j.value("refresh_token", "");
  login.tokens.expires_at = absl::FromUnixSeconds(j.value("expires_at", int64_t{0}));
  return std::optional<CachedLogin>(std::move(login));
}

absl::Status SaveLogin(const std::string& path, const CachedLogin& login) {
  if (path.empty()) {
    return absl::FailedPreconditionError("neither XDG_CONFIG_HOME nor HOME is set");
  }
  if (absl::Status s = MakeDir(Dir(path)); !s.ok()) return s;
  Json j = {{"issuer", login.issuer},
            {"client_id", login.client_id},
            {"ca_file", login.ca_file},
            {"access_token", login.tokens.access_token},
            {"refresh_token", login.tokens.refresh_token},
            {"expires_at", absl::ToUnixSeconds(login.tokens.expires_at)}};
  std::string text = j.dump(2);
  absl::Status s = WriteFileAtomically(path, text, /*secret=*/true);
  Wipe(text);
  return s;
}

absl::Status RemoveLogin(const std::string& path) {
  if (path.empty() || std::remove(path.c_str()) == 0 || errno == ENOENT) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("cannot remove ", path, ": ", std::strerror(errno)));
}

absl::StatusOr<std::string> FreshAccessToken(const std::string& path, CachedLogin login,
                                             absl::Time now, const RefreshFn& refresh,
                                             absl::Duration margin) {
  if (now + margin < login.tokens.expires_at) return login.tokens.access_token;
  if (login.tokens.refresh_token.empty()) {
    return absl::UnauthenticatedError("your sign-in has expired: run sertelctl login");
  }
  absl::StatusOr<TokenSet> next = refresh(login);
  if (!next.ok()) {
    if (next.status().code() == absl::StatusCode::kUnauthenticated) {
      return absl::UnauthenticatedError(absl::StrCat(
          "your sign-in has expired (", next.status().message(), "): run sertelctl login"));
    }
    return next.status();
  }
  login.tokens = *std::move(next);
  if (absl::Status s = SaveLogin(path, login); !s.ok()) return s;
  return login.tokens.access_token;
}

absl::StatusOr<TokenSet> RefreshOverHttp(const CachedLogin& login) {
  HttpClient http({.ca_file = login.ca_file});
  absl::StatusOr<OidcProviderMetadata> provider = DiscoverProvider(http, login.issuer);
  if (!provider.ok()) return provider.status();
  OAuthClient client{.http = &http, .provider = *std::move(provider), .client_id = login.client_id};
  return RefreshTokens(client, login.tokens.refresh_token);
}

absl::StatusOr<std::optional<std::string>> CachedAccessToken() {
  const std::string path = LoginCachePath();
  if (path.empty()) return std::optional<std::string>();
  absl::StatusOr<std::optional<CachedLogin>> login = LoadLogin(path);
  if (!login.ok()) return login.status();
  if (!login->has_value()) return std::optional<std::string>();
  absl::StatusOr<std::string> token =
      FreshAccessToken(path, **std::move(login), absl::Now(), &RefreshOverHttp);
  if (!token.ok()) return token.status();
  return std::optional<std::string>(*std::move(token));
}

}  // namespace sertel::ctl
