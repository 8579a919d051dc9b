// The WhatsApp webhook's body parser (notification-service/src/whatsapp_status_events.h), on
// what anyone can POST before the signature is even looked at: never a crash, and every report
// it yields is one sertel tracks (a known status, a message id of at most 200 bytes, an error
// text of at most 500).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "whatsapp_status_events.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  auto reports = sertel::notification::ParseWhatsAppStatuses(body);
  if (!reports.ok()) return 0;
  for (const sertel::notification::StatusReport& r : *reports) {
    if (r.provider_message_id.empty() || r.provider_message_id.size() > 200 ||
        r.error_text.size() > 500) {
      std::abort();
    }
    if (r.status != "sent" && r.status != "delivered" && r.status != "read" &&
        r.status != "failed") {
      std::abort();
    }
  }
  return 0;
}
