// notification-service's own settings (SERTEL_NOTIFICATION_*), read through EnvReader so every
// bad value is reported at once with the shared ones. Documented in docs/services.md.
//
//   EnvReader env;
//   NotificationConfig own = NotificationConfig::FromEnv(env);
#pragma once

#include <string>

#include "common/config.h"
#include "delivery_worker.h"
#include "smtp_sender.h"
#include "whatsapp_sender.h"
#include "whatsapp_webhook.h"

namespace sertel::notification {

struct NotificationConfig {
  DeliveryWorker::Options worker;
  bool worker_enabled = true;              // SERTEL_NOTIFICATION_WORKER
  int64_t max_attachment_bytes = 5 << 20;  // SERTEL_NOTIFICATION_MAX_ATTACHMENT_BYTES
  SmtpOptions smtp;
  bool whatsapp_enabled = false;  // true when a phone number id is configured
  WhatsAppOptions whatsapp;
  WhatsAppWebhook::Options webhook;  // its secrets: SERTEL_NOTIFICATION_WHATSAPP_*_FILE
  std::string secret_key;  // bytes of SERTEL_NOTIFICATION_SECRET_KEY_FILE (SealedBox key), or ""

  static NotificationConfig FromEnv(EnvReader& env);
};

}  // namespace sertel::notification
