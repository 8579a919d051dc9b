#include "whatsapp_webhook.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/log.h"
#include "common/metrics.h"
#include "nlohmann/json.hpp"
#include "notification_lifecycle.h"
#include "whatsapp_errors.h"
#include "whatsapp_status_events.h"

namespace sertel::notification {
namespace {

HttpReply Plain(int status, std::string body) {
  return HttpReply{.status = status, .body = std::move(body)};
}

bool SameBytes(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

WhatsAppWebhook::WhatsAppWebhook(NotificationStore* store, const NotificationManager* manager,
                                 Options options, const Clock* clock)
    : store_(store), manager_(manager), options_(std::move(options)), clock_(clock) {}

void WhatsAppWebhook::Register(HttpListener& listener) {
  listener.Get(options_.path, [this](const HttpRequest& r) { return Verify(r); });
  listener.Post(options_.path, [this](const HttpRequest& r) { return Receive(r); });
}

HttpReply WhatsAppWebhook::Verify(const HttpRequest& request) const {
  auto get = [&](const char* key) {
    auto it = request.query.find(key);
    return it == request.query.end() ? std::string() : it->second;
  };
  if (get("hub.mode") != "subscribe" || options_.verify_token.empty() ||
      !SameBytes(get("hub.verify_token"), options_.verify_token)) {
    Log::Warn("whatsapp_webhook_verification_refused", {{"address", request.remote_addr}});
    return Plain(403, "verification refused\n");
  }
  return Plain(200, get("hub.challenge"));
}

bool WhatsAppWebhook::SignatureMatches(const std::string& app_secret, const std::string& body,
                                       const std::string& header) {
  absl::string_view hex = header;
  if (app_secret.empty() || !absl::ConsumePrefix(&hex, "sha256=") || hex.size() != 64) {
    return false;
  }
  std::string given;
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  given = absl::HexStringToBytes(hex);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), app_secret.data(), static_cast<int>(app_secret.size()),
           reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac,
           &mac_len) == nullptr) {
    return false;
  }
  return SameBytes(given, std::string(reinterpret_cast<const char*>(mac), mac_len));
}

absl::StatusOr<std::vector<StatusReport>> WhatsAppWebhook::ParseStatuses(const std::string& body) {
  return ParseWhatsAppStatuses(body);
}

HttpReply WhatsAppWebhook::Receive(const HttpRequest& request) {
  if (!SignatureMatches(options_.app_secret, request.body, request.header("X-Hub-Signature-256"))) {
    Metrics::Global().Increment("sertel_whatsapp_webhook_refused_total", {{"reason", "signature"}});
    Log::Warn("whatsapp_webhook_bad_signature", {{"address", request.remote_addr}});
    return Plain(401, "bad signature\n");
  }
  absl::StatusOr<std::vector<StatusReport>> reports = ParseStatuses(request.body);
  if (!reports.ok()) return Plain(400, std::string(reports.status().message()) + "\n");
  const NotificationStore::ReportRules rules{
      .decide = &NotificationLifecycle::AfterReports,
      .fallback = [this](const NotificationRecord& whatsapp) {
        return manager_->FallbackEmail(whatsapp);
      }};
  for (StatusReport& report : *reports) {
    if (report.at == absl::InfinitePast()) report.at = clock_->Now();  // no usable timestamp
    absl::StatusOr<bool> kept = store_->RecordStatus(report, clock_->Now(), rules);
    if (!kept.ok() && absl::IsUnavailable(kept.status())) {
      // The database: Meta delivers the batch again, and what was kept is not kept twice.
      Log::Error("whatsapp_webhook_not_stored",
                 {{"provider_message_id", report.provider_message_id},
                  {"error", kept.status().ToString()}});
      return Plain(500, "not stored; deliver again\n");
    }
    if (!kept.ok()) {
      // Not the database: delivering it again would fail again and hold up the rest.
      Metrics::Global().Increment("sertel_whatsapp_webhook_refused_total",
                                  {{"reason", "unprocessable"}});
      Log::Error("whatsapp_webhook_event_unprocessable",
                 {{"provider_message_id", report.provider_message_id},
                  {"error", kept.status().ToString()}});
      continue;
    }
    Metrics::Global().Increment("sertel_whatsapp_status_events_total",
                                {{"status", report.status}, {"new", *kept ? "true" : "false"}});
    if (*kept && report.status == "failed" &&
        FailurePolicyOf(DeliveryErrorForWhatsAppCode(report.error_code, 0, "", std::nullopt)) ==
            FailurePolicy::kDeadLetter) {
      Metrics::Global().Increment("sertel_notification_dead_letter_total",
                                  {{"channel", "WHATSAPP"}, {"reason", "template"}});
      Log::Error("whatsapp_template_rejected", {{"provider_message_id", report.provider_message_id},
                                                {"error_code", report.error_code}});
    }
  }
  return Plain(200, "ok\n");
}

}  // namespace sertel::notification
