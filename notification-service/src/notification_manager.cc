#include "notification_manager.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/strings/ascii.h"
#include "common/field_violations.h"
#include "nlohmann/json.hpp"
#include "recipient_rules.h"
#include "templates.h"

namespace sertel::notification {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

std::string NewUuid() {
  unsigned char b[16];
  RAND_bytes(b, sizeof(b));
  b[6] = (b[6] & 0x0F) | 0x40;  // version 4
  b[8] = (b[8] & 0x3F) | 0x80;  // RFC 4122 variant
  std::string hex = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(b), sizeof(b)));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
}

bool IsUuid(absl::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!absl::ascii_isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string Sha256(absl::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return std::string(reinterpret_cast<const char*>(md), sizeof(md));
}

void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000;
  int64_t rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rem * 1000));
}

bool IsSecret(const TemplateSpec* spec, const std::string& key) {
  if (spec == nullptr) return false;
  for (const std::string& s : spec->secret_params) {
    if (s == key) return true;
  }
  return false;
}

}  // namespace

NotificationManager::NotificationManager(NotificationStore* store, const SecretBox* box,
                                         Options options, const Clock* clock)
    : store_(store), box_(box), options_(options), clock_(clock) {}

std::string NotificationManager::ChannelName(int channel) {
  switch (channel) {
    case v1::CHANNEL_EMAIL:
      return "EMAIL";
    case v1::CHANNEL_WHATSAPP:
      return "WHATSAPP";
    default:
      return "";
  }
}

