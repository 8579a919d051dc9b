// Bearer-token (JWT, RFC 7519) verification for the services and signing for tests and tools;
// RS256 and ES256 only, with the algorithm pinned by the type of the key. The keys come from a
// JwtKeySource: fixed PEM files (air-gapped sites), or the identity provider's rotating JWKS
// (common/oidc_key_source.h). Where the roles and the NIK sit in the token is configured
// (docs/identity.md: a Keycloak token carries realm roles in realm_access.roles).
//
//   auto verifier = JwtVerifier::FromPemFiles({"/etc/sertel/jwt/public-key.pem"},
//                                             {.issuer = "https://sso.kota.go.id"});
//   absl::StatusOr<JwtClaims> claims = (*verifier)->Verify(token);  // UNAUTHENTICATED on failure
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/pem.h"

namespace sertel {

class VerifiedTokenCache;
struct VerifiedToken;

// The claims sertel reads. `roles` are sertel's role names ("VERIFIER") found under the configured
// claim path and prefix, unknown names included (Authenticator ignores them). Times are NumericDate
// (RFC 7519 §2): seconds since the epoch; 0 means absent for nbf and iat.
struct JwtClaims {
  std::string iss{};
  std::string sub{};
  std::string nik{};  // the applicant's national identity number, when the subject is a citizen
  std::vector<std::string> aud{};
  std::vector<std::string> roles{};
  int64_t exp = 0;
  int64_t nbf = 0;
  int64_t iat = 0;
};

// One verification key: RSA (>= 2048 bits, RS256) or EC P-256 (ES256), with its JWK "kid" when
// it came from a JWKS.
struct JwtKey {
  enum class Kind { kRsa, kEcP256 };
  Kind kind;
  std::string kid;  // "" for a PEM key
  EvpPkeyPtr key;

  // INVALID_ARGUMENT for any other key type, a smaller RSA key or another curve.
  static absl::StatusOr<JwtKey> From(EvpPkeyPtr key, std::string kid);
};
using JwtKeySet = std::vector<JwtKey>;

// Where a verifier finds its keys. Implementations are thread-safe.
class JwtKeySource {
 public:
  virtual ~JwtKeySource() = default;
  // The keys that may have signed a token whose header names `kid` (nullopt: it names none).
  // Never null; empty when no key fits. A rotating source may fetch here (an unknown kid).
  virtual std::shared_ptr<const JwtKeySet> KeysFor(std::optional<absl::string_view> kid) = 0;
};

// A fixed set of keys (PEM files): every key is tried whatever the token's kid says.
class StaticJwtKeys final : public JwtKeySource {
 public:
  explicit StaticJwtKeys(JwtKeySet keys)
      : keys_(std::make_shared<const JwtKeySet>(std::move(keys))) {}
  std::shared_ptr<const JwtKeySet> KeysFor(std::optional<absl::string_view>) override {
    return keys_;
  }

 private:
  std::shared_ptr<const JwtKeySet> keys_;
};

// Where the roles and the NIK are in the payload, and how the provider's role names map to
// sertel's (SERTEL_JWT_ROLES_CLAIM, SERTEL_JWT_NIK_CLAIM, SERTEL_JWT_ROLE_PREFIX).
struct JwtClaimMapping {
  std::string roles_claim =
      "roles";  // dotted path: "realm_access.roles", "resource_access.sertel.roles"
  std::string nik_claim = "nik";  // dotted path to a string
  std::string role_prefix{};      // "sertel-": the provider's "sertel-verifier" is VERIFIER

  // OK when both paths are non-empty dotted names (no empty segment).
  absl::Status Check() const;
  // sertel's role name for one of the provider's, or nullopt when it does not carry the
  // prefix. The prefix compares case-insensitively; the rest is upper-cased with '-' as '_'
  // ("sertel-head-of-agency" -> "HEAD_OF_AGENCY"); whether it names a role is not checked here.
  std::optional<std::string> MapRole(absl::string_view provider_role) const;
};

// Verifies compact-serialised JWS tokens (RFC 7515 §7.1) against the keys of a JwtKeySource.
// Thread-safe; its only state is the cache of tokens it verified (common/verified_token_cache.h:
// a token reused by its caller is verified once; exp, nbf and the key set checked on every use).
class JwtVerifier {
 public:
  struct Options {
    std::string issuer{};  // required; compared exactly with "iss"
    std::string audience = "sertel";
    absl::Duration leeway = absl::Seconds(30);  // clock skew allowed on exp and nbf
    size_t max_token_bytes = 8192;
    JwtClaimMapping claims{};
    size_t cache_capacity = 4096;  // verified tokens kept; 0: verify every time
  };

