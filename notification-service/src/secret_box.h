// Seals the secret parameters of a queued message (the activation code of SOP step 6) so that
// they are never in a table in clear: AES-256-GCM under a key read from a file, the notification
// id as associated data (a sealed value moved to another row does not open). The message still
// has to be delivered later, so the value is sealed, not hashed.
//
//   absl::StatusOr<SecretBox> box = SecretBox::FromKeyMaterial(file_bytes);  // 32 raw bytes,
//                                                                           // 64 hex or base64
//   std::string sealed = box->Seal(plaintext, notification_id);
//   absl::StatusOr<std::string> opened = box->Open(sealed, notification_id);
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sertel::notification {

class SecretBox {
 public:
  static absl::StatusOr<SecretBox> FromKeyMaterial(absl::string_view material);
  // A fresh random key, for when no key file is configured (sealed rows do not survive a restart).
  static SecretBox Ephemeral();

  SecretBox(const SecretBox&) = default;
  SecretBox& operator=(const SecretBox&) = default;
  ~SecretBox();

  std::string Seal(absl::string_view plaintext, absl::string_view associated_data) const;
  // FAILED_PRECONDITION when the value was sealed under another key or tampered with.
  absl::StatusOr<std::string> Open(absl::string_view sealed,
                                   absl::string_view associated_data) const;

 private:
  explicit SecretBox(std::string key) : key_(std::move(key)) {}
  std::string key_;  // 32 bytes
};

}  // namespace sertel::notification
