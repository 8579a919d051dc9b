// The notification as the rules and the store see it (no protobuf, no SQL).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "templates.h"

namespace sertel::notification {

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
  std::string channel;        // "EMAIL" | "WHATSAPP"
  std::string recipient;
  std::string template_name;  // "ACTIVATION_CODE"
  TemplateParams params;      // the non-secret parameters
  std::string sealed_params;  // SecretBox-sealed JSON of the secret ones (only filled by Claim)
  std::string status = "QUEUED";
  int attempts = 0;
  std::string last_error;
  absl::Time created_at = absl::UnixEpoch();
  std::optional<absl::Time> delivered_at;
  std::optional<absl::Time> next_attempt_at;
  std::vector<AttachmentRecord> attachments;
};

}  // namespace sertel::notification
