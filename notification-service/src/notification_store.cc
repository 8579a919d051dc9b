#include "notification_store.h"

#include <pqxx/pqxx>

#include "common/sql_query.h"
#include "nlohmann/json.hpp"
#include "notification_queries.h"

namespace sertel::notification {
namespace {

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

std::optional<absl::Time> OptionalTime(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return absl::FromUnixMicros(f.as<int64_t>());
}

TemplateParams ReadParams(const std::string& json) {
  TemplateParams out;
  nlohmann::json params = nlohmann::json::parse(json, nullptr, false);
  if (params.is_object()) {
    for (const auto& [k, v] : params.items()) {
      if (v.is_string()) out[k] = v.get<std::string>();
    }
  }
  return out;
}

std::vector<AttachmentRecord> ReadAttachmentList(const std::string& json) {
  std::vector<AttachmentRecord> out;
  nlohmann::json atts = nlohmann::json::parse(json, nullptr, false);
  if (!atts.is_array()) return out;
  for (const auto& a : atts) {
    AttachmentRecord ar;
    ar.filename = a.value("filename", "");
    ar.content_type = a.value("content_type", "");
    ar.size_bytes = a.value("size_bytes", int64_t{0});
    out.push_back(std::move(ar));
  }
  return out;
}

// The columns every read of a message has (lock_claimed_notification has only these).
NotificationRecord ReadState(const pqxx::row& row) {
  NotificationRecord r;
  r.id = row["id"].as<std::string>();
  r.application_id = row["application_id"].as<std::string>();
  r.channel = row["channel"].as<std::string>();
  r.template_name = row["template"].as<std::string>();
  r.status = row["status"].as<std::string>();
  r.attempts = row["attempts"].as<int>();
  return r;
}

// A row of select_notification / list_notifications.
NotificationRecord ReadNotification(const pqxx::row& row) {
  NotificationRecord r = ReadState(row);
  r.seq = row["seq"].as<int64_t>();
  r.request_id = row["request_id"].as<std::string>();
  r.recipient = row["recipient"].as<std::string>();
  r.params = ReadParams(row["params"].as<std::string>());
  r.last_error = row["last_error"].as<std::string>();
  r.created_at = absl::FromUnixMicros(row["created_at_us"].as<int64_t>());
  r.delivered_at = OptionalTime(row["delivered_at_us"]);
  r.next_attempt_at = OptionalTime(row["next_attempt_at_us"]);
  r.attachments = ReadAttachmentList(row["attachments"].as<std::string>());
  r.provider_message_id = row["provider_message_id"].as<std::string>();
  r.sent_at = OptionalTime(row["sent_at_us"]);
  r.read_at = OptionalTime(row["read_at_us"]);
  r.fallback_email = row["fallback_email"].as<std::string>();
  r.fallback_of = row["fallback_of"].as<std::string>();
  r.fallback_id = row["fallback_id"].as<std::string>();
  return r;
}

std::optional<NotificationRecord> SelectNotification(pqxx::work& tx, const std::string& id) {
  pqxx::result row = RunQuery(tx, queries::kSelectNotification, id);
  if (row.empty()) return std::nullopt;
  return ReadNotification(row[0]);
}

// A claimed message with what delivery needs: sealed parameters and attachment bytes.
NotificationRecord ReadForDelivery(pqxx::work& tx, NotificationRecord r) {
  pqxx::result sealed = RunQuery(tx, queries::kSelectSealedParams, r.id);
  r.sealed_params = pqxx::binarystring(sealed[0]["sealed_params"]).str();
  r.attachments.clear();
  for (const auto& a : RunQuery(tx, queries::kSelectAttachmentContents, r.id)) {
    AttachmentRecord ar;
    ar.filename = a["filename"].as<std::string>();
    ar.content_type = a["content_type"].as<std::string>();
    ar.size_bytes = a["size_bytes"].as<int64_t>();
    ar.sha256 = pqxx::binarystring(a["sha256"]).str();
    ar.content = pqxx::binarystring(a["content"]).str();
    r.attachments.push_back(std::move(ar));
  }
  return r;
}

// The new state of a claimed message; false when the claim no longer holds it.
bool WriteOutcome(pqxx::work& tx, const std::string& id, const std::string& claim_token,
                  const DeliveryChange& c) {
  pqxx::result r;
  switch (c.outcome) {
    case DeliveryOutcome::kSent:
      r = RunQuery(tx, queries::kMarkNotificationSent, id, claim_token, c.attempts, Micros(c.at),
                   c.provider_message_id);
      break;
    case DeliveryOutcome::kDelivered:
      r = RunQuery(tx, queries::kMarkNotificationDelivered, id, claim_token, c.attempts,
                   Micros(c.at));
      break;
    case DeliveryOutcome::kRetry:
      r = RunQuery(tx, queries::kMarkNotificationRetry, id, claim_token, c.attempts, c.error,
                   Micros(c.next_attempt_at));
      break;
    case DeliveryOutcome::kFailed:
      r = RunQuery(tx, queries::kMarkNotificationFailed, id, claim_token, c.attempts, c.error);
      break;
  }
  return !r.empty();
}

// The email replacing a WhatsApp message (`whatsapp` with its sealed parameters), queued and
// linked to it. A second call finds the first one's email (request_id is unique) and keeps it.
absl::Status QueueFallback(pqxx::work& tx, const AuditLog& audit,
                           const NotificationRecord& whatsapp,
                           const NotificationStore::MakeFallback& make) {
  if (!whatsapp.fallback_id.empty()) return absl::OkStatus();
  absl::StatusOr<QueuedNotification> email = make(whatsapp);
  if (!email.ok()) return email.status();
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [k, v] : email->record.params) params[k] = v;
  const NotificationRecord& r = email->record;
  pqxx::result inserted = RunQuery(
      tx, queries::kInsertNotification, r.id, r.request_id, pqxx::binarystring(email->payload_hash),
      r.application_id, r.channel, r.recipient, r.template_name, params.dump(),
      pqxx::binarystring(r.sealed_params), Micros(r.created_at), std::string(), r.fallback_of);
  std::string email_id = r.id;
  if (inserted.empty()) {
    pqxx::result existing = RunQuery(tx, queries::kSelectNotificationByRequest, r.request_id);
    if (existing.empty()) return absl::AbortedError("concurrent fallback; retry");
    email_id = existing[0]["id"].as<std::string>();
  } else {
    audit.Append(tx, email->audit);
  }
  RunQuery(tx, queries::kLinkFallbackNotification, whatsapp.id, email_id);
  return absl::OkStatus();
}

// The events kept for a message applied to it (nothing when the message is not known yet).
absl::Status ApplyReportsIn(pqxx::work& tx, const AuditLog& audit,
                            const std::string& provider_message_id,
                            const NotificationStore::DecideReported& decide,
                            const NotificationStore::MakeFallback& fallback) {
  pqxx::result locked = RunQuery(tx, queries::kLockNotificationByProviderId, provider_message_id);
  if (locked.empty()) return absl::OkStatus();
  const pqxx::row& row = locked[0];
  NotificationRecord current = ReadState(row);
  current.request_id = row["request_id"].as<std::string>();
  current.recipient = row["recipient"].as<std::string>();
  current.params = ReadParams(row["params"].as<std::string>());
  current.last_error = row["last_error"].as<std::string>();
  current.fallback_email = row["fallback_email"].as<std::string>();
  current.fallback_id = row["fallback_id"].as<std::string>();
  current.delivered_at = OptionalTime(row["delivered_at_us"]);
  current.read_at = OptionalTime(row["read_at_us"]);
  current.provider_message_id = provider_message_id;
  std::vector<StatusReport> reports;
  for (const pqxx::row& e : RunQuery(tx, queries::kListStatusEvents, provider_message_id)) {
    reports.push_back({.provider_message_id = provider_message_id,
                       .status = e["status"].as<std::string>(),
                       .at = absl::FromUnixMicros(e["at_us"].as<int64_t>()),
                       .error_code = e["error_code"].as<int64_t>(),
                       .error_text = e["error_text"].as<std::string>()});
  }
  std::optional<ReportedChange> change = decide(current, reports);
  if (!change.has_value()) return absl::OkStatus();
  if (change->next_attempt_at.has_value()) {
    RunQuery(tx, queries::kRequeueReportedNotification, current.id, change->error,
             Micros(*change->next_attempt_at));
    return absl::OkStatus();
  }
  // libpqxx 6.4 takes no std::optional: a null char pointer is SQL NULL.
  const std::string delivered =
      change->delivered_at ? std::to_string(Micros(*change->delivered_at)) : "";
  const std::string read = change->read_at ? std::to_string(Micros(*change->read_at)) : "";
  RunQuery(tx, queries::kUpdateReportedStatus, current.id, change->status,
           change->delivered_at ? delivered.c_str() : nullptr,
           change->read_at ? read.c_str() : nullptr, change->error);
  if (change->audit) audit.Append(tx, *change->audit);
  if (change->fall_back_to_email && !current.fallback_email.empty()) {
    return QueueFallback(tx, audit, ReadForDelivery(tx, std::move(current)), fallback);
  }
  return absl::OkStatus();
}

void InsertAttachments(pqxx::work& tx, const NotificationRecord& record) {
  for (size_t i = 0; i < record.attachments.size(); ++i) {
    const AttachmentRecord& a = record.attachments[i];
    RunQuery(tx, queries::kInsertAttachment, record.id, static_cast<int>(i), a.filename,
             a.content_type, a.size_bytes, pqxx::binarystring(a.sha256),
             pqxx::binarystring(a.content));
  }
}

}  // namespace

