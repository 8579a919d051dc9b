// The WhatsApp channel: the WhatsApp Business Cloud API (POST
// /{version}/{phone-number-id}/messages, JSON under a bearer token, common/http_client.h). A
// business may open a conversation only with an approved template message, so every message sertel
// starts is one, built from the template table (whatsapp_templates.h): body parameters in order,
// and the button's one parameter (the one-time download link's token, or the activation code for
// the copy-code button). No message carries a document: the Cloud API takes no PKCS#12, and the
// keystore goes by link.
//
// The API's answers, each with its policy (docs/whatsapp.md):
//   - rate limits (HTTP 429; codes 4, 80007, 130429, 131048, 131056): retried, no sooner than the
//     answer's Retry-After;
//   - 131026 (undeliverable), 131047 (outside the 24-hour window): final for WhatsApp, and the
//     message falls back to email when the recipient has an address (FailurePolicy);
//   - 132000 / 132001 / 132005 / 132007 / 132012 (a template's parameters, name or format): final,
//     and the dead-letter alarm (the template as registered with Meta differs from the table);
//   - 190 (the access token expired or was revoked): WhatsApp delivery pauses (every message
//     waits, nothing fails) and the alarm is raised until a probe after `token_pause` succeeds;
//   - 5xx and temporary codes: retried; every other 4xx: final.
//
//   WhatsAppSender wa({.base_url = "https://graph.facebook.com", .api_version = "v21.0",
//                      .phone_number_id = "1234", .token = token});
//   absl::StatusOr<SendReceipt> r = wa.Send(message);   // r->provider_message_id: the wamid
#pragma once

#include <atomic>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/http_client.h"
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
// The names and languages of the template table (whatsapp_templates.json).
std::map<std::string, WhatsAppTemplate> DefaultWhatsAppTemplates();

struct WhatsAppOptions {
  std::string base_url = "https://graph.facebook.com";
  std::string api_version = "v21.0";
  std::string phone_number_id = {};
  std::string token = {};    // from SERTEL_NOTIFICATION_WHATSAPP_TOKEN_FILE; never logged
  std::string ca_file = {};  // empty: the system's CA store
  std::map<std::string, WhatsAppTemplate> templates = DefaultWhatsAppTemplates();
  absl::Duration timeout = absl::Seconds(60);
  // After a 190 (token expired), how long every message waits before one probes the API again.
  absl::Duration token_pause = absl::Minutes(5);
};

class WhatsAppSender final : public Sender {
 public:
  explicit WhatsAppSender(WhatsAppOptions options, const Clock* clock = SystemClock::Default());
  absl::StatusOr<SendReceipt> Send(const OutgoingMessage& message) override;

  // The JSON of the template message (exposed for tests).
  absl::StatusOr<nlohmann::json> BuildTemplateMessage(const OutgoingMessage& message) const;

  // An API answer -> the wamid, or a temporary / permanent delivery error carrying its policy
  // (exposed for tests). `retry_after`: the answer's Retry-After header.
  static absl::StatusOr<SendReceipt> ClassifyResponse(long http_status, const std::string& body,
                                                      absl::string_view retry_after = "");

  // Whether delivery is paused because the API refused the token (190), and the alarm is up.
  bool paused() const;

 private:
  std::string Endpoint(absl::string_view what) const;

  WhatsAppOptions options_;
  HttpClient http_;
  const Clock* clock_;
  mutable absl::Mutex mu_;
  absl::Time paused_until_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace sertel::notification
