// The block-level KDFs behind Pkcs12Sealer (fast_kdf.h) are bit-exact with OpenSSL's, and the
// keystore they build keeps its strength: key bag and MAC at the full iteration count, a wrong
// passphrase opens nothing, the certificates (which name the holder) are encrypted too, and the
// MAC is byte for byte what OpenSSL's own PKCS12_set_mac writes. (More vectors:
// kdf_known_answer_test.cc.)
#include <openssl/evp.h>
#include <openssl/pkcs12.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "embedded_ca.h"
#include "fast_kdf.h"
#include "gtest/gtest.h"
#include "pkcs12_sealer.h"
#include "tests/unit/certificate/test_ca.h"

namespace sertel::certificate {
namespace {

using testing::RunCommand;
using testing::TempDir;
using testing::TestCa;

std::string Hex(const std::vector<unsigned char>& v) {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  for (unsigned char c : v) {
    s.push_back(kDigits[c >> 4]);
    s.push_back(kDigits[c & 15]);
  }
  return s;
}

TEST(Pbkdf2HmacSha256Test, MatchesOpensslForEveryLengthOfPasswordSaltAndOutput) {
  const std::vector<std::string> passwords = {"",
                                              "p",
                                              "Kuda-Lari#2024x",
                                              std::string(64, 'a'),
                                              std::string(65, 'b'),
                                              std::string(200, 'c'),
                                              "Kupu-kupu \xE2\x9C\x93 Terbang"};
  const std::vector<std::string> salts = {"", "salt", std::string(16, '\x01'), std::string(61, 's'),
                                          std::string(100, 'z')};
  for (const std::string& pass : passwords) {
    for (const std::string& salt : salts) {
      for (uint32_t iter : {1u, 2u, 3u, 1000u}) {
        for (size_t len : {size_t{16}, size_t{32}, size_t{33}, size_t{64}, size_t{80}}) {
          std::vector<unsigned char> want(len), got(len);
          ASSERT_EQ(PKCS5_PBKDF2_HMAC(pass.data(), static_cast<int>(pass.size()),
                                      reinterpret_cast<const unsigned char*>(salt.data()),
                                      static_cast<int>(salt.size()), static_cast<int>(iter),
                                      EVP_sha256(), static_cast<int>(len), want.data()),
                    1);
          ASSERT_TRUE(fast_kdf::Pbkdf2HmacSha256(pass, salt, iter, absl::MakeSpan(got)).ok());
          ASSERT_EQ(Hex(got), Hex(want)) << "pass " << pass.size() << " salt " << salt.size()
                                         << " iter " << iter << " len " << len;
        }
      }
    }
  }
}

TEST(Pbkdf2HmacSha256Test, KnownAnswerFromRfc7914) {
  // RFC 7914 section 11: PBKDF2-HMAC-SHA256("passwd", "salt", 1, 64).
  std::vector<unsigned char> out(64);
  ASSERT_TRUE(fast_kdf::Pbkdf2HmacSha256("passwd", "salt", 1, absl::MakeSpan(out)).ok());
  EXPECT_EQ(Hex(out),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
}

TEST(Pkcs12KdfSha256Test, MatchesOpensslPkcs12KeyGenForMacKeyIvAndLongOutputs) {
  // std::string elements, not const char*: a `std::string(...).c_str()` in the braced list
  // pointed into a temporary destroyed before the loop body ran (ASan heap-use-after-free).
  const std::vector<std::string> passwords = {"x", "Kuda-Lari#2024x",
                                              "Kupu-kupu \xE2\x9C\x93 Terbang \xF0\x9F\x94\x91",
                                              std::string(70, 'q')};
  for (const std::string& pass : passwords) {
    unsigned char* bmp = nullptr;
    int bmp_len = 0;
    ASSERT_NE(OPENSSL_utf82uni(pass.data(), static_cast<int>(pass.size()), &bmp, &bmp_len),
              nullptr);
    std::string bmp_pass(reinterpret_cast<char*>(bmp), static_cast<size_t>(bmp_len));
    OPENSSL_free(bmp);
    for (std::string salt :
         {std::string("12345678"), std::string(16, '\x7f'), std::string(70, 'y')}) {
      for (int id : {1, 2, 3}) {
        for (int iter : {1, 2, 2048}) {
          for (size_t len : {size_t{16}, size_t{32}, size_t{48}, size_t{96}}) {
            std::vector<unsigned char> want(len), got(len);
            ASSERT_EQ(PKCS12_key_gen_utf8_ex(pass.data(), static_cast<int>(pass.size()),
                                             reinterpret_cast<unsigned char*>(salt.data()),
                                             static_cast<int>(salt.size()), id, iter,
                                             static_cast<int>(len), want.data(), EVP_sha256(),
                                             nullptr, nullptr),
                      1);
            ASSERT_TRUE(fast_kdf::Pkcs12KdfSha256(bmp_pass, salt,
                                                  static_cast<fast_kdf::Pkcs12KdfPurpose>(id),
                                                  static_cast<uint32_t>(iter), absl::MakeSpan(got))
                            .ok());
            ASSERT_EQ(Hex(got), Hex(want)) << "id " << id << " iter " << iter << " len " << len;
          }
        }
      }
    }
  }
}

const HolderIdentity kHolder = {"Siti Aminah Putri", "3171014101900001", "siti@kota.go.id",
                                "Dinas Komunikasi dan Informatika"};

TEST(Pkcs12SealerTest, KeyBagCertificatesAndMacAtFullCountWrongPassphraseOpensNothing) {
  TempDir dir;
  TestCa test_ca = TestCa::Create(dir.path());
  auto ca = EmbeddedCa::Load({.key_file = test_ca.key_file(),
                              .chain_file = test_ca.cert_file(),
                              .organization = "Pemerintah Kota Contoh",
                              .crl_url = ""});
  ASSERT_TRUE(ca.ok()) << ca.status();
  EvpPkeyPtr key = testing::MakeKey("ec-p256");
  absl::Time now = absl::Now();
  auto issued = (*ca)->Issue({.public_key = key.get(),
                              .holder = kHolder,
                              .not_before = now,
                              .not_after = now + absl::Hours(24)});
  ASSERT_TRUE(issued.ok()) << issued.status();
  // Non-ASCII: the MAC password is the BMPString, the key bag's the UTF-8 bytes.
  std::string pass = "Kopi-Tubruk \xC3\xA9 Senja#7";
  auto p12 = Pkcs12Sealer({.iterations = 3000})
                 .Seal(key.get(), issued->certificate.get(), (*ca)->chain(), pass, "Siti");
  ASSERT_TRUE(p12.ok()) << p12.status();
  dir.Write("k.p12", *p12);
  dir.Write("pass.txt", pass);
  dir.Write("wrong.txt", "Kopi-Tubruk \xC3\xA9 Senja#8");
  std::string out;
  ASSERT_EQ(RunCommand("openssl pkcs12 -in " + dir.File("k.p12") +
                           " -passin file:" + dir.File("pass.txt") + " -nodes -info",
                       &out),
            0)
      << out;
  EXPECT_TRUE(absl::StrContains(out, "MAC: sha256, Iteration 3000")) << out;
  EXPECT_TRUE(absl::StrContains(
      out, "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 3000, PRF hmacWithSHA256"))
      << out;
  // The certificates name the holder: encrypted too, same PBES2 parameters as the key bag.
  EXPECT_TRUE(absl::StrContains(
      out, "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 3000, PRF hmacWithSHA256"))
      << out;
  EXPECT_TRUE(absl::StrContains(out, "BEGIN CERTIFICATE")) << out;
  EXPECT_FALSE(absl::StrContains(*p12, kHolder.nik))
      << "the NIK is readable without the passphrase";
  EXPECT_FALSE(absl::StrContains(*p12, "Siti Aminah Putri"));
  EXPECT_TRUE(absl::StrContains(out, "PRIVATE KEY")) << out;
  EXPECT_NE(RunCommand("openssl pkcs12 -in " + dir.File("k.p12") +
                           " -passin file:" + dir.File("wrong.txt") + " -nodes",
                       &out),
            0)
      << out;
  // -nomacver: even without the MAC check the wrong passphrase does not decrypt the key.
  EXPECT_NE(RunCommand("openssl pkcs12 -nomacver -in " + dir.File("k.p12") +
                           " -passin file:" + dir.File("wrong.txt") + " -nodes -nocerts",
                       &out),
            0)
      << out;

  const unsigned char* p = reinterpret_cast<const unsigned char*>(p12->data());
  PKCS12* parsed = d2i_PKCS12(nullptr, &p, static_cast<long>(p12->size()));
  ASSERT_NE(parsed, nullptr);
  EXPECT_EQ(PKCS12_verify_mac(parsed, pass.c_str(), -1), 1);
  EXPECT_NE(PKCS12_verify_mac(parsed, "Kopi-Tubruk \xC3\xA9 Senja#8", -1), 1);
  EVP_PKEY* got_key = nullptr;
  X509* got_cert = nullptr;
  STACK_OF(X509)* got_chain = nullptr;
  ASSERT_EQ(PKCS12_parse(parsed, pass.c_str(), &got_key, &got_cert, &got_chain), 1);
  EXPECT_EQ(EVP_PKEY_eq(got_key, key.get()), 1);
  EXPECT_EQ(X509_cmp(got_cert, issued->certificate.get()), 0);
  EXPECT_EQ(sk_X509_num(got_chain), static_cast<int>((*ca)->chain().size()));
  EVP_PKEY_free(got_key);
  X509_free(got_cert);
  sk_X509_pop_free(got_chain, X509_free);
  PKCS12_free(parsed);
}

// The MAC is written as DER, not through a const_cast into OpenSSL's object: recomputing it with
// OpenSSL's own PKCS12_set_mac (its KDF, the same passphrase, salt and count) on the parsed file
// gives the same bytes - at a count of 1 (the DEFAULT, so left out of the DER) and above.
TEST(Pkcs12SealerTest, MacIsByteForByteWhatOpensslPkcs12SetMacWrites) {
  TempDir dir;
  TestCa test_ca = TestCa::Create(dir.path());
  auto ca = EmbeddedCa::Load({.key_file = test_ca.key_file(),
                              .chain_file = test_ca.cert_file(),
                              .organization = "Pemerintah Kota Contoh",
                              .crl_url = ""});
  ASSERT_TRUE(ca.ok()) << ca.status();
  EvpPkeyPtr key = testing::MakeKey("ec-p256");
  absl::Time now = absl::Now();
  auto issued = (*ca)->Issue({.public_key = key.get(),
                              .holder = kHolder,
                              .not_before = now,
                              .not_after = now + absl::Hours(24)});
  ASSERT_TRUE(issued.ok()) << issued.status();
  const std::string pass = "Kopi-Tubruk \xC3\xA9 Senja#7";
  for (int iterations : {1, 2, 2048}) {
    auto p12 = Pkcs12Sealer({.iterations = iterations})
                   .Seal(key.get(), issued->certificate.get(), (*ca)->chain(), pass, "Siti");
    ASSERT_TRUE(p12.ok()) << p12.status();
    const unsigned char* p = reinterpret_cast<const unsigned char*>(p12->data());
    std::unique_ptr<PKCS12, decltype(&PKCS12_free)> parsed(
        d2i_PKCS12(nullptr, &p, static_cast<long>(p12->size())), &PKCS12_free);
    ASSERT_NE(parsed, nullptr);
    ASSERT_EQ(PKCS12_verify_mac(parsed.get(), pass.c_str(), -1), 1) << iterations;
    const ASN1_OCTET_STRING* salt = nullptr;
    const ASN1_INTEGER* iter = nullptr;
    PKCS12_get0_mac(nullptr, nullptr, &salt, &iter, parsed.get());
    ASSERT_NE(salt, nullptr);
    EXPECT_EQ(iter == nullptr, iterations == 1) << "DER leaves out the DEFAULT count, only it";
    EXPECT_EQ(iter == nullptr ? 1 : ASN1_INTEGER_get(iter), iterations);
    std::vector<unsigned char> salt_bytes(ASN1_STRING_get0_data(salt),
                                          ASN1_STRING_get0_data(salt) + ASN1_STRING_length(salt));
    ASSERT_EQ(PKCS12_set_mac(parsed.get(), pass.c_str(), -1, salt_bytes.data(),
                             static_cast<int>(salt_bytes.size()), iterations, EVP_sha256()),
              1);
    unsigned char* der = nullptr;
    int len = i2d_PKCS12(parsed.get(), &der);
    ASSERT_GT(len, 0);
    std::string redone(reinterpret_cast<char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
    EXPECT_TRUE(redone == *p12) << "iterations " << iterations << ": PKCS12_set_mac writes "
                                << redone.size() << " bytes, the sealer " << p12->size();
  }
}

TEST(Pkcs12SealerTest, EmptyPassphraseIsRefused) {
  EvpPkeyPtr key = testing::MakeKey("ec-p256");
  EXPECT_FALSE(Pkcs12Sealer({.iterations = 2048}).Seal(key.get(), nullptr, {}, "", "x").ok());
}

}  // namespace
}  // namespace sertel::certificate
