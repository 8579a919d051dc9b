// What intake-service keeps about an application (its own part of the SOP, step 1), as the
// store hands it to the rules. Plain structs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "sertel/v1/common.pb.h"

namespace sertel::intake {

struct DocumentRecord {
  int kind = 0;  // v1::DocumentKind
  int version = 1;
  std::string filename;
  std::string content_type;  // sniffed from the bytes
  std::string content;       // empty unless asked for (GetDocument)
  std::string sha256;
  int64_t size_bytes = 0;
  absl::Time uploaded_at;
};

struct TimelineRecord {
  int step = 1;
  std::string action;
  std::string actor_sub;
  std::string actor_role;
  std::string note;
  absl::Time at;
};

struct ApplicationRecord {
  std::string id;
  std::string request_id;
  std::string request_hash;
  v1::Applicant applicant;
  std::string note;
  std::string status;  // "SUBMITTED" or "WITHDRAWN" (intake's own view)
  int resubmissions = 0;
  std::string last_resubmit_key;
  std::optional<absl::Time> last_resubmitted_at;
  absl::Time created_at;
  absl::Time updated_at;
  std::vector<DocumentRecord> documents;  // current version of each kind, no content
  std::vector<TimelineRecord> timeline;   // only from GetApplication
};

struct OutboxItem {
  std::string topic;
  std::string key;
  std::string payload;
};

struct AuditNote {
  std::string actor_sub;
  std::string actor_role;
  std::string action;
  nlohmann::json details = nlohmann::json::object();
};

struct ListFilter {
  std::string status;  // "" = any
  std::string unit;
  std::string nik;
  bool has_cursor = false;
  int64_t cursor_created_micros = 0;  // keyset: strictly older than (created_at, id)
  std::string cursor_id;
  int limit = 50;
};

}  // namespace sertel::intake