absl::StatusOr<StoredNotification> NotificationStore::Create(const QueuedNotification& queued) {
  const NotificationRecord& record = queued.record;
  return pool_->InTransaction<StoredNotification>(
      [&](pqxx::work& tx) -> absl::StatusOr<StoredNotification> {
        nlohmann::json params = nlohmann::json::object();
        for (const auto& [k, v] : record.params) params[k] = v;
        pqxx::result inserted =
            RunQuery(tx, queries::kInsertNotification, record.id, record.request_id,
                     pqxx::binarystring(queued.payload_hash), record.application_id, record.channel,
                     record.recipient, record.template_name, params.dump(),
                     pqxx::binarystring(record.sealed_params), Micros(record.created_at),
                     record.fallback_email, record.fallback_of);
        StoredNotification out;
        out.created = !inserted.empty();
        out.payload_hash = queued.payload_hash;
        std::string id = record.id;
        if (out.created) {
          InsertAttachments(tx, record);
          audit_->Append(tx, queued.audit);
        } else {
          pqxx::result existing =
              RunQuery(tx, queries::kSelectNotificationByRequest, record.request_id);
          if (existing.empty()) return absl::AbortedError("concurrent request; retry");
          id = existing[0]["id"].as<std::string>();
          out.payload_hash = pqxx::binarystring(existing[0]["payload_hash"]).str();
        }
        std::optional<NotificationRecord> stored = SelectNotification(tx, id);
        if (!stored) return absl::AbortedError("concurrent request; retry");
        out.record = *std::move(stored);
        return out;
      });
}

