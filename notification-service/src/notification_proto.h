// sertel.v1 <-> the notification service's records: the requests of NotificationService into
// SendInput / ListInput, and messages back into Notification / ListNotificationsResponse (the
// activation code redacted, attachments without their bytes). With the handler, the only file
// of the domain that includes sertel/v1 headers.
//
//   absl::StatusOr<NotificationRecord> n = manager.Send(caller, SendInputFromProto(*request));
//   if (n.ok()) ToProto(*n, response);
#pragma once

#include <string>

#include "notification_records.h"
#include "sertel/v1/notification.pb.h"

namespace sertel::notification {

// What a read shows instead of a secret parameter's value: only that there was one.
inline constexpr const char* kRedacted = "[redacted]";

SendInput SendInputFromProto(const v1::SendNotificationRequest& request);
ListInput ListInputFromProto(const v1::ListNotificationsRequest& request);

void ToProto(const NotificationRecord& record, v1::Notification* out);
void ToProto(const NotificationPage& page, v1::ListNotificationsResponse* out);

// CHANNEL_EMAIL -> "EMAIL", CHANNEL_WHATSAPP -> "WHATSAPP", "" for anything else.
std::string ChannelName(int channel);
// NOTIFICATION_TEMPLATE_ACTIVATION_CODE -> "ACTIVATION_CODE", "" for UNSPECIFIED or unknown.
std::string TemplateName(int template_value);

}  // namespace sertel::notification
