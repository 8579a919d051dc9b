// The OAuth 2.0 side of `sertelctl login` against the agency's OpenID provider (found by
// discovery, common/oidc_discovery.h): the device authorization grant (RFC 8628) for terminals
// without a browser, authorization code with PKCE (RFC 7636) on a loopback redirect (RFC 8252
// §7.3) for desktops, the refresh-token grant (RFC 6749 §6) and revocation (RFC 7009).
// sertelctl is a public client: no client secret anywhere.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/http_client.h"
#include "common/oidc_discovery.h"

namespace sertel::ctl {

struct TokenSet {
  std::string access_token;
  std::string refresh_token;  // "" when the provider issued none
  absl::Time expires_at;      // from expires_in; else the token's own exp
};

struct OAuthClient {
  const HttpClient* http;
  OidcProviderMetadata provider;
  std::string client_id = "sertel";
  std::string scope = "openid offline_access";
  // How the grant waits between polls; tests pass a fake.
  std::function<void(absl::Duration)> sleep = [](absl::Duration d) { absl::SleepFor(d); };
};

// A token endpoint answer (RFC 6749 §5.1) or its error (§5.2) as a status naming the error
// code and description: UNAUTHENTICATED for invalid_grant (an expired or revoked refresh
// token: log in again), FAILED_PRECONDITION otherwise. `now` dates expires_in.
absl::StatusOr<TokenSet> ParseTokenResponse(long http_status, const std::string& body,  // NOLINT
                                            absl::Time now);

// RFC 8628: asks for a device code, prints the verification URI and the user code to `out`,
// then polls the token endpoint at the interval the provider gives (slower after slow_down)
// until the person approves, denies, or the code expires.
absl::StatusOr<TokenSet> DeviceLogin(const OAuthClient& client, std::ostream& out);

// RFC 7636 + RFC 8252: listens on 127.0.0.1 (a free port), prints the authorization URL to
// `out`, waits up to `wait` for the provider to redirect the browser back with the code (the
// state checked), and exchanges it with the PKCE verifier.
absl::StatusOr<TokenSet> BrowserLogin(const OAuthClient& client, std::ostream& out,
                                      absl::Duration wait);

// RFC 6749 §6. The provider may rotate the refresh token; the answer's is kept then.
absl::StatusOr<TokenSet> RefreshTokens(const OAuthClient& client, const std::string& refresh_token);

// RFC 7009, best effort: OK also when the provider has no revocation endpoint.
absl::Status RevokeToken(const OAuthClient& client, const std::string& refresh_token);

}  // namespace sertel::ctl
