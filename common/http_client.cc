#include "common/http_client.h"

#include <curl/curl.h>
#include <openssl/crypto.h>

#include <cstring>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace sertel {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;

struct Sink {
  std::string* body;
  size_t cap;
  bool overflow = false;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (sink->body->size() + n > sink->cap) {
    sink->overflow = true;
    return 0;  // libcurl stops with CURLE_WRITE_ERROR
  }
  sink->body->append(data, n);
  return n;
}

// Keeps the Retry-After header of the answer (RFC 9110 §10.2.3: seconds or an HTTP date).
size_t ReadRetryAfter(char* data, size_t size, size_t count, void* user) {
  const size_t n = size * count;
  absl::string_view line(data, n);
  if (absl::StartsWithIgnoreCase(line, "retry-after:")) {
    *static_cast<std::string*>(user) =
        std::string(absl::StripAsciiWhitespace(line.substr(strlen("retry-after:"))));
  }
  return n;
}

// The host of an absolute URL ("https://host:port/path" -> "host"; "[::1]" kept bracketed).
absl::string_view HostOf(absl::string_view rest) {
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = rest.rfind('@'); at != absl::string_view::npos) rest.remove_prefix(at + 1);
  if (absl::StartsWith(rest, "[")) return rest.substr(0, rest.find(']') + 1);
  return rest.substr(0, rest.find(':'));
}

}  // namespace

absl::Status CheckProviderUrl(absl::string_view url) {
  absl::string_view rest;
  bool https = false;
  if (absl::StartsWithIgnoreCase(url, "https://")) {
    rest = url.substr(8);
    https = true;
  } else if (absl::StartsWithIgnoreCase(url, "http://")) {
    rest = url.substr(7);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("not an https:// URL: ", url));
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError("URL holds a space or a control character");
    }
  }
  const std::string host = absl::AsciiStrToLower(HostOf(rest));
  if (host.empty()) return absl::InvalidArgumentError(absl::StrCat("URL without a host: ", url));
  if (absl::StrContains(rest.substr(0, rest.find_first_of("/?#")), '@')) {
    return absl::InvalidArgumentError("URL with user information");
  }
  if (!https && host != "127.0.0.1" && host != "[::1]" && host != "localhost") {
    return absl::InvalidArgumentError(
        absl::StrCat("http:// is allowed only to a loopback host, not ", host, " (use https://)"));
  }
  return absl::OkStatus();
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& form) {
  std::string out;
  auto encode = [&out](absl::string_view s) {
    for (unsigned char c : s) {
      if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
        out.push_back(static_cast<char>(c));
      } else {
        absl::StrAppendFormat(&out, "%%%02X", c);
      }
    }
  };
  for (const auto& [name, value] : form) {
    if (!out.empty()) out.push_back('&');
    encode(name);
    out.push_back('=');
    encode(value);
  }
  return out;
}

absl::StatusOr<HttpResponse> HttpClient::Get(absl::string_view url) const {
  return Perform(url, nullptr);
}

absl::StatusOr<HttpResponse> HttpClient::PostForm(
    absl::string_view url, const std::vector<std::pair<std::string, std::string>>& form) const {
  const std::string bytes = FormEncode(form);
  const Body body{&bytes, "Content-Type: application/x-www-form-urlencoded", nullptr};
  return Perform(url, &body);
}

absl::StatusOr<HttpResponse> HttpClient::PostJson(absl::string_view url, const std::string& json,
                                                  const std::string& bearer_token) const {
  const Body body{&json, "Content-Type: application/json", &bearer_token};
  return Perform(url, &body);
}

absl::StatusOr<HttpResponse> HttpClient::Perform(absl::string_view url, const Body* body) const {
  if (absl::Status s = CheckProviderUrl(url); !s.ok()) return s;
  CurlPtr curl(curl_easy_init());
  if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
  const std::string target(url);
  HttpResponse response;
  Sink sink{&response.body, options_.max_response_bytes};
  char error[CURL_ERROR_SIZE] = {0};
  CurlSlistPtr headers(curl_slist_append(nullptr, "Accept: application/json"));
  std::string authorization;
  if (body != nullptr && headers != nullptr) {
    headers.reset(curl_slist_append(headers.release(), body->content_type));
    if (body->bearer_token != nullptr && headers != nullptr) {
      authorization = absl::StrCat("Authorization: Bearer ", *body->bearer_token);
      headers.reset(curl_slist_append(headers.release(), authorization.c_str()));
      OPENSSL_cleanse(authorization.data(), authorization.size());
    }
  }
  CURL* c = curl.get();
  const long timeout_ms = static_cast<long>(absl::ToInt64Milliseconds(options_.timeout));  // NOLINT
  bool ok = headers != nullptr && curl_easy_setopt(c, CURLOPT_URL, target.c_str()) == CURLE_OK &&
            // Only these two schemes, also for anything libcurl might be told later.
            curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get()) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &WriteBody) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &ReadRetryAfter) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.retry_after) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error) == CURLE_OK;
  if (ok && !options_.ca_file.empty()) {
    ok = curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str()) == CURLE_OK;
  }
  if (ok && body != nullptr) {
    ok = curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->bytes->c_str()) == CURLE_OK &&
         curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                          static_cast<curl_off_t>(body->bytes->size())) == CURLE_OK;
  }
  if (!ok) return absl::InternalError("configuring libcurl failed");
  const CURLcode rc = curl_easy_perform(c);
  if (sink.overflow) {
    return absl::ResourceExhaustedError(
        absl::StrCat(target, " answered more than ", options_.max_response_bytes, " bytes"));
  }
  if (rc != CURLE_OK) {
    // The error buffer names the host and the TLS or socket failure, never a request body.
    return absl::UnavailableError(
        absl::StrCat(target, ": ", error[0] ? error : curl_easy_strerror(rc)));
  }
  if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status) != CURLE_OK) {
    return absl::InternalError("libcurl gave no response code");
  }
  return response;
}

}  // namespace sertel
