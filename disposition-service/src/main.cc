// disposition-service: SOP steps 2-5. Wiring only: configuration, the store, the chain's manager,
// the downstream clients, the outbox handlers and the gRPC service.
#include "certificate_client.h"
#include "common/audit_log.h"
#include "common/grpc_client.h"
#include "common/notification_client.h"
#include "common/progress_client.h"
#include "common/service_runtime.h"
#include "disposition_config.h"
#include "disposition_manager.h"
#include "disposition_payloads.h"
#include "disposition_service_impl.h"
#include "disposition_store.h"

namespace sertel::disposition {
const std::vector<Migration>& Migrations();
}  // namespace sertel::disposition

int main(int argc, char** argv) {
  using namespace sertel;
  using namespace sertel::disposition;
  EnvReader env;
  CommonConfig common = CommonConfig::FromEnv("disposition", 50052, env);
  DispositionConfig own = DispositionConfig::FromEnv(env);
  auto rt = ServiceRuntime::Create(std::move(common), env, disposition::Migrations(), argc, argv);
  if (!rt.ok()) return ServiceRuntime::ExitWith(rt.status());
  if ((*rt)->migrate_only()) return 0;
  const ClientConfig& client = (*rt)->config().client;

  auto certificate_channel = MakeChannel(own.certificate_address, client);
  if (!certificate_channel.ok()) return ServiceRuntime::ExitWith(certificate_channel.status());
  auto notification_channel = MakeChannel(own.notification_address, client);
  if (!notification_channel.ok()) return ServiceRuntime::ExitWith(notification_channel.status());
  auto intake_channel = MakeChannel(own.intake_address, client);
  if (!intake_channel.ok()) return ServiceRuntime::ExitWith(intake_channel.status());
  CertificateClient certificate(*certificate_channel, client);
  NotificationClient notification(*notification_channel, client);
  ProgressClient progress(*intake_channel, client);
  (*rt)->outbox().Register(kStartEnrollmentTopic, [&certificate](const OutboxMessage& m) {
    return certificate.Deliver(m.payload);
  });
  (*rt)->outbox().Register(kSendNotificationTopic, [&notification](const OutboxMessage& m) {
    return notification.Deliver(m.payload);
  });
  // Every case change, reported to intake (its list of applications across the SOP).
  (*rt)->outbox().Register(kRecordProgressTopic, [&progress](const OutboxMessage& m) {
    return progress.Deliver(m.payload);
  });

  const AuditLog& audit = (*rt)->audit();
  DispositionStore store(&(*rt)->pool(), &audit);
  DispositionManager manager(
      &store, SystemClock::Default(),
      [&certificate](absl::Time from, absl::Time to) {
        return certificate.LaterStepsSla(from, to);
      },
      (*rt)->page_tokens());
  DispositionServiceImpl impl(&manager, &(*rt)->authenticator());
  if (absl::Status s = impl.authorizer().CheckCoversService(); !s.ok()) {
    return ServiceRuntime::ExitWith(s);
  }
  return (*rt)->Serve({&impl});
}
