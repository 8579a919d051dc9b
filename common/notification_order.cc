#include "common/notification_order.h"

#include "sertel/v1/notification.pb.h"

namespace sertel {

std::string SendNotificationPayload(const NotificationOrder& order) {
  v1::SendNotificationRequest r;
  r.set_request_id(order.request_id);
  r.set_application_id(order.application_id);
  r.set_channel(static_cast<v1::Channel>(order.channel));
  r.set_recipient(order.recipient);
  r.set_template_(static_cast<v1::NotificationTemplate>(order.template_name));
  for (const auto& [key, value] : order.params) (*r.mutable_params())[key] = value;
  r.set_fallback_email(order.fallback_email);
  for (const NotificationAttachment& a : order.attachments) {
    v1::Attachment* out = r.add_attachments();
    out->set_filename(a.filename);
    out->set_content_type(a.content_type);
    out->set_content(a.content);
    out->set_size_bytes(static_cast<int64_t>(a.content.size()));
  }
  return r.SerializeAsString();
}

OutboxItem NotificationOutboxItem(const NotificationOrder& order) {
  return OutboxItem{kSendNotificationTopic, order.request_id, SendNotificationPayload(order),
                    order.application_id};
}

}  // namespace sertel
