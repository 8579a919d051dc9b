#include "whatsapp_sender.h"

#include <curl/curl.h>

#include <memory>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace sertel::notification {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct MimeDeleter {
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};

size_t Collect(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* out = static_cast<std::string*>(userdata);
  // An answer is a small JSON object; a runaway one is cut off rather than buffered.
  if (out->size() < (1 << 20)) out->append(data, size * nmemb);
  return size * nmemb;
}

std::string Truncate(std::string s, size_t n) {
  if (s.size() > n) {
    s.resize(n);
    s += "...";
  }
  return s;
}

}  // namespace

std::map<std::string, WhatsAppTemplate> DefaultWhatsAppTemplates() {
  return {
      {"SUBMISSION_RECEIVED", {"sertel_permohonan_diterima", "id"}},
      {"APPLICATION_RETURNED", {"sertel_permohonan_dikembalikan", "id"}},
      {"APPLICATION_REJECTED", {"sertel_permohonan_ditolak", "id"}},
      {"ACTIVATION_CODE", {"sertel_kode_aktivasi", "id"}},
      {"CERTIFICATE_HANDOVER", {"sertel_serah_terima", "id"}},
      {"EXPIRY_REMINDER", {"sertel_pengingat_kedaluwarsa", "id"}},
  };
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

WhatsAppSender::WhatsAppSender(WhatsAppOptions options) : options_(std::move(options)) {
  InitCurlOnce();
  while (absl::EndsWith(options_.base_url, "/")) options_.base_url.pop_back();
}

std::string WhatsAppSender::Endpoint(absl::string_view what) const {
  return absl::StrCat(options_.base_url, "/", options_.api_version, "/", options_.phone_number_id,
                      "/", what);
}

absl::Status WhatsAppSender::ClassifyResponse(long http_status, const std::string& body) {
  if (http_status >= 200 && http_status < 300) return absl::OkStatus();
  int64_t code = 0;
  std::string message;
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
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

  // Temporary (Cloud API error codes): 1 unknown, 2 service unavailable, 4 / 80007 / 130429
  // rate limits, 131048 spam rate limit, 131056 pair rate limit, 131000 something went wrong,
  // 133004 server temporarily unavailable.
  static const std::set<int64_t> kTemporary = {1,      2,      4,      80007, 130429,
                                               131048, 131056, 131000, 133004};
  if (kTemporary.count(code) > 0) {
    if (code == 4 || code == 80007 || code == 130429 || code == 131048 || code == 131056) {
      return absl::ResourceExhaustedError(error);
    }
    return TemporaryDeliveryError(error);
  }
  if (http_status == 429) return absl::ResourceExhaustedError(error);
  if (http_status >= 500) return TemporaryDeliveryError(error);
  // Permanent: 131026 undeliverable, 131030 recipient not allowed, 131009 / 100 invalid
  // parameter, 132000 / 132001 / 132012 template parameter count / missing / format, 190 bad
  // token, 10 / 200 permission - and every other 4xx: the same request would fail again.
  return PermanentDeliveryError(error);
}

absl::StatusOr<WhatsAppSender::HttpResult> WhatsAppSender::Post(
    const std::string& url, const std::string* json_body,
    const MimeMessage::Attachment* file) const {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return TemporaryDeliveryError("libcurl: cannot create a handle");
  CURL* c = curl.get();
  char errbuf[CURL_ERROR_SIZE] = {0};
  HttpResult result;
  std::string auth = absl::StrCat("Authorization: Bearer ", options_.token);
  std::unique_ptr<curl_slist, SlistDeleter> headers(curl_slist_append(nullptr, auth.c_str()));
  std::unique_ptr<curl_mime, MimeDeleter> mime;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  // Real TLS for the real API; plain HTTP only for a loopback stub (tests, development).
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, IsLoopbackUrl(url) ? "http,https" : "https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout)));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &result.body);
  if (json_body != nullptr) {
    headers.reset(curl_slist_append(headers.release(), "Content-Type: application/json"));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, json_body->c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(json_body->size()));
  } else if (file != nullptr) {
    mime.reset(curl_mime_init(c));
    curl_mimepart* part = curl_mime_addpart(mime.get());
    curl_mime_name(part, "messaging_product");
    curl_mime_data(part, "whatsapp", CURL_ZERO_TERMINATED);
    part = curl_mime_addpart(mime.get());
    curl_mime_name(part, "type");
    curl_mime_data(part, file->content_type.c_str(), CURL_ZERO_TERMINATED);
    part = curl_mime_addpart(mime.get());
    curl_mime_name(part, "file");
    curl_mime_data(part, file->content.data(), file->content.size());
    curl_mime_filename(part, file->filename.c_str());
    curl_mime_type(part, file->content_type.c_str());
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.get());
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    std::string detail = errbuf[0] != '\0' ? std::string(errbuf) : curl_easy_strerror(rc);
    return TemporaryDeliveryError(absl::StrCat("WhatsApp API: ", detail));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

absl::StatusOr<nlohmann::json> WhatsAppSender::BuildTemplateMessage(
    const OutgoingMessage& message, const std::string& media_id,
    const std::string& filename) const {
  auto it = options_.templates.find(message.template_name);
  if (it == options_.templates.end()) {
    return PermanentDeliveryError(
        absl::StrCat("no WhatsApp template configured for ", message.template_name));
  }
  std::string to;
  for (char ch : message.recipient) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(ch))) to.push_back(ch);
  }
  nlohmann::json components = nlohmann::json::array();
  if (!media_id.empty()) {
    components.push_back(
        {{"type", "header"},
         {"parameters",
          nlohmann::json::array({{{"type", "document"},
                                  {"document", {{"id", media_id}, {"filename", filename}}}}})}});
  }
  nlohmann::json body_params = nlohmann::json::array();
  for (const std::string& value : message.rendered.whatsapp_body_values) {
    body_params.push_back({{"type", "text"}, {"text", value}});
  }
  if (!body_params.empty()) {
    components.push_back({{"type", "body"}, {"parameters", body_params}});
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

absl::Status WhatsAppSender::Send(const OutgoingMessage& message) {
  if (message.attachments.size() > 1) {
    return PermanentDeliveryError("a WhatsApp template header carries at most one document");
  }
  std::string media_id;
  std::string filename;
  if (!message.attachments.empty()) {
    const MimeMessage::Attachment& file = message.attachments.front();
    absl::StatusOr<HttpResult> up = Post(Endpoint("media"), nullptr, &file);
    if (!up.ok()) return up.status();
    if (absl::Status s = ClassifyResponse(up->status, up->body); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("media upload: ", s.message()));
    }
    nlohmann::json j = nlohmann::json::parse(up->body, nullptr, false);
    if (!j.is_object() || !j.contains("id") || !j["id"].is_string()) {
      return TemporaryDeliveryError("media upload: the answer has no media id");
    }
    media_id = j["id"].get<std::string>();
    filename = file.filename;
  }
  absl::StatusOr<nlohmann::json> msg = BuildTemplateMessage(message, media_id, filename);
  if (!msg.ok()) return msg.status();
  std::string body = msg->dump();
  absl::StatusOr<HttpResult> sent = Post(Endpoint("messages"), &body, nullptr);
  if (!sent.ok()) return sent.status();
  return ClassifyResponse(sent->status, sent->body);
}

}  // namespace sertel::notification
