// HTTPS requests to an identity provider (OpenID discovery, JWKS, the token and device
// endpoints) and to the WhatsApp Cloud API (JSON under a bearer token) with libcurl: TLS verified
// against the system store or a private CA bundle, redirects not followed, bodies capped, every
// failure a status that names the URL and never a credential. `http://` is allowed only to a
// loopback host (a provider on the same machine).
//
//   HttpClient http({.ca_file = "/etc/sertel/oidc/ca.pem"});
//   absl::StatusOr<HttpResponse> r = http.Get("https://sso.kota.go.id/realms/sertel/...");
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sertel {

struct HttpResponse {
  long status = 0;  // NOLINT(google-runtime-int): libcurl's type
  std::string body;
  std::string retry_after;  // the Retry-After header (a 429 or 503), "" when absent
};

// OK for https://host/... and for http:// to 127.0.0.1, [::1] or localhost; INVALID_ARGUMENT
// otherwise (a token or key fetched in clear could be swapped on the way). Also the rule for
// the URLs sertel hands out (a handover's download link).
absl::Status CheckProviderUrl(absl::string_view url);

class HttpClient {
 public:
  struct Options {
    std::string ca_file;  // PEM bundle; "" means the system's trust store
    absl::Duration timeout = absl::Seconds(10);
    size_t max_response_bytes = 1 << 20;
  };
  explicit HttpClient(Options options) : options_(std::move(options)) {}

  // UNAVAILABLE when the host cannot be reached or TLS fails; INVALID_ARGUMENT for a URL
  // CheckProviderUrl refuses; RESOURCE_EXHAUSTED for a body over the cap. Any HTTP status is
  // returned as a response (the caller decides what 4xx means).
  absl::StatusOr<HttpResponse> Get(absl::string_view url) const;
  // application/x-www-form-urlencoded POST (RFC 6749 §4.1.3 and RFC 8628 §3.1 requests).
  absl::StatusOr<HttpResponse> PostForm(
      absl::string_view url, const std::vector<std::pair<std::string, std::string>>& form) const;
  // application/json POST with "Authorization: Bearer <bearer_token>" (never in an error).
  absl::StatusOr<HttpResponse> PostJson(absl::string_view url, const std::string& json,
                                        const std::string& bearer_token) const;

 private:
  struct Body {
    const std::string* bytes;
    const char* content_type;
    const std::string* bearer_token;  // null: no Authorization header
  };
  absl::StatusOr<HttpResponse> Perform(absl::string_view url, const Body* body) const;
  Options options_;
};

// "a=1&b=x%20y": form encoding of RFC 3986 unreserved characters, the rest percent-encoded.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& form);

}  // namespace sertel
