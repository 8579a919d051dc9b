#include "key_generator.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace sertel::certificate {

absl::StatusOr<KeyAlgorithm> ParseKeyAlgorithm(absl::string_view name) {
  std::string n = absl::AsciiStrToUpper(name);
  if (n == "RSA-2048") return KeyAlgorithm::kRsa2048;
  if (n == "RSA-3072") return KeyAlgorithm::kRsa3072;
  if (n == "EC-P256" || n == "ECDSA-P256") return KeyAlgorithm::kEcP256;
  if (n == "EC-P384" || n == "ECDSA-P384") return KeyAlgorithm::kEcP384;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown key algorithm \"", name, "\" (RSA-2048, RSA-3072, EC-P256, EC-P384)"));
}

std::string KeyAlgorithmName(KeyAlgorithm algorithm) {
  switch (algorithm) {
    case KeyAlgorithm::kRsa2048:
      return "RSA-2048";
    case KeyAlgorithm::kRsa3072:
      return "RSA-3072";
    case KeyAlgorithm::kEcP256:
      return "EC-P256";
    case KeyAlgorithm::kEcP384:
      return "EC-P384";
  }
  return "";
}

std::string DescribeKey(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA")) return absl::StrCat("RSA-", EVP_PKEY_get_bits(key));
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &len) != 1) {
      return "";
    }
    std::string g(group, len);
    if (g == "prime256v1" || g == "P-256") return "EC-P256";
    if (g == "secp384r1" || g == "P-384") return "EC-P384";
  }
  return "";
}

absl::StatusOr<EvpPkeyPtr> KeyGenerator::Generate() const {
  EVP_PKEY* key = nullptr;
  switch (algorithm_) {
    case KeyAlgorithm::kRsa2048:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
      break;
    case KeyAlgorithm::kRsa3072:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(3072));
      break;
    case KeyAlgorithm::kEcP256:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyAlgorithm::kEcP384:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
  }
  if (key == nullptr) {
    return absl::InternalError(absl::StrCat("key generation failed: ", OpenSslErrorString()));
  }
  return EvpPkeyPtr(key);
}

}  // namespace sertel::certificate
