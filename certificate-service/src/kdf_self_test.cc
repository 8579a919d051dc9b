#include "kdf_self_test.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/pem.h"

namespace sertel::certificate {
namespace {

using fast_kdf::Pkcs12KdfPurpose;

// Fixed inputs chosen to reach every branch of fast_kdf.cc: a password shorter than, equal to and
// longer than a block (RFC 2104 hashes the long one), empty and block-crossing salts, NUL bytes,
// partial and multi-block outputs (PBKDF2's INT(i), the PKCS#12 KDF's I update), iteration
// counts 1 (no loop), 2 and more, and the sealer's own shapes. `pinned` (hex), when set, is a
// published or independently computed answer both implementations must also give.
struct Pbkdf2Case {
  const char* name;
  std::string password;
  std::string salt;
  uint32_t iterations;
  size_t length;
  const char* pinned = nullptr;
};

struct Pkcs12Case {
  const char* name;
  std::string utf8_password;  // converted to the BMPString the KDF takes, as PKCS12_set_mac does
  std::string salt;
  Pkcs12KdfPurpose purpose;
  uint32_t iterations;
  size_t length;
  const char* pinned = nullptr;
};

const std::vector<Pbkdf2Case>& Pbkdf2Cases() {
  static const auto* kCases = new std::vector<Pbkdf2Case>{
      {"RFC 7914 section 11 (\"passwd\", \"salt\", c=1, 64 bytes)", "passwd", "salt", 1, 64,
       "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
       "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"},
      {"NUL bytes (\"pass\\0word\", \"sa\\0lt\", c=2, 16 bytes)", std::string("pass\0word", 9),
       std::string("sa\0lt", 5), 2, 16},
      {"100-byte password, empty salt, c=3, 33 bytes", std::string(100, 'P'), "", 3, 33},
      {"64-byte password, 64-byte salt, c=2, 1 byte", std::string(64, 'k'), std::string(64, 's'), 2,
       1},
      {"keystore shape (UTF-8 passphrase, 16-byte salt, c=1000, 32 bytes)",
       "Kopi-Tubruk \xC3\xA9 Senja#7",
       std::string("\x00\x11\x22\x33\x44\x55\x66\x77"
                   "\x88\x99\xaa\xbb\xcc\xdd\xee\xff",
                   16),
       1000, 32},
  };
  return *kCases;
}

const std::vector<Pkcs12Case>& Pkcs12Cases() {
  static const auto* kCases = new std::vector<Pkcs12Case>{
      {"\"password\", \"saltSALT\", ID 3, c=1, 32 bytes", "password", "saltSALT",
       Pkcs12KdfPurpose::kMac, 1, 32,
       "f1dc71c404cd9fd12fe2fb30976ad78fd5babbc6c23e69ec4cb01680bbda9130"},
      {"MAC key shape (UTF-8 passphrase, 16-byte salt, ID 3, c=1000, 32 bytes)",
       "Kopi-Tubruk \xC3\xA9 Senja#7", std::string(16, '\x5a'), Pkcs12KdfPurpose::kMac, 1000, 32},
      {"ID 1, 20-byte salt, c=2, 64 bytes", "Kuda-Lari#2024x", std::string(20, '\x01'),
       Pkcs12KdfPurpose::kKey, 2, 64},
      {"ID 2, 40-character password, empty salt, c=3, 100 bytes", std::string(40, 'q'), "",
       Pkcs12KdfPurpose::kIv, 3, 100},
  };
  return *kCases;
}

absl::Status Mismatch(absl::string_view kdf, absl::string_view name, absl::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat("fast KDF self-test: ", kdf, " case ", name, ": ", what));
}

// The BMPString (UTF-16BE, trailing 0x0000) PKCS12_key_gen_utf8 derives from.
absl::Status ToBmp(const std::string& utf8, std::string* bmp) {
  unsigned char* uni = nullptr;
  int uni_len = 0;
  if (OPENSSL_utf82uni(utf8.data(), static_cast<int>(utf8.size()), &uni, &uni_len) == nullptr) {
    return absl::InternalError("OPENSSL_utf82uni");
  }
  bmp->assign(reinterpret_cast<char*>(uni), static_cast<size_t>(uni_len));
  OPENSSL_clear_free(uni, static_cast<size_t>(uni_len));
  return absl::OkStatus();
}

// Compares the fast result, OpenSSL's and (when set) the pinned answer.
absl::Status Compare(absl::string_view kdf, absl::string_view name,
                     const std::vector<unsigned char>& fast,
                     const std::vector<unsigned char>& openssl, const char* pinned) {
  if (fast != openssl) return Mismatch(kdf, name, "the fast path disagrees with OpenSSL");
  if (pinned != nullptr) {
    std::string want = absl::HexStringToBytes(pinned);
    if (std::string(openssl.begin(), openssl.end()) != want) {
      return Mismatch(kdf, name, "OpenSSL and the fast path disagree with the known answer");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPbkdf2(const KdfUnderTest& kdf, const Pbkdf2Case& c) {
  constexpr absl::string_view kKdf = "PBKDF2-HMAC-SHA256";
  std::vector<unsigned char> fast(c.length), openssl(c.length);
  if (absl::Status s =
          kdf.pbkdf2_hmac_sha256(c.password, c.salt, c.iterations, absl::MakeSpan(fast));
      !s.ok()) {
    return Mismatch(kKdf, c.name, absl::StrCat("the fast path failed: ", s.message()));
  }
  if (PKCS5_PBKDF2_HMAC(c.password.data(), static_cast<int>(c.password.size()),
                        reinterpret_cast<const unsigned char*>(c.salt.data()),
                        static_cast<int>(c.salt.size()), static_cast<int>(c.iterations),
                        EVP_sha256(), static_cast<int>(c.length), openssl.data()) != 1) {
    return Mismatch(kKdf, c.name, absl::StrCat("PKCS5_PBKDF2_HMAC failed: ", OpenSslErrorString()));
  }
  return Compare(kKdf, c.name, fast, openssl, c.pinned);
}

absl::Status CheckPkcs12(const KdfUnderTest& kdf, const Pkcs12Case& c) {
  constexpr absl::string_view kKdf = "PKCS#12 KDF (SHA-256)";
  std::string bmp;
  if (absl::Status s = ToBmp(c.utf8_password, &bmp); !s.ok()) {
    return Mismatch(kKdf, c.name, s.message());
  }
  std::vector<unsigned char> fast(c.length), openssl(c.length);
  if (absl::Status s =
          kdf.pkcs12_kdf_sha256(bmp, c.salt, c.purpose, c.iterations, absl::MakeSpan(fast));
      !s.ok()) {
    return Mismatch(kKdf, c.name, absl::StrCat("the fast path failed: ", s.message()));
  }
  // PKCS12_key_gen_uni only reads its inputs but takes them non-const; it gets copies.
  std::vector<unsigned char> pass(bmp.begin(), bmp.end());
  std::vector<unsigned char> salt(c.salt.begin(), c.salt.end());
  if (PKCS12_key_gen_uni(pass.data(), static_cast<int>(pass.size()), salt.data(),
                         static_cast<int>(salt.size()), static_cast<int>(c.purpose),
                         static_cast<int>(c.iterations), static_cast<int>(c.length), openssl.data(),
                         EVP_sha256()) != 1) {
    return Mismatch(kKdf, c.name,
                    absl::StrCat("PKCS12_key_gen_uni failed: ", OpenSslErrorString()));
  }
  return Compare(kKdf, c.name, fast, openssl, c.pinned);
}

}  // namespace

absl::Status CheckKdfAgainstOpenssl(const KdfUnderTest& kdf) {
  for (const Pbkdf2Case& c : Pbkdf2Cases()) {
    if (absl::Status s = CheckPbkdf2(kdf, c); !s.ok()) return s;
  }
  for (const Pkcs12Case& c : Pkcs12Cases()) {
    if (absl::Status s = CheckPkcs12(kdf, c); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status FastKdfSelfTest() {
  // A function-local static: initialised once, thread-safely (C++11 [stmt.dcl]); never freed.
  static const absl::Status* const kResult = new absl::Status(CheckKdfAgainstOpenssl({}));
  return *kResult;
}

}  // namespace sertel::certificate
