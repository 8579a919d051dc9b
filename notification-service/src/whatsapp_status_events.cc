#include "whatsapp_status_events.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace sertel::notification {
namespace {

std::string StringField(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

}  // namespace

absl::StatusOr<std::vector<StatusReport>> ParseWhatsAppStatuses(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || StringField(j, "object") != "whatsapp_business_account" ||
      !j.contains("entry") || !j["entry"].is_array()) {
    return absl::InvalidArgumentError("not a WhatsApp Business Account webhook");
  }
  std::vector<StatusReport> out;
  for (const nlohmann::json& entry : j["entry"]) {
    if (!entry.is_object() || !entry.contains("changes") || !entry["changes"].is_array()) continue;
    for (const nlohmann::json& change : entry["changes"]) {
      if (!change.is_object() || StringField(change, "field") != "messages" ||
          !change.contains("value") || !change["value"].is_object()) {
        continue;
      }
      const nlohmann::json& value = change["value"];
      if (!value.contains("statuses") || !value["statuses"].is_array()) continue;
      for (const nlohmann::json& st : value["statuses"]) {
        if (!st.is_object()) continue;
        StatusReport r;
        r.provider_message_id = StringField(st, "id");
        r.status = StringField(st, "status");
        int64_t seconds = 0;
        r.at = absl::SimpleAtoi(StringField(st, "timestamp"), &seconds) && seconds > 0
                   ? absl::FromUnixSeconds(seconds)
                   : absl::InfinitePast();  // Receive takes the time it arrived
        if (r.provider_message_id.empty() || r.provider_message_id.size() > 200 ||
            (r.status != "sent" && r.status != "delivered" && r.status != "read" &&
             r.status != "failed")) {
          continue;  // e.g. "deleted", "warning": nothing sertel tracks
        }
        if (r.status == "failed" && st.contains("errors") && st["errors"].is_array() &&
            !st["errors"].empty() && st["errors"][0].is_object()) {
          const nlohmann::json& e = st["errors"][0];
          if (e.contains("code") && e["code"].is_number_integer()) {
            r.error_code = e["code"].get<int64_t>();
          }
          r.error_text = StringField(e, "title");
          if (e.contains("error_data") && e["error_data"].is_object()) {
            std::string details = StringField(e["error_data"], "details");
            if (!details.empty()) absl::StrAppend(&r.error_text, " (", details, ")");
          }
          if (r.error_text.size() > 500) r.error_text.resize(500);
        }
        out.push_back(std::move(r));
      }
    }
  }
  return out;
}

}  // namespace sertel::notification
