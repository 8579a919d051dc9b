// sertelctl login / logout / whoami: signing in with the agency's OpenID provider, as
// `kubectl oidc-login` and `gcloud auth login` do (docs/identity.md).
//
//   sertelctl login --issuer https://sso.kota.go.id/realms/sertel   # device code, any terminal
//   sertelctl login --browser                                       # PKCE, loopback redirect
//   sertelctl whoami
//   sertelctl logout
#include <cstdlib>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "commands.h"
#include "common/jwt.h"
#include "login_cache.h"
#include "nlohmann/json.hpp"
#include "oauth_client.h"

namespace sertel::ctl {
namespace {

struct LoginOptions {
  std::string issuer;
  std::string client_id = "sertel";
  std::string ca_file;
  bool browser = false;
  std::string wait = "5m";
};

std::string Env(const char* name, const char* fallback = "") {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

// The claim settings the services use (SERTEL_JWT_*), so whoami shows the roles they will see.
JwtClaimMapping MappingFromEnv() {
  return {.roles_claim = Env("SERTEL_JWT_ROLES_CLAIM", "roles"),
          .nik_claim = Env("SERTEL_JWT_NIK_CLAIM", "nik"),
          .role_prefix = Env("SERTEL_JWT_ROLE_PREFIX")};
}

int Fail(const absl::Status& s) {
  std::cerr << "error: " << s.message() << "\n";
  return s.code() == absl::StatusCode::kUnauthenticated
             ? ExitCodeFor(grpc::StatusCode::UNAUTHENTICATED)
             : kExitLocal;
}

int RunLogin(const Globals& globals, const LoginOptions& o) {
  if (o.issuer.empty()) {
    std::cerr << "error: --issuer (or SERTEL_OIDC_ISSUER) names the agency's OpenID provider\n";
    return kExitUsage;
  }
  absl::Duration wait;
  if (!absl::ParseDuration(o.wait, &wait) || wait <= absl::ZeroDuration()) {
    std::cerr << "error: --wait must be a duration like 5m\n";
    return kExitUsage;
  }
  const std::string path = LoginCachePath();
  if (path.empty()) return LocalError("neither XDG_CONFIG_HOME nor HOME is set");
  HttpClient http({.ca_file = o.ca_file});
  absl::StatusOr<OidcProviderMetadata> provider = DiscoverProvider(http, o.issuer);
  if (!provider.ok()) return Fail(provider.status());
  OAuthClient client{.http = &http, .provider = *std::move(provider), .client_id = o.client_id};
  // The prompts go to stderr: stdout stays for -o json.
  absl::StatusOr<TokenSet> tokens =
      o.browser ? BrowserLogin(client, std::cerr, wait) : DeviceLogin(client, std::cerr);
  if (!tokens.ok()) return Fail(tokens.status());
  CachedLogin login{.issuer = o.issuer,
                    .client_id = o.client_id,
                    .ca_file = o.ca_file,
                    .tokens = *std::move(tokens)};
  if (absl::Status s = SaveLogin(path, login); !s.ok()) return Fail(s);
  absl::StatusOr<JwtClaims> claims =
      ReadClaimsUnverified(login.tokens.access_token, MappingFromEnv());
  const std::string sub = claims.ok() ? claims->sub : "";
  if (globals.json()) {
    std::cout << nlohmann::json({{"subject", sub}, {"cache", path}}).dump(2) << "\n";
  } else {
    std::cout << "Signed in as " << (sub.empty() ? "?" : sub) << "; tokens in " << path << "\n";
  }
  return kExitOk;
}

int RunWhoami(const Globals& globals) {
  const std::string path = LoginCachePath();
  absl::StatusOr<std::optional<CachedLogin>> login = LoadLogin(path);
  if (!login.ok()) return Fail(login.status());
  if (!login->has_value()) {
    std::cerr << "error: not signed in (run sertelctl login)\n";
    return ExitCodeFor(grpc::StatusCode::UNAUTHENTICATED);
  }
  // A refresh first when the access token is about to expire, as every other command does.
  absl::StatusOr<std::string> token =
      FreshAccessToken(path, **login, absl::Now(), &RefreshOverHttp);
  if (!token.ok()) return Fail(token.status());
  // What the token says, read here without verifying it: the services verify it.
  absl::StatusOr<JwtClaims> c = ReadClaimsUnverified(*token, MappingFromEnv());
  if (!c.ok()) return Fail(c.status());
  const std::string expires =
      absl::FormatTime(absl::RFC3339_sec, absl::FromUnixSeconds(c->exp), absl::UTCTimeZone());
  if (globals.json()) {
    std::cout << nlohmann::json({{"subject", c->sub},
                                 {"issuer", c->iss},
                                 {"roles", c->roles},
                                 {"nik", c->nik},
                                 {"expires_at", expires}})
                     .dump(2)
              << "\n";
  } else {
    std::cout << "Subject:  " << c->sub << "\n"
              << "Issuer:   " << c->iss << "\n"
              << "Roles:    " << (c->roles.empty() ? "(none)" : absl::StrJoin(c->roles, ", "))
              << "\n"
              << "NIK:      " << (c->nik.empty() ? "-" : c->nik) << "\n"
              << "Expires:  " << expires << "\n";
  }
  return kExitOk;
}

int RunLogout() {
  const std::string path = LoginCachePath();
  absl::StatusOr<std::optional<CachedLogin>> login = LoadLogin(path);
  if (login.ok() && login->has_value()) {
    // Revoke the refresh token at the provider (best effort: the local copy goes regardless).
    HttpClient http({.ca_file = (*login)->ca_file});
    absl::StatusOr<OidcProviderMetadata> provider = DiscoverProvider(http, (*login)->issuer);
    absl::Status revoked = provider.status();
    if (provider.ok()) {
      OAuthClient client{.http = &http, .provider = *provider, .client_id = (*login)->client_id};
      revoked = RevokeToken(client, (*login)->tokens.refresh_token);
    }
    if (!revoked.ok()) {
      std::cerr << "warning: the provider did not confirm the revocation: " << revoked.message()
                << "\n";
    }
  }
  if (absl::Status s = RemoveLogin(path); !s.ok()) return Fail(s);
  std::cout << "Signed out\n";
  return kExitOk;
}

}  // namespace

void AddLoginCommands(CLI::App& app, Globals& globals, int& rc) {
  auto o = std::make_shared<LoginOptions>();
  CLI::App* login = app.add_subcommand(
      "login", "Sign in with the agency's OpenID provider (device code; --browser for PKCE)");
  login->add_option("--issuer", o->issuer, "The provider's issuer URL")
      ->envname("SERTEL_OIDC_ISSUER");
  login->add_option("--client-id", o->client_id, "The OAuth client")
      ->envname("SERTEL_OIDC_CLIENT_ID")
      ->capture_default_str();
  login->add_option("--oidc-ca-file", o->ca_file, "CA bundle of the provider's TLS")
      ->envname("SERTEL_OIDC_CA_FILE");
  login->add_flag("--browser", o->browser,
                  "Authorization code + PKCE with a redirect to 127.0.0.1 (a browser here)");
  login->add_option("--wait", o->wait, "How long --browser waits for the redirect")
      ->capture_default_str();
  login->callback([&globals, &rc, o] { rc = RunLogin(globals, *o); });

  app.add_subcommand("whoami", "Who the cached sign-in is: subject, roles, NIK, expiry")
      ->callback([&globals, &rc] { rc = RunWhoami(globals); });
  app.add_subcommand("logout", "Revoke and forget the cached sign-in")->callback([&rc] {
    rc = RunLogout();
  });
}

}  // namespace sertel::ctl
