#include "pkcs12_mac.h"

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509.h>

#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "openssl_util.h"

namespace sertel::certificate {
namespace {

struct Pkcs12Deleter {
  void operator()(PKCS12* p) const { PKCS12_free(p); }
};
struct X509SigDeleter {
  void operator()(X509_SIG* p) const { X509_SIG_free(p); }
};
struct OctetStringDeleter {
  void operator()(ASN1_OCTET_STRING* p) const { ASN1_OCTET_STRING_free(p); }
};
struct IntegerDeleter {
  void operator()(ASN1_INTEGER* p) const { ASN1_INTEGER_free(p); }
};
using Pkcs12Ptr = std::unique_ptr<PKCS12, Pkcs12Deleter>;

absl::Status Internal(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", OpenSslErrorString()));
}

// DER of a definite length (X.690 8.1.3).
void AppendDerLength(std::string* out, size_t len) {
  if (len < 0x80) {
    out->push_back(static_cast<char>(len));
    return;
  }
  char buf[sizeof(size_t)];
  int n = 0;
  for (size_t l = len; l > 0; l >>= 8) buf[n++] = static_cast<char>(l & 0xff);
  out->push_back(static_cast<char>(0x80 | n));
  while (n > 0) out->push_back(buf[--n]);
}

// A DER SEQUENCE around already encoded members.
std::string DerSequence(absl::string_view members) {
  std::string out = "\x30";
  AppendDerLength(&out, members.size());
  out.append(members.data(), members.size());
  return out;
}

// Appends OpenSSL's DER encoding of `value`.
template <typename T>
absl::Status AppendDer(int (*i2d)(const T*, unsigned char**), const T* value,
                       absl::string_view what, std::string* out) {
  unsigned char* der = nullptr;
  int n = i2d(value, &der);
  if (n <= 0) return Internal(what);
  out->append(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return absl::OkStatus();
}

// MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
// (RFC 7292 section 4), DER from OpenSSL's own encoders and exactly as PKCS12_set_mac writes it:
// digest algorithm sha256 with NULL parameters, `iterations` left out when 1 (X.690 11.5: DER
// omits a DEFAULT value; PKCS12_setup_mac does the same).
absl::StatusOr<std::string> MacDataDer(const unsigned char* mac, unsigned int mac_len,
                                       const unsigned char* salt, int salt_len, int iterations) {
  std::unique_ptr<X509_SIG, X509SigDeleter> digest_info(X509_SIG_new());
  if (digest_info == nullptr) return Internal("X509_SIG_new");
  X509_ALGOR* alg = nullptr;
  ASN1_OCTET_STRING* digest = nullptr;
  X509_SIG_getm(digest_info.get(), &alg, &digest);
  ASN1_OBJECT* sha256 = OBJ_nid2obj(NID_sha256);
  if (alg == nullptr || digest == nullptr || sha256 == nullptr ||
      X509_ALGOR_set0(alg, sha256, V_ASN1_NULL, nullptr) != 1 ||
      ASN1_OCTET_STRING_set(digest, mac, static_cast<int>(mac_len)) != 1) {
    return Internal("MAC DigestInfo");
  }
  std::unique_ptr<ASN1_OCTET_STRING, OctetStringDeleter> mac_salt(ASN1_OCTET_STRING_new());
  if (mac_salt == nullptr || ASN1_OCTET_STRING_set(mac_salt.get(), salt, salt_len) != 1) {
    return Internal("MAC salt");
  }
  std::string members;
  if (absl::Status s = AppendDer(i2d_X509_SIG, digest_info.get(), "i2d DigestInfo", &members);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = AppendDer(i2d_ASN1_OCTET_STRING, mac_salt.get(), "i2d macSalt", &members);
      !s.ok()) {
    return s;
  }
  if (iterations > 1) {
    std::unique_ptr<ASN1_INTEGER, IntegerDeleter> iter(ASN1_INTEGER_new());
    if (iter == nullptr || ASN1_INTEGER_set(iter.get(), iterations) != 1) {
      return Internal("MAC iterations");
    }
    if (absl::Status s = AppendDer(i2d_ASN1_INTEGER, iter.get(), "i2d iterations", &members);
        !s.ok()) {
      return s;
    }
  }
  return DerSequence(members);
}

// PFX ::= SEQUENCE { version, authSafe ContentInfo, macData MacData OPTIONAL } (RFC 7292 4):
// `p12` (built without a MAC) re-encoded with `mac_data` appended, then parsed back by OpenSSL,
// which must find exactly that MAC, salt and count in it and re-encode it to the same bytes.
// OpenSSL 3.0 has no public way to put a MAC computed elsewhere into a PKCS12 object
// (PKCS12_set_mac derives its own key, on the slow path; PKCS12_get0_mac is read-only), so the
// MAC is placed by DER, and the parse is the proof that the result is a well-formed PFX.
absl::StatusOr<std::string> AddMacData(const PKCS12* p12, const std::string& mac_data,
                                       const unsigned char* mac, unsigned int mac_len,
                                       const unsigned char* salt, int salt_len, int iterations) {
  std::string unmaced;
  if (absl::Status s = AppendDer(i2d_PKCS12, p12, "i2d_PKCS12", &unmaced); !s.ok()) return s;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(unmaced.data());
  long body_len = 0;
  int tag = 0, xclass = 0;
  int ret = ASN1_get_object(&p, &body_len, &tag, &xclass, static_cast<long>(unmaced.size()));
  size_t header_len =
      static_cast<size_t>(p - reinterpret_cast<const unsigned char*>(unmaced.data()));
  if ((ret & 0x80) != 0 || ret != V_ASN1_CONSTRUCTED || tag != V_ASN1_SEQUENCE ||
      xclass != V_ASN1_UNIVERSAL || header_len + static_cast<size_t>(body_len) != unmaced.size()) {
    return absl::InternalError("PKCS12: unexpected PFX encoding");
  }
  std::string out =
      DerSequence(absl::StrCat(absl::string_view(unmaced).substr(header_len), mac_data));

  p = reinterpret_cast<const unsigned char*>(out.data());
  Pkcs12Ptr parsed(d2i_PKCS12(nullptr, &p, static_cast<long>(out.size())));
  if (parsed == nullptr || p != reinterpret_cast<const unsigned char*>(out.data()) + out.size()) {
    return Internal("PKCS12: the MAC'd PFX does not parse");
  }
  const ASN1_OCTET_STRING* got_mac = nullptr;
  const X509_ALGOR* got_alg = nullptr;
  const ASN1_OCTET_STRING* got_salt = nullptr;
  const ASN1_INTEGER* got_iter = nullptr;
  PKCS12_get0_mac(&got_mac, &got_alg, &got_salt, &got_iter, parsed.get());
  const ASN1_OBJECT* got_md = nullptr;
  if (got_alg != nullptr) X509_ALGOR_get0(&got_md, nullptr, nullptr, got_alg);
  long parsed_iter = got_iter == nullptr ? 1 : ASN1_INTEGER_get(got_iter);
  auto same = [](const ASN1_OCTET_STRING* o, const unsigned char* v, int n) {
    return o != nullptr && ASN1_STRING_length(o) == n &&
           std::memcmp(ASN1_STRING_get0_data(o), v, static_cast<size_t>(n)) == 0;
  };
  if (PKCS12_mac_present(parsed.get()) != 1 || !same(got_mac, mac, static_cast<int>(mac_len)) ||
      !same(got_salt, salt, salt_len) || got_md == nullptr || OBJ_obj2nid(got_md) != NID_sha256 ||
      parsed_iter != iterations) {
    return absl::InternalError("PKCS12: the parsed MAC is not the one written");
  }
  std::string reencoded;
  if (absl::Status s =
          AppendDer(i2d_PKCS12, static_cast<const PKCS12*>(parsed.get()), "i2d_PKCS12", &reencoded);
      !s.ok()) {
    return s;
  }
  if (reencoded != out) return absl::InternalError("PKCS12: the PFX is not in DER");
  return out;
}

}  // namespace

absl::StatusOr<std::string> PfxWithMac(STACK_OF(PKCS7) * safes, const unsigned char* mac_key,
                                       size_t mac_key_len, const unsigned char* salt, int salt_len,
                                       int iterations) {
  // AuthenticatedSafe ::= SEQUENCE OF ContentInfo (RFC 7292 4.1): the bytes the MAC covers.
  std::string content;
  for (int i = 0; i < sk_PKCS7_num(safes); ++i) {
    if (absl::Status s = AppendDer(i2d_PKCS7, static_cast<const PKCS7*>(sk_PKCS7_value(safes, i)),
                                   "i2d_PKCS7", &content);
        !s.ok()) {
      return s;
    }
  }
  std::string auth_safe = DerSequence(content);
  Pkcs12Ptr p12(PKCS12_add_safes(safes, NID_pkcs7_data));
  if (p12 == nullptr) return Internal("PKCS12_add_safes");
  // RFC 7292 appendix B.1 / 4: HMAC-SHA256 under the PKCS#12 KDF (ID 3) key of the
  // AuthenticatedSafe's content octets.
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), mac_key, static_cast<int>(mac_key_len),
           reinterpret_cast<const unsigned char*>(auth_safe.data()), auth_safe.size(), mac,
           &mac_len) == nullptr) {
    return Internal("HMAC");
  }
  absl::StatusOr<std::string> mac_data = MacDataDer(mac, mac_len, salt, salt_len, iterations);
  if (!mac_data.ok()) return mac_data.status();
  absl::StatusOr<std::string> out =
      AddMacData(p12.get(), *mac_data, mac, mac_len, salt, salt_len, iterations);
  if (!out.ok()) return out.status();
  // Self-check, no derivation: the bytes the MAC covers are the ones in the file (they are the
  // DER of the same ContentInfos; a mismatch would make the keystore fail to open).
  if (out->find(auth_safe) == std::string::npos) {
    return absl::InternalError("PKCS12: the MAC does not cover the encoded authenticated safe");
  }
  return out;
}

}  // namespace sertel::certificate
