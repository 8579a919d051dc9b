// The status events of a WhatsApp Cloud API webhook body (webhooks/reference/messages/status):
// each "statuses" entry of a "messages" change, as a StatusReport; messages and other fields
// are skipped, and so are statuses sertel does not track ("deleted", "warning"). Apart from the
// webhook's HTTP handling (whatsapp_webhook.h) so that it can be fuzzed on its own
// (fuzz/whatsapp_webhook_fuzzer.cc).
//
//   absl::StatusOr<std::vector<StatusReport>> r = ParseWhatsAppStatuses(request.body);
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "notification_records.h"

namespace sertel::notification {

// INVALID_ARGUMENT when `body` is not a WhatsApp Business Account webhook.
absl::StatusOr<std::vector<StatusReport>> ParseWhatsAppStatuses(const std::string& body);

}  // namespace sertel::notification
