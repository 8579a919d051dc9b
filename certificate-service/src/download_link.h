// The one-time download link of a handover (issue 18): WhatsApp's Cloud API takes no PKCS#12 as
// a document, and some mailboxes strip attachments, so the message carries
// <SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL>/<token> instead of the keystore. The token is 256 random
// bits (base64url, 43 characters); only its SHA-256 is stored (download_links); the token itself
// travels sealed in the outbox, like the activation code.
//
//   absl::StatusOr<DownloadToken> t = NewDownloadToken();
//   std::string url = DownloadUrl(settings.download_base_url, t->token);
//   store: t->hash;   later: HashDownloadToken(token_from_the_path) == stored hash
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sertel::certificate {

struct DownloadToken {
  std::string token;  // what the link carries
  std::string hash;   // SHA-256 of it, raw 32 bytes: what is stored
};

inline constexpr size_t kDownloadTokenChars = 43;  // 32 bytes in unpadded base64url

// INTERNAL when the random generator fails.
absl::StatusOr<DownloadToken> NewDownloadToken();
std::string HashDownloadToken(absl::string_view token);
// 43 characters of the base64url alphabet: anything else is never looked up.
bool IsDownloadTokenShaped(absl::string_view token);
// "<base>/<token>" (one slash between them).
std::string DownloadUrl(absl::string_view base_url, absl::string_view token);
// The path part of a base URL ("https://host/unduh/" -> "/unduh"; no path -> "").
std::string DownloadPathPrefix(absl::string_view base_url);

}  // namespace sertel::certificate
