// What the delivery worker hands a channel (email or WhatsApp), and how a channel reports the
// outcome: a receipt (accepted by the SMTP server / the Cloud API), a temporary error (retry
// later; a rate limit may say when, common/rate_limiter.h RetryDelayOf) or a permanent one (give
// up: FAILED). Implementations: SmtpSender, WhatsAppSender; tests use fakes.
//
//   absl::StatusOr<SendReceipt> r = sender.Send(message);
//   if (!r.ok() && IsPermanentDeliveryError(r.status())) { ... FAILED ... } else { ... retry ... }
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
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

// What a channel says when it accepted a message.
struct SendReceipt {
  // The channel's id of the message (the WhatsApp "wamid"), whose delivery reports arrive later
  // by webhook: the message is SENT until then. Empty: accepted means delivered (SMTP).
  std::string provider_message_id;
};

class Sender {
 public:
  virtual ~Sender() = default;
  virtual absl::StatusOr<SendReceipt> Send(const OutgoingMessage& message) = 0;
};

// A permanent error: retrying cannot help (invalid recipient, template or parameter, bad token).
inline absl::Status PermanentDeliveryError(absl::string_view message) {
  return absl::FailedPreconditionError(message);
}
// A temporary error: the server is down, busy or rate-limiting.
inline absl::Status TemporaryDeliveryError(absl::string_view message) {
  return absl::UnavailableError(message);
}
// What follows a failed attempt beyond retry-or-give-up (docs/whatsapp.md): carried by the
// status as a payload, read by the delivery worker and the webhook.
enum class FailurePolicy {
  kNone,             // retry if temporary, FAILED if permanent
  kFallBackToEmail,  // permanent for WhatsApp; the message goes again by email when it can
  kDeadLetter,       // permanent, and the alarm: a template differs from what Meta approved
  kPauseChannel,     // the channel's credentials were refused: the channel pauses and alarms
};
absl::Status WithFailurePolicy(absl::Status status, FailurePolicy policy);
FailurePolicy FailurePolicyOf(const absl::Status& status);
absl::string_view FailurePolicyName(FailurePolicy policy);

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
