// certificate-service: SOP steps 5 (the CA), 6 and 7. Wiring only: configuration, the CA, the
// crypto classes, the store, the managers, the outbox handlers (notifications, progress reports
// to intake), the periodic jobs, /crl.der.
#include <openssl/crypto.h>

#include "certificate_config.h"
#include "certificate_jobs.h"
#include "certificate_managers.h"
#include "certificate_service_impl.h"
#include "certificate_store.h"
#include "common/audit_log.h"
#include "common/grpc_client.h"
#include "common/log.h"
#include "common/progress_client.h"
#include "common/service_runtime.h"
#include "crl_route.h"
#include "download_link.h"
#include "download_route.h"
#include "embedded_ca.h"
#include "kdf_self_test.h"
#include "notification_client.h"
#include "process_hygiene.h"
#include "snapshot_listener.h"

namespace sertel::certificate {
const std::vector<Migration>& Migrations();

namespace {

// The activation-code secret (SOP step 6), read and wiped from the read buffer.
absl::StatusOr<ActivationCodes> LoadActivationCodes(const std::string& file) {
  absl::StatusOr<std::string> key = ReadFile(file);
  if (!key.ok()) return key.status();
  absl::StatusOr<ActivationCodes> codes = ActivationCodes::FromKey(*key);
  OPENSSL_cleanse(key->data(), key->size());
  if (!codes.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SERTEL_CERTIFICATE_ACTIVATION_KEY_FILE: ", codes.status().message()));
  }
  return codes;
}

ManagerSettings SettingsFrom(const CertificateConfig& own) {
  return {.validity = own.validity,
          .activation_ttl = own.activation_ttl,
          .activation_max_attempts = own.activation_max_attempts,
          .keystore_retention = own.keystore_retention,
          .expiry_reminder = own.expiry_reminder,
          .crl_validity = own.crl_validity,
          .download_base_url = own.download_base_url,
          .download_ttl = own.download_ttl,
          .code_by_whatsapp = own.code_by_whatsapp};
}

}  // namespace
}  // namespace sertel::certificate

