#include "secret_box.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/strip.h"

namespace sertel::notification {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr char kVersion = 1;

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

}  // namespace

SecretBox::~SecretBox() {
  if (!key_.empty()) OPENSSL_cleanse(key_.data(), key_.size());
}

absl::StatusOr<SecretBox> SecretBox::FromKeyMaterial(absl::string_view material) {
  if (material.size() == kKeyBytes) return SecretBox(std::string(material));
  absl::string_view text = absl::StripAsciiWhitespace(material);
  std::string decoded;
  if (text.size() == 2 * kKeyBytes) {
    bool hex = true;
    for (char c : text) hex &= absl::ascii_isxdigit(static_cast<unsigned char>(c));
    if (hex) {
      decoded = absl::HexStringToBytes(text);
      return SecretBox(decoded);
    }
  }
  if (absl::Base64Unescape(text, &decoded) && decoded.size() == kKeyBytes) {
    return SecretBox(decoded);
  }
  OPENSSL_cleanse(decoded.data(), decoded.size());
  return absl::InvalidArgumentError("the key must be 32 bytes: raw, 64 hex digits or base64");
}

SecretBox SecretBox::Ephemeral() {
  std::string key(kKeyBytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), kKeyBytes);
  return SecretBox(std::move(key));
}

std::string SecretBox::Seal(absl::string_view plaintext, absl::string_view ad) const {
  std::string out(1 + kNonceBytes + plaintext.size() + kTagBytes, '\0');
  out[0] = kVersion;
  auto* nonce = reinterpret_cast<unsigned char*>(out.data() + 1);
  RAND_bytes(nonce, kNonceBytes);
  std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter> ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  auto* ct = reinterpret_cast<unsigned char*>(out.data() + 1 + kNonceBytes);
  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                     reinterpret_cast<const unsigned char*>(key_.data()), nonce);
  EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(ad.data()),
                    static_cast<int>(ad.size()));
  EVP_EncryptUpdate(ctx.get(), ct, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                    static_cast<int>(plaintext.size()));
  EVP_EncryptFinal_ex(ctx.get(), ct + len, &len);
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, ct + plaintext.size());
  return out;
}

absl::StatusOr<std::string> SecretBox::Open(absl::string_view sealed,
                                            absl::string_view ad) const {
  if (sealed.size() < 1 + kNonceBytes + kTagBytes || sealed[0] != kVersion) {
    return absl::FailedPreconditionError("sealed parameters are malformed");
  }
  size_t ct_len = sealed.size() - 1 - kNonceBytes - kTagBytes;
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data() + 1);
  const auto* ct = nonce + kNonceBytes;
  std::string tag(sealed.substr(1 + kNonceBytes + ct_len));
  std::string out(ct_len, '\0');
  std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter> ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                     reinterpret_cast<const unsigned char*>(key_.data()), nonce);
  EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(ad.data()),
                    static_cast<int>(ad.size()));
  EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, ct,
                    static_cast<int>(ct_len));
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data());
  int final_len = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len,
                          &final_len) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return absl::FailedPreconditionError(
        "sealed parameters do not open (another key, or tampered with)");
  }
  return out;
}

}  // namespace sertel::notification
