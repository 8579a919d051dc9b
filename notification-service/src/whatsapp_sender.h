// The WhatsApp channel: the WhatsApp Business Cloud API through libcurl. A business may open a
// conversation only with an approved template message, so every message sertel starts is one:
// the attachment (if any) is first uploaded as media (POST /{version}/{phone-number-id}/media,
// multipart), then sent as the template's header document (POST .../messages, JSON, bearer
// token). The API's error codes map to retry (rate limits, 5xx, temporary codes) or give up
// (invalid recipient, template, parameter, token).
//
//   WhatsAppSender wa({.base_url = "https://graph.facebook.com", .api_version = "v21.0",
//                      .phone_number_id = "1234", .token = token,
//                      .templates = {{"CERTIFICATE_HANDOVER", {"sertel_serah_terima", "id"}}}});
//   absl::Status s = wa.Send(message);
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "sender.h"

namespace sertel::notification {

struct WhatsAppTemplate {
  std::string name;      // the approved template's name in WhatsApp Manager
  std::string language;  // its language code, e.g. "id"
};

// "CERTIFICATE_HANDOVER=sertel_serah_terima:id,ACTIVATION_CODE=sertel_kode_aktivasi:id" over
// the defaults (DefaultWhatsAppTemplates); INVALID_ARGUMENT naming a bad entry.
absl::StatusOr<std::map<std::string, WhatsAppTemplate>> ParseWhatsAppTemplates(
    absl::string_view spec);
std::map<std::string, WhatsAppTemplate> DefaultWhatsAppTemplates();

struct WhatsAppOptions {
  std::string base_url = "https://graph.facebook.com";
  std::string api_version = "v21.0";
  std::string phone_number_id;
  std::string token;    // from SERTEL_NOTIFICATION_WHATSAPP_TOKEN_FILE; never logged
  std::string ca_file;  // empty: the system's CA store
  std::map<std::string, WhatsAppTemplate> templates = DefaultWhatsAppTemplates();
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(60);
};

class WhatsAppSender final : public Sender {
 public:
  explicit WhatsAppSender(WhatsAppOptions options);
  absl::Status Send(const OutgoingMessage& message) override;

  // The JSON of the template message (exposed for tests). media_id empty: no header.
  absl::StatusOr<nlohmann::json> BuildTemplateMessage(const OutgoingMessage& message,
                                                      const std::string& media_id,
                                                      const std::string& filename) const;

  // An API answer -> OK, or a temporary / permanent delivery error (exposed for tests).
  static absl::Status ClassifyResponse(long http_status, const std::string& body);

 private:
  struct HttpResult {
    long status = 0;
    std::string body;
  };
  absl::StatusOr<HttpResult> Post(const std::string& url, const std::string* json_body,
                                  const MimeMessage::Attachment* file) const;
  std::string Endpoint(absl::string_view what) const;

  WhatsAppOptions options_;
};

}  // namespace sertel::notification
