// The one way a service asks for a message (SOP: the step 1 receipt, a return or rejection, the
// step 6 activation code, the step 7 handover, the expiry reminder): a plain NotificationOrder,
// turned into the outbox item that carries NotificationService.SendNotification. Domain code
// fills the order; only notification_order.cc knows the protobuf message.
//
//   OutboxItem item = NotificationOutboxItem({
//       .request_id = absl::StrCat("intake:receipt:", id), .application_id = id,
//       .recipient = email, .template_name = NotifyTemplate::kSubmissionReceived,
//       .params = {{"full_name", name}, {"application_id", id}}});
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/change_records.h"

namespace sertel {

// Outbox topic of NotificationService.SendNotification (payload: SendNotificationRequest).
inline constexpr char kSendNotificationTopic[] = "notification.SendNotification";

// The numbers are sertel.v1.Channel's.
enum class NotifyChannel { kEmail = 1, kWhatsApp = 2 };
// The numbers are sertel.v1.NotificationTemplate's.
enum class NotifyTemplate {
  kSubmissionReceived = 1,
  kApplicationReturned = 2,
  kApplicationRejected = 3,
  kActivationCode = 4,
  kCertificateHandover = 5,
  kExpiryReminder = 6,
};

struct NotificationAttachment {
  std::string filename;
  std::string content_type;
  std::string content;
};

struct NotificationOrder {
  std::string request_id;  // the idempotency key, also the outbox key
  std::string application_id;
  NotifyChannel channel = NotifyChannel::kEmail;
  std::string recipient;  // email address (EMAIL) or E.164 number (WHATSAPP)
  NotifyTemplate template_name = NotifyTemplate::kSubmissionReceived;
  std::map<std::string, std::string> params;
  std::vector<NotificationAttachment> attachments;
  // WHATSAPP: where the message goes instead when WhatsApp cannot deliver it ("" for none).
  std::string fallback_email = "";
};

// The SendNotificationRequest for `order`, serialized.
std::string SendNotificationPayload(const NotificationOrder& order);
// {kSendNotificationTopic, order.request_id, SendNotificationPayload(order)}.
OutboxItem NotificationOutboxItem(const NotificationOrder& order);

}  // namespace sertel
