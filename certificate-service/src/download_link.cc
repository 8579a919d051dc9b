#include "download_link.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace sertel::certificate {

absl::StatusOr<DownloadToken> NewDownloadToken() {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) {
    return absl::InternalError("RAND_bytes failed: no download token");
  }
  DownloadToken t;
  t.token = absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(raw), sizeof raw));  // no padding
  t.hash = HashDownloadToken(t.token);
  return t;
}

std::string HashDownloadToken(absl::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

bool IsDownloadTokenShaped(absl::string_view token) {
  if (token.size() != kDownloadTokenChars) return false;
  for (char c : token) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string DownloadUrl(absl::string_view base_url, absl::string_view token) {
  while (absl::EndsWith(base_url, "/")) base_url.remove_suffix(1);
  return absl::StrCat(base_url, "/", token);
}

std::string DownloadPathPrefix(absl::string_view base_url) {
  size_t scheme = base_url.find("://");
  absl::string_view rest =
      scheme == absl::string_view::npos ? base_url : base_url.substr(scheme + 3);
  size_t slash = rest.find('/');
  if (slash == absl::string_view::npos) return "";
  absl::string_view path = rest.substr(slash);
  while (absl::EndsWith(path, "/")) path.remove_suffix(1);
  return std::string(path);
}

}  // namespace sertel::certificate
