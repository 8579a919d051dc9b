// Where `sertelctl login` keeps its tokens: $XDG_CONFIG_HOME/sertel/tokens.json (else
// ~/.config/sertel/tokens.json), the folder 0700 and the file 0600, written atomically, never
// passed through a command line or an environment variable (so never in a shell history or
// `ps`). Every other command uses the cached access token when no --token, --token-file,
// SERTEL_TOKEN or client certificate is given, refreshing it first when it is about to expire.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oauth_client.h"

namespace sertel::ctl {

struct CachedLogin {
  std::string issuer;
  std::string client_id;
  std::string ca_file;  // the provider's CA bundle used at login ("" the system store)
  TokenSet tokens;
};

// The cache file's path; "" when neither XDG_CONFIG_HOME nor HOME is set.
std::string LoginCachePath();

// nullopt when there is no cache file; an error when it cannot be read or parsed, or when
// others than its owner may read it.
absl::StatusOr<std::optional<CachedLogin>> LoadLogin(const std::string& path);
absl::Status SaveLogin(const std::string& path, const CachedLogin& login);
// OK also when there was no file.
absl::Status RemoveLogin(const std::string& path);

// The access token to send: the cached one while it is valid for `margin` more, else refreshed
// through `refresh` (and the cache rewritten). UNAUTHENTICATED "run sertelctl login" when
// there is no refresh token or the provider refuses it.
using RefreshFn = std::function<absl::StatusOr<TokenSet>(const CachedLogin&)>;
absl::StatusOr<std::string> FreshAccessToken(const std::string& path, CachedLogin login,
                                             absl::Time now, const RefreshFn& refresh,
                                             absl::Duration margin = absl::Seconds(60));

// The refresh the commands use: discovery of the login's issuer, then RefreshTokens.
absl::StatusOr<TokenSet> RefreshOverHttp(const CachedLogin& login);

// What Connection::Open calls: the fresh cached access token, or nullopt when no one is
// logged in.
absl::StatusOr<std::optional<std::string>> CachedAccessToken();

}  // namespace sertel::ctl
