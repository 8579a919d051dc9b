// The notification service's plain data (no protobuf, no SQL): what a caller asks to send, a
// message as the rules and the store see it, and the changes the rules decide
// (notification_lifecycle.h), which NotificationStore writes in one transaction.
//
//   SendInput in = SendInputFromProto(request);              // notification_proto.h
//   absl::StatusOr<NotificationRecord> n = manager.Send(caller, in);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/change_records.h"
#include "templates.h"

namespace sertel::notification {

// The delivery states (the CHECK of notifications.status).
inline constexpr char kQueued[] = "QUEUED";
inline constexpr char kSending[] = "SENDING";
// Accepted by the WhatsApp Cloud API (its message id recorded); the webhook tells the rest.
inline constexpr char kSent[] = "SENT";
inline constexpr char kDelivered[] = "DELIVERED";
inline constexpr char kFailed[] = "FAILED";

// One attachment as the caller sent it.
struct AttachmentInput {
  std::string filename;
  std::string content_type;
  std::string content;
  // What the caller put in the API's output-only size field: ignored, except that the payload
  // hash covers the request as it was sent (NotificationLifecycle::PayloadHash).
  int64_t size_bytes = 0;
};

// SendNotification's request.
struct SendInput {
  std::string request_id;  // the caller's idempotency key
  std::string application_id;
  std::string channel;        // "EMAIL" | "WHATSAPP"; "" for anything else
  std::string recipient;      // email address or E.164 number
  std::string template_name;  // "ACTIVATION_CODE"; "" for an unknown template
  TemplateParams params;      // secret ones included (sealed before they are stored)
  std::vector<AttachmentInput> attachments;
  // WHATSAPP only: where the message goes instead when WhatsApp cannot deliver it (131026,
  // 131047); "" for none.
  std::string fallback_email;
};

// ListNotifications' request.
struct ListInput {
  std::string application_id;  // empty: all applications
  int page_size = 0;           // 0: the default
  std::string page_token;      // next_page_token of the previous page
};

struct AttachmentRecord {
  std::string filename;
  std::string content_type;
  int64_t size_bytes = 0;
  std::string sha256;   // raw 32 bytes
  std::string content;  // only filled for delivery (Claim); empty once delivered
};

struct NotificationRecord {
  int64_t seq = 0;  // keyset position (ListNotifications)
  std::string id;   // UUID
  std::string request_id;
  std::string application_id;
  std::string channel;  // "EMAIL" | "WHATSAPP"
  std::string recipient;
  std::string template_name;  // "ACTIVATION_CODE"
  TemplateParams params;      // the non-secret parameters
  std::string sealed_params;  // SealedBox-sealed JSON of the secret ones (only filled by Claim)
  std::string status = kQueued;
  int attempts = 0;
  std::string last_error;
  absl::Time created_at = absl::UnixEpoch();
  std::optional<absl::Time> delivered_at;
  std::optional<absl::Time> next_attempt_at;
  std::vector<AttachmentRecord> attachments;
  // WhatsApp: the Cloud API's id (wamid), when it was accepted and read (the webhook).
  std::string provider_message_id;
  std::optional<absl::Time> sent_at;
  std::optional<absl::Time> read_at;
  std::string fallback_email;
  std::string fallback_of;  // this email replaces that WhatsApp message (its id)
  std::string fallback_id;  // this WhatsApp message was replaced by that email (its id)
};

// One status event of the Cloud API webhook.
struct StatusReport {
  std::string provider_message_id;
  std::string status;  // "sent" | "delivered" | "read" | "failed"
  absl::Time at;       // the event's timestamp
  int64_t error_code = 0;
  std::string error_text;
};

// What the statuses reported so far make of a SENT or DELIVERED message.
struct ReportedChange {
  std::string status;  // the new status (SENT, DELIVERED, FAILED)
  std::optional<absl::Time> delivered_at;
  std::optional<absl::Time> read_at;
  std::string error;
  bool fall_back_to_email = false;  // FAILED: send it again by email (fallback_email)
  std::optional<AuditEntry> audit = std::nullopt;  // NOTIFICATION_DELIVERED / _FAILED
  // A temporary failure reported (QUEUED again): when the next attempt is due.
  std::optional<absl::Time> next_attempt_at = std::nullopt;
};

// One page of ListNotifications, newest first.
struct NotificationPage {
  std::vector<NotificationRecord> notifications;
  std::string next_page_token;  // empty on the last page
};

// A new message, as NotificationStore::Create writes it.
struct QueuedNotification {
  NotificationRecord record;  // QUEUED, with the attachment bytes and the sealed parameters
  std::string payload_hash;   // what request_id stands for (a repeat must match it)
  AuditEntry audit;           // NOTIFICATION_QUEUED
};

// What Create found: the message as stored, whether this call created it, and (when it did
// not) the payload hash the request_id was first used with.
struct StoredNotification {
  NotificationRecord record;
  bool created = false;
  std::string payload_hash;
};

enum class DeliveryOutcome { kSent, kDelivered, kRetry, kFailed };

// "SENT", "DELIVERED", "RETRY", "FAILED" (delivery_attempts.outcome).
inline absl::string_view DeliveryOutcomeName(DeliveryOutcome outcome) {
  switch (outcome) {
    case DeliveryOutcome::kSent:
      return "SENT";
    case DeliveryOutcome::kDelivered:
      return "DELIVERED";
    case DeliveryOutcome::kRetry:
      return "RETRY";
    case DeliveryOutcome::kFailed:
      return "FAILED";
  }
  return "";
}

// What one delivery attempt does to a claimed message (NotificationStore::Apply writes it).
struct DeliveryChange {
  DeliveryOutcome outcome = DeliveryOutcome::kRetry;
  int attempts = 0;            // this attempt's number
  std::string error;           // the new last_error (empty when delivered)
  absl::Time at;               // when the attempt ended (delivered_at when delivered)
  absl::Time next_attempt_at;  // kRetry: when it is due again
  absl::Duration retry_in;     // kRetry: next_attempt_at - at
  bool permanent = false;      // kFailed: a permanent error, not the attempt cap
  bool drop_attachment_contents = false;
  std::optional<AuditEntry> audit;  // NOTIFICATION_DELIVERED / NOTIFICATION_FAILED
  std::string provider_message_id;  // kSent: the Cloud API's id
  bool fall_back_to_email = false;  // kFailed: send it again by email (fallback_email)
};

}  // namespace sertel::notification
