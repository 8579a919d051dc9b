#include "whatsapp_errors.h"

#include <set>

#include "common/rate_limiter.h"

namespace sertel::notification {

absl::Status DeliveryErrorForWhatsAppCode(int64_t code, long http_status, std::string error,
                                          std::optional<absl::Duration> retry_after) {
  // Rate limits: 4 (application), 80007 (business account), 130429 (Cloud API throughput),
  // 131048 (spam rate limit), 131056 (too many messages to one recipient).
  static const std::set<int64_t> kRateLimits = {4, 80007, 130429, 131048, 131056};
  // Temporary: 1 unknown, 2 service unavailable, 131000 something went wrong, 133004 server
  // temporarily unavailable.
  static const std::set<int64_t> kTemporary = {1, 2, 131000, 133004};
  // Final for WhatsApp; the person may still be reached by email: 131026 message undeliverable
  // (no WhatsApp on the number, old app, terms not accepted), 131047 re-engagement (outside the
  // 24-hour window), 131049 (Meta chose not to deliver, to protect engagement).
  static const std::set<int64_t> kFallBack = {131026, 131047, 131049};
  // The template as registered differs from the table: 132000 parameter count, 132001 template
  // does not exist (name or language), 132005 translated text too long, 132007 format policy,
  // 132012 parameter format, 132015 paused, 132016 disabled.
  static const std::set<int64_t> kTemplate = {132000, 132001, 132005, 132007,
                                              132012, 132015, 132016};
  if (kRateLimits.count(code) > 0 || (code == 0 && http_status == 429)) {
    absl::Status s = absl::ResourceExhaustedError(error);
    return retry_after.has_value() ? WithRetryDelay(s, *retry_after) : s;
  }
  if (kTemporary.count(code) > 0 || (code == 0 && http_status >= 500)) {
    absl::Status s = TemporaryDeliveryError(error);
    return retry_after.has_value() ? WithRetryDelay(s, *retry_after) : s;
  }
  if (kFallBack.count(code) > 0) {
    return WithFailurePolicy(PermanentDeliveryError(error), FailurePolicy::kFallBackToEmail);
  }
  if (kTemplate.count(code) > 0) {
    return WithFailurePolicy(PermanentDeliveryError(error), FailurePolicy::kDeadLetter);
  }
  // 190: the access token expired or was revoked (also HTTP 401 without a code).
  if (code == 190 || (code == 0 && http_status == 401)) {
    return WithFailurePolicy(PermanentDeliveryError(error), FailurePolicy::kPauseChannel);
  }
  if (http_status >= 500) return TemporaryDeliveryError(error);
  // Permanent: 131030 recipient not allowed, 131009 / 100 invalid parameter, 10 / 200
  // permission, 131051 unsupported type - and every other 4xx: the same request would fail again.
  return PermanentDeliveryError(error);
}

}  // namespace sertel::notification
