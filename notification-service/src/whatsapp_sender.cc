#include "whatsapp_sender.h"

#include <openssl/crypto.h>

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/rate_limiter.h"
#include "whatsapp_errors.h"
#include "whatsapp_templates.h"

namespace sertel::notification {
namespace {

std::string Truncate(std::string s, size_t n) {
  if (s.size() > n) {
    s.resize(n);
    s += "...";
  }
  return s;
}

// Retry-After in seconds (RFC 9110 also allows an HTTP date: then the backoff decides).
std::optional<absl::Duration> RetryAfterSeconds(absl::string_view header) {
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(header, &seconds) || seconds < 0) return std::nullopt;
  return absl::Seconds(std::min<int64_t>(seconds, 24 * 3600));
}

}  // namespace

std::map<std::string, WhatsAppTemplate> DefaultWhatsAppTemplates() {
  std::map<std::string, WhatsAppTemplate> out;
  for (const WhatsAppTemplateSpec& t : WhatsAppTemplateTable()) {
    out[t.sertel_template] = {t.name, t.language};
  }
  return out;
}

absl::StatusOr<std::map<std::string, WhatsAppTemplate>> ParseWhatsAppTemplates(
    absl::string_view spec) {
  std::map<std::string, WhatsAppTemplate> out = DefaultWhatsAppTemplates();
  for (absl::string_view entry : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    std::vector<std::string> kv = absl::StrSplit(entry, absl::MaxSplits('=', 1));
    std::vector<std::string> nl;
    if (kv.size() == 2) nl = absl::StrSplit(kv[1], absl::MaxSplits(':', 1));
    if (kv.size() != 2 || out.count(kv[0]) == 0 || nl.size() != 2 || nl[0].empty() ||
        nl[1].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad entry \"", entry,
                       "\" (want SERTEL_TEMPLATE=whatsapp_name:language, e.g. "
                       "CERTIFICATE_HANDOVER=sertel_serah_terima:id)"));
    }
    out[kv[0]] = {nl[0], nl[1]};
  }
  return out;
}

WhatsAppSender::WhatsAppSender(WhatsAppOptions options, const Clock* clock)
    : options_(std::move(options)),
      http_({.ca_file = options_.ca_file, .timeout = options_.timeout}),
      clock_(clock) {
  while (absl::EndsWith(options_.base_url, "/")) options_.base_url.pop_back();
}

std::string WhatsAppSender::Endpoint(absl::string_view what) const {
  return absl::StrCat(options_.base_url, "/", options_.api_version, "/", options_.phone_number_id,
                      "/", what);
}

absl::StatusOr<SendReceipt> WhatsAppSender::ClassifyResponse(long http_status,
                                                             const std::string& body,
                                                             absl::string_view retry_after) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (http_status >= 200 && http_status < 300) {
    // {"messaging_product":"whatsapp","contacts":[...],"messages":[{"id":"wamid..."}]}
    if (j.is_object() && j.contains("messages") && j["messages"].is_array() &&
        !j["messages"].empty() && j["messages"][0].is_object() && j["messages"][0].contains("id") &&
        j["messages"][0]["id"].is_string()) {
      return SendReceipt{.provider_message_id = j["messages"][0]["id"].get<std::string>()};
    }
    return TemporaryDeliveryError("WhatsApp API: an answer 2xx without a message id");
  }
  int64_t code = 0;
  std::string message;
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const nlohmann::json& e = j["error"];
    if (e.contains("code") && e["code"].is_number_integer()) code = e["code"].get<int64_t>();
    if (e.contains("message") && e["message"].is_string())
      message = e["message"].get<std::string>();
    if (e.contains("error_data") && e["error_data"].is_object() &&
        e["error_data"].contains("details") && e["error_data"]["details"].is_string()) {
      absl::StrAppend(&message, " (", e["error_data"]["details"].get<std::string>(), ")");
    }
  }
  std::string error = absl::StrCat("WhatsApp API HTTP ", http_status);
  if (code != 0) absl::StrAppend(&error, ", error ", code);
  if (!message.empty()) absl::StrAppend(&error, ": ", Truncate(message, 300));
  return DeliveryErrorForWhatsAppCode(code, http_status, error, RetryAfterSeconds(retry_after));
}