std::string NotificationManager::TemplateName(int template_value) {
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

std::string NotificationManager::PayloadHash(const v1::SendNotificationRequest& request) {
  v1::SendNotificationRequest copy = request;
  const TemplateSpec* spec = FindTemplate(TemplateName(request.template_()));
  if (spec != nullptr) {
    for (const std::string& key : spec->secret_params) {
      auto it = copy.mutable_params()->find(key);
      if (it != copy.mutable_params()->end()) {
        OPENSSL_cleanse(it->second.data(), it->second.size());
        it->second = "";
      }
    }
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy.SerializeToCodedStream(&coded);
  }
  return Sha256(bytes);
}

absl::Status NotificationManager::Validate(const v1::SendNotificationRequest& request) const {
  FieldViolations v;
  if (request.request_id().empty()) {
    v.Add("request_id", "required");
  } else if (request.request_id().size() > 200) {
    v.Add("request_id", "longer than 200 characters");
  }
  if (request.application_id().size() > 200) {
    v.Add("application_id", "longer than 200 characters");
  }
  std::string channel = ChannelName(request.channel());
  if (channel.empty()) {
    v.Add("channel", "must be EMAIL or WHATSAPP");
  } else if (channel == "EMAIL") {
    v.AddIfError("recipient", CheckEmailRecipient(request.recipient()));
  } else {
    v.AddIfError("recipient", CheckPhoneRecipient(request.recipient()));
  }
  std::string template_name = TemplateName(request.template_());
  const TemplateSpec* spec = FindTemplate(template_name);
  if (spec == nullptr) {
    v.Add("template", "unknown template");
  } else {
    TemplateParams params(request.params().begin(), request.params().end());
    absl::Status s = CheckTemplateParams(template_name, params);
    for (const FieldViolation& f : FieldViolations::FromStatus(s)) v.Add(f.field, f.description);
    if (!s.ok() && FieldViolations::FromStatus(s).empty()) v.Add("params", std::string(s.message()));
  }
  int max_attachments = channel == "WHATSAPP" ? 1 : options_.max_attachments;
  if (request.attachments_size() > max_attachments) {
    v.Add("attachments", absl::StrCat("at most ", max_attachments, " attachment(s) on ",
                                      channel.empty() ? "this channel" : channel));
  }
  if (spec != nullptr && spec->requires_attachment && request.attachments_size() == 0) {
    v.Add("attachments", absl::StrCat(spec->name, " carries the certificate as an attachment"));
  }
  if (spec != nullptr && !spec->requires_attachment && channel == "WHATSAPP" &&
      request.attachments_size() > 0) {
    v.Add("attachments", absl::StrCat("the WhatsApp template for ", spec->name,
                                      " has no document header"));
  }
  for (int i = 0; i < request.attachments_size(); ++i) {
    const v1::Attachment& a = request.attachments(i);
    std::string prefix = absl::StrCat("attachments[", i, "].");
    if (a.filename().empty() || a.filename().size() > 200) {
      v.Add(prefix + "filename", "required, at most 200 characters");
    }
    if (a.content_type().empty() || a.content_type().find('/') == std::string::npos) {
      v.Add(prefix + "content_type", "required, a MIME type such as application/x-pkcs12");
    }
    if (a.content().empty()) {
      v.Add(prefix + "content", "must not be empty");
    } else if (static_cast<int64_t>(a.content().size()) > options_.max_attachment_bytes) {
      v.Add(prefix + "content", absl::StrCat("larger than ", options_.max_attachment_bytes,
                                             " bytes"));
    }
  }
  if (!v.empty()) return v.ToStatus("the notification is invalid");
  return absl::OkStatus();
}

absl::Status NotificationManager::Send(const Principal& caller,
                                       const v1::SendNotificationRequest& request,
                                       v1::Notification* out) {
  if (absl::Status s = Validate(request); !s.ok()) return s;
  if (request.channel() == v1::CHANNEL_WHATSAPP && !options_.whatsapp_enabled) {
    return absl::FailedPreconditionError(
        "the WhatsApp channel is not configured (SERTEL_NOTIFICATION_WHATSAPP_PHONE_NUMBER_ID)");
  }
  const TemplateSpec* spec = FindTemplate(TemplateName(request.template_()));
  NotificationRecord record;
  record.id = NewUuid();
  record.request_id = request.request_id();
  record.application_id = request.application_id();
  record.channel = ChannelName(request.channel());
  record.recipient = request.recipient();
  record.template_name = spec->name;
  record.created_at = clock_->Now();
  nlohmann::json secrets = nlohmann::json::object();
  for (const auto& [key, value] : request.params()) {
    if (IsSecret(spec, key)) {
      secrets[key] = value;
    } else {
      record.params[key] = value;
    }
  }
  if (!secrets.empty()) {
    // Secrets never in a table in clear: sealed, bound to this row's id.
    std::string plain = secrets.dump();
    record.sealed_params = box_->Seal(plain, record.id);
    OPENSSL_cleanse(plain.data(), plain.size());
  }
  for (const v1::Attachment& a : request.attachments()) {
    AttachmentRecord ar;
    ar.filename = a.filename();
    ar.content_type = a.content_type();
    ar.size_bytes = static_cast<int64_t>(a.content().size());
    ar.sha256 = Sha256(a.content());
    ar.content = a.content();
    record.attachments.push_back(std::move(ar));
  }
  bool created = false;
  absl::StatusOr<NotificationRecord> stored =
      store_->Create(record, PayloadHash(request), caller.sub, &created);
  if (!stored.ok()) return stored.status();
  ToProto(*stored, out);
  return absl::OkStatus();
}

absl::Status NotificationManager::Get(const Principal&, const std::string& id,
                                      v1::Notification* out) {
  if (!IsUuid(id)) return InvalidField("id", "not a notification id (UUID)");
  absl::StatusOr<NotificationRecord> r = store_->Get(absl::AsciiStrToLower(id));
  if (!r.ok()) return r.status();
  ToProto(*r, out);
  return absl::OkStatus();
}

absl::Status NotificationManager::List(const Principal&, const v1::ListNotificationsRequest& req,
                                       v1::ListNotificationsResponse* out) {
  FieldViolations v;
  int page_size = req.page_size() == 0 ? kDefaultPageSize : req.page_size();
  if (page_size < 0) v.Add("page_size", "must not be negative");
  if (page_size > kMaxPageSize) page_size = kMaxPageSize;
  int64_t before_seq = 0;
  if (!req.page_token().empty()) {
    std::string decoded;
    if (!absl::WebSafeBase64Unescape(req.page_token(), &decoded) ||
        !absl::SimpleAtoi(decoded, &before_seq) || before_seq <= 0) {
      v.Add("page_token", "not a token from a previous page");
    }
  }
  if (!v.empty()) return v.ToStatus("the list request is invalid");
  absl::StatusOr<NotificationStore::Page> page =
      store_->List(req.application_id(), page_size, before_seq);
  if (!page.ok()) return page.status();
  for (const NotificationRecord& r : page->notifications) ToProto(r, out->add_notifications());
  if (page->more && !page->notifications.empty()) {
    out->set_next_page_token(
        absl::WebSafeBase64Escape(absl::StrCat(page->notifications.back().seq)));
  }
  return absl::OkStatus();
}

void NotificationManager::ToProto(const NotificationRecord& r, v1::Notification* out) {
  out->set_id(r.id);
  out->set_request_id(r.request_id);
  out->set_application_id(r.application_id);
  out->set_channel(r.channel == "WHATSAPP" ? v1::CHANNEL_WHATSAPP : v1::CHANNEL_EMAIL);
  out->set_recipient(r.recipient);
  v1::NotificationTemplate t = v1::NOTIFICATION_TEMPLATE_UNSPECIFIED;
  v1::NotificationTemplate_Parse(absl::StrCat("NOTIFICATION_TEMPLATE_", r.template_name), &t);
  out->set_template_(t);
  for (const auto& [k, val] : r.params) (*out->mutable_params())[k] = val;
  if (const TemplateSpec* spec = FindTemplate(r.template_name); spec != nullptr) {
    // The activation code is never returned, only a sign that there was one.
    for (const std::string& key : spec->secret_params) (*out->mutable_params())[key] = kRedacted;
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
  SetTimestamp(r.created_at, out->mutable_created_at());
  if (r.delivered_at) SetTimestamp(*r.delivered_at, out->mutable_delivered_at());
  if (r.status == "QUEUED" && r.next_attempt_at) {
    SetTimestamp(*r.next_attempt_at, out->mutable_next_attempt_at());
  }
}

absl::StatusOr<OutgoingMessage> NotificationManager::PrepareDelivery(
    const NotificationRecord& record) const {
  TemplateParams params = record.params;
  if (!record.sealed_params.empty()) {
    absl::StatusOr<std::string> opened = box_->Open(record.sealed_params, record.id);
    if (!opened.ok()) {
      return absl::FailedPreconditionError(
          "the sealed parameters do not open: the key changed or was not kept across a restart "
          "(SERTEL_NOTIFICATION_SECRET_KEY_FILE)");
    }
    nlohmann::json secrets = nlohmann::json::parse(*opened, nullptr, false);
    OPENSSL_cleanse(opened->data(), opened->size());
    if (!secrets.is_object()) return absl::FailedPreconditionError("sealed parameters malformed");
    for (const auto& [k, val] : secrets.items()) {
      if (val.is_string()) params[k] = val.get<std::string>();
    }
  }
  absl::StatusOr<RenderedMessage> rendered = RenderTemplate(record.template_name, params);
  for (auto& [k, val] : params) OPENSSL_cleanse(val.data(), val.size());
  if (!rendered.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot render: ", rendered.status().message()));
  }
  OutgoingMessage m;
  m.notification_id = record.id;
  m.recipient = record.recipient;
  m.template_name = record.template_name;
  m.rendered = std::move(*rendered);
  for (const AttachmentRecord& a : record.attachments) {
    m.attachments.push_back({a.filename, a.content_type, a.content});
  }
  return m;
}

}  // namespace sertel::notification
