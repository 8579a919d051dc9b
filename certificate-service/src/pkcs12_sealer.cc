#include "pkcs12_sealer.h"

#include <openssl/err.h>
#include <openssl/pkcs12.h>

#include "absl/strings/str_cat.h"

namespace sertel::certificate {

absl::StatusOr<std::string> Pkcs12Sealer::Seal(EVP_PKEY* key, X509* cert,
                                               const std::vector<X509Ptr>& chain,
                                               const std::string& passphrase,
                                               const std::string& friendly_name) const {
  if (passphrase.empty()) return absl::InvalidArgumentError("empty passphrase");
  STACK_OF(X509)* ca = sk_X509_new_null();
  for (const X509Ptr& c : chain) sk_X509_push(ca, c.get());  // borrowed; freed with sk_X509_free
  int nid_key = options_.legacy ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC : NID_aes_256_cbc;
  int nid_cert = nid_key;
  // mac_iter -1: no MAC here; PKCS12_set_mac below adds one with the digest we choose (OpenSSL
  // 3.0's PKCS12_create would use SHA-1).
  PKCS12* p12 = PKCS12_create_ex(passphrase.c_str(), friendly_name.c_str(), key, cert, ca,
                                 nid_key, nid_cert, options_.iterations, -1, 0, nullptr, nullptr);
  sk_X509_free(ca);
  if (p12 == nullptr) {
    return absl::InternalError(absl::StrCat("PKCS12_create: ", OpenSslError()));
  }
  const EVP_MD* mac_md = options_.legacy ? EVP_sha1() : EVP_sha256();
  if (PKCS12_set_mac(p12, passphrase.c_str(), -1, nullptr, 0, options_.iterations, mac_md) != 1) {
    PKCS12_free(p12);
    return absl::InternalError(absl::StrCat("PKCS12_set_mac: ", OpenSslError()));
  }
  unsigned char* der = nullptr;
  int len = i2d_PKCS12(p12, &der);
  PKCS12_free(p12);
  if (len <= 0) return absl::InternalError(absl::StrCat("i2d_PKCS12: ", OpenSslError()));
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace sertel::certificate
