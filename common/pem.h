// Reading key and certificate files, RAII owners for OpenSSL objects, PEM <-> OpenSSL objects,
// strict base64url (RFC 4648 §5, as JWTs use it) and SHA-256: the small crypto toolbox of common/.
//
//   absl::StatusOr<std::string> pem = ReadFile("/etc/sertel/jwt/public-key.pem");
//   absl::StatusOr<EvpPkeyPtr> key = LoadPublicKeyPem(*pem);
//   absl::StatusOr<std::string> bytes = Base64UrlDecode("eyJhbGciOiJSUzI1NiJ9");
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sertel {

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct EvpPkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct X509Deleter {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioDeleter {
  void operator()(BIO* p) const { BIO_free_all(p); }
};
struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct X509CrlDeleter {
  void operator()(X509_CRL* p) const { X509_CRL_free(p); }
};
struct X509StoreDeleter {
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
};

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;
using X509CrlPtr = std::unique_ptr<X509_CRL, X509CrlDeleter>;
using X509StorePtr = std::unique_ptr<X509_STORE, X509StoreDeleter>;

// Files larger than this are refused: keys, certificates and tokens are all far smaller.
inline constexpr size_t kMaxReadFileBytes = size_t{16} << 20;

// The whole content of a regular file. NOT_FOUND, PERMISSION_DENIED, ... (errno-based) or
// FAILED_PRECONDITION (not a regular file, larger than kMaxReadFileBytes); the path is in the
// message.
absl::StatusOr<std::string> ReadFile(absl::string_view path);

// A public key from a "PUBLIC KEY" (SubjectPublicKeyInfo) PEM, or the key of a "CERTIFICATE"
// PEM. INVALID_ARGUMENT when it does not parse.
absl::StatusOr<EvpPkeyPtr> LoadPublicKeyPem(absl::string_view pem);
// An unencrypted private key ("PRIVATE KEY" PKCS#8, or the traditional RSA/EC forms).
// Encrypted keys are refused (never prompts for a passphrase). INVALID_ARGUMENT otherwise.
absl::StatusOr<EvpPkeyPtr> LoadPrivateKeyPem(absl::string_view pem);
// The first certificate of a PEM. INVALID_ARGUMENT when there is none.
absl::StatusOr<X509Ptr> LoadCertificatePem(absl::string_view pem);
// Every certificate of a PEM bundle, in order. INVALID_ARGUMENT when there is none or one does
// not parse.
absl::StatusOr<std::vector<X509Ptr>> LoadCertificateChainPem(absl::string_view pem);

// "-----BEGIN PUBLIC KEY-----..." of a key's public half.
std::string ToPem(EVP_PKEY* public_key);
// "-----BEGIN CERTIFICATE-----...".
std::string CertificateToPem(X509* cert);

// Unpadded base64url (RFC 4648 §5; RFC 7515 §2 "Base64url Encoding").
std::string Base64UrlEncode(absl::string_view data);
// Strict inverse of Base64UrlEncode: only [A-Za-z0-9_-], no padding, no whitespace, and the
// unused low bits of the last character must be zero (one encoding per byte string).
absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text);

// Lowercase hex SHA-256.
std::string Sha256Hex(absl::string_view data);

// The OpenSSL error queue of this thread as one line, and clears it. Never holds key material.
std::string OpenSslErrorString();

}  // namespace sertel
