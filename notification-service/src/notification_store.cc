#include "notification_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"

namespace sertel::notification {
namespace {

// Timestamps travel as RFC 3339 text with microseconds, and come back as Unix microseconds.
std::string Ts(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6S+00:00", t, absl::UTCTimeZone());
}

#define US(col) "(EXTRACT(EPOCH FROM " col ") * 1000000)::bigint"

constexpr const char* kColumns =
    "n.seq, n.id::text, n.request_id, n.application_id, n.channel, n.recipient, n.template,"
    " n.params::text, n.status, n.attempts, COALESCE(n.last_error, ''), " US("n.created_at")
    ", " US("n.delivered_at") ", " US("n.next_attempt_at")
    ", COALESCE((SELECT json_agg(json_build_object('filename', a.filename, 'content_type',"
    " a.content_type, 'size_bytes', a.size_bytes) ORDER BY a.position)"
    " FROM notification_attachments a WHERE a.notification_id = n.id), '[]')::text";

NotificationRecord FromRow(const pqxx::row& row) {
  NotificationRecord r;
  r.seq = row[0].as<int64_t>();
  r.id = row[1].as<std::string>();
  r.request_id = row[2].as<std::string>();
  r.application_id = row[3].as<std::string>();
  r.channel = row[4].as<std::string>();
  r.recipient = row[5].as<std::string>();
  r.template_name = row[6].as<std::string>();
  nlohmann::json params = nlohmann::json::parse(row[7].as<std::string>(), nullptr, false);
  if (params.is_object()) {
    for (const auto& [k, v] : params.items()) {
      if (v.is_string()) r.params[k] = v.get<std::string>();
    }
  }
  r.status = row[8].as<std::string>();
  r.attempts = row[9].as<int>();
  r.last_error = row[10].as<std::string>();
  r.created_at = absl::FromUnixMicros(row[11].as<int64_t>());
  if (auto d = row[12].as<std::optional<int64_t>>(); d) r.delivered_at = absl::FromUnixMicros(*d);
  if (auto d = row[13].as<std::optional<int64_t>>(); d) {
    r.next_attempt_at = absl::FromUnixMicros(*d);
  }
  nlohmann::json atts = nlohmann::json::parse(row[14].as<std::string>(), nullptr, false);
  if (atts.is_array()) {
    for (const auto& a : atts) {
      AttachmentRecord ar;
      ar.filename = a.value("filename", "");
      ar.content_type = a.value("content_type", "");
      ar.size_bytes = a.value("size_bytes", int64_t{0});
      r.attachments.push_back(std::move(ar));
    }
  }
  return r;
}

void RecordAttempt(pqxx::work& tx, const std::string& id, int attempt, absl::Time now,
                   const std::string& outcome, const std::string& error) {
  tx.exec_prepared("notif_attempt", id, attempt, Ts(now), outcome, error);
}

}  // namespace

void NotificationStore::Prepare(pqxx::connection& conn) {
  conn.prepare("notif_insert",
               "INSERT INTO notifications (id, request_id, payload_hash, application_id, channel,"
               " recipient, template, params, sealed_params, created_at, next_attempt_at)"
               " VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8::jsonb, NULLIF($9::bytea, ''::bytea),"
               " $10::timestamptz, $10::timestamptz)"
               " ON CONFLICT (request_id) DO NOTHING RETURNING id::text");
  conn.prepare("notif_by_request",
               "SELECT id::text, payload_hash FROM notifications WHERE request_id = $1");
  conn.prepare("notif_insert_attachment",
               "INSERT INTO notification_attachments (notification_id, position, filename,"
               " content_type, size_bytes, sha256, content)"
               " VALUES ($1::uuid, $2, $3, $4, $5, $6, $7)");
  conn.prepare("notif_get",
               absl::StrCat("SELECT ", kColumns, " FROM notifications n WHERE n.id = $1::uuid"));
  conn.prepare("notif_get_sealed",
               "SELECT COALESCE(sealed_params, ''::bytea) FROM notifications WHERE id = $1::uuid");
  conn.prepare("notif_list",
               absl::StrCat("SELECT ", kColumns,
                            " FROM notifications n WHERE ($1 = '' OR n.application_id = $1)"
                            " AND ($2::bigint = 0 OR n.seq < $2::bigint)"
                            " ORDER BY n.seq DESC LIMIT $3"));
  // FOR UPDATE SKIP LOCKED: two workers never claim the same row; the lease (claimed_until)
  // brings back the rows of a worker that died while SENDING.
  conn.prepare("notif_claim",
               "WITH due AS (SELECT id FROM notifications"
               " WHERE (status = 'QUEUED' AND next_attempt_at <= $1::timestamptz)"
               " OR (status = 'SENDING' AND claimed_until <= $1::timestamptz)"
               " ORDER BY next_attempt_at, seq LIMIT $2 FOR UPDATE SKIP LOCKED)"
               " UPDATE notifications n SET status = 'SENDING', claimed_until = $3::timestamptz,"
               " claim_token = $4::uuid FROM due WHERE n.id = due.id RETURNING n.id::text");
  conn.prepare("notif_attachment_content",
               "SELECT filename, content_type, size_bytes, sha256, COALESCE(content, ''::bytea)"
               " FROM notification_attachments WHERE notification_id = $1::uuid ORDER BY position");
  conn.prepare("notif_delivered",
               "UPDATE notifications SET status = 'DELIVERED', attempts = $3,"
               " delivered_at = $4::timestamptz, last_error = NULL, claimed_until = NULL,"
               " claim_token = NULL WHERE id = $1::uuid AND claim_token = $2::uuid"
               " AND status = 'SENDING' RETURNING application_id, template, channel");
  conn.prepare("notif_retry",
               "UPDATE notifications SET status = 'QUEUED', attempts = $3, last_error = $4,"
               " next_attempt_at = $5::timestamptz, claimed_until = NULL, claim_token = NULL"
               " WHERE id = $1::uuid AND claim_token = $2::uuid AND status = 'SENDING'"
               " RETURNING id");
  conn.prepare("notif_failed",
               "UPDATE notifications SET status = 'FAILED', attempts = $3, last_error = $4,"
               " claimed_until = NULL, claim_token = NULL"
               " WHERE id = $1::uuid AND claim_token = $2::uuid AND status = 'SENDING'"
               " RETURNING application_id, template, channel");
  // The attachment may hold a keystore: its bytes go as soon as they are no longer needed.
  conn.prepare("notif_drop_attachments",
               "UPDATE notification_attachments SET content = NULL WHERE notification_id = $1::uuid");
  conn.prepare("notif_attempt",
               "INSERT INTO delivery_attempts (notification_id, attempt, at, outcome, error)"
               " VALUES ($1::uuid, $2, $3::timestamptz, $4, NULLIF($5, ''))"
               " ON CONFLICT (notification_id, attempt) DO NOTHING");
}

absl::StatusOr<NotificationRecord> NotificationStore::Create(const NotificationRecord& record,
                                                             const std::string& payload_hash,
                                                             const std::string& actor_sub,
                                                             bool* created) {
  return pool_->InTransaction<NotificationRecord>(
      [&](pqxx::work& tx) -> absl::StatusOr<NotificationRecord> {
        nlohmann::json params = nlohmann::json::object();
        for (const auto& [k, v] : record.params) params[k] = v;
        pqxx::result inserted = tx.exec_prepared(
            "notif_insert", record.id, record.request_id, pqxx::binarystring(payload_hash),
            record.application_id, record.channel, record.recipient, record.template_name,
            params.dump(), pqxx::binarystring(record.sealed_params), Ts(record.created_at));
        if (inserted.empty()) {
          pqxx::result existing = tx.exec_prepared("notif_by_request", record.request_id);
          if (existing.empty()) return absl::AbortedError("concurrent request; retry");
          if (pqxx::binarystring(existing[0][1]).str() != payload_hash) {
            return absl::AlreadyExistsError(
                "request_id was already used for a different notification");
          }
          *created = false;
          pqxx::result row = tx.exec_prepared("notif_get", existing[0][0].as<std::string>());
          return FromRow(row[0]);
        }
        for (size_t i = 0; i < record.attachments.size(); ++i) {
          const AttachmentRecord& a = record.attachments[i];
          tx.exec_prepared("notif_insert_attachment", record.id, static_cast<int>(i), a.filename,
                           a.content_type, a.size_bytes, pqxx::binarystring(a.sha256),
                           pqxx::binarystring(a.content));
        }
        audit_->Append(tx, {.actor_sub = actor_sub,
                            .actor_role = "SERVICE",
                            .action = "NOTIFICATION_QUEUED",
                            .entity_type = "notification",
                            .entity_id = record.id,
                            .details = {{"request_id", record.request_id},
                                        {"application_id", record.application_id},
                                        {"channel", record.channel},
                                        {"template", record.template_name},
                                        {"attachments", record.attachments.size()}}});
        *created = true;
        pqxx::result row = tx.exec_prepared("notif_get", record.id);
        return FromRow(row[0]);
      });
}

absl::StatusOr<NotificationRecord> NotificationStore::Get(const std::string& id) {
  return pool_->InTransaction<NotificationRecord>(
      [&](pqxx::work& tx) -> absl::StatusOr<NotificationRecord> {
        pqxx::result row = tx.exec_prepared("notif_get", id);
        if (row.empty()) return absl::NotFoundError("no such notification");
        return FromRow(row[0]);
      });
}

absl::StatusOr<NotificationStore::Page> NotificationStore::List(const std::string& application_id,
                                                                int page_size, int64_t before_seq) {
  return pool_->InTransaction<Page>([&](pqxx::work& tx) -> absl::StatusOr<Page> {
    pqxx::result rows = tx.exec_prepared("notif_list", application_id, before_seq, page_size + 1);
    Page page;
    for (const auto& row : rows) {
      if (static_cast<int>(page.notifications.size()) == page_size) {
        page.more = true;
        break;
      }
      page.notifications.push_back(FromRow(row));
    }
    return page;
  });
}

absl::StatusOr<std::vector<NotificationRecord>> NotificationStore::Claim(
    absl::Time now, absl::Duration lease, int limit, const std::string& claim_token) {
  return pool_->InTransaction<std::vector<NotificationRecord>>(
      [&](pqxx::work& tx) -> absl::StatusOr<std::vector<NotificationRecord>> {
        pqxx::result ids =
            tx.exec_prepared("notif_claim", Ts(now), limit, Ts(now + lease), claim_token);
        std::vector<NotificationRecord> out;
        for (const auto& id_row : ids) {
          std::string id = id_row[0].as<std::string>();
          pqxx::result row = tx.exec_prepared("notif_get", id);
          if (row.empty()) continue;
          NotificationRecord r = FromRow(row[0]);
          pqxx::result sealed = tx.exec_prepared("notif_get_sealed", id);
          r.sealed_params = pqxx::binarystring(sealed[0][0]).str();
          r.attachments.clear();
          for (const auto& a : tx.exec_prepared("notif_attachment_content", id)) {
            AttachmentRecord ar;
            ar.filename = a[0].as<std::string>();
            ar.content_type = a[1].as<std::string>();
            ar.size_bytes = a[2].as<int64_t>();
            ar.sha256 = pqxx::binarystring(a[3]).str();
            ar.content = pqxx::binarystring(a[4]).str();
            r.attachments.push_back(std::move(ar));
          }
          out.push_back(std::move(r));
        }
        return out;
      });
}

absl::Status NotificationStore::MarkDelivered(const std::string& id,
                                              const std::string& claim_token, int attempts,
                                              absl::Time now) {
  return pool_->InTransaction([&](pqxx::work& tx) -> absl::Status {
    pqxx::result r = tx.exec_prepared("notif_delivered", id, claim_token, attempts, Ts(now));
    if (r.empty()) return absl::AbortedError("the claim on this notification was lost");
    tx.exec_prepared("notif_drop_attachments", id);
    RecordAttempt(tx, id, attempts, now, "DELIVERED", "");
    audit_->Append(tx, {.actor_sub = "notification-worker",
                        .actor_role = "SERVICE",
                        .action = "NOTIFICATION_DELIVERED",
                        .entity_type = "notification",
                        .entity_id = id,
                        .details = {{"application_id", r[0][0].as<std::string>()},
                                    {"template", r[0][1].as<std::string>()},
                                    {"channel", r[0][2].as<std::string>()},
                                    {"attempts", attempts}}});
    return absl::OkStatus();
  });
}

absl::Status NotificationStore::MarkRetry(const std::string& id, const std::string& claim_token,
                                          int attempts, const std::string& error,
                                          absl::Time next_attempt_at, absl::Time now) {
  return pool_->InTransaction([&](pqxx::work& tx) -> absl::Status {
    pqxx::result r =
        tx.exec_prepared("notif_retry", id, claim_token, attempts, error, Ts(next_attempt_at));
    if (r.empty()) return absl::AbortedError("the claim on this notification was lost");
    RecordAttempt(tx, id, attempts, now, "RETRY", error);
    return absl::OkStatus();
  });
}

absl::Status NotificationStore::MarkFailed(const std::string& id, const std::string& claim_token,
                                           int attempts, const std::string& error,
                                           absl::Time now) {
  return pool_->InTransaction([&](pqxx::work& tx) -> absl::Status {
    pqxx::result r = tx.exec_prepared("notif_failed", id, claim_token, attempts, error);
    if (r.empty()) return absl::AbortedError("the claim on this notification was lost");
    tx.exec_prepared("notif_drop_attachments", id);
    RecordAttempt(tx, id, attempts, now, "FAILED", error);
    audit_->Append(tx, {.actor_sub = "notification-worker",
                        .actor_role = "SERVICE",
                        .action = "NOTIFICATION_FAILED",
                        .entity_type = "notification",
                        .entity_id = id,
                        .details = {{"application_id", r[0][0].as<std::string>()},
                                    {"template", r[0][1].as<std::string>()},
                                    {"channel", r[0][2].as<std::string>()},
                                    {"attempts", attempts},
                                    {"last_error", error}}});
    return absl::OkStatus();
  });
}

}  // namespace sertel::notification
