// Bearer-token (JWT, RFC 7519) verification for the services and signing for tests and tools;
// RS256 and ES256 only, with the algorithm pinned by the type of the configured key.
//
//   auto verifier = JwtVerifier::FromPemFiles({"/etc/sertel/jwt/public-key.pem"},
//                                             {.issuer = "https://sso.kota.go.id"});
//   absl::StatusOr<JwtClaims> claims = (*verifier)->Verify(token);  // UNAUTHENTICATED on failure
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/pem.h"

namespace sertel {

// The claims sertel reads. Times are NumericDate (RFC 7519 §2): seconds since the epoch; 0 means
// absent for nbf and iat.
struct JwtClaims {
  std::string iss;
  std::string sub;
  std::string nik;  // the applicant's national identity number, when the subject is a citizen
  std::vector<std::string> aud;
  std::vector<std::string> roles;
  int64_t exp = 0;
  int64_t nbf = 0;
  int64_t iat = 0;
};

// Verifies compact-serialised JWS tokens (RFC 7515 §7.1) against a fixed set of public keys.
// Thread-safe; immutable after construction.
class JwtVerifier {
 public:
  struct Options {
    std::string issuer;  // required; compared exactly with "iss"
    std::string audience = "sertel";
    absl::Duration leeway = absl::Seconds(30);  // clock skew allowed on exp and nbf
    size_t max_token_bytes = 8192;
  };

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

  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

 private:
  enum class KeyKind { kRsa, kEcP256 };
  struct Key {
    KeyKind kind;
    EvpPkeyPtr key;
  };

  JwtVerifier(std::vector<Key> keys, Options options, const Clock* clock);

  // True when some key of `kind` verifies `signature` (JWS form) over `signing_input`.
  bool VerifySignature(KeyKind kind, absl::string_view signing_input,
                       absl::string_view signature) const;
  // The JOSE header (RFC 7515 section 4): which key kind its alg needs; no alg we do not allow.
  static absl::StatusOr<KeyKind> CheckHeader(absl::string_view encoded_header);
  // exp/nbf against the clock, iss, aud and sub against the options (RFC 7519 section 4.1).
  absl::Status CheckClaims(const JwtClaims& claims) const;

  std::vector<Key> keys_;
  Options options_;
  const Clock* clock_;
};

// Signs claims with one private key: RS256 for an RSA key, ES256 for an EC P-256 key. For tests,
// development tools and service tokens; production user tokens come from the identity provider.
class JwtSigner {
 public:
  static absl::StatusOr<std::unique_ptr<JwtSigner>> FromPemFile(absl::string_view path);
  static absl::StatusOr<std::unique_ptr<JwtSigner>> FromPem(absl::string_view private_key_pem);

  // header.payload.signature. "aud" is a string when there is one audience, an array when more,
  // absent when none; nbf, iat and nik are written only when set. "" only if OpenSSL fails,
  // which does not happen with a key FromPem accepted.
  std::string Sign(const JwtClaims& claims) const;

  // "RS256" or "ES256".
  absl::string_view alg() const { return rsa_ ? "RS256" : "ES256"; }

  JwtSigner(const JwtSigner&) = delete;
  JwtSigner& operator=(const JwtSigner&) = delete;

 private:
  JwtSigner(EvpPkeyPtr key, bool rsa) : key_(std::move(key)), rsa_(rsa) {}

  EvpPkeyPtr key_;
  bool rsa_;
};

}  // namespace sertel
