#include "notification_manager.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/field_violations.h"
#include "common/uuid.h"
#include "nlohmann/json.hpp"
#include "notification_lifecycle.h"
#include "recipient_rules.h"
#include "templates.h"

namespace sertel::notification {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

std::string Sha256(absl::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return std::string(reinterpret_cast<const char*>(md), sizeof(md));
}

bool IsSecret(const TemplateSpec* spec, const std::string& key) {
  if (spec == nullptr) return false;
  for (const std::string& s : spec->secret_params) {
    if (s == key) return true;
  }
  return false;
}

// The token binds the list and its filter: a token of one application's list is refused for
// another's (or for the list of all).
std::string ListScope(const ListInput& input) {
  return absl::StrCat("notifications:application_id=", input.application_id);
}

// How many attachments the channel takes, whether the template wants one, and each one's
// name, type and size.
void CheckAttachments(const SendInput& input, const TemplateSpec* spec, int max_attachments,
                      int64_t max_bytes, FieldViolations& v) {
  const std::string& channel = input.channel;
  int count = static_cast<int>(input.attachments.size());
  if (channel != "WHATSAPP" && count > max_attachments) {
    v.Add("attachments", absl::StrCat("at most ", max_attachments, " attachment(s) on ",
                                      channel.empty() ? "this channel" : channel));
  }
  const bool by_link =
      spec != nullptr && !spec->link_param.empty() && input.params.count(spec->link_param) > 0;
  if (channel == "WHATSAPP") {
    // Meta's Cloud API takes as documents only text, PDF and Office files: never a PKCS#12. No
    // sertel WhatsApp template has a document header; the keystore goes by one-time link.
    if (count > 0) {
      v.Add("attachments",
            "WhatsApp messages carry no attachment (the Cloud API refuses a PKCS#12 as a "
            "document); a handover by WhatsApp carries the one-time download link instead");
    }
    if (spec != nullptr && spec->requires_attachment && !by_link) {
      v.Add(absl::StrCat("params.", spec->link_param),
            absl::StrCat("required: ", spec->name, " by WhatsApp carries the one-time link"));
    }
  } else if (spec != nullptr && spec->requires_attachment && !by_link && count == 0) {
    v.Add("attachments", absl::StrCat(spec->name, " carries the certificate as an attachment"));
  } else if (by_link && count > 0) {
    v.Add("attachments", absl::StrCat(spec->name, " with a download link carries no attachment"));
  }
  for (int i = 0; i < count; ++i) {
    const AttachmentInput& a = input.attachments[i];
    std::string prefix = absl::StrCat("attachments[", i, "].");
    if (a.filename.empty() || a.filename.size() > 200) {
      v.Add(prefix + "filename", "required, at most 200 characters");
    }
    if (a.content_type.empty() || a.content_type.find('/') == std::string::npos) {
      v.Add(prefix + "content_type", "required, a MIME type such as application/x-pkcs12");
    }
    if (a.content.empty()) {
      v.Add(prefix + "content", "must not be empty");
    } else if (static_cast<int64_t>(a.content.size()) > max_bytes) {
      v.Add(prefix + "content", absl::StrCat("larger than ", max_bytes, " bytes"));
    }
  }
}

}  // namespace

NotificationManager::NotificationManager(NotificationStore* store, const SealedBox* box,
                                         Options options, const Clock* clock,
                                         const PageTokenCodec* page_tokens)
    : store_(store), box_(box), options_(options), clock_(clock), page_tokens_(page_tokens) {}

absl::Status NotificationManager::Validate(const SendInput& input) const {
  FieldViolations v;
  if (input.request_id.empty()) {
    v.Add("request_id", "required");
  } else if (input.request_id.size() > 200) {
    v.Add("request_id", "longer than 200 characters");
  }
  if (input.application_id.size() > 200) {
    v.Add("application_id", "longer than 200 characters");
  }
  if (!input.fallback_email.empty()) {
    if (input.channel != "WHATSAPP") {
      v.Add("fallback_email", "only for a WHATSAPP message");
    } else {
      v.AddIfError("fallback_email", CheckEmailRecipient(input.fallback_email));
    }
  }
  if (input.channel.empty()) {
    v.Add("channel", "must be EMAIL or WHATSAPP");
  } else if (input.channel == "EMAIL") {
    v.AddIfError("recipient", CheckEmailRecipient(input.recipient));
  } else {
    v.AddIfError("recipient", CheckPhoneRecipient(input.recipient));
  }
  const TemplateSpec* spec = FindTemplate(input.template_name);
  if (spec == nullptr) {
    v.Add("template", "unknown template");
  } else {
    absl::Status s = CheckTemplateParams(input.template_name, input.params);
    for (const FieldViolation& f : FieldViolations::FromStatus(s)) v.Add(f.field, f.description);
    if (!s.ok() && FieldViolations::FromStatus(s).empty())
      v.Add("params", std::string(s.message()));
  }
  int max_attachments = input.channel == "WHATSAPP" ? 0 : options_.max_attachments;
  CheckAttachments(input, spec, max_attachments, options_.max_attachment_bytes, v);
  if (!v.empty()) return v.ToStatus("the notification is invalid");
  return absl::OkStatus();
}

