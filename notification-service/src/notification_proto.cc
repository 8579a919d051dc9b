#include "notification_proto.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/proto_time.h"
#include "notification_payloads.h"
#include "templates.h"

namespace sertel::notification {
namespace {

v1::Channel ChannelOf(const std::string& name) {
  return name == "WHATSAPP" ? v1::CHANNEL_WHATSAPP : v1::CHANNEL_EMAIL;
}

v1::NotificationTemplate TemplateOf(const std::string& name) {
  v1::NotificationTemplate t = v1::NOTIFICATION_TEMPLATE_UNSPECIFIED;
  v1::NotificationTemplate_Parse(absl::StrCat("NOTIFICATION_TEMPLATE_", name), &t);
  return t;
}

}  // namespace

std::string ChannelName(int channel) {
  switch (channel) {
    case v1::CHANNEL_EMAIL:
      return "EMAIL";
    case v1::CHANNEL_WHATSAPP:
      return "WHATSAPP";
    default:
      return "";
  }
}

std::string TemplateName(int template_value) {
  if (template_value == v1::NOTIFICATION_TEMPLATE_UNSPECIFIED ||
      !v1::NotificationTemplate_IsValid(template_value)) {
    return "";
  }
  std::string name =
      v1::NotificationTemplate_Name(static_cast<v1::NotificationTemplate>(template_value));
  absl::string_view bare = name;
  absl::ConsumePrefix(&bare, "NOTIFICATION_TEMPLATE_");
  return std::string(bare);
}

SendInput SendInputFromProto(const v1::SendNotificationRequest& request) {
  SendInput in;
  in.request_id = request.request_id();
  in.application_id = request.application_id();
  in.channel = ChannelName(request.channel());
  in.recipient = request.recipient();
  in.template_name = TemplateName(request.template_());
  in.params = TemplateParams(request.params().begin(), request.params().end());
  for (const v1::Attachment& a : request.attachments()) {
    in.attachments.push_back({.filename = a.filename(),
                              .content_type = a.content_type(),
                              .content = a.content(),
                              .size_bytes = a.size_bytes()});
  }
  in.fallback_email = request.fallback_email();
  return in;
}

ListInput ListInputFromProto(const v1::ListNotificationsRequest& request) {
  return ListInput{.application_id = request.application_id(),
                   .page_size = request.page_size(),
                   .page_token = request.page_token()};
}

std::string SendRequestBytes(const SendInput& input,
                             const std::vector<std::string>& blanked_params) {
  v1::SendNotificationRequest r;
  r.set_request_id(input.request_id);
  r.set_application_id(input.application_id);
  r.set_channel(ChannelOf(input.channel));
  r.set_recipient(input.recipient);
  r.set_template_(TemplateOf(input.template_name));
  for (const auto& [key, value] : input.params) {
    bool blank =
        std::find(blanked_params.begin(), blanked_params.end(), key) != blanked_params.end();
    (*r.mutable_params())[key] = blank ? "" : value;
  }
  for (const AttachmentInput& a : input.attachments) {
    v1::Attachment* out = r.add_attachments();
    out->set_filename(a.filename);
    out->set_content_type(a.content_type);
    out->set_content(a.content);
    out->set_size_bytes(a.size_bytes);
  }
  r.set_fallback_email(input.fallback_email);
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    r.SerializeToCodedStream(&coded);
  }
  return bytes;
}

void ToProto(const NotificationRecord& r, v1::Notification* out) {
  out->set_id(r.id);
  out->set_request_id(r.request_id);
  out->set_application_id(r.application_id);
  out->set_channel(ChannelOf(r.channel));
  out->set_recipient(r.recipient);
  out->set_template_(TemplateOf(r.template_name));
  for (const auto& [k, val] : r.params) (*out->mutable_params())[k] = val;
  if (const TemplateSpec* spec = FindTemplate(r.template_name); spec != nullptr) {
    // The activation code is never returned, only a sign that there was one.
    for (const std::string& key : spec->secret_params) {
      // A handover with its keystore attached had no link to hide.
      if (key == spec->link_param && !r.attachments.empty()) continue;
      (*out->mutable_params())[key] = kRedacted;
    }
  }
  for (const AttachmentRecord& a : r.attachments) {
    v1::Attachment* pa = out->add_attachments();
    pa->set_filename(a.filename);
    pa->set_content_type(a.content_type);
    pa->set_size_bytes(a.size_bytes);
  }
  v1::NotificationStatus status = v1::NOTIFICATION_STATUS_UNSPECIFIED;
  v1::NotificationStatus_Parse(absl::StrCat("NOTIFICATION_STATUS_", r.status), &status);
  out->set_status(status);
  out->set_attempts(r.attempts);
  out->set_last_error(r.last_error);
  *out->mutable_created_at() = ToProtoTimestamp(r.created_at);
  if (r.delivered_at) *out->mutable_delivered_at() = ToProtoTimestamp(*r.delivered_at);
  if (r.status == kQueued && r.next_attempt_at) {
    *out->mutable_next_attempt_at() = ToProtoTimestamp(*r.next_attempt_at);
  }
  if (r.sent_at) *out->mutable_sent_at() = ToProtoTimestamp(*r.sent_at);
  if (r.read_at) *out->mutable_read_at() = ToProtoTimestamp(*r.read_at);
  out->set_provider_message_id(r.provider_message_id);
  out->set_fallback_notification_id(r.fallback_id);
  out->set_fallback_of(r.fallback_of);
}

void ToProto(const NotificationPage& page, v1::ListNotificationsResponse* out) {
  for (const NotificationRecord& r : page.notifications) ToProto(r, out->add_notifications());
  out->set_next_page_token(page.next_page_token);
}

}  // namespace sertel::notification
