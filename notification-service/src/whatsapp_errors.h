// The WhatsApp Cloud API's error codes and what sertel does about each (docs/whatsapp.md), for
// a synchronous answer (WhatsAppSender) and a "failed" status reported by webhook alike.
//
//   absl::Status s = DeliveryErrorForWhatsAppCode(131026, 400, "...", std::nullopt);
//   FailurePolicyOf(s) == FailurePolicy::kFallBackToEmail; IsPermanentDeliveryError(s)
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "sender.h"

namespace sertel::notification {

// `http_status` 0 for a webhook's failed status (no HTTP answer). `retry_after`: the answer's
// Retry-After, honoured for rate limits.
absl::Status DeliveryErrorForWhatsAppCode(int64_t code, long http_status, std::string error,
                                          std::optional<absl::Duration> retry_after);

}  // namespace sertel::notification
