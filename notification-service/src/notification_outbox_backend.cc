#include "notification_outbox_backend.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/outbox_attention.h"
#include "common/outbox_table_backend.h"
#include "common/sql_query.h"
#include "notification_queries.h"
#include "notification_records.h"

namespace sertel::notification {
namespace {

OutboxState StateOf(const std::string& status) {
  if (status == kDelivered) return OutboxState::kDelivered;
  if (status == kFailed) return OutboxState::kDead;
  return OutboxState::kPending;  // QUEUED, SENDING, SENT (waiting for WhatsApp's report)
}

// The notification statuses an outbox state stands for (empty: any).
std::vector<std::string> StatusesOf(OutboxState state) {
  switch (state) {
    case OutboxState::kPending:
      return {kQueued, kSending, kSent};
    case OutboxState::kDelivered:
      return {kDelivered};
    case OutboxState::kDead:
      return {kFailed};
    case OutboxState::kAny:
      break;
  }
  return {};
}

// A row of list_deliveries_for_admin, lock_notification_for_retry or retry_notification.
OutboxRow ReadRow(const pqxx::row& r, const std::string& service) {
  OutboxRow row;
  row.id = r["seq"].as<int64_t>();
  row.service = service;
  row.topic = NotificationOutboxBackend::TopicOf(r["channel"].as<std::string>(),
                                                 r["template"].as<std::string>());
  row.state = StateOf(r["status"].as<std::string>());
  ReadSharedOutboxColumns(r, row);
  return row;
}

}  // namespace

std::string NotificationOutboxBackend::TopicOf(const std::string& channel,
                                               const std::string& template_name) {
  return absl::StrCat("notification.", channel, ".", template_name);
}

absl::StatusOr<std::vector<OutboxRow>> NotificationOutboxBackend::List(const OutboxQuery& query) {
  using Rows = std::vector<OutboxRow>;
  return pool_->ReadOne<Rows>([&](pqxx::nontransaction& tx) -> absl::StatusOr<Rows> {
    Rows out;
    for (const pqxx::row& r :
         RunQuery(tx, queries::kListDeliveriesForAdmin, PgTextArray(StatusesOf(query.state)),
                  query.application_id, query.before_id, query.limit)) {
      out.push_back(ReadRow(r, service_));
    }
    return out;
  });
}

absl::StatusOr<OutboxRow> NotificationOutboxBackend::Retry(int64_t id, const DecideRetry& decide) {
  return pool_->InTransaction<OutboxRow>([&](pqxx::work& tx) -> absl::StatusOr<OutboxRow> {
    pqxx::result locked = RunQuery(tx, queries::kLockNotificationForRetry, id);
    if (locked.empty()) return absl::NotFoundError("no such notification");
    const std::string notification_id = locked[0]["id"].as<std::string>();
    absl::StatusOr<AuditEntry> audit = decide(ReadRow(locked[0], service_));
    if (!audit.ok()) return audit.status();
    if (RunQuery(tx, queries::kCountDroppedAttachments, notification_id)[0]["dropped"]
            .as<int64_t>() > 0) {
      // SOP step 7: the keystore is not kept for a message that failed; sending it again
      // without its attachment would hand over nothing.
      return absl::FailedPreconditionError(
          "this message's attachment (a keystore) was removed when it failed: download the "
          "keystore or hand the certificate over again at the certificate service instead");
    }
    pqxx::result updated =
        RunQuery(tx, queries::kRetryNotification, id, absl::ToUnixMicros(clock_->Now()));
    if (updated.empty()) return absl::AbortedError("the message changed meanwhile; try again");
    // Audited on the message itself, like its other changes.
    audit->entity_type = "notification";
    audit->entity_id = notification_id;
    audit->details["outbox_id"] = id;
    audit_->Append(tx, *audit);
    return ReadRow(updated[0], service_);
  });
}

absl::StatusOr<int64_t> NotificationOutboxBackend::CountDead() {
  return pool_->ReadOne<int64_t>([&](pqxx::nontransaction& tx) -> absl::StatusOr<int64_t> {
    return RunQuery(tx, queries::kCountFailedNotifications)[0]["dead"].as<int64_t>();
  });
}

}  // namespace sertel::notification
