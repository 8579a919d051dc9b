// Delivery against real servers on loopback and real PostgreSQL: email through the aiosmtpd sink
// (tests/harness/smtp_sink.py) arrives with the right recipient, subject and attachment bytes;
// with the SMTP server down the message stays QUEUED with attempts growing and is delivered once,
// exactly once, when it comes up; WhatsApp through the Cloud API stub
// (tests/harness/whatsapp_stub.py, as strict as the real API): the template with its button,
// SENT then DELIVERED and read by the stub's signed webhook calls, a bad signature refused, a
// failure falling back to email, a bad token pausing the channel, 429 / 503 retried; two workers
// never send one message twice; a crashed worker's message comes back after its lease; attachment
// bytes are deleted after delivery.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "child_process.h"
#include "common/http_listener.h"
#include "common/migrations.h"
#include "common/sealed_box.h"
#include "delivery_worker.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "notification_lifecycle.h"
#include "notification_manager.h"
#include "notification_proto.h"
#include "notification_store.h"
#include "smtp_sender.h"
#include "tests/harness/test_database.h"
#include "whatsapp_sender.h"
#include "whatsapp_webhook.h"

namespace sertel::notification {
const std::vector<Migration>& Migrations();
namespace {

using testing::ChildProcess;
using testing::FilesWithExtension;
using testing::FreePort;
using testing::RepoRoot;
using testing::RunCommand;

std::string Sha256Hex(const std::string& data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(md), sizeof(md)));
}

// Decodes an .eml with Python's email package (independent of our MIME code).
nlohmann::json DecodeEml(const std::filesystem::path& file) {
  std::string script =
      "import sys,json,email,email.policy,hashlib\n"
      "m=email.message_from_binary_file(open(sys.argv[1],'rb'),policy=email.policy.default)\n"
      "print(json.dumps({'to':str(m['To']),'rcpt':str(m['X-Sink-Rcpt-To']),"
      "'subject':str(m['Subject']),'message_id':str(m['Message-ID']),"
      "'body':m.get_body(('plain',)).get_content(),"
      "'attachments':[{'filename':p.get_filename(),'type':p.get_content_type(),"
      "'sha256':hashlib.sha256(p.get_payload(decode=True)).hexdigest()} "
      "for p in m.iter_attachments()]}))\n";
  std::string path = std::filesystem::temp_directory_path() / "sertel_decode_eml.py";
  std::ofstream(path) << script;
  std::string out = RunCommand("/usr/bin/python3 " + path + " " + file.string());
  return nlohmann::json::parse(out, nullptr, false);
}

class DeliveryIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApplyMigrations(db_.url(), "notification",
                                {&common::Migrations(), &notification::Migrations()})
                    .ok());
    PgPool::Options options;
    options.url = db_.url();
    options.schema = "notification";
    options.size = 6;
    auto pool = PgPool::Create(options);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    store_ = std::make_unique<NotificationStore>(pool_.get(), &audit_);
    manager_ = std::make_unique<NotificationManager>(store_.get(), &box_,
                                                     NotificationManager::Options{}, &clock_);
    dir_ = std::filesystem::temp_directory_path() / absl::StrCat("sertel_notif_", db_.name());
    std::filesystem::create_directories(dir_);
    worker_options_.base_backoff = absl::Milliseconds(1);
    worker_options_.max_backoff = absl::Milliseconds(5);
    worker_options_.lease = absl::Seconds(30);
    worker_options_.batch_size = 4;
  }
  void TearDown() override {
    if (listener_) listener_->Stop();
    std::filesystem::remove_all(dir_);
  }

  std::string MailDir() const { return dir_ / "mail"; }
  std::string WaDir() const { return dir_ / "wa"; }

  std::unique_ptr<ChildProcess> StartSink(int port, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--port", std::to_string(port), "--dir", MailDir()};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<ChildProcess>(RepoRoot() + "/tests/harness/smtp_sink.py", args);
  }
  std::unique_ptr<ChildProcess> StartStub(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "--port",     "0",         "--dir", WaDir(), "--token", "good-token", "--phone-number-id",
        "1234567890", "--version", "v21.0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<ChildProcess>(RepoRoot() + "/tests/harness/whatsapp_stub.py", args);
  }
  SmtpSender Smtp(int port) {
    return SmtpSender({.url = absl::StrCat("smtp://127.0.0.1:", port),
                       .tls = SmtpTls::kNone,
                       .from = "sertel@diskominfo.example.go.id",
                       .connect_timeout = absl::Seconds(2),
                       .timeout = absl::Seconds(10)});
  }
  WhatsAppSender WhatsApp(int port, const std::string& token = "good-token") {
    return WhatsAppSender({.base_url = absl::StrCat("http://127.0.0.1:", port),
                           .api_version = "v21.0",
                           .phone_number_id = "1234567890",
                           .token = token,
                           .timeout = absl::Seconds(10)});
  }

  // The stub as strict as the Cloud API: the template table, and (webhook) the signed status
  // events to this test's webhook.
  std::vector<std::string> StrictStub(std::vector<std::string> extra = {}, bool webhook = true) {
    std::vector<std::string> args = {"--templates-file",
                                     RepoRoot() + "/notification-service/whatsapp_templates.json"};
    if (webhook) {
      args.insert(args.end(), {"--webhook-url", WebhookUrl(), "--app-secret", kAppSecret,
                               "--webhook-delay", "0.05"});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  void StartWebhook() {
    webhook_ = std::make_unique<WhatsAppWebhook>(
        store_.get(), manager_.get(),
        WhatsAppWebhook::Options{.verify_token = kVerifyToken, .app_secret = kAppSecret});
    listener_ = std::make_unique<HttpListener>(HttpListenerOptions{.address = "127.0.0.1:0"});
    webhook_->Register(*listener_);
    ASSERT_TRUE(listener_->Start().ok());
  }
  std::string WebhookUrl() const {
    return absl::StrCat("http://127.0.0.1:", listener_ ? listener_->port() : 0,
                        "/whatsapp/webhook");
  }
  static std::string HmacHex(const std::string& key, const std::string& body) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
    return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(mac), len));
  }
  // Polls (the webhook calls come on their own) for at most 15 s.
  NotificationRecord WaitFor(const std::string& id,
                             const std::function<bool(const NotificationRecord&)>& done) {
    NotificationRecord r;
    for (int i = 0; i < 300; ++i) {
      r = Fetch(id);
      if (done(r)) return r;
      absl::SleepFor(absl::Milliseconds(50));
    }
    ADD_FAILURE() << "notification " << id << " stayed " << r.status << " " << r.last_error;
    return r;
  }
  v1::SendNotificationRequest HandoverByLink(const std::string& app) {
    v1::SendNotificationRequest r = Handover(app, v1::CHANNEL_WHATSAPP);
    r.clear_attachments();
    (*r.mutable_params())["download_url"] = kLink;
    (*r.mutable_params())["download_expires_at"] = "2026-12-04T03:00:00Z";
    return r;
  }
  // A handover by link the (strict) stub accepted, with no webhook of its own: SENT.
  NotificationRecord SentHandover(const std::string& app) {
    auto stub = StartStub(StrictStub({}, /*webhook=*/false));
    v1::Notification n = Queue(HandoverByLink(app));
    SmtpSender smtp = Smtp(FreePort());
    WhatsAppSender wa = WhatsApp(stub->port());
    DeliveryWorker worker(store_.get(), manager_.get(), &smtp, &wa, worker_options_);
    EXPECT_EQ(worker.RunOnce().value_or(-1), 1);
    return Fetch(n.id());
  }
  // A webhook body as Meta sends it: one "delivered" status for `wamid`.
  static std::string DeliveredEvent(const std::string& wamid) {
    return absl::StrCat(
        R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":)",
        R"("messages","value":{"messaging_product":"whatsapp","statuses":[{"id":")", wamid,
        R"(","status":"delivered","timestamp":"1700000000","recipient_id":"6281234567890"}]}}]}]})");
  }
  static constexpr char kAppSecret[] = "test-app-secret";
  static constexpr char kVerifyToken[] = "test-verify-token";
  static constexpr char kToken[] = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd";
  static constexpr char kLink[] =
      "https://sertel.kota.go.id/unduh/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd";

  v1::Notification Queue(v1::SendNotificationRequest r) {
    v1::Notification n;
    absl::StatusOr<NotificationRecord> queued = manager_->Send(caller_, SendInputFromProto(r));
    EXPECT_TRUE(queued.ok()) << queued.status();
    if (queued.ok()) ToProto(*queued, &n);
    return n;
  }

  v1::SendNotificationRequest Handover(const std::string& app, v1::Channel channel) {
    v1::SendNotificationRequest r;
    r.set_request_id(absl::StrCat("certificate:handover:", app, ":", channel));
    r.set_application_id(app);
    r.set_channel(channel);
    r.set_recipient(channel == v1::CHANNEL_EMAIL ? "budi.santoso@example.go.id" : "+6281234567890");
    r.set_template_(v1::NOTIFICATION_TEMPLATE_CERTIFICATE_HANDOVER);
    (*r.mutable_params())["full_name"] = "Budi Santoso";
    (*r.mutable_params())["application_id"] = app;
    (*r.mutable_params())["serial"] = "5A17C0DE";
    (*r.mutable_params())["not_after"] = "2027-06-30T17:00:00Z";
    v1::Attachment* a = r.add_attachments();
    a->set_filename(app + ".p12");
    a->set_content_type("application/x-pkcs12");
    a->set_content(P12());
    return r;
  }
  v1::SendNotificationRequest Receipt(const std::string& app) {
    v1::SendNotificationRequest r;
    r.set_request_id("intake:receipt:" + app);
    r.set_application_id(app);
    r.set_channel(v1::CHANNEL_EMAIL);
    r.set_recipient("budi.santoso@example.go.id");
    r.set_template_(v1::NOTIFICATION_TEMPLATE_SUBMISSION_RECEIVED);
    (*r.mutable_params())["full_name"] = "Budi Santoso";
    (*r.mutable_params())["application_id"] = app;
    return r;
  }
  static std::string P12() {
    std::string p12;
    for (int i = 0; i < 4000; ++i) p12.push_back(static_cast<char>((i * 31) & 0xff));
    return p12;
  }

  NotificationRecord Fetch(const std::string& id) {
    absl::StatusOr<NotificationRecord> r = store_->Get(id);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.value_or(NotificationRecord{});
  }
  int64_t Count(const std::string& sql) {
    pqxx::connection conn(db_.url());
    pqxx::nontransaction tx(conn);
    return tx.exec(sql)[0][0].as<int64_t>();
  }

  sertel::testing::TestDatabase db_;
  std::unique_ptr<PgPool> pool_;
  AuditLog audit_{sertel::testing::TestAuditKey()};
  SealedBox box_ = SealedBox::Ephemeral().value();
  SystemClock clock_;
  std::unique_ptr<NotificationStore> store_;
  std::unique_ptr<NotificationManager> manager_;
  Principal caller_{.sub = "certificate-service", .roles = {Role::kService}};
  std::filesystem::path dir_;
  DeliveryWorker::Options worker_options_;
  std::unique_ptr<WhatsAppWebhook> webhook_;
  std::unique_ptr<HttpListener> listener_;
};

