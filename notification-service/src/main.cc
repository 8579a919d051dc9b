// notification-service: email and WhatsApp messages that are never dropped. Wiring only:
// configuration, the store, the rules, the two channels, the delivery worker, the server.
#include <memory>

#include "common/audit_log.h"
#include "common/log.h"
#include "common/service_runtime.h"
#include "delivery_worker.h"
#include "notification_config.h"
#include "notification_manager.h"
#include "notification_service_impl.h"
#include "notification_store.h"
#include "secret_box.h"
#include "smtp_sender.h"
#include "whatsapp_sender.h"

namespace sertel::notification {
const std::vector<Migration>& Migrations();
}  // namespace sertel::notification

int main(int argc, char** argv) {
  using namespace sertel;
  using namespace sertel::notification;
  EnvReader env;
  CommonConfig common = CommonConfig::FromEnv("notification", 50054, env);
  NotificationConfig own = NotificationConfig::FromEnv(env);
  auto rt = ServiceRuntime::Create(std::move(common), env, notification::Migrations(), argc, argv,
                                   [](pqxx::connection& c) { NotificationStore::Prepare(c); });
  if (!rt.ok()) return ServiceRuntime::ExitWith(rt.status());
  if ((*rt)->migrate_only()) return 0;

  std::unique_ptr<SecretBox> box;
  if (own.secret_key.empty()) {
    Log::Warn("notification_ephemeral_secret_key",
              {{"detail", "SERTEL_NOTIFICATION_SECRET_KEY_FILE is not set: activation codes "
                          "queued before a restart cannot be delivered after it"}});
    box = std::make_unique<SecretBox>(SecretBox::Ephemeral());
  } else {
    auto loaded = SecretBox::FromKeyMaterial(own.secret_key);
    if (!loaded.ok()) {
      return ServiceRuntime::ExitWith(absl::InvalidArgumentError(
          absl::StrCat("SERTEL_NOTIFICATION_SECRET_KEY_FILE: ", loaded.status().message())));
    }
    box = std::make_unique<SecretBox>(*loaded);
  }

  AuditLog audit;
  NotificationStore store(&(*rt)->pool(), &audit);
  NotificationManager manager(&store, box.get(),
                              {.max_attachment_bytes = own.max_attachment_bytes,
                               .whatsapp_enabled = own.whatsapp_enabled},
                              SystemClock::Default());
  SmtpSender smtp(own.smtp);
  std::unique_ptr<WhatsAppSender> whatsapp;
  if (own.whatsapp_enabled) whatsapp = std::make_unique<WhatsAppSender>(own.whatsapp);
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
