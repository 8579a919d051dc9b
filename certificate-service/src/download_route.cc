#include "download_route.h"

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/log.h"
#include "download_link.h"

namespace sertel::certificate {
namespace {

HttpReply Text(int status, std::string body) {
  return HttpReply{.status = status,
                   .body = std::move(body),
                   .headers = {{"Cache-Control", "no-store"},
                               {"X-Content-Type-Options", "nosniff"},
                               {"Referrer-Policy", "no-referrer"}}};
}

// A file name from an application id: its letters, digits, '-' and '_' only.
std::string SafeFileName(absl::string_view app) {
  std::string out;
  for (char c : app) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') out.push_back(c);
  }
  return (out.empty() ? "sertifikat" : out) + ".p12";
}

std::string Clip(std::string s, size_t n) {
  if (s.size() > n) s.resize(n);
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return s;
}

}  // namespace

DownloadRoute::DownloadRoute(HandoverManager* handover, Options options, const Clock* clock)
    : handover_(handover),
      options_(std::move(options)),
      per_address_({.burst = options_.burst, .refill = options_.refill}, clock) {}

void DownloadRoute::Register(HttpListener& listener) {
  // Anything under the prefix: a token of the wrong shape is a 404 like an unknown one.
  listener.Get(absl::StrCat(options_.path_prefix, "/([^/]*)"),
               [this](const HttpRequest& r) { return Serve(r); });
}

bool DownloadRoute::IsLinkPreviewer(absl::string_view user_agent) {
  static constexpr absl::string_view kPreviewers[] = {
      "whatsapp/",  "facebookexternalhit", "facebookcatalog", "slackbot",    "telegrambot",
      "twitterbot", "discordbot",          "skypeuripreview", "linkedinbot", "googlebot"};
  std::string ua = absl::AsciiStrToLower(user_agent);
  for (absl::string_view p : kPreviewers) {
    if (absl::StrContains(ua, p)) return true;
  }
  return false;
}

std::string DownloadRoute::ClientAddress(const HttpRequest& request) const {
  if (options_.trust_forwarded_for) {
    std::string xff = request.header("X-Forwarded-For");
    std::vector<absl::string_view> hops = absl::StrSplit(xff, ',', absl::SkipWhitespace());
    if (!hops.empty()) return Clip(std::string(absl::StripAsciiWhitespace(hops.back())), 64);
  }
  return request.remote_addr;
}

HttpReply DownloadRoute::Serve(const HttpRequest& request) {
  const std::string address = ClientAddress(request);
  if (absl::Status s = per_address_.Take(address, "keystore download"); !s.ok()) {
    HttpReply r = Text(429,
                       "Terlalu banyak permintaan; coba lagi nanti.\n"
                       "Too many requests; try again later.\n");
    r.headers.emplace_back(
        "Retry-After", std::to_string(std::max<int64_t>(1, absl::ToInt64Seconds(options_.refill))));
    return r;
  }
  const std::string user_agent = Clip(request.header("User-Agent"), 256);
  const std::string token = request.matches.size() > 1 ? request.matches[1] : "";
  if (request.method == "HEAD" || IsLinkPreviewer(user_agent)) {
    // Neither a HEAD nor a preview uses the link up; they learn only that a page is there.
    return Text(IsDownloadTokenShaped(token) ? 200 : 404,
                "Sertifikat elektronik: buka tautan ini untuk mengunduh berkas Anda.\n");
  }
  absl::StatusOr<LinkDownload> got =
      handover_->RedeemLink(token, {.address = address, .user_agent = user_agent});
  if (!got.ok()) {
    Log::Warn("download_link_unavailable", {{"error", std::string(got.status().message())}});
    return Text(503,
                "Layanan sedang tidak tersedia; coba lagi nanti.\n"
                "The service is unavailable; try again later.\n");
  }
  switch (got->verdict) {
    case LinkVerdict::kServed: {
      Log::Info("keystore_downloaded_by_link",
                {{"application_id", got->application_id}, {"address", address}});
      HttpReply r = Text(200, std::move(got->pkcs12));
      r.content_type = "application/x-pkcs12";
      r.headers.emplace_back(
          "Content-Disposition",
          absl::StrCat("attachment; filename=\"", SafeFileName(got->application_id), "\""));
      return r;
    }
    case LinkVerdict::kGone:
      return Text(410,
                  "Tautan ini sudah dipakai atau tidak berlaku lagi. Hubungi Verifikator "
                  "Sertifikat Elektronik bila Anda belum menerima berkasnya.\n"
                  "This link was used already or is no longer valid.\n");
    case LinkVerdict::kUnknown:
      break;
  }
  return Text(404,
              "Tautan tidak dikenal atau sudah kedaluwarsa.\n"
              "The link is unknown or has expired.\n");
}

}  // namespace sertel::certificate