absl::StatusOr<NotificationRecord> NotificationStore::Get(const std::string& id) {
  return pool_->InTransaction<NotificationRecord>(
      [&](pqxx::work& tx) -> absl::StatusOr<NotificationRecord> {
        std::optional<NotificationRecord> r = SelectNotification(tx, id);
        if (!r) return absl::NotFoundError("no such notification");
        return *std::move(r);
      });
}

absl::StatusOr<NotificationStore::Page> NotificationStore::List(const std::string& application_id,
                                                                int page_size, int64_t before_seq) {
  return pool_->InTransaction<Page>([&](pqxx::work& tx) -> absl::StatusOr<Page> {
    pqxx::result rows =
        RunQuery(tx, queries::kListNotifications, application_id, before_seq, page_size + 1);
    Page page;
    for (const auto& row : rows) {
      if (static_cast<int>(page.notifications.size()) == page_size) {
        page.more = true;
        break;
      }
      page.notifications.push_back(ReadNotification(row));
    }
    return page;
  });
}

absl::StatusOr<std::vector<NotificationRecord>> NotificationStore::Claim(
    absl::Time now, absl::Duration lease, int limit, const std::string& claim_token) {
  return pool_->InTransaction<std::vector<NotificationRecord>>(
      [&](pqxx::work& tx) -> absl::StatusOr<std::vector<NotificationRecord>> {
        pqxx::result ids = RunQuery(tx, queries::kClaimNotifications, Micros(now), limit,
                                    Micros(now + lease), claim_token);
        std::vector<NotificationRecord> out;
        for (const auto& id_row : ids) {
          std::optional<NotificationRecord> r =
              SelectNotification(tx, id_row["id"].as<std::string>());
          if (!r) continue;
          out.push_back(ReadForDelivery(tx, *std::move(r)));
        }
        return out;
      });
}

