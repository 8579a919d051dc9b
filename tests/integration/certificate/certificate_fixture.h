// The fixture of certificate-service's integration tests: a fresh database with the service's
// schema, an issuing CA in a temp folder, the real CertificateServiceImpl behind a TLS
// TestServer, a FakeClock, and a fake NotificationService and a fake IntakeService (behind their
// own TestServers) that the real outbox dispatcher delivers to over mTLS, so tests read the
// activation code the way the owner would receive it and the progress reports as intake would.
#pragma once

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <memory>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "certificate_jobs.h"
#include "certificate_managers.h"
#include "certificate_service_impl.h"
#include "certificate_store.h"
#include "common/audit_log.h"
#include "common/clock.h"
#include "common/grpc_client.h"
#include "common/log.h"
#include "common/migrations.h"
#include "common/outbox.h"
#include "common/pg_pool.h"
#include "common/progress_client.h"
#include "embedded_ca.h"
#include "gtest/gtest.h"
#include "notification_client.h"
#include "sertel/v1/intake.grpc.pb.h"
#include "sertel/v1/notification.grpc.pb.h"
#include "snapshot_listener.h"
#include "tests/harness/test_database.h"
#include "tests/harness/test_pki.h"
#include "tests/harness/test_server.h"
#include "tests/unit/certificate/test_ca.h"

namespace sertel::certificate {
const std::vector<Migration>& Migrations();
}  // namespace sertel::certificate

namespace sertel::certificate::testing {

// Captures what certificate-service asks the notification service to send.
class FakeNotificationService final : public v1::NotificationService::Service {
 public:
  grpc::Status SendNotification(grpc::ServerContext*, const v1::SendNotificationRequest* req,
                                v1::Notification* resp) override {
    absl::MutexLock lock(&mu_);
    sent_.push_back(*req);
    resp->set_id(absl::StrCat("n-", sent_.size()));
    resp->set_request_id(req->request_id());
    return grpc::Status::OK;
  }
  std::vector<v1::SendNotificationRequest> sent() {
    absl::MutexLock lock(&mu_);
    return sent_;
  }
  std::vector<v1::SendNotificationRequest> sent(v1::NotificationTemplate t) {
    std::vector<v1::SendNotificationRequest> out;
    for (const auto& r : sent()) {
      if (r.template_() == t) out.push_back(r);
    }
    return out;
  }

 private:
  absl::Mutex mu_;
  std::vector<v1::SendNotificationRequest> sent_;
};

// Captures the progress reports certificate-service sends intake (IntakeService.RecordProgress).
class FakeIntakeService final : public v1::IntakeService::Service {
 public:
  grpc::Status RecordProgress(grpc::ServerContext*, const v1::RecordProgressRequest* req,
                              v1::Application* resp) override {
    absl::MutexLock lock(&mu_);
    reports_.push_back(*req);
    resp->set_id(req->application_id());
    return grpc::Status::OK;
  }
  std::vector<v1::RecordProgressRequest> reports(const std::string& application_id) {
    absl::MutexLock lock(&mu_);
    std::vector<v1::RecordProgressRequest> out;
    for (const auto& r : reports_) {
      if (r.application_id() == application_id) out.push_back(r);
    }
    return out;
  }

 private:
  absl::Mutex mu_;
  std::vector<v1::RecordProgressRequest> reports_;
};

// As intake sends it since the unit registry: `unit` a code, `certificate_ou` its OU.
inline v1::Applicant TestApplicant(const std::string& nik = "3171014101900001",
                                   const std::string& unit = "DISKOMINFO",
                                   const std::string& certificate_ou = "Dinas Kominfo") {
  v1::Applicant a;
  a.set_nik(nik);
  a.set_nip("199001012015032001");
  a.set_full_name("Siti Aminah Putri");
  a.set_email("siti.aminah@kota.go.id");
  a.set_phone("+6281234567890");
  a.set_unit(unit);
  a.set_position("Pranata Komputer");
  a.set_certificate_ou(certificate_ou);
  return a;
}

constexpr const char* kPassphrase = "Kuda-Lari#2024x";

// A CA that passes every call on to a real one: a test's CA overrides only what it changes
// (DownCa: Issue fails; NoCrlCa: MakeCrl fails; CountingCa: Issue is counted and can be held).
class ForwardingCa : public CertificateAuthority {
 public:
  explicit ForwardingCa(CertificateAuthority* real) : real_(real) {}
  absl::StatusOr<IssuedCertificate> Issue(const IssueRequest& request) override {
    return real_->Issue(request);
  }
  absl::StatusOr<std::string> MakeCrl(const std::vector<RevokedEntry>& revoked, int64_t number,
                                      absl::Time this_update, absl::Time next_update) override {
    return real_->MakeCrl(revoked, number, this_update, next_update);
  }
  const std::vector<X509Ptr>& chain() const override { return real_->chain(); }
  std::string ChainPem() const override { return real_->ChainPem(); }

