#include "common/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace sertel {
namespace {

constexpr char kVersion = 1;
constexpr size_t kTagBytes = 16;
constexpr size_t kMaxFieldBytes = 0xFFFF;

absl::Status Invalid(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("page_token is not valid (", why,
                                                 "); pass the next_page_token of the same list"));
}

}  // namespace

PageTokenCodec PageTokenCodec::FromKey(std::string key) {
  if (key.size() < kMinKeyBytes) {
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), md);
    OPENSSL_cleanse(key.data(), key.size());
    key.assign(reinterpret_cast<char*>(md), sizeof md);
    OPENSSL_cleanse(md, sizeof md);
  }
  return PageTokenCodec(std::move(key));
}

absl::StatusOr<PageTokenCodec> PageTokenCodec::FromKeyChecked(std::string key) {
  if (key.size() < kMinKeyBytes) {
    return absl::InvalidArgumentError("a page-token key has at least 32 bytes");
  }
  return PageTokenCodec(std::move(key));
}

const PageTokenCodec* PageTokenCodec::ProcessDefault() {
  static const PageTokenCodec* codec = [] {
    std::string key(kMinKeyBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), kMinKeyBytes) != 1) {
      Log::Error("rand_bytes_failed", {{"what", "page token key"}});
      std::abort();  // cannot happen with a working OpenSSL
    }
    return new PageTokenCodec(std::move(key));
  }();
  return codec;
}

std::string PageTokenCodec::Tag(absl::string_view scope, absl::string_view body) const {
  // The scope is length-prefixed, so no scope/body split can be read two ways.
  std::string input = absl::StrCat(scope.size(), ":", scope, body);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
           reinterpret_cast<const unsigned char*>(input.data()), input.size(), md,
           &len) == nullptr ||
      len < kTagBytes) {
    return std::string();  // never matches a tag: Decode refuses, Encode's token is refused
  }
  return std::string(reinterpret_cast<char*>(md), kTagBytes);
}

std::string PageTokenCodec::Encode(absl::string_view scope,
                                   const std::vector<std::string>& fields) const {
  std::string body(1, kVersion);
  for (const std::string& f : fields) {
    size_t n = std::min(f.size(), kMaxFieldBytes);
    body.push_back(static_cast<char>(n >> 8));
    body.push_back(static_cast<char>(n & 0xFF));
    body.append(f, 0, n);
  }
  std::string token = body + Tag(scope, body);
  return absl::WebSafeBase64Escape(token);
}

absl::StatusOr<std::vector<std::string>> PageTokenCodec::Decode(absl::string_view scope,
                                                                absl::string_view token,
                                                                int expected_fields) const {
  if (token.size() > kMaxTokenChars) return Invalid("too long");
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) return Invalid("not base64url");
  if (raw.size() < 1 + kTagBytes) return Invalid("too short");
  if (raw[0] != kVersion) return Invalid("unknown version");
  absl::string_view body(raw.data(), raw.size() - kTagBytes);
  absl::string_view tag(raw.data() + body.size(), kTagBytes);
  std::string expected = Tag(scope, body);
  if (expected.size() != kTagBytes || CRYPTO_memcmp(expected.data(), tag.data(), kTagBytes) != 0) {
    return Invalid("not made for this list");
  }
  std::vector<std::string> fields;
  size_t at = 1;
  while (at < body.size()) {
    if (body.size() - at < 2) return Invalid("truncated");
    size_t n =
        (static_cast<unsigned char>(body[at]) << 8) | static_cast<unsigned char>(body[at + 1]);
    at += 2;
    if (body.size() - at < n) return Invalid("truncated");
    fields.emplace_back(body.substr(at, n));
    at += n;
  }
  if (expected_fields >= 0 && fields.size() != static_cast<size_t>(expected_fields)) {
    return Invalid("wrong shape");
  }
  return fields;
}

}  // namespace sertel
