#include "common/sealed_box.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <limits>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace sertel {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr char kVersion = 1;
constexpr size_t kOverhead = 1 + kNonceBytes + kTagBytes;

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

bool FitsInt(size_t n) { return n <= static_cast<size_t>(std::numeric_limits<int>::max() / 2); }

absl::Status CryptoFailure(const char* what) {
  return absl::InternalError(absl::StrCat("sealing failed in OpenSSL (", what, ")"));
}

}  // namespace

absl::StatusOr<SealedBox> SealedBox::FromKey(absl::string_view key) {
  if (key.size() != kKeyBytes) {
    return absl::InvalidArgumentError("a sealed-box key is exactly 32 bytes");
  }
  return SealedBox(std::string(key));
}

absl::StatusOr<SealedBox> SealedBox::FromKeyMaterial(absl::string_view material) {
  if (material.size() == kKeyBytes) return SealedBox(std::string(material));
  absl::string_view text = absl::StripAsciiWhitespace(material);
  std::string decoded;
  if (text.size() == 2 * kKeyBytes) {
    bool hex = true;
    for (char c : text) hex &= absl::ascii_isxdigit(static_cast<unsigned char>(c));
    if (hex) return SealedBox(absl::HexStringToBytes(text));
  }
  if (absl::Base64Unescape(text, &decoded) && decoded.size() == kKeyBytes) {
    return SealedBox(std::move(decoded));
  }
  OPENSSL_cleanse(decoded.data(), decoded.size());
  return absl::InvalidArgumentError("the key must be 32 bytes: raw, 64 hex digits or base64");
}

absl::StatusOr<SealedBox> SealedBox::Ephemeral() {
  std::string key(kKeyBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), kKeyBytes) != 1) {
    return CryptoFailure("RAND_bytes");
  }
  return SealedBox(std::move(key));
}

SealedBox::SealedBox(SealedBox&& other) noexcept : key_(std::move(other.key_)) { other.Wipe(); }

SealedBox& SealedBox::operator=(SealedBox&& other) noexcept {
  if (this != &other) {
    Wipe();
    key_ = std::move(other.key_);
    other.Wipe();
  }
  return *this;
}

SealedBox::~SealedBox() { Wipe(); }

void SealedBox::Wipe() {
  if (!key_.empty()) OPENSSL_cleanse(key_.data(), key_.size());
  key_.clear();
}

absl::StatusOr<std::string> SealedBox::Seal(absl::string_view plaintext,
                                            absl::string_view ad) const {
  if (key_.size() != kKeyBytes) return absl::FailedPreconditionError("the sealed box has no key");
  if (!FitsInt(plaintext.size()) || !FitsInt(ad.size())) {
    return absl::InvalidArgumentError("too large to seal");
  }
  std::string out(kOverhead + plaintext.size(), '\0');
  out[0] = kVersion;
  auto* nonce = reinterpret_cast<unsigned char*>(out.data() + 1);
  auto* ct = nonce + kNonceBytes;
  if (RAND_bytes(nonce, kNonceBytes) != 1) return CryptoFailure("RAND_bytes");
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return CryptoFailure("EVP_CIPHER_CTX_new");
  int len = 0;
  int final_len = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(ad), static_cast<int>(ad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), ct, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), ct + len, &final_len) != 1 ||
      static_cast<size_t>(len + final_len) != plaintext.size() ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, ct + plaintext.size()) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return CryptoFailure("AES-256-GCM encrypt");
  }
  return out;
}

absl::StatusOr<std::string> SealedBox::Open(absl::string_view sealed, absl::string_view ad) const {
  if (key_.size() != kKeyBytes) return absl::FailedPreconditionError("the sealed box has no key");
  if (sealed.size() < kOverhead || sealed[0] != kVersion || !FitsInt(sealed.size()) ||
      !FitsInt(ad.size())) {
    return absl::FailedPreconditionError("the sealed value is malformed");
  }
  const size_t ct_len = sealed.size() - kOverhead;
  const unsigned char* nonce = Bytes(sealed) + 1;
  const unsigned char* ct = nonce + kNonceBytes;
  unsigned char tag[kTagBytes];
  std::memcpy(tag, ct + ct_len, kTagBytes);
  std::string out(ct_len, '\0');
  auto* pt = reinterpret_cast<unsigned char*>(out.data());
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return CryptoFailure("EVP_CIPHER_CTX_new");
  int len = 0;
  int final_len = 0;
  bool ok =
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), nonce) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(ad), static_cast<int>(ad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), pt, &len, ct, static_cast<int>(ct_len)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), pt + len, &final_len) == 1 &&
      static_cast<size_t>(len + final_len) == ct_len;
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    return absl::FailedPreconditionError(
        "the sealed value does not open (another key, other associated data, or tampered with)");
  }
  return out;
}

}  // namespace sertel