TEST_F(DeliveryIntegrationTest, EmailArrivesWithRecipientSubjectAndAttachmentBytes) {
  int port = FreePort();
  auto sink = StartSink(port);
  v1::Notification n = Queue(Handover("app-1", v1::CHANNEL_EMAIL));
  EXPECT_EQ(n.status(), v1::NOTIFICATION_STATUS_QUEUED);
  SmtpSender smtp = Smtp(port);
  DeliveryWorker worker(store_.get(), manager_.get(), &smtp, nullptr, worker_options_);
  ASSERT_EQ(worker.RunOnce().value_or(-1), 1);

  auto files = FilesWithExtension(MailDir(), ".eml");
  ASSERT_EQ(files.size(), 1u);
  nlohmann::json mail = DecodeEml(files[0]);
  ASSERT_TRUE(mail.is_object()) << "cannot decode " << files[0];
  EXPECT_EQ(mail["to"], "budi.santoso@example.go.id");
  EXPECT_EQ(mail["rcpt"], "budi.santoso@example.go.id");
  EXPECT_EQ(mail["subject"], "Sertifikat elektronik Anda (app-1)");
  EXPECT_EQ(mail["message_id"], absl::StrCat("<", n.id(), "@sertel>"));
  EXPECT_TRUE(absl::StrContains(mail["body"].get<std::string>(), "nomor seri 5A17C0DE"));
  ASSERT_EQ(mail["attachments"].size(), 1u);
  EXPECT_EQ(mail["attachments"][0]["filename"], "app-1.p12");
  EXPECT_EQ(mail["attachments"][0]["type"], "application/x-pkcs12");
  EXPECT_EQ(mail["attachments"][0]["sha256"], Sha256Hex(P12()));

  NotificationRecord r = Fetch(n.id());
  EXPECT_EQ(r.status, "DELIVERED");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_TRUE(r.delivered_at.has_value());
  // The keystore is gone from the database once delivered; its metadata stays.
  EXPECT_EQ(Count("SELECT count(*) FROM notification.notification_attachments"
                  " WHERE content IS NOT NULL"),
            0);
  EXPECT_EQ(Count("SELECT count(*) FROM notification.notification_attachments"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM notification.audit_log"
                  " WHERE action = 'NOTIFICATION_DELIVERED'"),
            1);
  EXPECT_EQ(worker.RunOnce().value_or(-1), 0) << "a delivered message is not sent again";
}

