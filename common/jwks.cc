#include "common/jwks.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace sertel {
namespace {

using Json = nlohmann::json;

constexpr size_t kP256CoordinateBytes = 32;

struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct BnDeleter {
  void operator()(BIGNUM* b) const { BN_free(b); }
};

// A base64url member of a JWK (RFC 7518 §6: n, e, x, y), or "" when absent or malformed.
std::string Member(const Json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return "";
  absl::StatusOr<std::string> bytes = Base64UrlDecode(it->get<std::string>());
  return bytes.ok() ? *std::move(bytes) : "";
}

// EVP_PKEY_fromdata over the parameters a builder collected; nullptr on any failure.
EvpPkeyPtr FromData(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(bld));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  return EvpPkeyPtr(key);
}

// RFC 7518 §6.3.1: modulus n and exponent e, unsigned big-endian.
absl::StatusOr<EvpPkeyPtr> RsaKey(const Json& jwk) {
  const std::string n = Member(jwk, "n");
  const std::string e = Member(jwk, "e");
  if (n.empty() || e.empty()) return absl::InvalidArgumentError("RSA key without n or e");
  std::unique_ptr<BIGNUM, BnDeleter> bn_n(BN_bin2bn(
      reinterpret_cast<const unsigned char*>(n.data()), static_cast<int>(n.size()), nullptr));
  std::unique_ptr<BIGNUM, BnDeleter> bn_e(BN_bin2bn(
      reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()), nullptr));
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  if (bn_n == nullptr || bn_e == nullptr || bld == nullptr ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return absl::InvalidArgumentError("RSA key parameters refused");
  }
  EvpPkeyPtr key = FromData("RSA", bld.get());
  if (key == nullptr) return absl::InvalidArgumentError("RSA key refused by OpenSSL");
  return key;
}

// RFC 7518 §6.2.1: curve P-256 and the point's x and y, 32 bytes each.
absl::StatusOr<EvpPkeyPtr> EcKey(const Json& jwk) {
  auto crv = jwk.find("crv");
  if (crv == jwk.end() || !crv->is_string() || crv->get<std::string>() != "P-256") {
    return absl::InvalidArgumentError("EC key not on P-256");
  }
  const std::string x = Member(jwk, "x");
  const std::string y = Member(jwk, "y");
  if (x.size() != kP256CoordinateBytes || y.size() != kP256CoordinateBytes) {
    return absl::InvalidArgumentError("EC key coordinates are not 32 bytes");
  }
  const std::string point = absl::StrCat("\x04", x, y);  // uncompressed point (SEC 1 §2.3.3)
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return absl::InvalidArgumentError("EC key parameters refused");
  }
  // fromdata checks that the point lies on the curve.
  EvpPkeyPtr key = FromData("EC", bld.get());
  if (key == nullptr) return absl::InvalidArgumentError("EC point refused by OpenSSL");
  return key;
}

// The JwtKey of one JWK, or why it is skipped.
absl::StatusOr<JwtKey> KeyOf(const Json& jwk) {
  if (!jwk.is_object()) return absl::InvalidArgumentError("not an object");
  auto use = jwk.find("use");
  if (use != jwk.end() && (!use->is_string() || use->get<std::string>() != "sig")) {
    return absl::InvalidArgumentError("not a signing key");
  }
  std::string kid;
  if (auto k = jwk.find("kid"); k != jwk.end() && k->is_string()) kid = k->get<std::string>();
  auto kty = jwk.find("kty");
  if (kty == jwk.end() || !kty->is_string()) return absl::InvalidArgumentError("no kty");
  const std::string type = kty->get<std::string>();
  std::string expected_alg;
  absl::StatusOr<EvpPkeyPtr> key = absl::InvalidArgumentError("kty is neither RSA nor EC");
  if (type == "RSA") {
    key = RsaKey(jwk);
    expected_alg = "RS256";
  } else if (type == "EC") {
    key = EcKey(jwk);
    expected_alg = "ES256";
  }
  if (!key.ok()) return key.status();
  // RFC 7517 §4.4: a key that names its algorithm is used with that one only.
  if (auto alg = jwk.find("alg"); alg != jwk.end()) {
    if (!alg->is_string() || alg->get<std::string>() != expected_alg) {
      return absl::InvalidArgumentError("for an algorithm other than RS256/ES256");
    }
  }
  return JwtKey::From(*std::move(key), std::move(kid));
}

}  // namespace

absl::StatusOr<JwtKeySet> ParseJwks(absl::string_view json) {
  Json doc = Json::parse(json, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InvalidArgumentError("the JWKS is not a JSON object");
  }
  auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) {
    return absl::InvalidArgumentError("the JWKS has no \"keys\" array");
  }
  JwtKeySet out;
  for (const Json& jwk : *keys) {
    absl::StatusOr<JwtKey> key = KeyOf(jwk);
    ERR_clear_error();  // a skipped key leaves OpenSSL errors behind
    if (key.ok()) out.push_back(*std::move(key));
  }
  if (out.empty()) {
    return absl::InvalidArgumentError("the JWKS holds no RS256 or ES256 signing key");
  }
  return out;
}

}  // namespace sertel
