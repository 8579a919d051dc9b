#include "common/jwt.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/sha.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/verified_token_cache.h"

namespace sertel {
namespace {

using Json = nlohmann::json;

constexpr size_t kEs256CoordinateBytes = 32;
constexpr size_t kEs256SignatureBytes = 2 * kEs256CoordinateBytes;  // RFC 7518 §3.4: R || S
constexpr int kMinRsaBits = 2048;                                   // RFC 7518 §3.3

absl::Status Unauthenticated(absl::string_view reason) {
  return absl::UnauthenticatedError(absl::StrCat("invalid bearer token: ", reason));
}

// True for RSA, false for EC P-256; anything else is refused. The JWS algorithm follows from
// the key alone, never from the token (RFC 8725 §3.1: no algorithm confusion).
absl::StatusOr<bool> IsRsaKey(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA")) {
    if (EVP_PKEY_get_bits(key) < kMinRsaBits) {
      return absl::InvalidArgumentError(
          absl::StrCat("RSA key of ", EVP_PKEY_get_bits(key), " bits; at least 2048 needed"));
    }
    return true;
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof(group), &len) != 1) {
      ERR_clear_error();
      return absl::InvalidArgumentError("EC key without a named curve");
    }
    absl::string_view name(group, len);
    if (name == "prime256v1" || name == "P-256") return false;
    return absl::InvalidArgumentError(
        absl::StrCat("EC key on curve ", name, "; only P-256 (ES256) is supported"));
  }
  return absl::InvalidArgumentError("key type is neither RSA nor EC P-256");
}

// JWS R||S (RFC 7518 §3.4) -> the DER ECDSA-Sig-Value OpenSSL verifies. "" when malformed.
std::string EcdsaRawToDer(absl::string_view raw) {
  if (raw.size() != kEs256SignatureBytes) return "";
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (sig == nullptr) return "";
  BIGNUM* r = BN_bin2bn(bytes, kEs256CoordinateBytes, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + kEs256CoordinateBytes, kEs256CoordinateBytes, nullptr);
  if (r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return "";
  }
  std::string der;
  int len = i2d_ECDSA_SIG(sig, nullptr);
  if (len > 0) {
    der.resize(static_cast<size_t>(len));
    auto* p = reinterpret_cast<unsigned char*>(der.data());
    if (i2d_ECDSA_SIG(sig, &p) != len) der.clear();
  }
  ECDSA_SIG_free(sig);
  return der;
}

// DER ECDSA-Sig-Value -> JWS R||S. "" when malformed.
std::string EcdsaDerToRaw(absl::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (sig == nullptr) return "";
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig, &r, &s);
  std::string raw(kEs256SignatureBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(r, out, kEs256CoordinateBytes) != static_cast<int>(kEs256CoordinateBytes) ||
      BN_bn2binpad(s, out + kEs256CoordinateBytes, kEs256CoordinateBytes) !=
          static_cast<int>(kEs256CoordinateBytes)) {
    raw.clear();
  }
  ECDSA_SIG_free(sig);
  return raw;
}

// A JSON object from base64url text, or nullopt. Member names must be unique in every object
// (RFC 7515 section 4, RFC 7519 section 4): a gateway keeping the first "roles" and a parser
// keeping the last would read two different tokens from the same bytes, so a duplicate is
// refused rather than resolved.
std::optional<Json> DecodeJsonObject(absl::string_view segment) {
  absl::StatusOr<std::string> bytes = Base64UrlDecode(segment);
  if (!bytes.ok()) return std::nullopt;
  std::vector<std::set<std::string>> open_objects;
  bool duplicate = false;
  Json::parser_callback_t unique_names = [&](int /*depth*/, Json::parse_event_t event,
                                             Json& parsed) {
    if (event == Json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == Json::parse_event_t::object_end && !open_objects.empty()) {
      open_objects.pop_back();
    } else if (event == Json::parse_event_t::key && !open_objects.empty() &&
               !open_objects.back().insert(parsed.get<std::string>()).second) {
      duplicate = true;
    }
    return true;
  };
  Json j = Json::parse(*bytes, unique_names, /*allow_exceptions=*/false);
  if (duplicate || j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

// A NumericDate (RFC 7519 §2: a JSON number, possibly non-integer) as whole seconds, saturated
// to int64; nullopt when not a finite number.
std::optional<int64_t> NumericDate(const Json& v) {
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return std::numeric_limits<int64_t>::max();
    }
    return static_cast<int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (!std::isfinite(d)) return std::nullopt;
    if (d >= 9.2e18) return std::numeric_limits<int64_t>::max();
    if (d <= -9.2e18) return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(std::floor(d));
  }
  return std::nullopt;
}

