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
                     pqxx::binarystring(record.sealed_params), Micros(record.created_at));
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
                                      const Decide& decide) {
  return pool_->InTransaction([&](pqxx::work& tx) -> absl::Status {
    const absl::Status lost = absl::AbortedError("the claim on this notification was lost");
    pqxx::result locked = RunQuery(tx, queries::kLockClaimedNotification, id, claim_token);
    if (locked.empty()) return lost;
    absl::StatusOr<DeliveryChange> change = decide(ReadState(locked[0]));
    if (!change.ok()) return change.status();
    if (!WriteOutcome(tx, id, claim_token, *change)) return lost;
    if (change->drop_attachment_contents) RunQuery(tx, queries::kDropAttachmentContents, id);
    RunQuery(tx, queries::kInsertDeliveryAttempt, id, change->attempts, Micros(change->at),
             std::string(DeliveryOutcomeName(change->outcome)), change->error);
    if (change->audit) audit_->Append(tx, *change->audit);
    return absl::OkStatus();
  });
}

}  // namespace sertel::notification
