// notification-service configuration: sensible defaults, every bad value reported at once, plain
// HTTP to the WhatsApp API only on loopback, an SMTP password never sent without TLS.
#include "notification_config.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

#include "gtest/gtest.h"

namespace sertel::notification {
namespace {

EnvReader Env(const std::map<std::string, std::string>& vars) {
  auto copy = std::make_shared<std::map<std::string, std::string>>(vars);
  return EnvReader([copy](const char* name) -> const char* {
    auto it = copy->find(name);
    return it == copy->end() ? nullptr : it->second.c_str();
  });
}

std::string TempFile(const std::string& content) {
  char name[] = "/tmp/notif_cfg_XXXXXX";
  int fd = mkstemp(name);
  close(fd);
  std::ofstream(name) << content;
  return name;
}

TEST(NotificationConfigTest, DefaultsPointAtTheLoopbackSinkWithoutTls) {
  EnvReader env = Env({});
  NotificationConfig c = NotificationConfig::FromEnv(env);
  EXPECT_TRUE(env.Finish().ok()) << env.Finish();
  EXPECT_EQ(c.smtp.url, "smtp://127.0.0.1:2525");
  EXPECT_EQ(c.smtp.tls, SmtpTls::kNone);
  EXPECT_EQ(c.worker.max_attempts, 8);
  EXPECT_FALSE(c.whatsapp_enabled);
  EXPECT_EQ(c.whatsapp.api_version, "v21.0");
}

TEST(NotificationConfigTest, RemoteSmtpDefaultsToStartTlsAndSmtpsToImplicit) {
  EnvReader env = Env({{"SERTEL_NOTIFICATION_SMTP_URL", "smtp://mail.example.go.id:587"}});
  EXPECT_EQ(NotificationConfig::FromEnv(env).smtp.tls, SmtpTls::kStartTls);
  EnvReader env2 = Env({{"SERTEL_NOTIFICATION_SMTP_URL", "smtps://mail.example.go.id:465"}});
  EXPECT_EQ(NotificationConfig::FromEnv(env2).smtp.tls, SmtpTls::kImplicit);
  EXPECT_TRUE(env2.Finish().ok());
}

TEST(NotificationConfigTest, EveryBadValueIsReportedAtOnce) {
  EnvReader env = Env({{"SERTEL_NOTIFICATION_SMTP_URL", "http://mail"},
                       {"SERTEL_NOTIFICATION_SMTP_TLS", "sometimes"},
                       {"SERTEL_NOTIFICATION_WHATSAPP_PHONE_NUMBER_ID", "12ab"},
                       {"SERTEL_NOTIFICATION_WHATSAPP_BASE_URL", "http://graph.facebook.com"},
                       {"SERTEL_NOTIFICATION_MAX_ATTEMPTS", "0"}});
  NotificationConfig::FromEnv(env);
  std::string msg(env.Finish().message());
  for (const char* var :
       {"SERTEL_NOTIFICATION_SMTP_URL", "SERTEL_NOTIFICATION_SMTP_TLS",
        "SERTEL_NOTIFICATION_WHATSAPP_PHONE_NUMBER_ID", "SERTEL_NOTIFICATION_WHATSAPP_BASE_URL",
        "SERTEL_NOTIFICATION_WHATSAPP_TOKEN_FILE", "SERTEL_NOTIFICATION_MAX_ATTEMPTS"}) {
    EXPECT_NE(msg.find(var), std::string::npos) << var << " missing from: " << msg;
  }
}

TEST(NotificationConfigTest, PasswordIsNeverSentToARemoteServerWithoutTls) {
  std::string pw = TempFile("hunter2\n");
  EnvReader env = Env({{"SERTEL_NOTIFICATION_SMTP_URL", "smtp://mail.example.go.id:25"},
                       {"SERTEL_NOTIFICATION_SMTP_TLS", "none"},
                       {"SERTEL_NOTIFICATION_SMTP_USER", "sertel"},
                       {"SERTEL_NOTIFICATION_SMTP_PASSWORD_FILE", pw}});
  NotificationConfig c = NotificationConfig::FromEnv(env);
  EXPECT_EQ(c.smtp.password, "hunter2");
  absl::Status s = env.Finish();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(std::string(s.message()).find("hunter2"), std::string::npos);
  std::remove(pw.c_str());
}

TEST(NotificationConfigTest, WhatsAppOverLoopbackHttpWithItsSecretFilesIsAccepted) {
  std::string token = TempFile("EAAG-token\n");
  std::string secret = TempFile("app-secret\n");
  std::string verify = TempFile("verify-me\n");
  EnvReader env = Env({{"SERTEL_NOTIFICATION_WHATSAPP_PHONE_NUMBER_ID", "1234567890"},
                       {"SERTEL_NOTIFICATION_WHATSAPP_BASE_URL", "http://127.0.0.1:8089"},
                       {"SERTEL_NOTIFICATION_WHATSAPP_TOKEN_FILE", token},
                       {"SERTEL_NOTIFICATION_WHATSAPP_APP_SECRET_FILE", secret},
                       {"SERTEL_NOTIFICATION_WHATSAPP_VERIFY_TOKEN_FILE", verify}});
  NotificationConfig c = NotificationConfig::FromEnv(env);
  EXPECT_TRUE(env.Finish().ok()) << env.Finish();
  EXPECT_TRUE(c.whatsapp_enabled);
  EXPECT_EQ(c.whatsapp.token, "EAAG-token");
  EXPECT_EQ(c.webhook.app_secret, "app-secret");
  EXPECT_EQ(c.webhook.verify_token, "verify-me");
  EXPECT_EQ(c.webhook.path, "/whatsapp/webhook");
  for (const std::string& f : {token, secret, verify}) std::remove(f.c_str());
}

TEST(NotificationConfigTest, AWebhookPathThatIsNotAPlainPathIsRefused) {
  std::string token = TempFile("t\n"), secret = TempFile("s\n"), verify = TempFile("v\n");
  for (const char* path : {"whatsapp", "/wa/(x", "/wa/.*", "/wa hook"}) {
    EnvReader env = Env({{"SERTEL_NOTIFICATION_WHATSAPP_PHONE_NUMBER_ID", "1234567890"},
                         {"SERTEL_NOTIFICATION_WHATSAPP_BASE_URL", "http://127.0.0.1:8089"},
                         {"SERTEL_NOTIFICATION_WHATSAPP_TOKEN_FILE", token},
                         {"SERTEL_NOTIFICATION_WHATSAPP_APP_SECRET_FILE", secret},
                         {"SERTEL_NOTIFICATION_WHATSAPP_VERIFY_TOKEN_FILE", verify},
                         {"SERTEL_NOTIFICATION_WHATSAPP_WEBHOOK_PATH", path}});
    NotificationConfig::FromEnv(env);
    absl::Status s = env.Finish();
    EXPECT_FALSE(s.ok()) << path;
    EXPECT_NE(s.message().find("SERTEL_NOTIFICATION_WHATSAPP_WEBHOOK_PATH"), std::string::npos);
  }
  for (const std::string& f : {token, secret, verify}) std::remove(f.c_str());
}

// Without its webhook secrets WhatsApp messages would stay SENT for ever: refused at start.
TEST(NotificationConfigTest, WhatsAppWithoutTheWebhookSecretsIsRefused) {
  std::string token = TempFile("EAAG-token\n");
  EnvReader env = Env({{"SERTEL_NOTIFICATION_WHATSAPP_PHONE_NUMBER_ID", "1234567890"},
                       {"SERTEL_NOTIFICATION_WHATSAPP_BASE_URL", "http://127.0.0.1:8089"},
                       {"SERTEL_NOTIFICATION_WHATSAPP_TOKEN_FILE", token}});
  NotificationConfig c = NotificationConfig::FromEnv(env);
  absl::Status s = env.Finish();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("SERTEL_NOTIFICATION_WHATSAPP_APP_SECRET_FILE"), std::string::npos);
  EXPECT_NE(s.message().find("SERTEL_NOTIFICATION_WHATSAPP_VERIFY_TOKEN_FILE"), std::string::npos);
  std::remove(token.c_str());
}

}  // namespace
}  // namespace sertel::notification