absl::Status NotificationStore::Apply(const std::string& id, const std::string& claim_token,
                                      const Decide& decide, const ReportRules* rules) {
  return pool_->InTransaction([&](pqxx::work& tx) -> absl::Status {
    const absl::Status lost = absl::AbortedError("the claim on this notification was lost");
    pqxx::result locked = RunQuery(tx, queries::kLockClaimedNotification, id, claim_token);
    if (locked.empty()) return lost;
    absl::StatusOr<DeliveryChange> change = decide(ReadState(locked[0]));
    if (!change.ok()) return change.status();
    const bool sent = change->outcome == DeliveryOutcome::kSent;
    // Before the id is written: a webhook event for it either committed already (and is applied
    // below) or waits for this transaction and then finds the message.
    if (sent) RunQuery(tx, queries::kLockProviderMessage, change->provider_message_id);
    if (!WriteOutcome(tx, id, claim_token, *change)) return lost;
    if (change->drop_attachment_contents) RunQuery(tx, queries::kDropAttachmentContents, id);
    RunQuery(tx, queries::kInsertDeliveryAttempt, id, change->attempts, Micros(change->at),
             std::string(DeliveryOutcomeName(change->outcome)), change->error);
    if (change->audit) audit_->Append(tx, *change->audit);
    if (rules == nullptr) return absl::OkStatus();
    if (sent) {
      return ApplyReportsIn(tx, *audit_, change->provider_message_id, rules->decide,
                            rules->fallback);
    }
    if (change->fall_back_to_email) {
      std::optional<NotificationRecord> whatsapp = SelectNotification(tx, id);
      if (whatsapp.has_value() && !whatsapp->fallback_email.empty()) {
        return QueueFallback(tx, *audit_, ReadForDelivery(tx, *std::move(whatsapp)),
                             rules->fallback);
      }
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> NotificationStore::RecordStatus(const StatusReport& report,
                                                     absl::Time received_at,
                                                     const ReportRules& rules) {
  return pool_->InTransaction<bool>([&](pqxx::work& tx) -> absl::StatusOr<bool> {
    RunQuery(tx, queries::kLockProviderMessage, report.provider_message_id);
    pqxx::result kept =
        RunQuery(tx, queries::kInsertStatusEvent, report.provider_message_id, report.status,
                 Micros(report.at), report.error_code, report.error_text, Micros(received_at));
    if (kept.empty()) return false;  // a replay
    if (absl::Status s =
            ApplyReportsIn(tx, *audit_, report.provider_message_id, rules.decide, rules.fallback);
        !s.ok()) {
      return s;
    }
    return true;
  });
}

}  // namespace sertel::notification
