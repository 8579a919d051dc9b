// ParseJwks: the keys of an identity provider's JWKS that can verify RS256/ES256 tokens become
// JwtKeys with their kid; every other key is skipped, and a set with none is refused.
#include "common/jwks.h"

#include <openssl/bn.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/harness/test_jwk.h"

namespace sertel {
namespace {

using testing::JwksJson;
using testing::TestJwk;
using Json = nlohmann::json;

JwtClaims Claims() {
  JwtClaims c;
  c.iss = "https://idp.example";
  c.sub = "u1";
  c.aud = {"sertel"};
  c.exp = absl::ToUnixSeconds(absl::Now()) + 600;
  return c;
}

TEST(JwksTest, RsaAndEcKeysParseWithTheirKidsAndVerifyTheirTokens) {
  TestJwk rsa = TestJwk::Rsa("rsa-1");
  TestJwk ec = TestJwk::Ec("ec-1");
  absl::StatusOr<JwtKeySet> keys = ParseJwks(JwksJson({rsa.public_jwk, ec.public_jwk}));
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].kid, "rsa-1");
  EXPECT_EQ((*keys)[0].kind, JwtKey::Kind::kRsa);
  EXPECT_EQ((*keys)[1].kid, "ec-1");
  EXPECT_EQ((*keys)[1].kind, JwtKey::Kind::kEcP256);
  auto verifier = JwtVerifier::Create(std::make_shared<StaticJwtKeys>(*std::move(keys)),
                                      {.issuer = "https://idp.example"});
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  EXPECT_TRUE((*verifier)->Verify(rsa.signer->Sign(Claims())).ok());
  EXPECT_TRUE((*verifier)->Verify(ec.signer->Sign(Claims())).ok());
  TestJwk stranger = TestJwk::Rsa("rsa-1");  // the same kid, another key
  EXPECT_EQ((*verifier)->Verify(stranger.signer->Sign(Claims())).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(JwksTest, KeysWeCannotUseAreSkippedNotFatal) {
  TestJwk good = TestJwk::Rsa("good");
  Json enc = Json::parse(TestJwk::Rsa("enc").public_jwk);
  enc["use"] = "enc";
  Json rs512 = Json::parse(TestJwk::Rsa("rs512").public_jwk);
  rs512["alg"] = "RS512";
  Json p384 = Json::parse(TestJwk::Ec("p384").public_jwk);
  p384["crv"] = "P-384";
  Json off_curve = Json::parse(TestJwk::Ec("off").public_jwk);
  off_curve["y"] = off_curve["x"];  // (x, x) is not a point of P-256
  const Json oct = {{"kty", "oct"}, {"kid", "hmac"}, {"k", "c2VjcmV0"}};
  const Json no_n = {{"kty", "RSA"}, {"kid", "no-n"}, {"e", "AQAB"}};
  absl::StatusOr<JwtKeySet> keys =
      ParseJwks(JwksJson({enc.dump(), rs512.dump(), p384.dump(), off_curve.dump(), oct.dump(),
                          no_n.dump(), "17", good.public_jwk}));
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ(keys->front().kid, "good");
}

TEST(JwksTest, SmallRsaKeysAreSkipped) {
  EvpPkeyPtr small(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024)));
  ASSERT_NE(small, nullptr);
  BIGNUM* n = nullptr;
  ASSERT_EQ(EVP_PKEY_get_bn_param(small.get(), "n", &n), 1);
  std::string bytes(static_cast<size_t>(BN_num_bytes(n)), '\0');
  BN_bn2bin(n, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(n);
  const Json jwk = {{"kty", "RSA"}, {"kid", "small"}, {"n", Base64UrlEncode(bytes)}, {"e", "AQAB"}};
  EXPECT_EQ(ParseJwks(JwksJson({jwk.dump()})).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(JwksTest, NoUsableKeyOrNoJwksIsInvalidArgument) {
  for (const char* text : {"", "[]", "{}", R"({"keys":{}})", R"({"keys":[]})",
                           R"({"keys":[{"kty":"oct","k":"AA"}]})", "{\"keys\":["}) {
    EXPECT_EQ(ParseJwks(text).status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

}  // namespace
}  // namespace sertel
