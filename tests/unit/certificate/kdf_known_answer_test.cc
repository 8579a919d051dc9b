// Known answers for fast_kdf.h, on every build: the published PBKDF2-HMAC-SHA256 vectors
// (RFC 7914 section 11, and the SHA-256 versions of RFC 6070's cases), answers computed with
// `openssl kdf` for the edge cases and for the PKCS#12 KDF, and equality with OpenSSL's own
// PKCS5_PBKDF2_HMAC / PKCS12_key_gen_uni over edge-case grids and a few hundred random inputs
// from a fixed seed.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "fast_kdf.h"
#include "gtest/gtest.h"

namespace sertel::certificate {
namespace {

using fast_kdf::Pkcs12KdfPurpose;
using std::string_literals::operator""s;

std::string Hex(const std::vector<unsigned char>& v) {
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
}

// A printable description of an input for failure messages (hex, as inputs hold NUL bytes).
std::string Describe(absl::string_view s) {
  return absl::StrCat(s.size(), " bytes ", absl::BytesToHexString(s.substr(0, 24)),
                      s.size() > 24 ? "..." : "");
}

std::vector<unsigned char> FastPbkdf2(absl::string_view pass, absl::string_view salt, uint32_t iter,
                                      size_t len) {
  std::vector<unsigned char> out(len);
  absl::Status s = fast_kdf::Pbkdf2HmacSha256(pass, salt, iter, absl::MakeSpan(out));
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

std::vector<unsigned char> OpensslPbkdf2(absl::string_view pass, absl::string_view salt,
                                         uint32_t iter, size_t len) {
  std::vector<unsigned char> out(len);
  EXPECT_EQ(PKCS5_PBKDF2_HMAC(pass.data(), static_cast<int>(pass.size()),
                              reinterpret_cast<const unsigned char*>(salt.data()),
                              static_cast<int>(salt.size()), static_cast<int>(iter), EVP_sha256(),
                              static_cast<int>(len), out.data()),
            1);
  return out;
}

std::vector<unsigned char> FastPkcs12(absl::string_view bmp, absl::string_view salt, int id,
                                      uint32_t iter, size_t len) {
  std::vector<unsigned char> out(len);
  absl::Status s = fast_kdf::Pkcs12KdfSha256(bmp, salt, static_cast<Pkcs12KdfPurpose>(id), iter,
                                             absl::MakeSpan(out));
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

std::vector<unsigned char> OpensslPkcs12(absl::string_view bmp, absl::string_view salt, int id,
                                         uint32_t iter, size_t len) {
  std::vector<unsigned char> pass(bmp.begin(), bmp.end()), s(salt.begin(), salt.end());
  std::vector<unsigned char> out(len);
  EXPECT_EQ(PKCS12_key_gen_uni(pass.data(), static_cast<int>(pass.size()), s.data(),
                               static_cast<int>(s.size()), id, static_cast<int>(iter),
                               static_cast<int>(len), out.data(), EVP_sha256()),
            1);
  return out;
}

// The BMPString of an ASCII string (UTF-16BE plus 0x0000), as OPENSSL_utf82uni makes it.
std::string Bmp(absl::string_view ascii) {
  std::string out;
  for (char c : ascii) {
    out.push_back('\0');
    out.push_back(c);
  }
  out.append(2, '\0');
  return out;
}

struct Pbkdf2Vector {
  std::string password;
  std::string salt;
  uint32_t iterations;
  const char* hex;
};

TEST(FastKdfKnownAnswerTest, Pbkdf2GivesThePublishedAndOpensslCliAnswers) {
  const std::string long72 = absl::StrCat("passwordPASSWORDpassword", "passwordPASSWORDpassword",
                                          "passwordPASSWORDpassword");
  const std::vector<Pbkdf2Vector> vectors = {
      // RFC 7914 section 11.
      {"passwd", "salt", 1,
       "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
       "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"},
      {"Password", "NaCl", 80000,
       "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
       "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"},
      // RFC 6070's inputs with SHA-256.
      {"password", "salt", 1, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"},
      {"password", "salt", 2, "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"},
      {"password", "salt", 4096,
       "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"},
      {"passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096,
       "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9"},
      {"pass\0word"s, "sa\0lt"s, 4096, "89b69d0516f829893c696226650a8687"},
      // Edge cases, from `openssl kdf -keylen N -kdfopt digest:SHA256 ... PBKDF2`.
      {long72, "salt", 2, "a5300baa06ce2b5368f2644e23768028c7a370be603f937dfe65b8b2db908e7706"},
      {long72, "saltSALT", 4096,
       "3d0f79ff069385183dad7b0f2d43be3e794a664d72071204da69c2d312b3853c"
       "24b5d5b6186861a393ae6d49b58b4d7aac809f0f53ff095af67b32389ccf38fc"},
      {"password", "", 1, "c1232f10f62715fda06ae7c0a2037ca19b33cf103b727ba56d870c11f290a2ab"},
      {"password", "", 4096, "0420bef29f65c4f1fb833231a9b1287ffb7e3376dae4d27796b22c6f4a1a14f8"},
      {"", "salt", 2, "62384466264daadc4144018c6bd864648272b34da8980d31521ffcce92ae003b"},
      {"password", std::string(64, 's'), 4096,
       "a8e482bc4cfb28a2e167c6d554a22db74830ca08274eed90fc43eaf53593ce54"},
      {"password", "salt", 1, "12"},
      {"password", "salt", 2, "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c"},
      {"password", "salt", 4096,
       "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134af7ad98c1b458ce3fd74ca35b"
       "eba3cda7b8d1038d6a87071b918f837405f3fe7728ffe7f0976fc35dd82fc0e5e46ce9ce26a788b2c7d183fa5b"
       "f8d9607eecd71d01b4f119"},
  };
  for (const Pbkdf2Vector& v : vectors) {
    const size_t len = std::string(v.hex).size() / 2;
    EXPECT_EQ(Hex(FastPbkdf2(v.password, v.salt, v.iterations, len)), v.hex)
        << "password " << Describe(v.password) << " salt " << Describe(v.salt) << " c "
        << v.iterations << " dkLen " << len;
  }
}

TEST(FastKdfKnownAnswerTest, Pbkdf2EdgeCasesMatchOpenssl) {
  const std::vector<std::string> passwords = {"",
                                              "password",
                                              "pass\0word"s,
                                              std::string(63, 'a'),
                                              std::string(64, 'a'),
                                              std::string(65, 'b'),
                                              std::string(150, '\xff')};
  const std::vector<std::string> salts = {
      "", "salt", "sa\0lt"s, std::string(55, 's'), std::string(64, 's'), std::string(100, 'z')};
  for (const std::string& pass : passwords) {
    for (const std::string& salt : salts) {
      for (uint32_t iter : {1u, 2u}) {
        for (size_t len : {1, 31, 32, 33, 64, 100}) {
          ASSERT_EQ(Hex(FastPbkdf2(pass, salt, iter, len)),
                    Hex(OpensslPbkdf2(pass, salt, iter, len)))
              << "password " << Describe(pass) << " salt " << Describe(salt) << " c " << iter
              << " dkLen " << len;
        }
      }
      // 4096 iterations, over a block boundary of the output.
      ASSERT_EQ(Hex(FastPbkdf2(pass, salt, 4096, 33)), Hex(OpensslPbkdf2(pass, salt, 4096, 33)))
          << "password " << Describe(pass) << " salt " << Describe(salt) << " c 4096";
    }
  }
}

TEST(FastKdfKnownAnswerTest, Pbkdf2MatchesOpensslOnRandomInputs) {
  std::mt19937_64 rng(20260514);  // fixed: the same cases on every build
  auto bytes = [&rng](size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
  };
  for (int i = 0; i < 300; ++i) {
    std::string pass = bytes(rng() % 151);
    std::string salt = bytes(rng() % 151);
    uint32_t iter = 1 + static_cast<uint32_t>(rng() % (i % 10 == 0 ? 3000 : 40));
    size_t len = 1 + rng() % 100;
    ASSERT_EQ(Hex(FastPbkdf2(pass, salt, iter, len)), Hex(OpensslPbkdf2(pass, salt, iter, len)))
        << "case " << i << ": password " << Describe(pass) << " salt " << Describe(salt) << " c "
        << iter << " dkLen " << len;
  }
}

struct Pkcs12Vector {
  std::string bmp_password;
  std::string salt;
  int id;
  uint32_t iterations;
  const char* hex;
};

TEST(FastKdfKnownAnswerTest, Pkcs12KdfGivesTheOpensslCliAnswers) {
  // From `openssl kdf -keylen N -kdfopt digest:SHA256 -kdfopt hexpass:<BMPString> ...
  // -kdfopt id:ID PKCS12KDF`.
  const std::string long72 = absl::StrCat("passwordPASSWORDpassword", "passwordPASSWORDpassword",
                                          "passwordPASSWORDpassword");
  const std::vector<Pkcs12Vector> vectors = {
      {Bmp("password"), "saltSALT", 1, 1,
       "7b604692d02175dac59572fabb8fb76139b3104b33586f3f79044c370107e517"},
      {Bmp("password"), "saltSALT", 2, 1,
       "b2b906e1d8303ebfb7945751c91c6d8f9cfcbe0ad7c00d79eec23c77dca87132"},
      {Bmp("password"), "saltSALT", 3, 1,
       "f1dc71c404cd9fd12fe2fb30976ad78fd5babbc6c23e69ec4cb01680bbda9130"},
      {Bmp("password"), "saltSALT", 1, 2048,
       "a800d9cb9607e099ae8f24c0853e462dd38bef876e4a35bd695084eb1420f1c2"
       "3896ae0b2c1d93af49e8cfdc49174fb0"},
      {Bmp("password"), "saltSALT", 2, 2, "de8eaa719289824f7e8339e51373a16c"},
      {Bmp("password"), "saltSALT", 3, 4096,
       "28f9fa7d990a4e407c64403c34f4b0db1bc85f12e0ac0b3029ed4fa77fb23f3d"},
      {Bmp(long72), "saltSALTsaltSALTsaltSALTsaltSALTsalt", 3, 4096,
       "45278ad70be93c0f20e88a5cf375d9dcddfb3b574f93512b66994c5af92eb12f22d9b09678df175b06f23eb4"
       "aeeef2106ca2cd964fa295ea3f56af8e8d26768f1083f7a4a04d47828e5455292d8275aa23b0f07b6758f481"
       "7eb902917c5c41ad0db9c4f7"},
      {Bmp("password"), "", 1, 1,
       "1c855b240e5a48b3cc90066e58e2cfd41811e21c5c40f0923ec83cfd4795e304"},
  };
  for (const Pkcs12Vector& v : vectors) {
    const size_t len = std::string(v.hex).size() / 2;
    EXPECT_EQ(Hex(FastPkcs12(v.bmp_password, v.salt, v.id, v.iterations, len)), v.hex)
        << "password " << Describe(v.bmp_password) << " salt " << Describe(v.salt) << " id " << v.id
        << " c " << v.iterations << " n " << len;
  }
}

TEST(FastKdfKnownAnswerTest, Pkcs12KdfEdgeCasesMatchOpensslForIds1To3) {
  const std::vector<std::string> passwords = {Bmp(""), Bmp("password"), Bmp(std::string(31, 'a')),
                                              Bmp(std::string(32, 'b')), Bmp(std::string(90, 'c'))};
  const std::vector<std::string> salts = {"", "saltSALT", std::string(64, 's'),
                                          std::string(65, 'z')};
  for (const std::string& pass : passwords) {
    for (const std::string& salt : salts) {
      for (int id : {1, 2, 3}) {
        for (uint32_t iter : {1u, 2u}) {
          for (size_t len : {1, 31, 32, 33, 64, 100}) {
            ASSERT_EQ(Hex(FastPkcs12(pass, salt, id, iter, len)),
                      Hex(OpensslPkcs12(pass, salt, id, iter, len)))
                << "password " << Describe(pass) << " salt " << Describe(salt) << " id " << id
                << " c " << iter << " n " << len;
          }
        }
        ASSERT_EQ(Hex(FastPkcs12(pass, salt, id, 4096, 33)),
                  Hex(OpensslPkcs12(pass, salt, id, 4096, 33)))
            << "password " << Describe(pass) << " salt " << Describe(salt) << " id " << id
            << " c 4096";
      }
    }
  }
}

TEST(FastKdfKnownAnswerTest, Pkcs12KdfMatchesOpensslOnRandomInputs) {
  std::mt19937_64 rng(20260515);  // fixed: the same cases on every build
  auto bytes = [&rng](size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
  };
  for (int i = 0; i < 300; ++i) {
    // Any bytes: the KDF is defined on octet strings. (OpenSSL refuses an empty I, that is an
    // empty password and an empty salt together, so the password has at least 2 bytes.)
    std::string pass = bytes(2 + rng() % 150);
    std::string salt = bytes(rng() % 151);
    int id = 1 + static_cast<int>(rng() % 3);
    uint32_t iter = 1 + static_cast<uint32_t>(rng() % (i % 10 == 0 ? 3000 : 40));
    size_t len = 1 + rng() % 100;
    ASSERT_EQ(Hex(FastPkcs12(pass, salt, id, iter, len)),
              Hex(OpensslPkcs12(pass, salt, id, iter, len)))
        << "case " << i << ": password " << Describe(pass) << " salt " << Describe(salt) << " id "
        << id << " c " << iter << " n " << len;
  }
}

TEST(FastKdfKnownAnswerTest, Pkcs12KdfOfAUtf8PassphraseIsPkcs12KeyGenUtf8s) {
  // What the sealer does: OPENSSL_utf82uni, then the KDF; as PKCS12_set_mac derives the MAC key.
  const std::string pass = "Kopi-Tubruk \xC3\xA9 Senja \xF0\x9F\x94\x91#7";
  unsigned char* uni = nullptr;
  int uni_len = 0;
  ASSERT_NE(OPENSSL_utf82uni(pass.data(), static_cast<int>(pass.size()), &uni, &uni_len), nullptr);
  std::string bmp(reinterpret_cast<char*>(uni), static_cast<size_t>(uni_len));
  OPENSSL_free(uni);
  std::string salt(16, '\x42');
  std::vector<unsigned char> want(32);
  ASSERT_EQ(PKCS12_key_gen_utf8_ex(pass.data(), static_cast<int>(pass.size()),
                                   reinterpret_cast<unsigned char*>(salt.data()),
                                   static_cast<int>(salt.size()), 3, 1000, 32, want.data(),
                                   EVP_sha256(), nullptr, nullptr),
            1);
  EXPECT_EQ(Hex(FastPkcs12(bmp, salt, 3, 1000, 32)), Hex(want));
}

TEST(FastKdfKnownAnswerTest, BadArgumentsAreInvalidArgumentAndWipeTheOutput) {
  std::vector<unsigned char> out(32, 0xaa);
  EXPECT_EQ(fast_kdf::Pbkdf2HmacSha256("p", "s", 0, absl::MakeSpan(out)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(out, std::vector<unsigned char>(32, 0));
  EXPECT_EQ(fast_kdf::Pbkdf2HmacSha256("p", "s", 1, absl::Span<unsigned char>()).code(),
            absl::StatusCode::kInvalidArgument);
  out.assign(32, 0xaa);
  EXPECT_EQ(fast_kdf::Pkcs12KdfSha256(Bmp("p"), "s", Pkcs12KdfPurpose::kMac, 0, absl::MakeSpan(out))
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(out, std::vector<unsigned char>(32, 0));
  for (int bad_id : {0, 4, 255}) {
    EXPECT_EQ(fast_kdf::Pkcs12KdfSha256(Bmp("p"), "s", static_cast<Pkcs12KdfPurpose>(bad_id), 1,
                                        absl::MakeSpan(out))
                  .code(),
              absl::StatusCode::kInvalidArgument)
        << bad_id;
  }
  EXPECT_EQ(fast_kdf::Pkcs12KdfSha256(Bmp("p"), "s", Pkcs12KdfPurpose::kKey, 1,
                                      absl::Span<unsigned char>())
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sertel::certificate
