// The holder's key pair (SOP step 6), generated in memory for the configured algorithm. The
// private key leaves this process only inside the PKCS#12 sealed under the owner's passphrase.
//
//   KeyGenerator gen(KeyAlgorithm::kEcP256);
//   absl::StatusOr<EvpPkeyPtr> key = gen.Generate();
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "openssl_util.h"

namespace sertel::certificate {

enum class KeyAlgorithm { kRsa2048, kRsa3072, kEcP256, kEcP384 };

// "RSA-2048", "RSA-3072", "EC-P256", "EC-P384" (case-insensitive; "ECDSA-P256" also accepted).
absl::StatusOr<KeyAlgorithm> ParseKeyAlgorithm(absl::string_view name);
// The canonical name, as above.
std::string KeyAlgorithmName(KeyAlgorithm algorithm);
// The algorithm of an existing key, or "" when it is none of ours.
std::string DescribeKey(EVP_PKEY* key);

class KeyGenerator {
 public:
  explicit KeyGenerator(KeyAlgorithm algorithm) : algorithm_(algorithm) {}
  absl::StatusOr<EvpPkeyPtr> Generate() const;
  KeyAlgorithm algorithm() const { return algorithm_; }

 private:
  KeyAlgorithm algorithm_;
};

}  // namespace sertel::certificate
