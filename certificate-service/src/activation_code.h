// The one-time activation code of SOP step 6: the owner receives it (ACTIVATION_CODE message)
// and types it with their passphrase, proving the request comes from them. Only a keyed hash
// (HMAC-SHA256 under a service secret) is stored, compared in constant time. While the code
// waits in the outbox for the notification service it is sealed (AES-256-GCM under a key derived
// from the same secret), so no table holds it in clear.
//
//   ActivationCodes codes(key_bytes);
//   std::string code = codes.Generate();          // "K7QM2XPA"
//   std::string hash = codes.Hash(code);          // store this
//   bool ok = codes.Matches(typed, hash);
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sertel::certificate {

class ActivationCodes {
 public:
  // No 0/O, 1/I/L: easy to read out and type. 31 symbols, 8 of them (~39.6 bits), against 5
  // tries within the code's lifetime.
  static constexpr absl::string_view kAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  static constexpr int kLength = 8;
  static constexpr size_t kMinKeyBytes = 32;

  explicit ActivationCodes(std::string key);
  ~ActivationCodes();
  // INVALID_ARGUMENT when shorter than kMinKeyBytes.
  static absl::StatusOr<ActivationCodes> FromKey(std::string key);

  std::string Generate() const;
  // HMAC-SHA256(key, normalized code): upper case, spaces and dashes removed.
  std::string Hash(absl::string_view code) const;
  bool Matches(absl::string_view code, absl::string_view stored_hash) const;

  std::string SealForOutbox(absl::string_view code) const;
  absl::StatusOr<std::string> OpenFromOutbox(absl::string_view sealed) const;

  ActivationCodes(ActivationCodes&&) = default;
  ActivationCodes& operator=(ActivationCodes&&) = default;

 private:
  std::string key_;
  std::string seal_key_;
};

}  // namespace sertel::certificate
