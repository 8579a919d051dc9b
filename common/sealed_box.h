// The one authenticated encryption sertel uses for a secret that has to be read back later (an
// activation code waiting in an outbox row or a queued notification): AES-256-GCM with a random
// 96-bit nonce, the caller's associated data bound in (a sealed value moved to another row does
// not open), every OpenSSL return code checked and the key wiped when the box goes away.
// Layout: version byte 0x01 || nonce (12) || ciphertext || tag (16).
//
//   absl::StatusOr<SealedBox> box = SealedBox::FromKeyMaterial(file_bytes);  // 32 raw bytes,
//                                                                          // 64 hex or base64
//   absl::StatusOr<std::string> sealed = box->Seal(code, notification_id);
//   absl::StatusOr<std::string> code = box->Open(*sealed, notification_id);
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sertel {

class SealedBox {
 public:
  static constexpr size_t kKeyBytes = 32;

  // Exactly kKeyBytes bytes of key.
  static absl::StatusOr<SealedBox> FromKey(absl::string_view key);
  // A key file's content: 32 raw bytes, 64 hexadecimal digits or base64 of 32 bytes
  // (surrounding whitespace ignored). INVALID_ARGUMENT otherwise.
  static absl::StatusOr<SealedBox> FromKeyMaterial(absl::string_view material);
  // A fresh random key (values sealed under it do not survive the process).
  static absl::StatusOr<SealedBox> Ephemeral();

  SealedBox(const SealedBox& other) = default;
  SealedBox& operator=(const SealedBox& other) = default;
  SealedBox(SealedBox&& other) noexcept;
  SealedBox& operator=(SealedBox&& other) noexcept;
  ~SealedBox();

  // INTERNAL only when OpenSSL fails (no randomness, no cipher): nothing is sealed then.
  absl::StatusOr<std::string> Seal(absl::string_view plaintext,
                                   absl::string_view associated_data) const;
  // FAILED_PRECONDITION when the value is malformed, was sealed under another key or with other
  // associated data, or was tampered with.
  absl::StatusOr<std::string> Open(absl::string_view sealed,
                                   absl::string_view associated_data) const;

 private:
  explicit SealedBox(std::string key) : key_(std::move(key)) {}
  void Wipe();
  std::string key_;
};

}  // namespace sertel