 private:
  CertificateAuthority* real_;
};

// The fixture's CA as the managers see it: counts the certificates it signs and can hold the
// next signature until the test lets it go, so that a second request races one that is calling
// the CA (issue 23: the CA signs at most one certificate per enrollment).
class CountingCa final : public ForwardingCa {
 public:
  using ForwardingCa::ForwardingCa;

  absl::StatusOr<IssuedCertificate> Issue(const IssueRequest& request) override {
    {
      absl::MutexLock lock(&mu_);
      ++signed_;
      if (hold_next_) {
        hold_next_ = false;
        held_ = true;
        // Bounded: a test that never lets go fails on its own assertions, not by hanging.
        mu_.AwaitWithTimeout(absl::Condition(
                                 +[](bool* held) { return !*held; }, &held_),
                             absl::Seconds(30));
        held_ = false;
      }
    }
    return ForwardingCa::Issue(request);
  }

  int signed_count() {
    absl::MutexLock lock(&mu_);
    return signed_;
  }
  void HoldNext() {
    absl::MutexLock lock(&mu_);
    hold_next_ = true;
  }
  // Whether a signature is held now, waiting up to `timeout` for one.
  bool AwaitHeld(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(&held_), timeout);
  }
  void LetGo() {
    absl::MutexLock lock(&mu_);
    held_ = false;
  }

 private:
  absl::Mutex mu_;
  int signed_ ABSL_GUARDED_BY(mu_) = 0;
  bool hold_next_ ABSL_GUARDED_BY(mu_) = false;
  bool held_ ABSL_GUARDED_BY(mu_) = false;
};

class CertificateIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override { Build(KeyAlgorithm::kEcP256); }

  void Build(KeyAlgorithm algorithm) {
    log_file_ = dir_.File("service.log");
    Log::Init("certificate-service", log_file_, LogLevel::kDebug);
    ASSERT_TRUE(ApplyMigrations(db_.url(), "certificate",
                                {&common::Migrations(), &certificate::Migrations()})
                    .ok());
    auto pool = PgPool::Create(
        {.url = db_.url(), .schema = "certificate", .size = 4, .on_connect = nullptr});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    test_ca_ = std::make_unique<TestCa>(TestCa::Create(dir_.path(), "ec-p256"));
    auto ca = EmbeddedCa::Load({.key_file = test_ca_->key_file(),
                                .chain_file = test_ca_->cert_file(),
                                .organization = "Pemerintah Kota Contoh",
                                .crl_url = ""});
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_ = std::move(*ca);
    counting_ca_ = std::make_unique<CountingCa>(ca_.get());
    codes_ = std::make_unique<ActivationCodes>(std::string(32, 'K'));
    audit_ = std::make_unique<AuditLog>(sertel::testing::TestAuditKey(), &clock_);
    snapshot_listener_.reset();
    store_ = std::make_unique<CertificateStore>(pool_.get(), audit_.get());
    // CheckCertificate's snapshot, kept current as in the service (snapshot_listener.h).
    snapshot_ = std::make_unique<CertificateSnapshot>(absl::Seconds(10));
    snapshot_listener_ = std::make_unique<SnapshotListener>(
        SnapshotListener::Options{.url = db_.url(), .schema = "certificate"}, store_.get(),
        snapshot_.get());
    store_->SetOnHolderChange([this](const std::string& nik) { snapshot_listener_->Refresh(nik); });
    ASSERT_TRUE(snapshot_listener_->Start().ok());
    managers_ = std::make_unique<CertificateManagers>(
        store_.get(), counting_ca_.get(), codes_.get(), KeyGenerator(algorithm),
        Pkcs12Sealer({.iterations = 2048}), settings_, &clock_, snapshot_.get());
    authn_ = sertel::testing::MakeTestAuthenticator(pki_);
    impl_ = std::make_unique<CertificateServiceImpl>(managers_.get(), authn_.get());
    server_ = std::make_unique<sertel::testing::TestServer>(
        pki_, std::vector<grpc::Service*>{impl_.get()});
    stub_ = v1::CertificateService::NewStub(server_->Channel());
    service_stub_ =
        v1::CertificateService::NewStub(server_->ServiceChannel(ServiceId::kDisposition));

    notification_server_ = std::make_unique<sertel::testing::TestServer>(
        pki_, std::vector<grpc::Service*>{&notifications_});
    ClientConfig client = sertel::testing::TestClientConfig(pki_, ServiceId::kCertificate);
    auto channel = MakeChannel(notification_server_->address(), client);
    ASSERT_TRUE(channel.ok()) << channel.status();
    notification_client_ = std::make_unique<SealedNotificationClient>(
        *channel, client, codes_.get(),
        [this](const std::string& app) { return store_->GetKeystore(app); });
    dispatcher_ = std::make_unique<OutboxDispatcher>(pool_.get(), OutboxConfig{});
    dispatcher_->Register(SealedNotificationClient::kTopic, [this](const OutboxMessage& m) {
      return notification_client_->Deliver(m.payload);
    });

    intake_server_ =
        std::make_unique<sertel::testing::TestServer>(pki_, std::vector<grpc::Service*>{&intake_});
    auto intake_channel = MakeChannel(intake_server_->address(), client);
    ASSERT_TRUE(intake_channel.ok()) << intake_channel.status();
    progress_client_ = std::make_unique<ProgressClient>(*intake_channel, client);
    dispatcher_->Register(kRecordProgressTopic, [this](const OutboxMessage& m) {
      return progress_client_->Deliver(m.payload);
    });
  }

  std::string Token(const std::string& role, const std::string& nik = "") {
    return pki_.MintToken({role}, absl::StrCat(absl::AsciiStrToLower(role), "-1"), nik);
  }
  std::string ApplicantToken(const std::string& nik = "3171014101900001") {
    return pki_.MintToken({"APPLICANT"}, "applicant-1", nik);
  }
  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
    return sertel::testing::ContextWithToken(token);
  }

  grpc::Status Start(const std::string& app, const v1::Applicant& a, v1::Enrollment* out) {
    v1::StartEnrollmentRequest req;
    req.set_application_id(app);
    req.set_request_id(absl::StrCat("disposition:enroll:", app));
    *req.mutable_applicant() = a;
    auto ctx = Ctx("");
    return service_stub_->StartEnrollment(ctx.get(), req, out);
  }
  // Started, with the owner's code delivered.
  std::string Started(const std::string& app, const v1::Applicant& a = TestApplicant()) {
    v1::Enrollment e;
    grpc::Status s = Start(app, a, &e);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return DeliveredCode(app);
  }

  // Delivers the outbox and returns the activation code the owner received for `app`.
  std::string DeliveredCode(const std::string& app) {
    DeliverOutbox();
    for (const auto& r : notifications_.sent(v1::NOTIFICATION_TEMPLATE_ACTIVATION_CODE)) {
      if (r.application_id() == app) return r.params().at("activation_code");
    }
    ADD_FAILURE() << "no activation code delivered for " << app;
    return "";
  }

  void DeliverOutbox() {
    for (int i = 0; i < 5; ++i) {
      auto n = dispatcher_->RunOnce();
      ASSERT_TRUE(n.ok()) << n.status();
      if (*n == 0) break;
    }
  }

  grpc::Status SetPassphrase(const std::string& token, const std::string& app,
                             const std::string& code, const std::string& passphrase,
                             v1::Certificate* out, const std::string& request_id = "") {
    v1::SetPassphraseRequest req;
    req.set_application_id(app);
    req.set_activation_code(code);
    req.set_passphrase(passphrase);
    req.set_request_id(request_id);
    auto ctx = Ctx(token);
    return stub_->SetPassphrase(ctx.get(), req, out);
  }

  grpc::Status Resend(const std::string& token, const std::string& app,
                      const std::string& request_id, v1::Enrollment* out) {
    v1::ResendActivationCodeRequest req;
    req.set_application_id(app);
    req.set_request_id(request_id);
    auto ctx = Ctx(token);
    return stub_->ResendActivationCode(ctx.get(), req, out);
  }

  // Delivers the outbox and returns the newest activation code the owner received for `app`.
  std::string LatestCode(const std::string& app) {
    DeliverOutbox();
    std::string code;
    for (const auto& r : notifications_.sent(v1::NOTIFICATION_TEMPLATE_ACTIVATION_CODE)) {
      if (r.application_id() == app) code = r.params().at("activation_code");
    }
    EXPECT_FALSE(code.empty()) << "no activation code delivered for " << app;
    return code;
  }

  // The first column of the first row of `sql` on the service's schema ("NULL" for SQL NULL):
  // tests read what the store wrote.
  std::string Scalar(const std::string& sql) {
    absl::StatusOr<std::string> v =
        pool_->ReadOne<std::string>([&](pqxx::nontransaction& tx) -> absl::StatusOr<std::string> {
          pqxx::result r = tx.exec(sql);
          if (r.empty() || r[0][0].is_null()) return std::string("NULL");
          return r[0][0].as<std::string>();
        });
    EXPECT_TRUE(v.ok()) << v.status();
    return v.value_or("");
  }

  // Every pooled connection, held by the caller: a call that needed the database would wait for
  // one and fail UNAVAILABLE.
  std::vector<PgPool::Lease> TakeAllConnections() {
    std::vector<PgPool::Lease> taken;
    for (int i = 0; i < pool_->options().size; ++i) {
      absl::StatusOr<PgPool::Lease> l = pool_->Acquire();
      EXPECT_TRUE(l.ok()) << l.status();
      if (l.ok()) taken.push_back(*std::move(l));
    }
    return taken;
  }

  std::string ReadText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  v1::Enrollment Enrollment(const std::string& app) {
    v1::GetEnrollmentRequest req;
    req.set_application_id(app);
    v1::Enrollment e;
    auto ctx = Ctx(Token("VERIFIER"));
    grpc::Status s = stub_->GetEnrollment(ctx.get(), req, &e);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return e;
  }

  // Enrolls and issues; returns the certificate.
  v1::Certificate Issue(const std::string& app, const v1::Applicant& a = TestApplicant()) {
    v1::Enrollment e;
    grpc::Status s = Start(app, a, &e);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::string code = DeliveredCode(app);
    v1::Certificate c;
    s = SetPassphrase(Token("VERIFIER"), app, code, kPassphrase, &c);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return c;
  }

  grpc::Status HandOver(const std::string& app, v1::Channel channel, v1::Enrollment* out,
                        const std::string& role = "VERIFIER", const std::string& request_id = "",
                        bool download_link = false) {
    v1::HandOverRequest req;
    req.set_application_id(app);
    req.set_channel(channel);
    req.set_request_id(request_id);
    req.set_download_link(download_link);
    auto ctx = Ctx(Token(role));
    return stub_->HandOver(ctx.get(), req, out);
  }

  grpc::Status Check(const std::string& pem, v1::CheckResult* out, const std::string& nik = "") {
    v1::CheckCertificateRequest req;
    req.set_certificate_pem(pem);
    req.set_expected_nik(nik);
    auto ctx = Ctx(Token("AUDITOR"));
    return stub_->CheckCertificate(ctx.get(), req, out);
  }

  grpc::Status Revoke(const std::string& serial, v1::RevocationReason reason, v1::Certificate* out,
                      const std::string& role = "VERIFIER", const std::string& request_id = "") {
    v1::RevokeCertificateRequest req;
    req.set_serial(serial);
    req.set_reason(reason);
    req.set_request_id(request_id);
    auto ctx = Ctx(Token(role));
    return stub_->RevokeCertificate(ctx.get(), req, out);
  }

  v1::Statistics Stats(absl::Time as_of, const std::string& unit = "") {
    v1::GetStatisticsRequest req;
    req.set_unit(unit);
    req.mutable_as_of()->set_seconds(absl::ToUnixSeconds(as_of));
    v1::Statistics out;
    auto ctx = Ctx(Token("AUDITOR"));
    grpc::Status s = stub_->GetStatistics(ctx.get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  TempDir dir_;
  sertel::testing::TestDatabase db_;
  sertel::testing::TestPki pki_;
  FakeClock clock_{absl::Now()};
  // The links of a handover by WhatsApp point here (the download tests serve them).
  ManagerSettings settings_{.download_base_url = "https://127.0.0.1/unduh"};
  std::string log_file_;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<TestCa> test_ca_;
  std::unique_ptr<EmbeddedCa> ca_;
  std::unique_ptr<CountingCa> counting_ca_;  // what the managers sign with (wraps ca_)
  std::unique_ptr<ActivationCodes> codes_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<CertificateStore> store_;
  std::unique_ptr<CertificateSnapshot> snapshot_;
  std::unique_ptr<SnapshotListener> snapshot_listener_;
  std::unique_ptr<CertificateManagers> managers_;
  std::unique_ptr<Authenticator> authn_;
  std::unique_ptr<CertificateServiceImpl> impl_;
  std::unique_ptr<sertel::testing::TestServer> server_;
  std::unique_ptr<v1::CertificateService::Stub> stub_;
  std::unique_ptr<v1::CertificateService::Stub> service_stub_;
  FakeNotificationService notifications_;
  std::unique_ptr<sertel::testing::TestServer> notification_server_;
  std::unique_ptr<SealedNotificationClient> notification_client_;
  FakeIntakeService intake_;
  std::unique_ptr<sertel::testing::TestServer> intake_server_;
  std::unique_ptr<ProgressClient> progress_client_;
  std::unique_ptr<OutboxDispatcher> dispatcher_;
};

}  // namespace sertel::certificate::testing
