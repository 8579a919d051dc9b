#include "sender.h"

#include <curl/curl.h>

#include <mutex>
#include <optional>
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

namespace sertel::notification {
namespace {
constexpr char kPolicyPayload[] = "type.sertel/notification.FailurePolicy";
}  // namespace

absl::Status WithFailurePolicy(absl::Status status, FailurePolicy policy) {
  if (!status.ok() && policy != FailurePolicy::kNone) {
    status.SetPayload(kPolicyPayload, absl::Cord(FailurePolicyName(policy)));
  }
  return status;
}

FailurePolicy FailurePolicyOf(const absl::Status& status) {
  auto p = status.GetPayload(kPolicyPayload);  // absl::optional in Debian 12's Abseil
  if (!p.has_value()) return FailurePolicy::kNone;
  for (FailurePolicy policy : {FailurePolicy::kFallBackToEmail, FailurePolicy::kDeadLetter,
                               FailurePolicy::kPauseChannel}) {
    if (*p == FailurePolicyName(policy)) return policy;
  }
  return FailurePolicy::kNone;
}

absl::string_view FailurePolicyName(FailurePolicy policy) {
  switch (policy) {
    case FailurePolicy::kNone:
      return "NONE";
    case FailurePolicy::kFallBackToEmail:
      return "FALL_BACK_TO_EMAIL";
    case FailurePolicy::kDeadLetter:
      return "DEAD_LETTER";
    case FailurePolicy::kPauseChannel:
      return "PAUSE_CHANNEL";
  }
  return "NONE";
}

}  // namespace sertel::notification