TEST_F(DeliveryIntegrationTest, ActivationCodeIsMailedOnItsOwnLineButNeverStoredInClear) {
  int port = FreePort();
  auto sink = StartSink(port);
  v1::SendNotificationRequest r;
  r.set_request_id("certificate:activation:app-9:1");
  r.set_application_id("app-9");
  r.set_channel(v1::CHANNEL_EMAIL);
  r.set_recipient("siti@example.go.id");
  r.set_template_(v1::NOTIFICATION_TEMPLATE_ACTIVATION_CODE);
  (*r.mutable_params())["full_name"] = "Siti Aminah";
  (*r.mutable_params())["application_id"] = "app-9";
  (*r.mutable_params())["activation_code"] = "QZ7K-MW3R-PX8D";
  (*r.mutable_params())["expires_at"] = "2030-01-01T00:00:00Z";
  v1::Notification n = Queue(r);
  EXPECT_EQ(n.params().at("activation_code"), kRedacted);
  std::string dump = db_.DumpSchema("notification");
  EXPECT_EQ(dump.find("QZ7K-MW3R-PX8D"), std::string::npos) << "activation code in a table";
  EXPECT_EQ(dump.find(absl::BytesToHexString("QZ7K-MW3R-PX8D")), std::string::npos);

  SmtpSender smtp = Smtp(port);
  DeliveryWorker worker(store_.get(), manager_.get(), &smtp, nullptr, worker_options_);
  ASSERT_EQ(worker.RunOnce().value_or(-1), 1);
  auto files = FilesWithExtension(MailDir(), ".eml");
  ASSERT_EQ(files.size(), 1u);
  nlohmann::json mail = DecodeEml(files[0]);
  EXPECT_TRUE(
      absl::StrContains(mail["body"].get<std::string>(), "\nKode aktivasi: QZ7K-MW3R-PX8D\n"))
      << mail["body"];
  EXPECT_EQ(db_.DumpSchema("notification").find("QZ7K-MW3R-PX8D"), std::string::npos);
}

TEST_F(DeliveryIntegrationTest, SmtpDownKeepsTheMessageQueuedThenDeliversItExactlyOnce) {
  int port = FreePort();  // nothing listens yet
  v1::Notification n = Queue(Handover("app-2", v1::CHANNEL_EMAIL));
  SmtpSender smtp = Smtp(port);
  DeliveryWorker worker(store_.get(), manager_.get(), &smtp, nullptr, worker_options_);
  for (int attempt = 1; attempt <= 3; ++attempt) {
    ASSERT_EQ(worker.RunOnce().value_or(-1), 1);
    NotificationRecord r = Fetch(n.id());
    EXPECT_EQ(r.status, "QUEUED");
    EXPECT_EQ(r.attempts, attempt);
    EXPECT_TRUE(absl::StartsWith(r.last_error, "SMTP: ")) << r.last_error;
    absl::SleepFor(absl::Milliseconds(10));  // past the backoff
  }
  EXPECT_EQ(Count("SELECT count(*) FROM notification.notification_attachments"
                  " WHERE content IS NOT NULL"),
            1)
      << "the attachment is kept while the message waits";
  auto sink = StartSink(port);
  ASSERT_EQ(worker.RunOnce().value_or(-1), 1);
  EXPECT_EQ(Fetch(n.id()).status, "DELIVERED");
  EXPECT_EQ(Fetch(n.id()).attempts, 4);
  absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(worker.RunOnce().value_or(-1), 0);
  EXPECT_EQ(FilesWithExtension(MailDir(), ".eml").size(), 1u) << "delivered exactly once";
  EXPECT_EQ(Count("SELECT count(*) FROM notification.delivery_attempts"), 4);
}

TEST_F(DeliveryIntegrationTest, AttemptCapMarksFailedWithLastErrorAndAnAuditRecord) {
  int port = FreePort();
  v1::Notification n = Queue(Receipt("app-3"));
  SmtpSender smtp = Smtp(port);
  worker_options_.max_attempts = 2;
  DeliveryWorker worker(store_.get(), manager_.get(), &smtp, nullptr, worker_options_);
  ASSERT_EQ(worker.RunOnce().value_or(-1), 1);
  absl::SleepFor(absl::Milliseconds(10));
  ASSERT_EQ(worker.RunOnce().value_or(-1), 1);
  NotificationRecord r = Fetch(n.id());
  EXPECT_EQ(r.status, "FAILED");
  EXPECT_EQ(r.attempts, 2);
  EXPECT_FALSE(r.last_error.empty());
  EXPECT_EQ(
      Count("SELECT count(*) FROM notification.audit_log WHERE action = 'NOTIFICATION_FAILED'"), 1);
  absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(worker.RunOnce().value_or(-1), 0) << "a failed message is not retried";
}

TEST_F(DeliveryIntegrationTest, SmtpPermanentRejectionFailsWithoutRetrying) {
  int port = FreePort();
  auto sink = StartSink(port, {"--reject-local-part", "nobody"});
  v1::SendNotificationRequest req = Receipt("app-4");
  req.set_recipient("nobody@example.go.id");
  v1::Notification n = Queue(req);
  SmtpSender smtp = Smtp(port);
  DeliveryWorker worker(store_.get(), manager_.get(), &smtp, nullptr, worker_options_);
  ASSERT_EQ(worker.RunOnce().value_or(-1), 1);
  NotificationRecord r = Fetch(n.id());
  EXPECT_EQ(r.status, "FAILED");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_TRUE(absl::StrContains(r.last_error, "550")) << r.last_error;
}

