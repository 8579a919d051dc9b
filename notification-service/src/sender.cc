#include "sender.h"

#include <curl/curl.h>

#include <mutex>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace sertel::notification {

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool IsLoopbackUrl(absl::string_view url) {
  absl::string_view rest = url;
  size_t scheme = rest.find("://");
  if (scheme == absl::string_view::npos) return false;
  rest.remove_prefix(scheme + 3);
  size_t at = rest.find('@');
  size_t slash = rest.find('/');
  if (at != absl::string_view::npos && (slash == absl::string_view::npos || at < slash)) {
    rest.remove_prefix(at + 1);
  }
  std::string host;
  if (absl::StartsWith(rest, "[")) {
    size_t close = rest.find(']');
    if (close == absl::string_view::npos) return false;
    host = std::string(rest.substr(1, close - 1));
  } else {
    size_t end = rest.find_first_of(":/?");
    host = absl::AsciiStrToLower(rest.substr(0, end));
  }
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

}  // namespace sertel::notification
