#include "pkcs12_sealer.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cstring>
#include <future>
#include <memory>

#include "absl/strings/str_cat.h"
#include "fast_kdf.h"
#include "kdf_self_test.h"
#include "pkcs12_mac.h"

namespace sertel::certificate {
namespace {

constexpr int kKeyBagSaltBytes = 16;  // PBES2 salt (NIST SP 800-132: at least 128 bits)
constexpr int kMacSaltBytes = 16;
constexpr int kAes256KeyBytes = 32;
constexpr int kAesIvBytes = 16;
constexpr int kMacKeyBytes = 32;  // HMAC-SHA256 key from the PKCS#12 KDF (ID 3)

struct SafebagStackDeleter {
  void operator()(STACK_OF(PKCS12_SAFEBAG) * s) const {
    sk_PKCS12_SAFEBAG_pop_free(s, PKCS12_SAFEBAG_free);
  }
};
struct Pkcs7StackDeleter {
  void operator()(STACK_OF(PKCS7) * s) const { sk_PKCS7_pop_free(s, PKCS7_free); }
};
struct Pkcs12Deleter {
  void operator()(PKCS12* p) const { PKCS12_free(p); }
};
struct X509SigDeleter {
  void operator()(X509_SIG* p) const { X509_SIG_free(p); }
};
struct AlgorDeleter {
  void operator()(X509_ALGOR* p) const { X509_ALGOR_free(p); }
};
struct P8Deleter {
  void operator()(PKCS8_PRIV_KEY_INFO* p) const { PKCS8_PRIV_KEY_INFO_free(p); }
};
struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
struct OctetStringDeleter {
  void operator()(ASN1_OCTET_STRING* p) const { ASN1_OCTET_STRING_free(p); }
};
struct IntegerDeleter {
  void operator()(ASN1_INTEGER* p) const { ASN1_INTEGER_free(p); }
};
using SafebagStack = std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), SafebagStackDeleter>;
using Pkcs7Stack = std::unique_ptr<STACK_OF(PKCS7), Pkcs7StackDeleter>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, Pkcs12Deleter>;

// A secret buffer wiped on every exit.
struct Secret {
  explicit Secret(size_t n) : bytes(n, '\0') {}
  ~Secret() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
  std::string bytes;
  unsigned char* data() { return reinterpret_cast<unsigned char*>(bytes.data()); }
  const unsigned char* data() const { return reinterpret_cast<const unsigned char*>(bytes.data()); }
};

absl::Status Internal(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", OpenSslErrorString()));
}

// The certificate and the chain as certificate bags (encrypted as a whole by
// EncryptedCertificateSafe), the holder's with the
// friendly name and local key id that tie it to the key bag, as PKCS12_create does.
absl::StatusOr<SafebagStack> CertificateBags(X509* cert, const std::vector<X509Ptr>& chain,
                                             const std::string& friendly_name,
                                             unsigned char* key_id, int key_id_len) {
  STACK_OF(PKCS12_SAFEBAG)* raw = nullptr;
  PKCS12_SAFEBAG* bag = PKCS12_add_cert(&raw, cert);
  SafebagStack bags(raw);
  if (bag == nullptr) return Internal("PKCS12_add_cert");
  if (!friendly_name.empty() && PKCS12_add_friendlyname_utf8(bag, friendly_name.c_str(), -1) != 1) {
    return Internal("PKCS12_add_friendlyname");
  }
  if (PKCS12_add_localkeyid(bag, key_id, key_id_len) != 1) {
    return Internal("PKCS12_add_localkeyid");
  }
  for (const X509Ptr& c : chain) {
    raw = bags.release();
    PKCS12_SAFEBAG* ca_bag = PKCS12_add_cert(&raw, c.get());
    bags.reset(raw);
    if (ca_bag == nullptr) return Internal("PKCS12_add_cert (chain)");
  }
  return bags;
}

// The PBES2 key (RFC 8018 6.2: PBKDF2-HMAC-SHA256 at the full iteration count, AES-256-CBC),
// derived ONCE per keystore from a random salt and used for both encrypted parts: the key bag and
// the certificate safe. Each carries the same salt and count in its own PBES2 parameters, so a
// reader derives the same key; each has its own random IV.
struct Pbes2Key {
  unsigned char salt[kKeyBagSaltBytes];
  Secret key{kAes256KeyBytes};
  int iterations = 0;
};

// AES-256-CBC of `plain` under `k` with a fresh IV; the PBES2 AlgorithmIdentifier that says how
// to derive the key again and the ciphertext.
absl::Status Pbes2Encrypt(const Pbes2Key& k, const unsigned char* plain, int plain_len,
                          std::unique_ptr<X509_ALGOR, AlgorDeleter>* algor, std::string* enc) {
  unsigned char iv[kAesIvBytes];
  if (RAND_bytes(iv, sizeof iv) != 1) return Internal("RAND_bytes");
  unsigned char salt[kKeyBagSaltBytes];  // PKCS5_pbe2_set_iv_ex takes it non-const; it copies
  std::memcpy(salt, k.salt, sizeof salt);
  algor->reset(PKCS5_pbe2_set_iv_ex(EVP_aes_256_cbc(), k.iterations, salt, sizeof salt, iv,
                                    NID_hmacWithSHA256, nullptr));
  if (*algor == nullptr) return Internal("PKCS5_pbe2_set_iv");
  enc->assign(static_cast<size_t>(plain_len) + kAesIvBytes, '\0');
  int n1 = 0, n2 = 0;
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter> cctx(EVP_CIPHER_CTX_new());
  bool ok =
      cctx != nullptr &&
      EVP_EncryptInit_ex(cctx.get(), EVP_aes_256_cbc(), nullptr, k.key.data(), iv) == 1 &&
      EVP_EncryptUpdate(cctx.get(), reinterpret_cast<unsigned char*>(enc->data()), &n1, plain,
                        plain_len) == 1 &&
      EVP_EncryptFinal_ex(cctx.get(), reinterpret_cast<unsigned char*>(enc->data()) + n1, &n2) == 1;
  if (!ok) return Internal("AES-256-CBC");
  enc->resize(static_cast<size_t>(n1 + n2));
  return absl::OkStatus();
}

// The certificate bags as an encryptedData ContentInfo (RFC 7292 5.1, as PKCS12_pack_p7encdata
// makes it) under the keystore's PBES2 key: the certificate names the holder (name, NIK, unit),
// which is personal data, so it is not left readable in a file sent by email or WhatsApp.
absl::StatusOr<PKCS7*> EncryptedCertificateSafe(STACK_OF(PKCS12_SAFEBAG) * bags,
                                                const Pbes2Key& k) {
  unsigned char* der = nullptr;
  int der_len =
      ASN1_item_i2d(reinterpret_cast<ASN1_VALUE*>(bags), &der, ASN1_ITEM_rptr(PKCS12_SAFEBAGS));
  if (der_len <= 0) return Internal("i2d SafeContents");
  std::unique_ptr<X509_ALGOR, AlgorDeleter> algor;
  std::string enc;
  absl::Status s = Pbes2Encrypt(k, der, der_len, &algor, &enc);
  OPENSSL_free(der);
  if (!s.ok()) return s;
  PKCS7* p7 = PKCS7_new();
  if (p7 == nullptr || PKCS7_set_type(p7, NID_pkcs7_encrypted) != 1) {
    PKCS7_free(p7);
    return Internal("PKCS7_set_type");
  }
  PKCS7_ENC_CONTENT* ec = p7->d.encrypted->enc_data;
  ec->content_type = OBJ_nid2obj(NID_pkcs7_data);
  X509_ALGOR_free(ec->algorithm);
  ec->algorithm = algor.release();
  ASN1_OCTET_STRING_free(ec->enc_data);
  ec->enc_data = ASN1_OCTET_STRING_new();
  if (ec->enc_data == nullptr ||
      ASN1_OCTET_STRING_set(ec->enc_data, reinterpret_cast<const unsigned char*>(enc.data()),
                            static_cast<int>(enc.size())) != 1) {
    PKCS7_free(p7);
    return Internal("encryptedData");
  }
  return p7;
}

// The private key as a PKCS#8 shrouded key bag under the keystore's PBES2 key.
absl::StatusOr<SafebagStack> ShroudedKeyBag(EVP_PKEY* key, const Pbes2Key& k,
                                            const std::string& friendly_name, unsigned char* key_id,
                                            int key_id_len) {
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, P8Deleter> p8(EVP_PKEY2PKCS8(key));
  if (p8 == nullptr) return Internal("EVP_PKEY2PKCS8");
  unsigned char* der = nullptr;
  int der_len = i2d_PKCS8_PRIV_KEY_INFO(p8.get(), &der);
  if (der_len <= 0) return Internal("i2d_PKCS8_PRIV_KEY_INFO");
  // Cleansed right after the encryption below (nothing in between can fail), then freed.
  std::unique_ptr<unsigned char, void (*)(unsigned char*)> der_owner(
      der, [](unsigned char* p) { OPENSSL_free(p); });

  std::unique_ptr<X509_ALGOR, AlgorDeleter> pbe;
  std::string enc;
  absl::Status encrypted = Pbes2Encrypt(k, der, der_len, &pbe, &enc);
  OPENSSL_cleanse(der, static_cast<size_t>(der_len));
  if (!encrypted.ok()) return encrypted;

  std::unique_ptr<X509_SIG, X509SigDeleter> sig(X509_SIG_new());
  if (sig == nullptr) return Internal("X509_SIG_new");
  X509_ALGOR* sig_alg = nullptr;
  ASN1_OCTET_STRING* sig_data = nullptr;
  X509_SIG_getm(sig.get(), &sig_alg, &sig_data);
  if (X509_ALGOR_copy(sig_alg, pbe.get()) != 1 ||
      ASN1_OCTET_STRING_set(sig_data, reinterpret_cast<const unsigned char*>(enc.data()),
                            static_cast<int>(enc.size())) != 1) {
    return Internal("X509_SIG");
  }
  PKCS12_SAFEBAG* bag = PKCS12_SAFEBAG_create0_pkcs8(sig.get());
  if (bag == nullptr) return Internal("PKCS12_SAFEBAG_create0_pkcs8");
  sig.release();  // owned by the bag
  SafebagStack bags(sk_PKCS12_SAFEBAG_new_null());
  if (bags == nullptr || sk_PKCS12_SAFEBAG_push(bags.get(), bag) <= 0) {
    PKCS12_SAFEBAG_free(bag);
    return Internal("sk_PKCS12_SAFEBAG_push");
  }
  if (!friendly_name.empty() && PKCS12_add_friendlyname_utf8(bag, friendly_name.c_str(), -1) != 1) {
    return Internal("PKCS12_add_friendlyname");
  }
  if (PKCS12_add_localkeyid(bag, key_id, key_id_len) != 1) {
    return Internal("PKCS12_add_localkeyid");
  }
  return bags;
}

// The AuthenticatedSafe's two ContentInfos (RFC 7292 4.1): the encrypted certificate safe (taken
// over, freed on failure too) and the key bag as plain data (its key is shrouded already).
absl::StatusOr<Pkcs7Stack> AuthenticatedSafe(PKCS7* cert_safe,
                                             STACK_OF(PKCS12_SAFEBAG) * key_bags) {
  Pkcs7Stack safes(sk_PKCS7_new_null());
  if (safes == nullptr) {
    PKCS7_free(cert_safe);
    return Internal("sk_PKCS7_new_null");
  }
  if (sk_PKCS7_push(safes.get(), cert_safe) <= 0) {
    PKCS7_free(cert_safe);
    return Internal("sk_PKCS7_push");
  }
  PKCS7* key_safe = PKCS12_pack_p7data(key_bags);
  if (key_safe == nullptr || sk_PKCS7_push(safes.get(), key_safe) <= 0) {
    PKCS7_free(key_safe);
    return Internal("PKCS12_pack_p7data");
  }
  return safes;
}

// The MAC password: the passphrase as a BMPString, exactly as PKCS12_set_mac converts it.
absl::StatusOr<std::unique_ptr<Secret>> BmpPassword(const std::string& passphrase) {
  unsigned char* bmp = nullptr;
  int bmp_len = 0;
  if (OPENSSL_utf82uni(passphrase.data(), static_cast<int>(passphrase.size()), &bmp, &bmp_len) ==
      nullptr) {
    return absl::InvalidArgumentError("the passphrase is not valid UTF-8");
  }
  auto out = std::make_unique<Secret>(static_cast<size_t>(bmp_len));
  std::memcpy(out->data(), bmp, static_cast<size_t>(bmp_len));
  OPENSSL_clear_free(bmp, static_cast<size_t>(bmp_len));
  return out;
}

// The modern keystore, built piece by piece so that (a) the certificate safe is encrypted under
// the same PBES2 key as the key bag (same salt and count, its own IV): it names the holder, so it
// stays private, yet costs no third password derivation,
// (b) the two derivations that protect a secret - the key bag's PBKDF2 and the MAC's PKCS#12
// KDF, both at the full iteration count - run at the same time on two cores, and (c) both run
// on fast_kdf.h (checked against OpenSSL by FastKdfSelfTest) instead of OpenSSL's per-iteration
// EVP loop.
absl::StatusOr<std::string> SealModern(EVP_PKEY* key, X509* cert, const std::vector<X509Ptr>& chain,
                                       const std::string& passphrase,
                                       const std::string& friendly_name, int iterations) {
  absl::StatusOr<std::unique_ptr<Secret>> bmp = BmpPassword(passphrase);
  if (!bmp.ok()) return bmp.status();
  const Secret& bmp_pass = **bmp;

  unsigned char mac_salt[kMacSaltBytes];
  if (RAND_bytes(mac_salt, sizeof mac_salt) != 1) return Internal("RAND_bytes");
  // The MAC key on another core while this one derives the key bag's key.
  auto mac_key_future = std::async(
      std::launch::async,
      [&bmp_pass, &mac_salt, iterations]() -> absl::StatusOr<std::unique_ptr<Secret>> {
        auto k = std::make_unique<Secret>(kMacKeyBytes);
        absl::Status s = fast_kdf::Pkcs12KdfSha256(
            bmp_pass.bytes, absl::string_view(reinterpret_cast<char*>(mac_salt), sizeof mac_salt),
            fast_kdf::Pkcs12KdfPurpose::kMac, static_cast<uint32_t>(iterations),
            absl::MakeSpan(k->data(), kMacKeyBytes));
        if (!s.ok()) return s;
        return k;
      });
  // Whatever happens below, wait for the derivation before its inputs go out of scope.
  struct Joiner {
    std::future<absl::StatusOr<std::unique_ptr<Secret>>>* f;
    ~Joiner() {
      if (f->valid()) f->wait();
    }
  } joiner{&mac_key_future};

  unsigned char key_id[EVP_MAX_MD_SIZE];
  unsigned int key_id_len = 0;
  if (X509_digest(cert, EVP_sha1(), key_id, &key_id_len) != 1) return Internal("X509_digest");

  absl::StatusOr<SafebagStack> cert_bags =
      CertificateBags(cert, chain, friendly_name, key_id, static_cast<int>(key_id_len));
  if (!cert_bags.ok()) return cert_bags.status();
  Pbes2Key pbes2;
  pbes2.iterations = iterations;
  if (RAND_bytes(pbes2.salt, sizeof pbes2.salt) != 1) return Internal("RAND_bytes");
  if (absl::Status s = fast_kdf::Pbkdf2HmacSha256(
          passphrase, absl::string_view(reinterpret_cast<char*>(pbes2.salt), sizeof pbes2.salt),
          static_cast<uint32_t>(iterations), absl::MakeSpan(pbes2.key.data(), kAes256KeyBytes));
      !s.ok()) {
    return s;
  }
  absl::StatusOr<SafebagStack> key_bags =
      ShroudedKeyBag(key, pbes2, friendly_name, key_id, static_cast<int>(key_id_len));
  if (!key_bags.ok()) return key_bags.status();
  absl::StatusOr<PKCS7*> cert_safe = EncryptedCertificateSafe(cert_bags->get(), pbes2);
  if (!cert_safe.ok()) return cert_safe.status();

  absl::StatusOr<Pkcs7Stack> safes = AuthenticatedSafe(*cert_safe, key_bags->get());
  if (!safes.ok()) return safes.status();
  absl::StatusOr<std::unique_ptr<Secret>> mac_key = mac_key_future.get();
  if (!mac_key.ok()) return mac_key.status();
  return PfxWithMac(safes->get(), (*mac_key)->data(), kMacKeyBytes, mac_salt, sizeof mac_salt,
                    iterations);
}

// Legacy (3DES + SHA-1, for older clients): OpenSSL's PKCS12_create as before.
absl::StatusOr<std::string> SealLegacy(EVP_PKEY* key, X509* cert, const std::vector<X509Ptr>& chain,
                                       const std::string& passphrase,
                                       const std::string& friendly_name, int iterations) {
  STACK_OF(X509)* ca = sk_X509_new_null();
  if (ca == nullptr) return Internal("sk_X509_new_null");
  for (const X509Ptr& c : chain) {
    if (sk_X509_push(ca, c.get()) <= 0) {  // borrowed; freed with sk_X509_free
      sk_X509_free(ca);
      return Internal("sk_X509_push");
    }
  }
  int nid = NID_pbe_WithSHA1And3_Key_TripleDES_CBC;
  PKCS12* p12 = PKCS12_create_ex(passphrase.c_str(), friendly_name.c_str(), key, cert, ca, nid, nid,
                                 iterations, -1, 0, nullptr, nullptr);
  sk_X509_free(ca);
  if (p12 == nullptr) return Internal("PKCS12_create");
  if (PKCS12_set_mac(p12, passphrase.c_str(), -1, nullptr, 0, iterations, EVP_sha1()) != 1) {
    PKCS12_free(p12);
    return Internal("PKCS12_set_mac");
  }
  unsigned char* der = nullptr;
  int len = i2d_PKCS12(p12, &der);
  PKCS12_free(p12);
  if (len <= 0) return Internal("i2d_PKCS12");
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace

absl::StatusOr<std::string> Pkcs12Sealer::Seal(EVP_PKEY* key, X509* cert,
                                               const std::vector<X509Ptr>& chain,
                                               const std::string& passphrase,
                                               const std::string& friendly_name) const {
  if (passphrase.empty()) return absl::InvalidArgumentError("empty passphrase");
  if (options_.iterations < 1) return absl::InvalidArgumentError("iterations must be >= 1");
  if (options_.legacy) {
    return SealLegacy(key, cert, chain, passphrase, friendly_name, options_.iterations);
  }
  // The modern keystore is sealed on the hand-written KDFs: never unless they agree with OpenSSL
  // (checked once per process; main() normally has already).
  if (absl::Status s = FastKdfSelfTest(); !s.ok()) return s;
  return SealModern(key, cert, chain, passphrase, friendly_name, options_.iterations);
}

}  // namespace sertel::certificate
