// OpenID Connect Discovery 1.0: the provider's metadata at
// <issuer>/.well-known/openid-configuration, which names its keys (jwks_uri) and the endpoints
// `sertelctl login` uses. The document's issuer must be the configured one exactly (§4.3), and
// every endpoint passes CheckProviderUrl.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/http_client.h"

namespace sertel {

struct OidcProviderMetadata {
  std::string issuer;
  std::string jwks_uri;
  std::string token_endpoint;                 // "" when absent
  std::string authorization_endpoint;         // "" when absent
  std::string device_authorization_endpoint;  // RFC 8628 §4; "" when absent
  std::string revocation_endpoint;            // RFC 7009; "" when absent
};

// "<issuer>/.well-known/openid-configuration" (the issuer's trailing '/' not doubled).
std::string DiscoveryUrl(absl::string_view issuer);

// Parses and checks a discovery document for `expected_issuer`: INVALID_ARGUMENT when it is
// not JSON, names another issuer, lacks jwks_uri, or an endpoint is not an allowed URL.
absl::StatusOr<OidcProviderMetadata> ParseDiscovery(absl::string_view json,
                                                    absl::string_view expected_issuer);

// Fetches and parses it; UNAVAILABLE when the provider does not answer 200.
absl::StatusOr<OidcProviderMetadata> DiscoverProvider(const HttpClient& http,
                                                      absl::string_view issuer);

}  // namespace sertel
