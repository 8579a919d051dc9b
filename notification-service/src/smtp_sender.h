// The email channel: one message per SMTP session through libcurl, with STARTTLS
// (smtp:// + CURLUSESSL_ALL) or implicit TLS (smtps://), AUTH when a user is configured, the
// server verified against a CA file, and timeouts. The message is built by MimeMessage.
//
//   SmtpSender smtp({.url = "smtp://mail.example.go.id:587", .tls = SmtpTls::kStartTls,
//                    .from = "sertel@example.go.id", .user = "sertel", .password = pw});
//   absl::StatusOr<SendReceipt> r = smtp.Send(message);  // SMTP 5xx -> permanent, else temporary
#pragma once

#include <string>

#include "absl/time/time.h"
#include "common/clock.h"
#include "sender.h"

namespace sertel::notification {

enum class SmtpTls { kNone, kStartTls, kImplicit };

struct SmtpOptions {
  std::string url = "smtp://127.0.0.1:2525";
  SmtpTls tls = SmtpTls::kNone;
  std::string from = "sertel@localhost";
  std::string from_name = "sertel - Diskominfo";
  std::string user;      // empty: no AUTH
  std::string password;  // from SERTEL_NOTIFICATION_SMTP_PASSWORD_FILE; never logged
  std::string ca_file;   // empty: the system's CA store
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(60);
};

class SmtpSender final : public Sender {
 public:
  explicit SmtpSender(SmtpOptions options, const Clock* clock = SystemClock::Default());
  absl::StatusOr<SendReceipt> Send(const OutgoingMessage& message) override;

  // The MIME text Send transmits (exposed for tests).
  absl::StatusOr<std::string> BuildMessage(const OutgoingMessage& message) const;

 private:
  SmtpOptions options_;
  const Clock* clock_;
};

}  // namespace sertel::notification