TEST_F(DeliveryIntegrationTest, TwoWorkersNeverSendOneMessageTwice) {
  int port = FreePort();
  auto sink = StartSink(port);
  constexpr int kMessages = 24;
  std::set<std::string> ids;
  for (int i = 0; i < kMessages; ++i) ids.insert(Queue(Receipt(absl::StrCat("app-m", i))).id());
  SmtpSender smtp_a = Smtp(port);
  SmtpSender smtp_b = Smtp(port);
  worker_options_.batch_size = 3;
  DeliveryWorker a(store_.get(), manager_.get(), &smtp_a, nullptr, worker_options_);
  DeliveryWorker b(store_.get(), manager_.get(), &smtp_b, nullptr, worker_options_);
  std::atomic<int> handled{0};
  auto run = [&](DeliveryWorker* w) {
    for (int idle = 0; idle < 3;) {
      int n = w->RunOnce().value_or(0);
      handled += n;
      idle = n == 0 ? idle + 1 : 0;
    }
  };
  std::thread ta(run, &a);
  std::thread tb(run, &b);
  ta.join();
  tb.join();
  EXPECT_EQ(handled.load(), kMessages);
  auto files = FilesWithExtension(MailDir(), ".eml");
  EXPECT_EQ(files.size(), static_cast<size_t>(kMessages));
  std::set<std::string> message_ids;
  for (const auto& f : files) message_ids.insert(DecodeEml(f)["message_id"].get<std::string>());
  EXPECT_EQ(message_ids.size(), static_cast<size_t>(kMessages)) << "a message went out twice";
  EXPECT_EQ(Count("SELECT count(*) FROM notification.notifications WHERE status = 'DELIVERED'"),
            kMessages);
}

