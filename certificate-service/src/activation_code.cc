#include "activation_code.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace sertel::certificate {
namespace {

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
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
  seal_key_ = HmacSha256(key_, "sertel-certificate-outbox-seal-v1");
}

ActivationCodes::~ActivationCodes() {
  if (!key_.empty()) OPENSSL_cleanse(key_.data(), key_.size());
  if (!seal_key_.empty()) OPENSSL_cleanse(seal_key_.data(), seal_key_.size());
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

std::string ActivationCodes::SealForOutbox(absl::string_view code) const {
  unsigned char iv[12];
  RAND_bytes(iv, sizeof(iv));
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  std::string ct(code.size(), '\0');
  unsigned char tag[16];
  int len = 0;
  EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr,
                     reinterpret_cast<const unsigned char*>(seal_key_.data()), iv);
  EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(ct.data()), &len,
                    reinterpret_cast<const unsigned char*>(code.data()),
                    static_cast<int>(code.size()));
  EVP_EncryptFinal_ex(ctx, nullptr, &len);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, sizeof(tag), tag);
  EVP_CIPHER_CTX_free(ctx);
  std::string raw = std::string(reinterpret_cast<char*>(iv), sizeof(iv)) + ct +
                    std::string(reinterpret_cast<char*>(tag), sizeof(tag));
  return absl::StrCat("sealed:v1:", absl::WebSafeBase64Escape(raw));
}

absl::StatusOr<std::string> ActivationCodes::OpenFromOutbox(absl::string_view sealed) const {
  constexpr absl::string_view kPrefix = "sealed:v1:";
  std::string raw;
  if (!absl::ConsumePrefix(&sealed, kPrefix) || !absl::WebSafeBase64Unescape(sealed, &raw) ||
      raw.size() < 12 + 16) {
    return absl::InvalidArgumentError("not a sealed activation code");
  }
  const auto* iv = reinterpret_cast<const unsigned char*>(raw.data());
  std::string tag = raw.substr(raw.size() - 16);
  std::string ct = raw.substr(12, raw.size() - 28);
  std::string pt(ct.size(), '\0');
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr,
                     reinterpret_cast<const unsigned char*>(seal_key_.data()), iv);
  EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(pt.data()), &len,
                    reinterpret_cast<const unsigned char*>(ct.data()), static_cast<int>(ct.size()));
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag.data());
  int ok = EVP_DecryptFinal_ex(ctx, nullptr, &len);
  EVP_CIPHER_CTX_free(ctx);
  if (ok != 1) return absl::InvalidArgumentError("the sealed activation code does not open");
  return pt;
}

}  // namespace sertel::certificate
