// The one-time activation code of SOP step 6: the owner receives it (ACTIVATION_CODE message)
// and types it with their passphrase, proving the request comes from them. Only a keyed hash
// (HMAC-SHA256 under a service secret) is stored, compared in constant time. While the code
// waits in the outbox for the notification service it is sealed (common/sealed_box.h, under a
// key derived from the same secret, bound to the message's request id), so no table holds it in
// clear.
//
//   ActivationCodes codes(key_bytes);
//   std::string code = codes.Generate();          // "K7QM2XPA"
//   std::string hash = codes.Hash(code);          // store this
//   bool ok = codes.Matches(typed, hash);
//   absl::StatusOr<std::string> sealed = codes.SealForOutbox(code, request_id);
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/sealed_box.h"

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

  // "sealed:v2:<base64url>", bound to `bound_to` (the notification's request id): the value
  // opens only for the message it was sealed for. INTERNAL when OpenSSL fails.
  absl::StatusOr<std::string> SealForOutbox(absl::string_view code,
                                            absl::string_view bound_to) const;
  // INVALID_ARGUMENT (permanent for the outbox: the row goes DEAD) when `sealed` is not such a
  // value, was sealed under another key or for another message, or was tampered with.
  absl::StatusOr<std::string> OpenFromOutbox(absl::string_view sealed,
                                             absl::string_view bound_to) const;

  ActivationCodes(ActivationCodes&&) = default;
  ActivationCodes& operator=(ActivationCodes&&) = default;

 private:
  std::string key_;
  std::optional<SealedBox> box_;  // set unless OpenSSL could not derive its key
};

}  // namespace sertel::certificate
