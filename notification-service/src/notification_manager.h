// The orchestration of the notification service's RPCs (no gRPC, no SQL, no protobuf): what a
// valid message is, queueing it idempotently on request_id (NotificationLifecycle decides,
// NotificationStore writes), reading and listing (never the attachment bytes), and turning a
// claimed message into what a channel sends.
//
//   NotificationManager manager(&store, &box, {.whatsapp_enabled = true}, SystemClock::Default(),
//                               runtime->page_tokens());
//   absl::StatusOr<NotificationRecord> n = manager.Send(caller, input);   // QUEUED at once
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/page_token.h"
#include "common/sealed_box.h"
#include "notification_records.h"
#include "notification_store.h"
#include "sender.h"

namespace sertel::notification {

class NotificationManager {
 public:
  struct Options {
    int64_t max_attachment_bytes = 5 << 20;
    int max_attachments = 2;
    bool whatsapp_enabled = true;
  };

  NotificationManager(NotificationStore* store, const SealedBox* box, Options options,
                      const Clock* clock,
                      const PageTokenCodec* page_tokens = PageTokenCodec::ProcessDefault());

  // QUEUED at once; the same request again answers with the same message, another payload
  // under the same request_id is ALREADY_EXISTS.
  absl::StatusOr<NotificationRecord> Send(const Principal& caller, const SendInput& input);
  absl::StatusOr<NotificationRecord> Get(const Principal& caller, const std::string& id);
  absl::StatusOr<NotificationPage> List(const Principal& caller, const ListInput& input);

  // A claimed message -> what a channel sends (secret parameters opened in memory only).
  absl::StatusOr<OutgoingMessage> PrepareDelivery(const NotificationRecord& record) const;
  // The email that replaces a WhatsApp message WhatsApp cannot deliver (131026, 131047): to its
  // fallback address, the same template and parameters (the secret ones sealed again for the
  // new row), request_id "<the WhatsApp one>:email-fallback".
  absl::StatusOr<QueuedNotification> FallbackEmail(const NotificationRecord& whatsapp) const;

  // All violations of a request at once (INVALID_ARGUMENT), exposed for unit tests.
  absl::Status Validate(const SendInput& input) const;

 private:
  // The message `input` asks for (id, non-secret and sealed parameters, attachments).
  absl::StatusOr<NotificationRecord> NewRecord(const SendInput& input) const;

  NotificationStore* store_;
  const SealedBox* box_;
  Options options_;
  const Clock* clock_;
  const PageTokenCodec* page_tokens_;
};

}  // namespace sertel::notification