// The value at a dotted path ("realm_access.roles") through nested objects, or nullptr.
const Json* FindPath(const Json& object, absl::string_view path) {
  const Json* at = &object;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(std::string(part));
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

absl::StatusOr<JwtClaims> ParseClaims(const Json& payload, const JwtClaimMapping& mapping) {
  JwtClaims c;
  auto exp = payload.find("exp");
  if (exp == payload.end()) return Unauthenticated("no exp claim");
  std::optional<int64_t> exp_value = NumericDate(*exp);
  if (!exp_value) return Unauthenticated("exp is not a number");
  c.exp = *exp_value;
  if (auto nbf = payload.find("nbf"); nbf != payload.end()) {
    std::optional<int64_t> v = NumericDate(*nbf);
    if (!v) return Unauthenticated("nbf is not a number");
    c.nbf = *v;
  }
  if (auto iat = payload.find("iat"); iat != payload.end()) {
    std::optional<int64_t> v = NumericDate(*iat);
    if (!v) return Unauthenticated("iat is not a number");
    c.iat = *v;
  }
  if (auto iss = payload.find("iss"); iss != payload.end()) {
    if (!iss->is_string()) return Unauthenticated("iss is not a string");
    c.iss = iss->get<std::string>();
  }
  // RFC 7519 §4.1.3: a single string or an array of strings.
  if (auto aud = payload.find("aud"); aud != payload.end()) {
    if (aud->is_string()) {
      c.aud.push_back(aud->get<std::string>());
    } else if (aud->is_array()) {
      for (const Json& a : *aud) {
        if (!a.is_string()) return Unauthenticated("aud holds a non-string");
        c.aud.push_back(a.get<std::string>());
      }
    } else {
      return Unauthenticated("aud is neither a string nor an array");
    }
  }
  if (auto sub = payload.find("sub"); sub != payload.end()) {
    if (!sub->is_string()) return Unauthenticated("sub is not a string");
    c.sub = sub->get<std::string>();
  }
  if (const Json* nik = FindPath(payload, mapping.nik_claim); nik != nullptr) {
    if (!nik->is_string()) return Unauthenticated("the NIK claim is not a string");
    c.nik = nik->get<std::string>();
  }
  // Unknown or malformed roles are no roles (the caller is then PERMISSION_DENIED), never an
  // authentication failure: a provider carries roles of other applications too.
  if (const Json* roles = FindPath(payload, mapping.roles_claim);
      roles != nullptr && roles->is_array()) {
    for (const Json& r : *roles) {
      if (!r.is_string()) continue;
      if (std::optional<std::string> name = mapping.MapRole(r.get<std::string>())) {
        c.roles.push_back(*std::move(name));
      }
    }
  }
  // Keycloak marks its ID tokens "typ": "ID"; only access tokens are bearer credentials.
  if (auto typ = payload.find("typ"); typ != payload.end()) {
    if (!typ->is_string() || !absl::EqualsIgnoreCase(typ->get<std::string>(), "Bearer")) {
      return Unauthenticated("not an access token");
    }
  }
  return c;
}

}  // namespace

absl::StatusOr<JwtKey> JwtKey::From(EvpPkeyPtr key, std::string kid) {
  if (key == nullptr) return absl::InvalidArgumentError("no key");
  absl::StatusOr<bool> rsa = IsRsaKey(key.get());
  if (!rsa.ok()) return rsa.status();
  return JwtKey{*rsa ? Kind::kRsa : Kind::kEcP256, std::move(kid), std::move(key)};
}

absl::Status JwtClaimMapping::Check() const {
  for (const auto& [name, path] :
       {std::pair<absl::string_view, absl::string_view>{"SERTEL_JWT_ROLES_CLAIM", roles_claim},
        {"SERTEL_JWT_NIK_CLAIM", nik_claim}}) {
    for (absl::string_view part : absl::StrSplit(path, '.')) {
      if (part.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, " must be a dotted claim path like realm_access.roles"));
      }
    }
  }
  return absl::OkStatus();
}

std::optional<std::string> JwtClaimMapping::MapRole(absl::string_view provider_role) const {
  if (!absl::StartsWithIgnoreCase(provider_role, role_prefix)) return std::nullopt;
  std::string name(provider_role.substr(role_prefix.size()));
  for (char& ch : name) {
    ch = ch == '-' ? '_' : absl::ascii_toupper(static_cast<unsigned char>(ch));
  }
  return name;
}

