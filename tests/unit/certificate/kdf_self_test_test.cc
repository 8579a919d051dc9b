// The start-up self-test (kdf_self_test.h) passes on the real fast path and catches a fast path
// that disagrees with OpenSSL - in one case, one byte, an iteration count - or that fails.
#include "kdf_self_test.h"

#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "fast_kdf.h"
#include "gtest/gtest.h"

namespace sertel::certificate {
namespace {

using fast_kdf::Pkcs12KdfPurpose;

TEST(FastKdfSelfTestTest, PassesOnTheRealFastPath) {
  EXPECT_TRUE(CheckKdfAgainstOpenssl({}).ok()) << CheckKdfAgainstOpenssl({});
  absl::Status once = FastKdfSelfTest();
  EXPECT_TRUE(once.ok()) << once;
  EXPECT_EQ(FastKdfSelfTest(), once) << "the cached result";
}

TEST(FastKdfSelfTestTest, AFlippedPbkdf2ByteInTheKeystoreShapeIsFailedPreconditionNamingIt) {
  KdfUnderTest broken;
  broken.pbkdf2_hmac_sha256 = [](absl::string_view password, absl::string_view salt,
                                 uint32_t iterations, absl::Span<unsigned char> out) {
    absl::Status s = fast_kdf::Pbkdf2HmacSha256(password, salt, iterations, out);
    if (iterations == 1000) out[31] ^= 1;  // wrong only for the keystore-shaped case
    return s;
  };
  absl::Status s = CheckKdfAgainstOpenssl(broken);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "PBKDF2-HMAC-SHA256")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "keystore shape")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "disagrees with OpenSSL")) << s;
}

TEST(FastKdfSelfTestTest, APkcs12KdfWrongOnlyForTheMacIdIsCaught) {
  KdfUnderTest broken;
  broken.pkcs12_kdf_sha256 = [](absl::string_view bmp, absl::string_view salt,
                                Pkcs12KdfPurpose purpose, uint32_t iterations,
                                absl::Span<unsigned char> out) {
    // The classic slip: the key ID where the MAC ID belongs.
    if (purpose == Pkcs12KdfPurpose::kMac) purpose = Pkcs12KdfPurpose::kKey;
    return fast_kdf::Pkcs12KdfSha256(bmp, salt, purpose, iterations, out);
  };
  absl::Status s = CheckKdfAgainstOpenssl(broken);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "PKCS#12 KDF")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "ID 3")) << s;
}

TEST(FastKdfSelfTestTest, AnIterationCountOffByOneIsCaught) {
  KdfUnderTest broken;
  broken.pbkdf2_hmac_sha256 = [](absl::string_view password, absl::string_view salt,
                                 uint32_t iterations, absl::Span<unsigned char> out) {
    return fast_kdf::Pbkdf2HmacSha256(password, salt, iterations > 1 ? iterations - 1 : 1, out);
  };
  EXPECT_EQ(CheckKdfAgainstOpenssl(broken).code(), absl::StatusCode::kFailedPrecondition);
  KdfUnderTest broken_pkcs12;
  broken_pkcs12.pkcs12_kdf_sha256 = [](absl::string_view bmp, absl::string_view salt,
                                       Pkcs12KdfPurpose purpose, uint32_t iterations,
                                       absl::Span<unsigned char> out) {
    return fast_kdf::Pkcs12KdfSha256(bmp, salt, purpose, iterations + 1, out);
  };
  EXPECT_EQ(CheckKdfAgainstOpenssl(broken_pkcs12).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(FastKdfSelfTestTest, AFastPathThatFailsIsFailedPreconditionWithItsMessage) {
  KdfUnderTest failing;
  failing.pkcs12_kdf_sha256 = [](absl::string_view, absl::string_view, Pkcs12KdfPurpose, uint32_t,
                                 absl::Span<unsigned char>) {
    return absl::InternalError("SHA256_Init failed");
  };
  absl::Status s = CheckKdfAgainstOpenssl(failing);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "SHA256_Init failed")) << s;
}

}  // namespace
}  // namespace sertel::certificate
