#include "tests/harness/test_jwk.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace sertel::testing {
namespace {

[[noreturn]] void Fail(const char* what) {
  std::cerr << "test_jwk: " << what << "\n";
  std::abort();
}

std::string PrivatePem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    Fail("PEM_write_bio_PrivateKey");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);  // NOLINT(google-runtime-int)
  return std::string(data, static_cast<size_t>(len));
}

std::string BnParam(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) Fail("EVP_PKEY_get_bn_param");
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

TestJwk Make(EvpPkeyPtr key, std::string kid, nlohmann::json jwk) {
  jwk["kid"] = kid;
  jwk["use"] = "sig";
  auto signer = JwtSigner::FromPem(PrivatePem(key.get()), kid);
  if (!signer.ok()) Fail("JwtSigner::FromPem");
  return TestJwk{std::move(kid), std::move(key), jwk.dump(), *std::move(signer)};
}

}  // namespace

TestJwk TestJwk::Rsa(std::string kid) {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
  if (key == nullptr) Fail("RSA keygen");
  nlohmann::json jwk = {{"kty", "RSA"},
                        {"alg", "RS256"},
                        {"n", Base64UrlEncode(BnParam(key.get(), OSSL_PKEY_PARAM_RSA_N))},
                        {"e", Base64UrlEncode(BnParam(key.get(), OSSL_PKEY_PARAM_RSA_E))}};
  return Make(std::move(key), std::move(kid), std::move(jwk));
}

TestJwk TestJwk::Ec(std::string kid) {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (key == nullptr) Fail("EC keygen");
  unsigned char point[65];
  size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point),
                                      &len) != 1 ||
      len != sizeof(point)) {
    Fail("EC public point");
  }
  const std::string raw(reinterpret_cast<const char*>(point), len);
  nlohmann::json jwk = {{"kty", "EC"},
                        {"alg", "ES256"},
                        {"crv", "P-256"},
                        {"x", Base64UrlEncode(raw.substr(1, 32))},
                        {"y", Base64UrlEncode(raw.substr(33, 32))}};
  return Make(std::move(key), std::move(kid), std::move(jwk));
}

std::string JwksJson(const std::vector<std::string>& jwks) {
  return absl::StrCat("{\"keys\":[", absl::StrJoin(jwks, ","), "]}");
}

}  // namespace sertel::testing