JwtVerifier::JwtVerifier(std::shared_ptr<JwtKeySource> keys, Options options, const Clock* clock)
    : keys_(std::move(keys)),
      options_(std::move(options)),
      clock_(clock != nullptr ? clock : SystemClock::Default()),
      cache_(std::make_unique<VerifiedTokenCache>(options_.cache_capacity)) {}

JwtVerifier::~JwtVerifier() = default;

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(std::shared_ptr<JwtKeySource> keys,
                                                                 Options options,
                                                                 const Clock* clock) {
  if (keys == nullptr) return absl::InvalidArgumentError("no JWT key source");
  if (options.issuer.empty()) return absl::InvalidArgumentError("JWT issuer must be set");
  if (options.audience.empty()) return absl::InvalidArgumentError("JWT audience must be set");
  if (options.max_token_bytes == 0) {
    return absl::InvalidArgumentError("JWT max_token_bytes must be positive");
  }
  if (absl::Status s = options.claims.Check(); !s.ok()) return s;
  if (options.leeway < absl::ZeroDuration()) options.leeway = absl::ZeroDuration();
  return std::unique_ptr<JwtVerifier>(new JwtVerifier(std::move(keys), std::move(options), clock));
}

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::FromPemFiles(
    const std::vector<std::string>& paths, Options options, const Clock* clock) {
  std::vector<std::string> pems;
  pems.reserve(paths.size());
  for (const std::string& path : paths) {
    absl::StatusOr<std::string> pem = ReadFile(path);
    if (!pem.ok()) {
      return absl::Status(pem.status().code(),
                          absl::StrCat("JWT public key: ", pem.status().message()));
    }
    pems.push_back(*std::move(pem));
  }
  absl::StatusOr<std::unique_ptr<JwtVerifier>> v = FromPems(pems, std::move(options), clock);
  if (!v.ok() && !paths.empty()) {
    // FromPems names the key by index; the file names say more.
    return absl::Status(
        v.status().code(),
        absl::StrCat(v.status().message(), " (files: ", absl::StrJoin(paths, ", "), ")"));
  }
  return v;
}

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::FromPems(
    const std::vector<std::string>& pems, Options options, const Clock* clock) {
  if (pems.empty()) return absl::InvalidArgumentError("no JWT public keys");
  JwtKeySet keys;
  for (size_t i = 0; i < pems.size(); ++i) {
    absl::StatusOr<EvpPkeyPtr> key = LoadPublicKeyPem(pems[i]);
    absl::StatusOr<JwtKey> k = key.ok() ? JwtKey::From(*std::move(key), "") : key.status();
    if (!k.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("JWT public key ", i + 1, ": ", k.status().message()));
    }
    keys.push_back(*std::move(k));
  }
  return Create(std::make_shared<StaticJwtKeys>(std::move(keys)), std::move(options), clock);
}

bool JwtVerifier::VerifySignature(const JwtKeySet& keys, KeyKind kind,
                                  absl::string_view signing_input, absl::string_view signature) {
  std::string der;
  if (kind == KeyKind::kEcP256) {
    der = EcdsaRawToDer(signature);
    if (der.empty()) return false;
    signature = der;
  }
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  const auto* tbs = reinterpret_cast<const unsigned char*>(signing_input.data());
  bool ok = false;
  for (const JwtKey& k : keys) {
    if (k.kind != kind) continue;
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    // RSA keys use the default PKCS#1 v1.5 padding: RS256 is RSASSA-PKCS1-v1_5 (RFC 7518 §3.3).
    if (ctx != nullptr &&
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, k.key.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), sig, signature.size(), tbs, signing_input.size()) == 1) {
      ok = true;
      break;
    }
  }
  // Failed verifications leave errors behind; they must not leak into the next caller's report.
  ERR_clear_error();
  return ok;
}

