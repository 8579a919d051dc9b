#include "common/oidc_discovery.h"

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace sertel {

std::string DiscoveryUrl(absl::string_view issuer) {
  return absl::StrCat(absl::StripSuffix(issuer, "/"), "/.well-known/openid-configuration");
}

absl::StatusOr<OidcProviderMetadata> ParseDiscovery(absl::string_view json,
                                                    absl::string_view expected_issuer) {
  using Json = nlohmann::json;
  Json doc = Json::parse(json, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InvalidArgumentError("the discovery document is not a JSON object");
  }
  auto text = [&doc](const char* name) -> std::string {
    auto it = doc.find(name);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : "";
  };
  OidcProviderMetadata m;
  m.issuer = text("issuer");
  // OpenID Connect Discovery 1.0 §4.3: the issuer returned MUST be identical to the one used.
  if (m.issuer != expected_issuer) {
    return absl::InvalidArgumentError(absl::StrCat("the discovery document names issuer \"",
                                                   m.issuer, "\", not \"", expected_issuer, "\""));
  }
  m.jwks_uri = text("jwks_uri");
  if (m.jwks_uri.empty())
    return absl::InvalidArgumentError("the discovery document has no jwks_uri");
  m.token_endpoint = text("token_endpoint");
  m.authorization_endpoint = text("authorization_endpoint");
  m.device_authorization_endpoint = text("device_authorization_endpoint");
  m.revocation_endpoint = text("revocation_endpoint");
  for (const std::string* url : {&m.jwks_uri, &m.token_endpoint, &m.authorization_endpoint,
                                 &m.device_authorization_endpoint, &m.revocation_endpoint}) {
    if (url->empty()) continue;
    if (absl::Status s = CheckProviderUrl(*url); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the discovery document names an endpoint we refuse: ", s.message()));
    }
  }
  return m;
}

absl::StatusOr<OidcProviderMetadata> DiscoverProvider(const HttpClient& http,
                                                      absl::string_view issuer) {
  const std::string url = DiscoveryUrl(issuer);
  absl::StatusOr<HttpResponse> r = http.Get(url);
  if (!r.ok()) return r.status();
  if (r->status != 200) {
    return absl::UnavailableError(absl::StrCat(url, " answered HTTP ", r->status));
  }
  return ParseDiscovery(r->body, issuer);
}

}  // namespace sertel
