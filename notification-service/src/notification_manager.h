// The rules of the notification service (no gRPC, no SQL): what a valid message is, idempotent
// queueing on request_id, reading and listing (never the attachment bytes; the activation code
// redacted), and turning a claimed message into what a channel sends.
//
//   NotificationManager manager(&store, &box, {.whatsapp_enabled = true}, SystemClock::Default());
//   absl::Status s = manager.Send(caller, request, &notification);   // QUEUED at once
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/clock.h"
#include "notification_records.h"
#include "notification_store.h"
#include "secret_box.h"
#include "sender.h"
#include "sertel/v1/notification.pb.h"

namespace sertel::notification {

inline constexpr const char* kRedacted = "[redacted]";

class NotificationManager {
 public:
  struct Options {
    int64_t max_attachment_bytes = 5 << 20;
    int max_attachments = 2;
    bool whatsapp_enabled = true;
  };

  NotificationManager(NotificationStore* store, const SecretBox* box, Options options,
                      const Clock* clock);

  absl::Status Send(const Principal& caller, const v1::SendNotificationRequest& request,
                    v1::Notification* out);
  absl::Status Get(const Principal& caller, const std::string& id, v1::Notification* out);
  absl::Status List(const Principal& caller, const v1::ListNotificationsRequest& request,
                    v1::ListNotificationsResponse* out);

  // A claimed message -> what a channel sends (secret parameters opened in memory only).
  absl::StatusOr<OutgoingMessage> PrepareDelivery(const NotificationRecord& record) const;

  // All violations of a request at once (INVALID_ARGUMENT), exposed for unit tests.
  absl::Status Validate(const v1::SendNotificationRequest& request) const;

  static void ToProto(const NotificationRecord& record, v1::Notification* out);
  // "CHANNEL_EMAIL" -> "EMAIL", "NOTIFICATION_TEMPLATE_ACTIVATION_CODE" -> "ACTIVATION_CODE".
  static std::string ChannelName(int channel);
  static std::string TemplateName(int template_value);
  // SHA-256 over the deterministic serialization, secret parameter values left out.
  static std::string PayloadHash(const v1::SendNotificationRequest& request);

 private:
  NotificationStore* store_;
  const SecretBox* box_;
  Options options_;
  const Clock* clock_;
};

}  // namespace sertel::notification
