// notification-service: email and WhatsApp messages that are never dropped. Wiring only:
// configuration, the store, the rules, the two channels, the delivery worker, the server.
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/audit_log.h"
#include "common/log.h"
#include "common/sealed_box.h"
#include "common/service_runtime.h"
#include "delivery_worker.h"
#include "notification_config.h"
#include "notification_manager.h"
#include "notification_outbox_backend.h"
#include "notification_service_impl.h"
#include "notification_store.h"
#include "smtp_sender.h"
#include "whatsapp_sender.h"
#include "whatsapp_templates.h"
#include "whatsapp_webhook.h"

namespace sertel::notification {
const std::vector<Migration>& Migrations();
namespace {

// The key of the sealed parameters (the activation code of SOP step 6), from
// SERTEL_NOTIFICATION_SECRET_KEY_FILE; a random one, with a warning, when none is configured.
absl::StatusOr<SealedBox> LoadSealedBox(const std::string& key_material) {
  if (key_material.empty()) {
    Log::Warn("notification_ephemeral_secret_key",
              {{"detail",
                "SERTEL_NOTIFICATION_SECRET_KEY_FILE is not set: activation codes "
                "queued before a restart cannot be delivered after it"}});
    return SealedBox::Ephemeral();
  }
  absl::StatusOr<SealedBox> loaded = SealedBox::FromKeyMaterial(key_material);
  if (!loaded.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SERTEL_NOTIFICATION_SECRET_KEY_FILE: ", loaded.status().message()));
  }
  return loaded;
}

}  // namespace
}  // namespace sertel::notification

int main(int argc, char** argv) {
  using namespace sertel;
  using namespace sertel::notification;
  EnvReader env;
  CommonConfig common = CommonConfig::FromEnv("notification", 50054, env);
  NotificationConfig own = NotificationConfig::FromEnv(env);
  auto rt = ServiceRuntime::Create(std::move(common), env, notification::Migrations(), argc, argv);
  if (!rt.ok()) return ServiceRuntime::ExitWith(rt.status());
  if ((*rt)->migrate_only()) return 0;

  absl::StatusOr<SealedBox> box = LoadSealedBox(own.secret_key);
  if (!box.ok()) return ServiceRuntime::ExitWith(box.status());

  const AuditLog& audit = (*rt)->audit();
  NotificationStore store(&(*rt)->pool(), &audit);
  // OutboxAdminService here lists and retries the deliveries (a FAILED message is a DEAD row).
  (*rt)->SetOutboxAdminBackend(
      std::make_unique<NotificationOutboxBackend>(&(*rt)->pool(), &audit, SystemClock::Default()));
  NotificationManager manager(
      &store, &*box,
      {.max_attachment_bytes = own.max_attachment_bytes, .whatsapp_enabled = own.whatsapp_enabled},
      SystemClock::Default(), (*rt)->page_tokens());
  SmtpSender smtp(own.smtp);
  std::unique_ptr<WhatsAppSender> whatsapp;
  if (own.whatsapp_enabled) whatsapp = std::make_unique<WhatsAppSender>(own.whatsapp);
  if (absl::Status s = CheckWhatsAppTemplateTable(); !s.ok()) return ServiceRuntime::ExitWith(s);
  // Delivery reports by webhook (issue 18) on the service's HTTP listener.
  WhatsAppWebhook webhook(&store, &manager, own.webhook);
  if (own.whatsapp_enabled) {
    if ((*rt)->http() == nullptr) {
      return ServiceRuntime::ExitWith(absl::InvalidArgumentError(
          "WhatsApp needs the HTTP listener for its webhook: set SERTEL_METRICS_ADDRESS"));
    }
    webhook.Register((*rt)->http()->listener());
  }
  DeliveryWorker worker(&store, &manager, &smtp, whatsapp.get(), own.worker);

  NotificationServiceImpl impl(&manager, &(*rt)->authenticator());
  if (absl::Status s = impl.authorizer().CheckCoversService(); !s.ok()) {
    return ServiceRuntime::ExitWith(s);
  }
  if (own.worker_enabled) worker.Start();
  int code = (*rt)->Serve({&impl});
  worker.Stop();
  return code;
}