absl::StatusOr<JwtVerifier::Header> JwtVerifier::CheckHeader(absl::string_view encoded) {
  std::optional<Json> header = DecodeJsonObject(encoded);
  if (!header) return Unauthenticated("header is not base64url JSON object");
  auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string()) return Unauthenticated("no alg");
  const std::string alg_name = alg->get<std::string>();
  KeyKind kind;
  if (alg_name == "RS256") {
    kind = KeyKind::kRsa;
  } else if (alg_name == "ES256") {
    kind = KeyKind::kEcP256;
  } else if (absl::EqualsIgnoreCase(alg_name, "none")) {
    return Unauthenticated("unsigned tokens are not accepted");
  } else {
    // HS256 included: an HMAC keyed with a public key would let anyone sign (RFC 8725 §2.1).
    return Unauthenticated("unsupported alg");
  }
  if (auto typ = header->find("typ"); typ != header->end()) {
    // RFC 7519 §5.1 "JWT", or RFC 9068 §2.1's access-token type "at+jwt" (which OpenID
    // providers such as oidc-provider set); media type names compare case-insensitively.
    std::string t = typ->is_string() ? typ->get<std::string>() : "";
    if (absl::StartsWithIgnoreCase(t, "application/")) t.erase(0, 12);
    if (!absl::EqualsIgnoreCase(t, "JWT") && !absl::EqualsIgnoreCase(t, "at+jwt")) {
      return Unauthenticated("typ is neither JWT nor at+jwt");
    }
  }
  // RFC 7515 §4.1.11: extensions listed in "crit" must be understood; we understand none.
  if (header->contains("crit")) return Unauthenticated("unsupported crit header");
  Header out{kind, std::nullopt};
  if (auto kid = header->find("kid"); kid != header->end()) {
    if (!kid->is_string()) return Unauthenticated("kid is not a string");
    out.kid = kid->get<std::string>();
  }
  return out;
}

absl::Status JwtVerifier::CheckClaims(const JwtClaims& claims) const {
  const absl::Time now = clock_->Now();
  // RFC 7519 §4.1.4: now must be before exp; §4.1.5: not before nbf; both with some leeway.
  if (now >= absl::FromUnixSeconds(claims.exp) + options_.leeway) {
    return Unauthenticated("token expired");
  }
  if (claims.nbf != 0 && now + options_.leeway < absl::FromUnixSeconds(claims.nbf)) {
    return Unauthenticated("token not yet valid");
  }
  if (claims.iss != options_.issuer) return Unauthenticated("untrusted issuer");
  bool audience_ok = false;
  for (const std::string& a : claims.aud) audience_ok = audience_ok || a == options_.audience;
  if (!audience_ok) return Unauthenticated("token is not for this audience");
  if (claims.sub.empty()) return Unauthenticated("no sub");
  return absl::OkStatus();
}

absl::StatusOr<JwtClaims> JwtVerifier::Verify(absl::string_view token) const {
  if (token.size() > options_.max_token_bytes) return Unauthenticated("token too large");
  unsigned char digest_bytes[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest_bytes);
  const std::string digest(reinterpret_cast<const char*>(digest_bytes), sizeof digest_bytes);
  if (std::optional<VerifiedToken> hit = cache_->Find(digest); hit.has_value()) {
    // The same bytes verified before: good while the same keys still stand for its kid and
    // its times still pass.
    std::optional<absl::string_view> kid;
    if (hit->kid.has_value()) kid = *hit->kid;
    if (keys_->KeysFor(kid) == hit->keys) {
      absl::Status s = CheckClaims(hit->claims);
      if (s.ok()) return std::move(hit->claims);
      cache_->Erase(digest);
      return s;
    }
    cache_->Erase(digest);
  }
  VerifiedToken verified;
  absl::StatusOr<JwtClaims> claims = VerifyUncached(token, &verified);
  if (claims.ok()) {
    verified.claims = *claims;
    cache_->Insert(digest, std::move(verified), clock_->Now());
  }
  return claims;
}

absl::StatusOr<JwtClaims> JwtVerifier::VerifyUncached(absl::string_view token,
                                                      VerifiedToken* verified) const {
  // RFC 7515 §7.1: BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature).
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Unauthenticated("not a signed JWT (three segments expected)");
  if (parts[0].empty() || parts[1].empty() || parts[2].empty()) {
    return Unauthenticated("empty token segment");
  }
  try {
    absl::StatusOr<Header> header = CheckHeader(parts[0]);
    if (!header.ok()) return header.status();
    absl::StatusOr<std::string> signature = Base64UrlDecode(parts[2]);
    if (!signature.ok()) return Unauthenticated("signature is not base64url");
    if (header->kind == KeyKind::kEcP256 && signature->size() != kEs256SignatureBytes) {
      return Unauthenticated("ES256 signature must be 64 bytes");
    }
    std::shared_ptr<const JwtKeySet> keys =
        keys_->KeysFor(header->kid ? std::optional<absl::string_view>(*header->kid) : std::nullopt);
    bool have_key = false;
    for (const JwtKey& k : *keys) have_key = have_key || k.kind == header->kind;
    if (!have_key) {
      return Unauthenticated(header->kid ? "no key with this kid for this alg"
                                         : "no key for this alg");
    }
    const absl::string_view signing_input = token.substr(0, parts[0].size() + 1 + parts[1].size());
    if (!VerifySignature(*keys, header->kind, signing_input, *signature)) {
      return Unauthenticated("signature does not verify");
    }
    verified->kid = header->kid;
    verified->keys = keys;
    // Only a payload with a valid signature is read.
    std::optional<Json> payload = DecodeJsonObject(parts[1]);
    if (!payload) return Unauthenticated("payload is not base64url JSON object");
    absl::StatusOr<JwtClaims> claims = ParseClaims(*payload, options_.claims);
    if (!claims.ok()) return claims.status();
    if (absl::Status s = CheckClaims(*claims); !s.ok()) return s;
    return claims;
  } catch (const std::exception&) {
    // nlohmann::json accessors are all type-checked above; this is a last line of defence.
    return Unauthenticated("malformed token");
  }
}