int main(int argc, char** argv) {
  using namespace sertel;
  using namespace sertel::certificate;
  EnvReader env;
  CommonConfig common = CommonConfig::FromEnv("certificate", 50053, env);
  CertificateConfig own = CertificateConfig::FromEnv(env);
  auto rt = ServiceRuntime::Create(std::move(common), env, certificate::Migrations(), argc, argv);
  if (!rt.ok()) return ServiceRuntime::ExitWith(rt.status());
  if ((*rt)->migrate_only()) return 0;
  // This process holds the CA key and, for a moment, holders' keys and passphrases: no core
  // dump may write them to disk, and no other process of this user may read its memory.
  if (absl::Status s = ForbidCoreDumps(); !s.ok()) return ServiceRuntime::ExitWith(s);

  // The hand-written PKCS#12 KDFs (fast_kdf.h) must agree with OpenSSL before any keystore is
  // sealed with them: otherwise refuse to start.
  if (absl::Status s = FastKdfSelfTest(); !s.ok()) return ServiceRuntime::ExitWith(s);

  auto ca = EmbeddedCa::Load({.key_file = own.ca_key_file,
                              .chain_file = own.ca_chain_file,
                              .organization = own.organization,
                              .crl_url = own.crl_url});
  if (!ca.ok()) return ServiceRuntime::ExitWith(ca.status());
  absl::StatusOr<ActivationCodes> codes = LoadActivationCodes(own.activation_key_file);
  if (!codes.ok()) return ServiceRuntime::ExitWith(codes.status());

  const AuditLog& audit = (*rt)->audit();
  CertificateStore store(&(*rt)->pool(), &audit);
  // Issue 22: CheckCertificate and VerifyDocument answer from memory, kept current by the
  // database's notices (snapshot_listener.h); this replica's own writes at once.
  CertificateSnapshot snapshot(own.snapshot_max_staleness);
  SnapshotListener snapshot_listener({.url = (*rt)->config().database.url,
                                      .schema = (*rt)->config().database.schema,
                                      .heartbeat = absl::Seconds(1),
                                      .full_reload = own.snapshot_reload},
                                     &store, &snapshot);
  store.SetOnHolderChange([&](const std::string& nik) { snapshot_listener.Refresh(nik); });
  if (absl::Status s = snapshot_listener.Start(); !s.ok()) return ServiceRuntime::ExitWith(s);
  CertificateManagers managers(
      &store, ca->get(), &*codes, KeyGenerator(own.key_algorithm),
      Pkcs12Sealer({.iterations = own.pkcs12_iterations, .legacy = own.pkcs12_legacy}),
      SettingsFrom(own), SystemClock::Default(), &snapshot);
  if (!own.retired_ca_certs_file.empty()) {
    absl::StatusOr<std::string> pem = ReadFile(own.retired_ca_certs_file);
    if (!pem.ok()) return ServiceRuntime::ExitWith(pem.status());
    absl::StatusOr<std::vector<X509Ptr>> retired = LoadCertificateChainPem(*pem);
    if (!retired.ok()) return ServiceRuntime::ExitWith(retired.status());
    managers.checks.SetRetiredIssuers(*std::move(retired));
  }
  if (absl::StatusOr<std::string> crl = managers.revocation.CurrentCrl(); !crl.ok()) {
    return ServiceRuntime::ExitWith(crl.status());
  }

  auto channel = MakeChannel(own.notification_address, (*rt)->config().client);
  if (!channel.ok()) return ServiceRuntime::ExitWith(channel.status());
  SealedNotificationClient notifications(
      *channel, (*rt)->config().client, &*codes,
      [&store](const std::string& app) { return store.GetKeystore(app); });
  (*rt)->outbox().Register(SealedNotificationClient::kTopic, [&](const OutboxMessage& m) {
    return notifications.Deliver(m.payload);
  });
  // Every enrollment change tells intake how far the application went (progress_report.h).
  auto intake_channel = MakeChannel(own.intake_address, (*rt)->config().client);
  if (!intake_channel.ok()) return ServiceRuntime::ExitWith(intake_channel.status());
  ProgressClient progress(*intake_channel, (*rt)->config().client);
  (*rt)->outbox().Register(kRecordProgressTopic,
                           [&](const OutboxMessage& m) { return progress.Deliver(m.payload); });

  if (MetricsHttpServer* http = (*rt)->http(); http != nullptr) {
    http->AddRoute("/crl.der", [&managers] { return CrlResponse(managers.revocation); });
  }

  // Issue 18: the one-time download links of a handover, on their own (HTTPS) listener.
  std::unique_ptr<HttpListener> downloads;
  DownloadRoute download_route(&managers.handover,
                               {.path_prefix = DownloadPathPrefix(own.download_base_url),
                                .trust_forwarded_for = own.download_trust_proxy});
  if (!own.download_address.empty()) {
    downloads = std::make_unique<HttpListener>(
        HttpListenerOptions{.address = own.download_address,
                            .tls_cert_file = own.download_tls_cert_file,
                            .tls_key_file = own.download_tls_key_file,
                            .max_body_bytes = 4096,
                            .what = "keystore download"});
    download_route.Register(*downloads);
    if (absl::Status s = downloads->Start(); !s.ok()) return ServiceRuntime::ExitWith(s);
    Log::Info("download_listener_started",
              {{"address", own.download_address}, {"tls", downloads->tls()}});
  }

  CertificateServiceImpl impl(&managers, &(*rt)->authenticator());
  RateLimiter checks({.burst = static_cast<int>(own.check_burst), .refill = own.check_refill});
  impl.SetCheckLimiter(&checks);
  if (absl::Status s = impl.authorizer().CheckCoversService(); !s.ok()) {
    return ServiceRuntime::ExitWith(s);
  }
  CertificateJobs jobs(&managers.maintenance, &managers.revocation, own.job_interval);
  jobs.Start();
  int code = (*rt)->Serve({&impl});
  jobs.Stop();
  if (downloads) downloads->Stop();
  snapshot_listener.Stop();
  return code;
}