absl::StatusOr<nlohmann::json> WhatsAppSender::BuildTemplateMessage(
    const OutgoingMessage& message) const {
  auto it = options_.templates.find(message.template_name);
  const WhatsAppTemplateSpec* spec = FindWhatsAppTemplate(message.template_name);
  if (it == options_.templates.end() || spec == nullptr) {
    return PermanentDeliveryError(
        absl::StrCat("no WhatsApp template configured for ", message.template_name));
  }
  if (!message.attachments.empty()) {
    return PermanentDeliveryError("a WhatsApp template message carries no attachment");
  }
  // E.164 without the "+" (the Cloud API's "to").
  std::string to;
  for (char ch : message.recipient) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(ch))) to.push_back(ch);
  }
  nlohmann::json components = nlohmann::json::array();
  nlohmann::json body_params = nlohmann::json::array();
  for (const std::string& value : message.rendered.whatsapp_body_values) {
    body_params.push_back({{"type", "text"}, {"text", value}});
  }
  if (!body_params.empty()) {
    components.push_back({{"type", "body"}, {"parameters", body_params}});
  }
  if (spec->button != WhatsAppButton::kNone) {
    if (message.rendered.whatsapp_button_value.empty()) {
      return PermanentDeliveryError(absl::StrCat(
          "the WhatsApp template of ", message.template_name,
          " has a button, and the message has no value for it (", spec->button_param, ")"));
    }
    // A URL button takes its dynamic suffix, a copy-code button the code, both as sub_type url.
    components.push_back(
        {{"type", "button"},
         {"sub_type", "url"},
         {"index", "0"},
         {"parameters",
          nlohmann::json::array(
              {{{"type", "text"}, {"text", message.rendered.whatsapp_button_value}}})}});
  }
  return nlohmann::json{
      {"messaging_product", "whatsapp"},
      {"recipient_type", "individual"},
      {"to", to},
      {"type", "template"},
      {"template",
       {{"name", it->second.name},
        {"language", {{"code", it->second.language}}},
        {"components", components}}},
  };
}

bool WhatsAppSender::paused() const {
  absl::MutexLock lock(&mu_);
  return clock_->Now() < paused_until_;
}

absl::StatusOr<SendReceipt> WhatsAppSender::Send(const OutgoingMessage& message) {
  {
    absl::MutexLock lock(&mu_);
    absl::Time now = clock_->Now();
    if (now < paused_until_) {
      return WithFailurePolicy(
          WithRetryDelay(TemporaryDeliveryError(
                             "WhatsApp delivery is paused: the Cloud API refused the access "
                             "token (error 190); renew SERTEL_NOTIFICATION_WHATSAPP_TOKEN_FILE"),
                         paused_until_ - now),
          FailurePolicy::kPauseChannel);
    }
  }
  absl::StatusOr<nlohmann::json> msg = BuildTemplateMessage(message);
  if (!msg.ok()) return msg.status();
  std::string body = msg->dump();
  absl::StatusOr<HttpResponse> sent = http_.PostJson(Endpoint("messages"), body, options_.token);
  OPENSSL_cleanse(body.data(), body.size());  // the activation code or the link's token
  if (!sent.ok()) {
    return TemporaryDeliveryError(absl::StrCat("WhatsApp API: ", sent.status().message()));
  }
  absl::StatusOr<SendReceipt> receipt =
      ClassifyResponse(sent->status, sent->body, sent->retry_after);
  absl::MutexLock lock(&mu_);
  if (!receipt.ok() && FailurePolicyOf(receipt.status()) == FailurePolicy::kPauseChannel) {
    paused_until_ = clock_->Now() + options_.token_pause;
    Metrics::Global().SetGauge("sertel_whatsapp_paused", {}, 1);
    Log::Error("whatsapp_paused", {{"error", std::string(receipt.status().message())},
                                   {"probe_in_s", absl::ToInt64Seconds(options_.token_pause)}});
    return WithFailurePolicy(
        WithRetryDelay(TemporaryDeliveryError(receipt.status().message()), options_.token_pause),
        FailurePolicy::kPauseChannel);
  }
  if (paused_until_ != absl::InfinitePast()) {
    paused_until_ = absl::InfinitePast();
    Metrics::Global().SetGauge("sertel_whatsapp_paused", {}, 0);
    Log::Info("whatsapp_resumed");
  }
  return receipt;
}

}  // namespace sertel::notification
