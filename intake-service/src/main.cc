// intake-service: SOP step 1. Wiring only: configuration, the store, the rules, the downstream
// clients, the outbox handlers and the gRPC service.
#include "certificate_client.h"
#include "common/audit_log.h"
#include "common/grpc_client.h"
#include "common/notification_client.h"
#include "common/outbox_attention.h"
#include "common/outbox_attention_client.h"
#include "common/service_runtime.h"
#include "disposition_client.h"
#include "intake_config.h"
#include "intake_manager.h"
#include "intake_payloads.h"
#include "intake_service_impl.h"
#include "intake_store.h"
#include "unit_registry.h"

namespace sertel::intake {
const std::vector<Migration>& Migrations();
}  // namespace sertel::intake

int main(int argc, char** argv) {
  using namespace sertel;
  using namespace sertel::intake;
  EnvReader env;
  CommonConfig common = CommonConfig::FromEnv("intake", 50051, env);
  IntakeConfig own = IntakeConfig::FromEnv(env);
  auto rt = ServiceRuntime::Create(std::move(common), env, intake::Migrations(), argc, argv);
  if (!rt.ok()) return ServiceRuntime::ExitWith(rt.status());
  if ((*rt)->migrate_only()) return 0;
  const ClientConfig& client = (*rt)->config().client;
  absl::StatusOr<UnitRegistry> units = UnitRegistry::FromFile(own.units_file);
  if (!units.ok()) return ServiceRuntime::ExitWith(units.status());

  auto disposition_channel = MakeChannel(own.disposition_address, client);
  if (!disposition_channel.ok()) return ServiceRuntime::ExitWith(disposition_channel.status());
  auto certificate_channel = MakeChannel(own.certificate_address, client);
  if (!certificate_channel.ok()) return ServiceRuntime::ExitWith(certificate_channel.status());
  auto notification_channel = MakeChannel(own.notification_address, client);
  if (!notification_channel.ok()) return ServiceRuntime::ExitWith(notification_channel.status());
  DispositionClient disposition(*disposition_channel, client, own.lookup_deadline);
  CertificateClient certificate(*certificate_channel, client, own.lookup_deadline);
  NotificationClient notification(*notification_channel, client);
  // Application.attention: intake's own DEAD rows, and the deliveries the notification service
  // gave up on (its OutboxAdminService, read-only).
  OutboxAttentionReader own_attention(&(*rt)->pool(), "intake");
  OutboxAttentionClient delivery_attention(*notification_channel, client, own.lookup_deadline);

  // WithdrawCase: only rows queued before withdrawals called disposition synchronously.
  for (const char* topic : {kOpenCaseTopic, kResumeCaseTopic, kWithdrawCaseTopic}) {
    (*rt)->outbox().Register(topic, [&disposition](const OutboxMessage& m) {
      return disposition.Deliver(m.topic, m.payload);
    });
  }
  (*rt)->outbox().Register(kSendNotificationTopic, [&notification](const OutboxMessage& m) {
    return notification.Deliver(m.payload);
  });

  const AuditLog& audit = (*rt)->audit();
  IntakeStore store(&(*rt)->pool(), &audit);
  IntakeManager manager(&store, &disposition, &certificate, SystemClock::Default(),
                        {.max_document_bytes = own.max_document_bytes,
                         .units = &*units,
                         .withdrawals = &disposition,
                         .own_attention = &own_attention,
                         .delivery_attention = &delivery_attention},
                        (*rt)->page_tokens());
  IntakeServiceImpl impl(&manager, &(*rt)->authenticator());
  RateLimiter submits({.burst = static_cast<int>(own.submit_burst), .refill = own.submit_refill});
  impl.SetSubmitLimiter(&submits);
  if (absl::Status s = impl.authorizer().CheckCoversService(); !s.ok()) {
    return ServiceRuntime::ExitWith(s);
  }
  return (*rt)->Serve({&impl});
}
