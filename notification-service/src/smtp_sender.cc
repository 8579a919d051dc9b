#include "smtp_sender.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace sertel::notification {

namespace {

struct ReadState {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadPayload(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* state = static_cast<ReadState*>(userdata);
  size_t room = size * nitems;
  size_t left = state->data->size() - state->offset;
  size_t n = std::min(room, left);
  std::memcpy(buffer, state->data->data() + state->offset, n);
  state->offset += n;
  return n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// TLS as configured, the server's certificate always verified, and the login if there is one.
void ApplySecurityOptions(CURL* c, const SmtpOptions& options) {
  switch (options.tls) {
    case SmtpTls::kNone:
      curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_NONE));
      break;
    case SmtpTls::kStartTls:
      // STARTTLS is required, not tried: a server that does not offer it fails the attempt.
      curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
      break;
    case SmtpTls::kImplicit:
      curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
      break;
  }
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options.ca_file.c_str());
  if (!options.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options.password.c_str());
  }
}

}  // namespace

SmtpSender::SmtpSender(SmtpOptions options, const Clock* clock)
    : options_(std::move(options)), clock_(clock) {
  InitCurlOnce();
}

absl::StatusOr<std::string> SmtpSender::BuildMessage(const OutgoingMessage& message) const {
  MimeMessage m;
  m.from = options_.from;
  m.from_name = options_.from_name;
  m.to = message.recipient;
  m.subject = message.rendered.subject;
  m.body = message.rendered.body;
  m.message_id = MimeMessage::MessageIdFor(message.notification_id);
  m.date = clock_->Now();
  m.attachments = message.attachments;
  return m.Build();
}

absl::StatusOr<SendReceipt> SmtpSender::Send(const OutgoingMessage& message) {
  absl::StatusOr<std::string> wire = BuildMessage(message);
  if (!wire.ok()) return PermanentDeliveryError(wire.status().message());

  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return TemporaryDeliveryError("libcurl: cannot create a handle");
  CURL* c = curl.get();
  char errbuf[CURL_ERROR_SIZE] = {0};
  std::string mail_from = absl::StrCat("<", options_.from, ">");
  std::string rcpt = absl::StrCat("<", message.recipient, ">");
  std::unique_ptr<curl_slist, SlistDeleter> recipients(curl_slist_append(nullptr, rcpt.c_str()));
  ReadState state{&*wire};

  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &ReadPayload);
  curl_easy_setopt(c, CURLOPT_READDATA, &state);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout)));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
  ApplySecurityOptions(c, options_);

  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return SendReceipt{};
  long smtp_code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &smtp_code);
  std::string detail = errbuf[0] != '\0' ? std::string(errbuf) : curl_easy_strerror(rc);
  std::string error = absl::StrCat("SMTP: ", detail);
  if (smtp_code != 0) absl::StrAppend(&error, " (reply ", smtp_code, ")");
  // RFC 5321 section 4.2.1: 5yz is a permanent negative reply (e.g. 550 no such mailbox); 4yz
  // and connection problems are transient. An AUTH refusal (535) is a configuration problem that
  // an operator can fix, so it is retried until the attempt cap like any other outage.
  if (rc != CURLE_LOGIN_DENIED && smtp_code >= 500 && smtp_code < 600) {
    return PermanentDeliveryError(error);
  }
  return TemporaryDeliveryError(error);
}

}  // namespace sertel::notification
