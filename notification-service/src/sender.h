// What the delivery worker hands a channel (email or WhatsApp), and how a channel reports the
// outcome: OK (accepted by the SMTP server / the Cloud API), a temporary error (retry later) or a
// permanent one (give up: FAILED). Implementations: SmtpSender, WhatsAppSender; tests use fakes.
//
//   absl::Status s = sender.Send(message);
//   if (!s.ok() && IsPermanentDeliveryError(s)) { ... FAILED ... } else { ... retry ... }
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "mime_message.h"
#include "templates.h"

namespace sertel::notification {

struct OutgoingMessage {
  std::string notification_id;  // also the email Message-ID's left part
  std::string recipient;        // email address or E.164 number
  std::string template_name;    // "CERTIFICATE_HANDOVER"
  RenderedMessage rendered;
  std::vector<MimeMessage::Attachment> attachments;
};

class Sender {
 public:
  virtual ~Sender() = default;
  virtual absl::Status Send(const OutgoingMessage& message) = 0;
};

// A permanent error: retrying cannot help (invalid recipient, template or parameter, bad token).
inline absl::Status PermanentDeliveryError(absl::string_view message) {
  return absl::FailedPreconditionError(message);
}
// A temporary error: the server is down, busy or rate-limiting.
inline absl::Status TemporaryDeliveryError(absl::string_view message) {
  return absl::UnavailableError(message);
}
inline bool IsPermanentDeliveryError(const absl::Status& s) {
  return absl::IsFailedPrecondition(s) || absl::IsInvalidArgument(s) ||
         absl::IsPermissionDenied(s) || absl::IsUnauthenticated(s) || absl::IsNotFound(s);
}

// Whether a URL's host is the loopback interface (127.0.0.1, localhost, [::1]): plain HTTP and
// unencrypted SMTP are accepted only there (the test stubs and the development sink).
bool IsLoopbackUrl(absl::string_view url);

// curl_global_init once per process (libcurl asks for it before threads start).
void InitCurlOnce();

}  // namespace sertel::notification