absl::StatusOr<JwtClaims> ReadClaimsUnverified(absl::string_view token,
                                               const JwtClaimMapping& mapping) {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return absl::InvalidArgumentError("not a JWT (three segments expected)");
  std::optional<Json> payload = DecodeJsonObject(parts[1]);
  if (!payload) return absl::InvalidArgumentError("the payload is not base64url JSON");
  try {
    return ParseClaims(*payload, mapping);
  } catch (const std::exception&) {
    return absl::InvalidArgumentError("malformed token");
  }
}

absl::StatusOr<std::unique_ptr<JwtSigner>> JwtSigner::FromPemFile(absl::string_view path,
                                                                  std::string kid) {
  absl::StatusOr<std::string> pem = ReadFile(path);
  if (!pem.ok()) {
    return absl::Status(pem.status().code(),
                        absl::StrCat("JWT signing key: ", pem.status().message()));
  }
  absl::StatusOr<std::unique_ptr<JwtSigner>> signer = FromPem(*pem, std::move(kid));
  OPENSSL_cleanse(pem->data(), pem->size());
  if (!signer.ok()) {
    return absl::Status(signer.status().code(),
                        absl::StrCat(path, ": ", signer.status().message()));
  }
  return signer;
}

absl::StatusOr<std::unique_ptr<JwtSigner>> JwtSigner::FromPem(absl::string_view private_key_pem,
                                                              std::string kid) {
  absl::StatusOr<EvpPkeyPtr> key = LoadPrivateKeyPem(private_key_pem);
  if (!key.ok()) return key.status();
  absl::StatusOr<bool> rsa = IsRsaKey(key->get());
  if (!rsa.ok()) return rsa.status();
  return std::unique_ptr<JwtSigner>(new JwtSigner(*std::move(key), *rsa, std::move(kid)));
}

std::string JwtSigner::Sign(const JwtClaims& claims) const {
  Json payload = Json::object();
  if (!claims.iss.empty()) payload["iss"] = claims.iss;
  if (!claims.sub.empty()) payload["sub"] = claims.sub;
  if (claims.aud.size() == 1) {
    payload["aud"] = claims.aud.front();
  } else if (!claims.aud.empty()) {
    payload["aud"] = claims.aud;
  }
  payload["exp"] = claims.exp;
  if (claims.nbf != 0) payload["nbf"] = claims.nbf;
  if (claims.iat != 0) payload["iat"] = claims.iat;
  payload["roles"] = claims.roles;
  if (!claims.nik.empty()) payload["nik"] = claims.nik;

  // Invalid UTF-8 in a claim becomes U+FFFD instead of throwing.
  return SignPayload(payload.dump(-1, ' ', false, Json::error_handler_t::replace));
}

std::string JwtSigner::SignPayload(absl::string_view payload_json) const {
  Json header = {{"alg", std::string(alg())}, {"typ", "JWT"}};
  if (!kid_.empty()) header["kid"] = kid_;
  const std::string signing_input =
      absl::StrCat(Base64UrlEncode(header.dump(-1, ' ', false, Json::error_handler_t::replace)),
                   ".", Base64UrlEncode(payload_json));

  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  size_t sig_len = 0;
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &sig_len,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    ERR_clear_error();
    return "";
  }
  std::string sig(sig_len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &sig_len,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    ERR_clear_error();
    return "";
  }
  sig.resize(sig_len);
  if (!rsa_) {
    // OpenSSL writes DER; JWS wants R||S (RFC 7518 §3.4).
    sig = EcdsaDerToRaw(sig);
    if (sig.empty()) return "";
  }
  return absl::StrCat(signing_input, ".", Base64UrlEncode(sig));
}

}  // namespace sertel