TEST_F(DeliveryIntegrationTest, CrashedWorkersMessageComesBackAfterItsLease) {
  int port = FreePort();
  auto sink = StartSink(port);
  v1::Notification n = Queue(Receipt("app-5"));
  // A worker claims the message and dies before sending it.
  auto claimed = store_->Claim(absl::Now(), absl::Milliseconds(300), 10,
                               "00000000-0000-4000-8000-000000000001");
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(Fetch(n.id()).status, "SENDING");
  SmtpSender smtp = Smtp(port);
  DeliveryWorker worker(store_.get(), manager_.get(), &smtp, nullptr, worker_options_);
  EXPECT_EQ(worker.RunOnce().value_or(-1), 0) << "the lease still holds";
  absl::SleepFor(absl::Milliseconds(400));
  EXPECT_EQ(worker.RunOnce().value_or(-1), 1);
  EXPECT_EQ(Fetch(n.id()).status, "DELIVERED");
  // The dead worker's late finish cannot overwrite the outcome.
  EXPECT_EQ(store_
                ->Apply(n.id(), "00000000-0000-4000-8000-000000000001",
                        [](const NotificationRecord& current) {
                          return NotificationLifecycle::Failed(current, "late", absl::Now(),
                                                               /*permanent=*/true);
                        })
                .code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(FilesWithExtension(MailDir(), ".eml").size(), 1u);
}

// Issue 18: a handover by WhatsApp is the template with the one-time link's token in its URL
// button, never a document; the API's 200 makes it SENT, and the stub's signed webhook calls
// make it DELIVERED and read.
TEST_F(DeliveryIntegrationTest, WhatsAppHandoverIsSentWithItsLinkThenDeliveredByWebhook) {
  StartWebhook();
  auto stub = StartStub(StrictStub());
  v1::Notification n = Queue(HandoverByLink("app-6"));
  SmtpSender smtp = Smtp(FreePort());
  WhatsAppSender wa = WhatsApp(stub->port());
  DeliveryWorker worker(store_.get(), manager_.get(), &smtp, &wa, worker_options_);
  ASSERT_EQ(worker.RunOnce().value_or(-1), 1);
  NotificationRecord r = Fetch(n.id());
  ASSERT_TRUE(r.status == "SENT" || r.status == "DELIVERED") << r.status << " " << r.last_error;
  EXPECT_TRUE(absl::StartsWith(r.provider_message_id, "wamid.")) << r.provider_message_id;
  auto files = FilesWithExtension(WaDir(), ".json");
  ASSERT_EQ(files.size(), 1u);
  std::ifstream in(files[0]);
  nlohmann::json rec = nlohmann::json::parse(in);
  EXPECT_EQ(rec["request"]["to"], "6281234567890");
  EXPECT_EQ(rec["request"]["template"]["name"], "sertel_serah_terima");
  const nlohmann::json& comps = rec["request"]["template"]["components"];
  ASSERT_EQ(comps.size(), 2u);
  EXPECT_EQ(comps[1]["type"], "button");
  EXPECT_EQ(comps[1]["parameters"][0]["text"], kToken);
  EXPECT_TRUE(rec["media"].is_null()) << "nothing in Meta's media store";
  r = WaitFor(n.id(), [](const NotificationRecord& x) { return x.read_at.has_value(); });
  EXPECT_EQ(r.status, "DELIVERED");
  EXPECT_TRUE(r.delivered_at.has_value());
  EXPECT_EQ(Count("SELECT count(*) FROM notification.whatsapp_status_events"), 3);
  v1::Notification proto;
  ToProto(r, &proto);
  EXPECT_EQ(proto.params().at("download_url"), "[redacted]") << "the link is a secret";
}

TEST_F(DeliveryIntegrationTest, AWebhookWithABadSignatureIs401AndChangesNothing) {
  StartWebhook();
  NotificationRecord r = SentHandover("app-7");
  ASSERT_EQ(r.status, "SENT") << r.last_error;
  v1::Notification n;
  n.set_id(r.id);
  std::string body = DeliveredEvent(r.provider_message_id);
  std::string file = (dir_ / "event.json").string();
  std::ofstream(file) << body;
  auto post = [&](const std::string& signature) {
    return RunCommand(
        absl::StrCat("curl -s -o /dev/null -w '%{http_code}' -X POST -H "
                     "'Content-Type: application/json' -H 'X-Hub-Signature-256: ",
                     signature, "' --data-binary @", file, " ", WebhookUrl()));
  };
  EXPECT_EQ(post("sha256=" + std::string(64, '0')), "401");
  EXPECT_EQ(post("sha1=abc"), "401");
  EXPECT_EQ(post(""), "401");
  EXPECT_EQ(Fetch(n.id()).status, "SENT");
  EXPECT_EQ(Count("SELECT count(*) FROM notification.whatsapp_status_events"), 0);
  // Signed right, the same body is taken.
  EXPECT_EQ(post("sha256=" + HmacHex(kAppSecret, body)), "200");
  NotificationRecord delivered = Fetch(n.id());
  EXPECT_EQ(delivered.status, "DELIVERED");
  // Replayed (the platform retries; so may whoever saw it): kept once, nothing changes.
  EXPECT_EQ(post("sha256=" + HmacHex(kAppSecret, body)), "200");
  EXPECT_EQ(Count("SELECT count(*) FROM notification.whatsapp_status_events"), 1);
  EXPECT_EQ(Fetch(n.id()).delivered_at, delivered.delivered_at);
  EXPECT_EQ(Count("SELECT count(*) FROM notification.audit_log WHERE action = "
                  "'NOTIFICATION_DELIVERED'"),
            1);
  // Meta's subscription check: the verify token, compared.
  EXPECT_EQ(RunCommand(absl::StrCat("curl -s '", WebhookUrl(),
                                    "?hub.mode=subscribe&hub.verify_token=", kVerifyToken,
                                    "&hub.challenge=1158201444'")),
            "1158201444");
  EXPECT_EQ(RunCommand(absl::StrCat("curl -s -o /dev/null -w '%{http_code}' '", WebhookUrl(),
                                    "?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1'")),
            "403");
}

// The database out of reach: 500, so that Meta delivers the batch again; nothing is kept, and
// the same batch is taken once the database answers.
TEST_F(DeliveryIntegrationTest, AWebhookWhileTheDatabaseIsDownIs500AndIsTakenAgainLater) {
  StartWebhook();
  NotificationRecord r = SentHandover("app-13");
  ASSERT_EQ(r.status, "SENT") << r.last_error;
  v1::Notification n;
  n.set_id(r.id);
  std::string body = DeliveredEvent(r.provider_message_id);
  const std::string signature = "sha256=" + HmacHex(kAppSecret, body);
  HttpRequest post{.method = "POST", .path = "/whatsapp/webhook", .body = body};
  post.header = [&](absl::string_view name) {
    return name == "X-Hub-Signature-256" ? signature : std::string();
  };
  std::unique_ptr<PgPool> one = db_.OutagePool("notification");
  NotificationStore store(one.get(), &audit_);
  WhatsAppWebhook down(&store, manager_.get(),
                       {.verify_token = kVerifyToken, .app_secret = kAppSecret});
  {
    absl::StatusOr<PgPool::Lease> held = one->Acquire();
    ASSERT_TRUE(held.ok()) << held.status();
    EXPECT_EQ(down.Receive(post).status, 500);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM notification.whatsapp_status_events"), 0);
  EXPECT_EQ(Fetch(n.id()).status, "SENT");
  EXPECT_EQ(down.Receive(post).status, 200);
  EXPECT_EQ(Fetch(n.id()).status, "DELIVERED");
}

// 131026 reported by webhook: final for WhatsApp, and the same message goes by email.
TEST_F(DeliveryIntegrationTest, AFailed131026FromTheWebhookFallsBackToEmail) {
  StartWebhook();
  int smtp_port = FreePort();
  auto sink = StartSink(smtp_port);
  auto stub = StartStub(StrictStub({"--fail-webhook", "6281234567890:131026"}));
  v1::SendNotificationRequest req = HandoverByLink("app-8");
  req.set_fallback_email("budi.santoso@example.go.id");
  v1::Notification n = Queue(req);
  SmtpSender smtp = Smtp(smtp_port);
  WhatsAppSender wa = WhatsApp(stub->port());
  DeliveryWorker worker(store_.get(), manager_.get(), &smtp, &wa, worker_options_);
  ASSERT_EQ(worker.RunOnce().value_or(-1), 1);
  NotificationRecord r =
      WaitFor(n.id(), [](const NotificationRecord& x) { return x.status == "FAILED"; });
  EXPECT_TRUE(absl::StrContains(r.last_error, "131026")) << r.last_error;
  ASSERT_FALSE(r.fallback_id.empty());
  NotificationRecord email = Fetch(r.fallback_id);
  EXPECT_EQ(email.channel, "EMAIL");
  EXPECT_EQ(email.recipient, "budi.santoso@example.go.id");
  EXPECT_EQ(email.fallback_of, n.id());
  ASSERT_EQ(worker.RunOnce().value_or(-1), 1);
  EXPECT_EQ(Fetch(r.fallback_id).status, "DELIVERED") << Fetch(r.fallback_id).last_error;
  auto mails = FilesWithExtension(MailDir(), ".eml");
  ASSERT_EQ(mails.size(), 1u);
  nlohmann::json mail = DecodeEml(mails[0]);
  EXPECT_TRUE(absl::StrContains(mail["body"].get<std::string>(), kLink)) << mail["body"];
  EXPECT_TRUE(mail["attachments"].empty());
}

// 190: the token expired. Nothing fails; WhatsApp pauses and the alarm is up.
TEST_F(DeliveryIntegrationTest, WhatsAppBadTokenPausesTheChannelAndFailsNothing) {
  auto stub = StartStub(StrictStub({}, /*webhook=*/false));
  v1::Notification n = Queue(HandoverByLink("app-9"));
  SmtpSender smtp = Smtp(FreePort());
  WhatsAppSender wa = WhatsApp(stub->port(), "wrong-token");
  DeliveryWorker worker(store_.get(), manager_.get(), &smtp, &wa, worker_options_);
  ASSERT_EQ(worker.RunOnce().value_or(-1), 1);
  NotificationRecord r = Fetch(n.id());
  EXPECT_EQ(r.status, "QUEUED");
  EXPECT_TRUE(absl::StrContains(r.last_error, "error 190")) << r.last_error;
  EXPECT_FALSE(absl::StrContains(r.last_error, "wrong-token"));
  EXPECT_TRUE(wa.paused());
  EXPECT_EQ(r.attempts, 0) << "a pause spends no attempt: a long one fails nothing";
  ASSERT_TRUE(r.next_attempt_at.has_value());
  EXPECT_GE(*r.next_attempt_at - absl::Now(), absl::Minutes(4)) << "waits for the probe";
}

TEST_F(DeliveryIntegrationTest, WhatsAppRateLimitIsRetriedUntilSent) {
  auto stub = StartStub(StrictStub({"--fail-first", "2", "--fail-status", "429"}, false));
  v1::Notification n = Queue(HandoverByLink("app-10"));
  SmtpSender smtp = Smtp(FreePort());
  WhatsAppSender wa = WhatsApp(stub->port());
  DeliveryWorker worker(store_.get(), manager_.get(), &smtp, &wa, worker_options_);
  for (int attempt = 1; attempt <= 2; ++attempt) {
    ASSERT_EQ(worker.RunOnce().value_or(-1), 1);
    NotificationRecord r = Fetch(n.id());
    EXPECT_EQ(r.status, "QUEUED");
    EXPECT_TRUE(absl::StrContains(r.last_error, "130429")) << r.last_error;
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(worker.RunOnce().value_or(-1), 1);
  EXPECT_EQ(Fetch(n.id()).status, "SENT");
  EXPECT_EQ(Fetch(n.id()).attempts, 3);
  EXPECT_EQ(FilesWithExtension(WaDir(), ".json").size(), 1u);
}

TEST_F(DeliveryIntegrationTest, WhatsAppServiceUnavailableIsRetried) {
  auto stub = StartStub(StrictStub({"--fail-first", "1", "--fail-status", "503"}, false));
  v1::SendNotificationRequest req = Receipt("app-11");
  req.set_channel(v1::CHANNEL_WHATSAPP);
  req.set_recipient("+6281234567890");
  v1::Notification n = Queue(req);
  SmtpSender smtp = Smtp(FreePort());
  WhatsAppSender wa = WhatsApp(stub->port());
  DeliveryWorker worker(store_.get(), manager_.get(), &smtp, &wa, worker_options_);
  ASSERT_EQ(worker.RunOnce().value_or(-1), 1);
  EXPECT_EQ(Fetch(n.id()).status, "QUEUED");
  absl::SleepFor(absl::Milliseconds(10));
  ASSERT_EQ(worker.RunOnce().value_or(-1), 1);
  EXPECT_EQ(Fetch(n.id()).status, "SENT") << Fetch(n.id()).last_error;
  auto files = FilesWithExtension(WaDir(), ".json");
  ASSERT_EQ(files.size(), 1u);
  std::ifstream in(files[0]);
  nlohmann::json rec = nlohmann::json::parse(in);
  EXPECT_EQ(rec["request"]["template"]["name"], "sertel_permohonan_diterima");
  EXPECT_EQ(rec["request"]["template"]["components"].size(), 1u) << "text-only: no button";
}

// 131026 answered at once: FAILED, and the email is queued in the same transaction.
TEST_F(DeliveryIntegrationTest, WhatsAppUndeliverableRecipientFailsAndFallsBackToEmail) {
  auto stub = StartStub(StrictStub({"--undeliverable", "6281234567890"}, false));
  v1::SendNotificationRequest req = HandoverByLink("app-12");
  req.set_fallback_email("budi.santoso@example.go.id");
  v1::Notification n = Queue(req);
  SmtpSender smtp = Smtp(FreePort());
  WhatsAppSender wa = WhatsApp(stub->port());
  DeliveryWorker worker(store_.get(), manager_.get(), &smtp, &wa, worker_options_);
  ASSERT_EQ(worker.RunOnce().value_or(-1), 1);
  NotificationRecord r = Fetch(n.id());
  EXPECT_EQ(r.status, "FAILED");
  EXPECT_TRUE(absl::StrContains(r.last_error, "131026")) << r.last_error;
  ASSERT_FALSE(r.fallback_id.empty());
  EXPECT_EQ(Fetch(r.fallback_id).status, "QUEUED");
  EXPECT_EQ(Fetch(r.fallback_id).template_name, "CERTIFICATE_HANDOVER");
}

TEST_F(DeliveryIntegrationTest, StartTlsWithAuthDeliversAndAnUnverifiedServerIsRefused) {
  // A self-signed server certificate for 127.0.0.1, trusted through the CA file option.
  std::string cert = dir_ / "smtp.pem";
  std::string key = dir_ / "smtp-key.pem";
  RunCommand(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
      " -addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " 2>/dev/null");
  ASSERT_TRUE(std::filesystem::exists(cert));
  int port = FreePort();
  auto sink = StartSink(port, {"--starttls-cert", cert, "--starttls-key", key, "--require-starttls",
                               "--auth-user", "sertel", "--auth-password", "pw-123"});
  v1::Notification n = Queue(Receipt("app-tls"));
  SmtpSender untrusted({.url = absl::StrCat("smtp://127.0.0.1:", port),
                        .tls = SmtpTls::kStartTls,
                        .from = "sertel@example.go.id",
                        .user = "sertel",
                        .password = "pw-123",
                        .ca_file = "/etc/ssl/certs/ca-certificates.crt",
                        .timeout = absl::Seconds(10)});
  DeliveryWorker w1(store_.get(), manager_.get(), &untrusted, nullptr, worker_options_);
  ASSERT_EQ(w1.RunOnce().value_or(-1), 1);
  EXPECT_EQ(Fetch(n.id()).status, "QUEUED") << "an unverified server must not get the message";
  EXPECT_EQ(FilesWithExtension(MailDir(), ".eml").size(), 0u);
  absl::SleepFor(absl::Milliseconds(10));
  SmtpSender trusted({.url = absl::StrCat("smtp://127.0.0.1:", port),
                      .tls = SmtpTls::kStartTls,
                      .from = "sertel@example.go.id",
                      .user = "sertel",
                      .password = "pw-123",
                      .ca_file = cert,
                      .timeout = absl::Seconds(10)});
  DeliveryWorker w2(store_.get(), manager_.get(), &trusted, nullptr, worker_options_);
  ASSERT_EQ(w2.RunOnce().value_or(-1), 1);
  EXPECT_EQ(Fetch(n.id()).status, "DELIVERED") << Fetch(n.id()).last_error;
  EXPECT_EQ(FilesWithExtension(MailDir(), ".eml").size(), 1u);
}

}  // namespace
}  // namespace sertel::notification
