#include "activation_code.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace sertel::certificate {
namespace {

// The text form of a sealed code in an outbox payload (v1 was the hand-made AES-GCM layout).
constexpr absl::string_view kSealedPrefix = "sealed:v2:";

// Empty when OpenSSL fails: such a hash matches nothing.
std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
           &len) == nullptr) {
    return "";
  }
  std::string result(reinterpret_cast<char*>(out), len);
  OPENSSL_cleanse(out, sizeof(out));
  return result;
}

std::string Normalize(absl::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == ' ' || c == '-') continue;
    out.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

ActivationCodes::ActivationCodes(std::string key) : key_(std::move(key)) {
  std::string seal_key = HmacSha256(key_, "sertel-certificate-outbox-seal-v1");
  if (absl::StatusOr<SealedBox> box = SealedBox::FromKey(seal_key); box.ok()) {
    box_ = std::move(*box);
  }
  OPENSSL_cleanse(seal_key.data(), seal_key.size());
}

ActivationCodes::~ActivationCodes() {
  if (!key_.empty()) OPENSSL_cleanse(key_.data(), key_.size());
}

absl::StatusOr<ActivationCodes> ActivationCodes::FromKey(std::string key) {
  if (key.size() < kMinKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the activation key must be at least ", kMinKeyBytes, " bytes"));
  }
  return ActivationCodes(std::move(key));
}

std::string ActivationCodes::Generate() const {
  unsigned char random[kLength];
  // kAlphabet has 31 symbols: reject bytes >= 248 (the largest multiple of 31 below 256) so
  // that every symbol is equally likely.
  std::string code;
  while (code.size() < static_cast<size_t>(kLength)) {
    if (RAND_bytes(random, sizeof(random)) != 1) continue;
    for (unsigned char r : random) {
      if (code.size() == static_cast<size_t>(kLength)) break;
      if (r >= 248) continue;
      code.push_back(kAlphabet[r % kAlphabet.size()]);
    }
  }
  OPENSSL_cleanse(random, sizeof(random));
  return code;
}

std::string ActivationCodes::Hash(absl::string_view code) const {
  std::string n = Normalize(code);
  std::string h = HmacSha256(key_, n);
  OPENSSL_cleanse(n.data(), n.size());
  return h;
}

bool ActivationCodes::Matches(absl::string_view code, absl::string_view stored_hash) const {
  std::string h = Hash(code);
  return h.size() == stored_hash.size() &&
         CRYPTO_memcmp(h.data(), stored_hash.data(), h.size()) == 0;
}

absl::StatusOr<std::string> ActivationCodes::SealForOutbox(absl::string_view code,
                                                           absl::string_view bound_to) const {
  if (!box_.has_value()) return absl::InternalError("the outbox seal key is not available");
  absl::StatusOr<std::string> raw = box_->Seal(code, bound_to);
  if (!raw.ok()) return raw.status();
  return absl::StrCat(kSealedPrefix, absl::WebSafeBase64Escape(*raw));
}

absl::StatusOr<std::string> ActivationCodes::OpenFromOutbox(absl::string_view sealed,
                                                            absl::string_view bound_to) const {
  std::string raw;
  if (!absl::ConsumePrefix(&sealed, kSealedPrefix) || !absl::WebSafeBase64Unescape(sealed, &raw)) {
    return absl::InvalidArgumentError("not a sealed activation code");
  }
  if (!box_.has_value()) return absl::InternalError("the outbox seal key is not available");
  absl::StatusOr<std::string> code = box_->Open(raw, bound_to);
  if (!code.ok()) return absl::InvalidArgumentError("the sealed activation code does not open");
  return code;
}

}  // namespace sertel::certificate
