#include "oauth_client.h"

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/jwt.h"
#include "common/pem.h"

namespace sertel::ctl {
namespace {

using Json = nlohmann::json;

constexpr char kDeviceGrant[] = "urn:ietf:params:oauth:grant-type:device_code";

std::string Text(const Json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<int64_t> Seconds(const Json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

// 32 random bytes, base64url: a PKCE verifier (RFC 7636 §4.1: 43 characters) or a state.
absl::StatusOr<std::string> RandomToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return absl::InternalError("RAND_bytes failed");
  return Base64UrlEncode(absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

std::string S256(const std::string& verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return Base64UrlEncode(absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

absl::StatusOr<TokenSet> PostToken(const OAuthClient& client,
                                   const std::vector<std::pair<std::string, std::string>>& form) {
  if (client.provider.token_endpoint.empty()) {
    return absl::FailedPreconditionError("the provider's discovery document has no token_endpoint");
  }
  absl::StatusOr<HttpResponse> r = client.http->PostForm(client.provider.token_endpoint, form);
  if (!r.ok()) return r.status();
  return ParseTokenResponse(r->status, r->body, absl::Now());
}

}  // namespace

absl::StatusOr<TokenSet> ParseTokenResponse(long http_status, const std::string& body,  // NOLINT
                                            absl::Time now) {
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::UnavailableError(
        absl::StrCat("the token endpoint answered HTTP ", http_status, " without JSON"));
  }
  if (http_status != 200 || j.contains("error")) {
    const std::string error = Text(j, "error");
    const std::string description = Text(j, "error_description");
    const std::string message =
        absl::StrCat("the identity provider refused: ", error.empty() ? "no error code" : error,
                     description.empty() ? "" : " (", description, description.empty() ? "" : ")");
    // invalid_grant: the refresh token or code expired or was revoked (RFC 6749 §5.2).
    if (error == "invalid_grant") return absl::UnauthenticatedError(message);
    return absl::FailedPreconditionError(message);
  }
  TokenSet t;
  t.access_token = Text(j, "access_token");
  if (t.access_token.empty()) return absl::UnavailableError("the token answer has no access_token");
  t.refresh_token = Text(j, "refresh_token");
  if (std::optional<int64_t> expires_in = Seconds(j, "expires_in")) {
    t.expires_at = now + absl::Seconds(*expires_in);
  } else {
    absl::StatusOr<JwtClaims> claims = ReadClaimsUnverified(t.access_token, {});
    t.expires_at = claims.ok() ? absl::FromUnixSeconds(claims->exp) : now;
  }
  return t;
}

absl::StatusOr<TokenSet> DeviceLogin(const OAuthClient& client, std::ostream& out) {
  if (client.provider.device_authorization_endpoint.empty()) {
    return absl::FailedPreconditionError(
        "the provider offers no device authorization endpoint (enable the device grant on the "
        "client, or use sertelctl login --browser)");
  }
  // RFC 8628 §3.1-3.2.
  absl::StatusOr<HttpResponse> r =
      client.http->PostForm(client.provider.device_authorization_endpoint,
                            {{"client_id", client.client_id}, {"scope", client.scope}});
  if (!r.ok()) return r.status();
  Json j = Json::parse(r->body, nullptr, /*allow_exceptions=*/false);
  if (r->status != 200 || j.is_discarded() || !j.is_object()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the device authorization request was refused (HTTP ", r->status,
        j.is_object() ? absl::StrCat(": ", Text(j, "error"), " ", Text(j, "error_description"))
                      : "",
        ")"));
  }
  const std::string device_code = Text(j, "device_code");
  const std::string user_code = Text(j, "user_code");
  const std::string uri = Text(j, "verification_uri");
  const std::string complete = Text(j, "verification_uri_complete");
  if (device_code.empty() || user_code.empty() || uri.empty()) {
    return absl::UnavailableError("the device authorization answer lacks a code or the URI");
  }
  absl::Duration interval = absl::Seconds(Seconds(j, "interval").value_or(5));  // §3.2 default
  const absl::Time deadline = absl::Now() + absl::Seconds(Seconds(j, "expires_in").value_or(600));
  out << "To sign in, open " << uri << " and enter the code " << user_code << "\n";
  if (!complete.empty()) out << "or open " << complete << "\n";
  out << "Waiting for the sign-in to be approved..." << std::endl;
  // §3.4-3.5: poll, waiting `interval` between requests.
  while (absl::Now() < deadline) {
    client.sleep(interval);
    absl::StatusOr<HttpResponse> p =
        client.http->PostForm(client.provider.token_endpoint, {{"grant_type", kDeviceGrant},
                                                               {"device_code", device_code},
                                                               {"client_id", client.client_id}});
    if (!p.ok()) return p.status();
    Json e = Json::parse(p->body, nullptr, /*allow_exceptions=*/false);
    const std::string error = e.is_object() ? Text(e, "error") : "";
    if (error == "authorization_pending") continue;
    if (error == "slow_down") {
      interval += absl::Seconds(5);  // §3.5: increase the interval by 5 seconds
      continue;
    }
    if (error == "access_denied") return absl::PermissionDeniedError("the sign-in was denied");
    if (error == "expired_token") break;
    return ParseTokenResponse(p->status, p->body, absl::Now());
  }
  return absl::DeadlineExceededError("the device code expired before the sign-in was approved");
}

absl::StatusOr<TokenSet> BrowserLogin(const OAuthClient& client, std::ostream& out,
                                      absl::Duration wait) {
  if (client.provider.authorization_endpoint.empty()) {
    return absl::FailedPreconditionError("the provider has no authorization endpoint");
  }
  absl::StatusOr<std::string> verifier = RandomToken();
  absl::StatusOr<std::string> state = RandomToken();
  if (!verifier.ok() || !state.ok()) return absl::InternalError("no randomness");

  httplib::Server server;
  std::mutex mu;
  std::condition_variable cv;
  std::optional<absl::StatusOr<std::string>> result;  // the code, or why not
  server.Get("/callback", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    if (result.has_value()) {
      res.status = 409;
      res.set_content("This sign-in is already finished.\n", "text/plain");
      return;
    }
    if (req.get_param_value("state") != *state) {
      // Not our request (RFC 6749 §10.12: a forged redirect); keep waiting for ours.
      res.status = 400;
      res.set_content("Unexpected state; this is not the sign-in sertelctl started.\n",
                      "text/plain");
      return;
    }
    if (req.has_param("error")) {
      result = absl::PermissionDeniedError(
          absl::StrCat("the provider refused the sign-in: ", req.get_param_value("error"), " ",
                       req.get_param_value("error_description")));
      res.set_content("Sign-in refused. You may close this window.\n", "text/plain");
    } else {
      result = req.get_param_value("code");
      res.set_content("Signed in to sertel. You may close this window.\n", "text/plain");
    }
    cv.notify_all();
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0) return absl::UnavailableError("cannot listen on 127.0.0.1 for the redirect");
  std::thread thread([&server] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const std::string redirect_uri = absl::StrCat("http://127.0.0.1:", port, "/callback");
  const std::string url = absl::StrCat(
      client.provider.authorization_endpoint,
      client.provider.authorization_endpoint.find('?') == std::string::npos ? "?" : "&",
      FormEncode({{"response_type", "code"},
                  {"client_id", client.client_id},
                  {"redirect_uri", redirect_uri},
                  {"scope", client.scope},
                  {"state", *state},
                  {"code_challenge", S256(*verifier)},
                  {"code_challenge_method", "S256"}}));
  out << "To sign in, open this address in a browser on this machine:\n" << url << std::endl;
  std::optional<absl::StatusOr<std::string>> got;
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, absl::ToChronoMilliseconds(wait), [&] { return result.has_value(); });
    got = result;
  }
  server.stop();
  thread.join();
  if (!got.has_value()) {
    return absl::DeadlineExceededError("no sign-in came back to sertelctl in time");
  }
  if (!got->ok()) return got->status();
  return PostToken(client, {{"grant_type", "authorization_code"},
                            {"code", **got},
                            {"redirect_uri", redirect_uri},
                            {"client_id", client.client_id},
                            {"code_verifier", *verifier}});
}

absl::StatusOr<TokenSet> RefreshTokens(const OAuthClient& client,
                                       const std::string& refresh_token) {
  absl::StatusOr<TokenSet> t = PostToken(client, {{"grant_type", "refresh_token"},
                                                  {"refresh_token", refresh_token},
                                                  {"client_id", client.client_id}});
  if (t.ok() && t->refresh_token.empty()) t->refresh_token = refresh_token;  // not rotated
  return t;
}

absl::Status RevokeToken(const OAuthClient& client, const std::string& refresh_token) {
  if (client.provider.revocation_endpoint.empty() || refresh_token.empty()) {
    return absl::OkStatus();
  }
  absl::StatusOr<HttpResponse> r = client.http->PostForm(client.provider.revocation_endpoint,
                                                         {{"token", refresh_token},
                                                          {"token_type_hint", "refresh_token"},
                                                          {"client_id", client.client_id}});
  if (!r.ok()) return r.status();
  if (r->status != 200) {
    return absl::UnavailableError(absl::StrCat("revocation answered HTTP ", r->status));
  }
  return absl::OkStatus();
}

}  // namespace sertel::ctl