absl::StatusOr<NotificationRecord> NotificationManager::NewRecord(const SendInput& input) const {
  const TemplateSpec* spec = FindTemplate(input.template_name);
  NotificationRecord record;
  record.id = NewUuid();
  record.request_id = input.request_id;
  record.application_id = input.application_id;
  record.channel = input.channel;
  record.recipient = input.recipient;
  record.fallback_email = input.fallback_email;
  record.template_name = spec->name;
  record.created_at = clock_->Now();
  nlohmann::json secrets = nlohmann::json::object();
  for (const auto& [key, value] : input.params) {
    if (IsSecret(spec, key)) {
      secrets[key] = value;
    } else {
      record.params[key] = value;
    }
  }
  if (!secrets.empty()) {
    // Secrets never in a table in clear: sealed, bound to this row's id.
    std::string plain = secrets.dump();
    absl::StatusOr<std::string> sealed = box_->Seal(plain, record.id);
    OPENSSL_cleanse(plain.data(), plain.size());
    if (!sealed.ok()) return sealed.status();
    record.sealed_params = *std::move(sealed);
  }
  for (const AttachmentInput& a : input.attachments) {
    record.attachments.push_back({.filename = a.filename,
                                  .content_type = a.content_type,
                                  .size_bytes = static_cast<int64_t>(a.content.size()),
                                  .sha256 = Sha256(a.content),
                                  .content = a.content});
  }
  return record;
}

absl::StatusOr<NotificationRecord> NotificationManager::Send(const Principal& caller,
                                                             const SendInput& input) {
  if (absl::Status s = Validate(input); !s.ok()) return s;
  if (input.channel == "WHATSAPP" && !options_.whatsapp_enabled) {
    return absl::FailedPreconditionError(
        "the WhatsApp channel is not configured (SERTEL_NOTIFICATION_WHATSAPP_PHONE_NUMBER_ID)");
  }
  absl::StatusOr<NotificationRecord> record = NewRecord(input);
  if (!record.ok()) return record.status();
  std::string hash = NotificationLifecycle::PayloadHash(input);
  absl::StatusOr<StoredNotification> stored =
      store_->Create(NotificationLifecycle::Queue(*std::move(record), hash, caller.sub));
  if (!stored.ok()) return stored.status();
  if (!stored->created) {
    absl::Status repeat = NotificationLifecycle::CheckRepeat(stored->payload_hash, hash);
    if (!repeat.ok()) return repeat;
  }
  return std::move(stored->record);
}

absl::StatusOr<NotificationRecord> NotificationManager::Get(const Principal&,
                                                            const std::string& id) {
  if (!IsUuid(id)) return InvalidField("id", "not a notification id (UUID)");
  return store_->Get(absl::AsciiStrToLower(id));
}

absl::StatusOr<NotificationPage> NotificationManager::List(const Principal&,
                                                           const ListInput& input) {
  FieldViolations v;
  int page_size = input.page_size == 0 ? kDefaultPageSize : input.page_size;
  if (page_size < 0) v.Add("page_size", "must not be negative");
  if (page_size > kMaxPageSize) page_size = kMaxPageSize;
  int64_t before_seq = 0;
  if (!input.page_token.empty()) {
    absl::StatusOr<std::vector<std::string>> cursor =
        page_tokens_->Decode(ListScope(input), input.page_token, /*expected_fields=*/1);
    if (!cursor.ok() || !absl::SimpleAtoi((*cursor)[0], &before_seq) || before_seq <= 0) {
      v.Add("page_token", "not a token from a previous page");
    }
  }
  if (!v.empty()) return v.ToStatus("the list request is invalid");
  absl::StatusOr<NotificationStore::Page> page =
      store_->List(input.application_id, page_size, before_seq);
  if (!page.ok()) return page.status();
  NotificationPage out;
  out.notifications = std::move(page->notifications);
  if (page->more && !out.notifications.empty()) {
    out.next_page_token =
        page_tokens_->Encode(ListScope(input), {absl::StrCat(out.notifications.back().seq)});
  }
  return out;
}

absl::StatusOr<QueuedNotification> NotificationManager::FallbackEmail(
    const NotificationRecord& whatsapp) const {
  NotificationRecord email;
  email.id = NewUuid();
  email.request_id = absl::StrCat(whatsapp.request_id, ":email-fallback");
  email.application_id = whatsapp.application_id;
  email.channel = "EMAIL";
  email.recipient = whatsapp.fallback_email;
  email.template_name = whatsapp.template_name;
  email.params = whatsapp.params;
  email.created_at = clock_->Now();
  email.fallback_of = whatsapp.id;
  if (!whatsapp.sealed_params.empty()) {
    absl::StatusOr<std::string> opened = box_->Open(whatsapp.sealed_params, whatsapp.id);
    if (!opened.ok()) return opened.status();
    absl::StatusOr<std::string> sealed = box_->Seal(*opened, email.id);
    OPENSSL_cleanse(opened->data(), opened->size());
    if (!sealed.ok()) return sealed.status();
    email.sealed_params = *std::move(sealed);
  }
  std::string hash = Sha256(email.request_id);
  QueuedNotification queued =
      NotificationLifecycle::Queue(std::move(email), std::move(hash), kWorkerActor);
  queued.audit.details["fallback_of"] = whatsapp.id;
  return queued;
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
