// SOP step 6's output, "a certificate protected by the owner's passphrase": the private key, the
// certificate and the CA chain sealed in a PKCS#12 (RFC 7292). Default: the key in a shrouded
// key bag encrypted with AES-256-CBC under PBES2/PBKDF2-HMAC-SHA256, the whole file under an
// HMAC-SHA256 MAC (PKCS#12 KDF), both at the configured iteration count; the certificates (they
// name the holder: name, NIK, unit) encrypted too, under the same PBES2 key - same salt and
// count, own IV - so they cost no third password derivation.
// The two derivations run concurrently on two threads, on fast_kdf.h's block-level loops
// (docs/performance.md); Seal refuses (FAILED_PRECONDITION) unless FastKdfSelfTest() passes
// (kdf_self_test.h). `legacy` (for older clients such as Windows 7 or old Java keystores):
// 3DES + SHA-1, as PKCS#12 files were made before OpenSSL 3, on OpenSSL's own KDFs.
//
//   Pkcs12Sealer sealer({.iterations = 100000});
//   absl::StatusOr<std::string> der = sealer.Seal(key.get(), cert.get(), ca->chain(),
//                                                passphrase, "Siti Aminah");
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "openssl_util.h"

namespace sertel::certificate {

class Pkcs12Sealer {
 public:
  struct Options {
    int iterations = 100000;
    bool legacy = false;
  };
  explicit Pkcs12Sealer(Options options) : options_(options) {}

  // The DER PKCS#12. `passphrase` is only read; the caller wipes it. FAILED_PRECONDITION (modern
  // keystores) if the fast KDFs disagree with OpenSSL in this process.
  absl::StatusOr<std::string> Seal(EVP_PKEY* key, X509* cert, const std::vector<X509Ptr>& chain,
                                   const std::string& passphrase,
                                   const std::string& friendly_name) const;

  const Options& options() const { return options_; }

 private:
  Options options_;
};

}  // namespace sertel::certificate