  // `keys` must not be null. `clock` must outlive the verifier; nullptr: SystemClock::Default().
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> Create(std::shared_ptr<JwtKeySource> keys,
                                                             Options options,
                                                             const Clock* clock = nullptr);

  // Each file holds a "PUBLIC KEY" or a "CERTIFICATE" PEM: RSA (>= 2048 bits) or EC P-256.
  // `clock` must outlive the verifier; nullptr means SystemClock::Default().
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> FromPemFiles(
      const std::vector<std::string>& paths, Options options, const Clock* clock = nullptr);
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> FromPems(const std::vector<std::string>& pems,
                                                               Options options,
                                                               const Clock* clock = nullptr);

  // The claims of a valid token. Every failure is UNAUTHENTICATED with a short reason that
  // never quotes the token.
  absl::StatusOr<JwtClaims> Verify(absl::string_view token) const;

  // The tokens it verified (tests and metrics).
  const VerifiedTokenCache& cache() const { return *cache_; }

  ~JwtVerifier();
  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

 private:
  using KeyKind = JwtKey::Kind;
  struct Header {
    KeyKind kind;
    std::optional<std::string> kid;
  };

  JwtVerifier(std::shared_ptr<JwtKeySource> keys, Options options, const Clock* clock);

  // True when some key of `kind` in `keys` verifies `signature` (JWS form) over `signing_input`.
  static bool VerifySignature(const JwtKeySet& keys, KeyKind kind, absl::string_view signing_input,
                              absl::string_view signature);
  // The JOSE header (RFC 7515 section 4): which key kind its alg needs, and its kid; no alg we
  // do not allow.
  static absl::StatusOr<Header> CheckHeader(absl::string_view encoded_header);
  // exp/nbf against the clock, iss, aud and sub against the options (RFC 7519 section 4.1).
  absl::Status CheckClaims(const JwtClaims& claims) const;
  // The whole verification; `verified` gets the kid and the key set that verified the token.
  absl::StatusOr<JwtClaims> VerifyUncached(absl::string_view token, VerifiedToken* verified) const;

  std::shared_ptr<JwtKeySource> keys_;
  Options options_;
  const Clock* clock_;
  std::unique_ptr<VerifiedTokenCache> cache_;
};

// The claims of a token read WITHOUT checking its signature, times, issuer or audience: for a
// client showing what its own cached token says (`sertelctl whoami`), never for authorisation.
absl::StatusOr<JwtClaims> ReadClaimsUnverified(absl::string_view token,
                                               const JwtClaimMapping& mapping);

// Signs claims with one private key: RS256 for an RSA key, ES256 for an EC P-256 key. For tests,
// development tools and service tokens; production user tokens come from the identity provider.
class JwtSigner {
 public:
  // `kid`, when set, goes into the JOSE header (as an identity provider's JWKS keys carry).
  static absl::StatusOr<std::unique_ptr<JwtSigner>> FromPemFile(absl::string_view path,
                                                                std::string kid = "");
  static absl::StatusOr<std::unique_ptr<JwtSigner>> FromPem(absl::string_view private_key_pem,
                                                            std::string kid = "");

  // header.payload.signature. "aud" is a string when there is one audience, an array when more,
  // absent when none; nbf, iat and nik are written only when set; "roles" at the top level.
  // "" only if OpenSSL fails, which does not happen with a key FromPem accepted.
  std::string Sign(const JwtClaims& claims) const;
  // The same over a payload given as JSON text (for tests of other claim shapes).
  std::string SignPayload(absl::string_view payload_json) const;

  // "RS256" or "ES256".
  absl::string_view alg() const { return rsa_ ? "RS256" : "ES256"; }

  JwtSigner(const JwtSigner&) = delete;
  JwtSigner& operator=(const JwtSigner&) = delete;

 private:
  JwtSigner(EvpPkeyPtr key, bool rsa, std::string kid)
      : key_(std::move(key)), rsa_(rsa), kid_(std::move(kid)) {}

  EvpPkeyPtr key_;
  bool rsa_;
  std::string kid_;
};

}  // namespace sertel
