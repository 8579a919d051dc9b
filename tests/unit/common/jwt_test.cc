// JwtVerifier and JwtSigner: what a valid token yields, and every way a token must be refused
// (RFC 7519, RFC 7515, RFC 8725 "JWT Best Current Practices").
#include "common/jwt.h"

#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/clock.h"
#include "common/pem.h"
#include "gtest/gtest.h"
#include "tests/harness/test_pki.h"

namespace sertel {
namespace {

using Json = nlohmann::json;

constexpr int64_t kNow = 1700000000;
constexpr char kIssuer[] = "sertel-test";

EvpPkeyPtr NewKey(const char* type, const char* curve_or_null, size_t rsa_bits = 2048) {
  EVP_PKEY* key = curve_or_null != nullptr
                      ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve_or_null)
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, type, rsa_bits);
  return EvpPkeyPtr(key);
}

std::string PrivatePem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

// Signs `header` and `payload` (JSON text, used verbatim) with `key`: RSASSA-PKCS1-v1_5 for RSA,
// ECDSA in R||S form for EC. Written apart from JwtSigner so that each checks the other.
std::string RawSign(EVP_PKEY* key, const std::string& header, const std::string& payload) {
  std::string input = absl::StrCat(Base64UrlEncode(header), ".", Base64UrlEncode(payload));
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  size_t len = 0;
  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                 input.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  sig.resize(len);
  if (EVP_PKEY_is_a(key, "EC")) {
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* ecdsa = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(ecdsa);
    sig = raw;
  }
  return absl::StrCat(input, ".", Base64UrlEncode(sig));
}

Json ValidPayload() {
  return Json{{"iss", kIssuer},        {"sub", "applicant-1"}, {"aud", "sertel"},
              {"exp", kNow + 600},     {"iat", kNow},          {"nik", "3171012345678901"},
              {"roles", {"APPLICANT"}}};
}

const std::string kRs256Header = R"({"alg":"RS256","typ":"JWT"})";
const std::string kEs256Header = R"({"alg":"ES256","typ":"JWT"})";

class JwtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_key_ = NewKey("RSA", nullptr).release();
    ec_key_ = NewKey("EC", "P-256").release();
    other_rsa_key_ = NewKey("RSA", nullptr).release();
  }
  static void TearDownTestSuite() {
    EVP_PKEY_free(rsa_key_);
    EVP_PKEY_free(ec_key_);
    EVP_PKEY_free(other_rsa_key_);
  }

  void SetUp() override {
    auto v = JwtVerifier::FromPems({ToPem(rsa_key_), ToPem(ec_key_)}, {.issuer = kIssuer}, &clock_);
    ASSERT_TRUE(v.ok()) << v.status();
    verifier_ = *std::move(v);
    auto rsa = JwtSigner::FromPem(PrivatePem(rsa_key_));
    ASSERT_TRUE(rsa.ok()) << rsa.status();
    rsa_signer_ = *std::move(rsa);
    auto ec = JwtSigner::FromPem(PrivatePem(ec_key_));
    ASSERT_TRUE(ec.ok()) << ec.status();
    ec_signer_ = *std::move(ec);
  }

  static JwtClaims ValidClaims() {
    JwtClaims c;
    c.iss = kIssuer;
    c.sub = "applicant-1";
    c.nik = "3171012345678901";
    c.aud = {"sertel"};
    c.roles = {"APPLICANT", "AUDITOR"};
    c.iat = kNow;
    c.exp = kNow + 600;
    return c;
  }

  // The verdict on `token`; every refusal must be UNAUTHENTICATED and must not quote the token.
  absl::StatusOr<JwtClaims> Verify(const std::string& token) {
    absl::StatusOr<JwtClaims> r = verifier_->Verify(token);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated) << r.status();
      if (token.size() >= 16) {
        std::vector<std::string> parts = absl::StrSplit(token, '.');
        for (const std::string& part : parts) {
          if (part.size() >= 16) {
            EXPECT_FALSE(absl::StrContains(r.status().message(), part));
          }
        }
      }
    }
    return r;
  }

  static EVP_PKEY* rsa_key_;
  static EVP_PKEY* ec_key_;
  static EVP_PKEY* other_rsa_key_;
  FakeClock clock_{absl::FromUnixSeconds(kNow)};
  std::unique_ptr<JwtVerifier> verifier_;
  std::unique_ptr<JwtSigner> rsa_signer_;
  std::unique_ptr<JwtSigner> ec_signer_;
};

EVP_PKEY* JwtTest::rsa_key_ = nullptr;
EVP_PKEY* JwtTest::ec_key_ = nullptr;
EVP_PKEY* JwtTest::other_rsa_key_ = nullptr;

TEST_F(JwtTest, ValidRs256TokenIsAcceptedWithClaimsParsed) {
  std::string token = rsa_signer_->Sign(ValidClaims());
  ASSERT_FALSE(token.empty());
  absl::StatusOr<JwtClaims> c = Verify(token);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->iss, kIssuer);
  EXPECT_EQ(c->sub, "applicant-1");
  EXPECT_EQ(c->nik, "3171012345678901");
  EXPECT_EQ(c->aud, std::vector<std::string>({"sertel"}));
  EXPECT_EQ(c->roles, std::vector<std::string>({"APPLICANT", "AUDITOR"}));
  EXPECT_EQ(c->exp, kNow + 600);
  EXPECT_EQ(c->iat, kNow);
  EXPECT_EQ(c->nbf, 0);
}

TEST_F(JwtTest, ValidEs256TokenIsAccepted) {
  EXPECT_EQ(ec_signer_->alg(), "ES256");
  std::string token = ec_signer_->Sign(ValidClaims());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(Base64UrlDecode(parts[2])->size(), 64u) << "ES256 signatures are R||S, not DER";
  absl::StatusOr<JwtClaims> c = Verify(token);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->sub, "applicant-1");
  EXPECT_EQ(c->roles.size(), 2u);
}

TEST_F(JwtTest, IndependentlySignedTokensOfBothAlgorithmsAreAccepted) {
  EXPECT_TRUE(Verify(RawSign(rsa_key_, kRs256Header, ValidPayload().dump())).ok());
  EXPECT_TRUE(Verify(RawSign(ec_key_, kEs256Header, ValidPayload().dump())).ok());
  // typ is optional (RFC 7519 §5.1) and case-insensitive.
  EXPECT_TRUE(Verify(RawSign(rsa_key_, R"({"alg":"RS256"})", ValidPayload().dump())).ok());
  EXPECT_TRUE(
      Verify(RawSign(rsa_key_, R"({"alg":"RS256","typ":"jwt"})", ValidPayload().dump())).ok());
}

TEST_F(JwtTest, SignerWritesAudienceAsStringForOneAndArrayForMany) {
  JwtClaims claims = ValidClaims();
  std::vector<std::string> parts = absl::StrSplit(rsa_signer_->Sign(claims), '.');
  Json payload = Json::parse(*Base64UrlDecode(parts[1]));
  EXPECT_TRUE(payload["aud"].is_string());
  Json header = Json::parse(*Base64UrlDecode(parts[0]));
  EXPECT_EQ(header["alg"], "RS256");
  EXPECT_EQ(header["typ"], "JWT");

  claims.aud = {"other", "sertel"};
  std::string token = rsa_signer_->Sign(claims);
  parts = absl::StrSplit(token, '.');
  payload = Json::parse(*Base64UrlDecode(parts[1]));
  EXPECT_TRUE(payload["aud"].is_array());
  absl::StatusOr<JwtClaims> c = Verify(token);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->aud, std::vector<std::string>({"other", "sertel"}));
}

TEST_F(JwtTest, ExpiredTokenIsRejected) {
  JwtClaims claims = ValidClaims();
  claims.exp = kNow - 31;  // beyond the 30 s leeway
  absl::StatusOr<JwtClaims> c = Verify(rsa_signer_->Sign(claims));
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(absl::StrContains(c.status().message(), "expired")) << c.status();
}

TEST_F(JwtTest, TokenExpiresWhenClockPassesExpPlusLeeway) {
  std::string token = rsa_signer_->Sign(ValidClaims());  // exp = now + 600
  clock_.Advance(absl::Seconds(600 + 29));
  EXPECT_TRUE(Verify(token).ok()) << "within leeway";
  clock_.Advance(absl::Seconds(1));
  EXPECT_FALSE(Verify(token).ok()) << "at exp + leeway";
}

TEST_F(JwtTest, MissingOrNonNumericExpIsRejected) {
  Json payload = ValidPayload();
  payload.erase("exp");
  EXPECT_FALSE(Verify(RawSign(rsa_key_, kRs256Header, payload.dump())).ok());
  payload["exp"] = "1700000600";
  EXPECT_FALSE(Verify(RawSign(rsa_key_, kRs256Header, payload.dump())).ok());
  payload["exp"] = kNow + 600.5;  // a NumericDate may be non-integer
  EXPECT_TRUE(Verify(RawSign(rsa_key_, kRs256Header, payload.dump())).ok());
}

TEST_F(JwtTest, NbfInFutureIsRejected) {
  JwtClaims claims = ValidClaims();
  claims.nbf = kNow + 60;
  absl::StatusOr<JwtClaims> c = Verify(rsa_signer_->Sign(claims));
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(absl::StrContains(c.status().message(), "not yet valid")) << c.status();
  claims.nbf = kNow + 20;  // within leeway
  EXPECT_TRUE(Verify(rsa_signer_->Sign(claims)).ok());
}

TEST_F(JwtTest, WrongIssuerIsRejected) {
  JwtClaims claims = ValidClaims();
  claims.iss = "evil-idp";
  EXPECT_FALSE(Verify(rsa_signer_->Sign(claims)).ok());
  claims.iss = "sertel-test ";  // exact comparison
  EXPECT_FALSE(Verify(rsa_signer_->Sign(claims)).ok());
  claims.iss = "";
  EXPECT_FALSE(Verify(rsa_signer_->Sign(claims)).ok());
}

TEST_F(JwtTest, WrongAudienceIsRejected) {
  JwtClaims claims = ValidClaims();
  claims.aud = {"other-app"};
  EXPECT_FALSE(Verify(rsa_signer_->Sign(claims)).ok());
  claims.aud = {};
  EXPECT_FALSE(Verify(rsa_signer_->Sign(claims)).ok()) << "aud is required";
}

TEST_F(JwtTest, AudienceArrayMustContainOurs) {
  Json payload = ValidPayload();
  payload["aud"] = {"a", "sertel", "b"};
  EXPECT_TRUE(Verify(RawSign(rsa_key_, kRs256Header, payload.dump())).ok());
  payload["aud"] = {"a", "b"};
  EXPECT_FALSE(Verify(RawSign(rsa_key_, kRs256Header, payload.dump())).ok());
  payload["aud"] = {"sertel", 7};
  EXPECT_FALSE(Verify(RawSign(rsa_key_, kRs256Header, payload.dump())).ok());
  payload["aud"] = Json::object({{"sertel", true}});
  EXPECT_FALSE(Verify(RawSign(rsa_key_, kRs256Header, payload.dump())).ok());
}

TEST_F(JwtTest, TamperedPayloadIsRejected) {
  std::vector<std::string> parts = absl::StrSplit(rsa_signer_->Sign(ValidClaims()), '.');
  JwtClaims elevated = ValidClaims();
  elevated.roles = {"HEAD_OF_AGENCY"};
  std::vector<std::string> other = absl::StrSplit(rsa_signer_->Sign(elevated), '.');
  EXPECT_FALSE(Verify(absl::StrCat(parts[0], ".", other[1], ".", parts[2])).ok());

  std::vector<std::string> ec = absl::StrSplit(ec_signer_->Sign(ValidClaims()), '.');
  std::vector<std::string> ec_other = absl::StrSplit(ec_signer_->Sign(elevated), '.');
  EXPECT_FALSE(Verify(absl::StrCat(ec[0], ".", ec_other[1], ".", ec[2])).ok());
}

TEST_F(JwtTest, TamperedSignatureIsRejected) {
  for (const JwtSigner* signer : {rsa_signer_.get(), ec_signer_.get()}) {
    std::string token = signer->Sign(ValidClaims());
    size_t middle = token.rfind('.') + 10;
    token[middle] = token[middle] == 'A' ? 'B' : 'A';
    absl::StatusOr<JwtClaims> c = Verify(token);
    EXPECT_FALSE(c.ok()) << signer->alg();
  }
}

TEST_F(JwtTest, AlgNoneIsRejected) {
  const std::string payload = Base64UrlEncode(ValidPayload().dump());
  for (const char* header :
       {R"({"alg":"none","typ":"JWT"})", R"({"alg":"None"})", R"({"alg":"NONE"})"}) {
    std::string h = Base64UrlEncode(header);
    EXPECT_FALSE(Verify(absl::StrCat(h, ".", payload, ".")).ok()) << header;
    EXPECT_FALSE(Verify(absl::StrCat(h, ".", payload, ".c2ln")).ok()) << header;
  }
}

TEST_F(JwtTest, Hs256SignedWithPublicKeyPemIsRejected) {
  // The classic key-confusion attack: HMAC keyed with the (public) RSA key PEM.
  const std::string secret = ToPem(rsa_key_);
  const std::string input = absl::StrCat(Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})"), ".",
                                         Base64UrlEncode(ValidPayload().dump()));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  ASSERT_NE(HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
                 reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_len),
            nullptr);
  std::string token = absl::StrCat(
      input, ".", Base64UrlEncode(absl::string_view(reinterpret_cast<char*>(mac), mac_len)));
  absl::StatusOr<JwtClaims> c = Verify(token);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(absl::StrContains(c.status().message(), "alg")) << c.status();
}

// Attack: a validly signed token whose claims (or header) name a member twice, e.g. a second
// "roles" that a parser keeping the last member would read as the token's roles.
TEST_F(JwtTest, DuplicateMemberNamesAreRejectedEvenWhenSigned) {
  const std::string payload = ValidPayload().dump();
  const std::string twice_roles =
      payload.substr(0, payload.size() - 1) + R"(,"roles":["HEAD_OF_AGENCY"]})";
  absl::StatusOr<JwtClaims> c = Verify(RawSign(rsa_key_, kRs256Header, twice_roles));
  EXPECT_FALSE(c.ok());
  EXPECT_FALSE(Verify(RawSign(ec_key_, kEs256Header, twice_roles)).ok());
  const std::string twice_sub = payload.substr(0, payload.size() - 1) + R"(,"sub":"other"})";
  EXPECT_FALSE(Verify(RawSign(rsa_key_, kRs256Header, twice_sub)).ok());
  EXPECT_FALSE(Verify(RawSign(rsa_key_, R"({"alg":"RS256","alg":"RS256"})", payload)).ok());
  // A nested object may reuse a name of its parent; only a repeat in one object is refused.
  Json nested = ValidPayload();
  nested["address"] = Json{{"sub", "x"}, {"aud", "y"}};
  EXPECT_TRUE(Verify(RawSign(rsa_key_, kRs256Header, nested.dump())).ok());
  // The same claims once each: accepted (the refusal above is the duplicate, nothing else).
  EXPECT_TRUE(Verify(RawSign(rsa_key_, kRs256Header, payload)).ok());
}

TEST_F(JwtTest, UnknownAlgorithmsAreRejected) {
  for (const char* alg : {"RS384", "RS512", "PS256", "ES384", "EdDSA", "rs256", ""}) {
    std::string header = Json{{"alg", alg}}.dump();
    EXPECT_FALSE(Verify(RawSign(rsa_key_, header, ValidPayload().dump())).ok()) << alg;
  }
  EXPECT_FALSE(Verify(RawSign(rsa_key_, R"({"typ":"JWT"})", ValidPayload().dump())).ok());
  EXPECT_FALSE(Verify(RawSign(rsa_key_, R"({"alg":256})", ValidPayload().dump())).ok());
}

TEST_F(JwtTest, Rs256HeaderOnEcSignatureIsRejected) {
  // An EC signature labelled RS256 is checked against RSA keys only.
  EXPECT_FALSE(Verify(RawSign(ec_key_, kRs256Header, ValidPayload().dump())).ok());
  // And an RSA signature labelled ES256 against EC keys only.
  EXPECT_FALSE(Verify(RawSign(rsa_key_, kEs256Header, ValidPayload().dump())).ok());

  // A verifier that holds only the EC key accepts no RS256 token at all.
  auto ec_only = JwtVerifier::FromPems({ToPem(ec_key_)}, {.issuer = kIssuer}, &clock_);
  ASSERT_TRUE(ec_only.ok()) << ec_only.status();
  EXPECT_TRUE((*ec_only)->Verify(ec_signer_->Sign(ValidClaims())).ok());
  absl::StatusOr<JwtClaims> c = (*ec_only)->Verify(rsa_signer_->Sign(ValidClaims()));
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnauthenticated);
  c = (*ec_only)->Verify(RawSign(ec_key_, kRs256Header, ValidPayload().dump()));
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(JwtTest, TypMayBeJwtOrTheAccessTokenTypeAndNothingElse) {
  // RFC 9068 §2.1: identity providers mark access tokens "at+jwt" (oidc-provider does).
  for (const char* typ : {"at+jwt", "application/at+jwt", "AT+JWT", "application/JWT"}) {
    EXPECT_TRUE(Verify(RawSign(rsa_key_, absl::StrCat(R"({"alg":"RS256","typ":")", typ, R"("})"),
                               ValidPayload().dump()))
                    .ok())
        << typ;
  }
  for (const char* header : {R"({"alg":"RS256","typ":1})", R"({"alg":"RS256","typ":"JOSE"})",
                             R"({"alg":"RS256","typ":"application/"})"}) {
    EXPECT_EQ(Verify(RawSign(rsa_key_, header, ValidPayload().dump())).status().code(),
              absl::StatusCode::kUnauthenticated)
        << header;
  }
}

TEST_F(JwtTest, CritHeaderIsRejected) {
  EXPECT_FALSE(
      Verify(RawSign(rsa_key_, R"({"alg":"RS256","crit":["exp"],"exp":1})", ValidPayload().dump()))
          .ok());
}

TEST_F(JwtTest, WrongSegmentCountIsRejected) {
  std::string token = rsa_signer_->Sign(ValidClaims());
  std::string two = token.substr(0, token.rfind('.'));
  EXPECT_FALSE(Verify(two).ok());
  EXPECT_FALSE(Verify(token + ".").ok());
  EXPECT_FALSE(Verify(token + ".AAAA").ok());
  EXPECT_FALSE(Verify("").ok());
  EXPECT_FALSE(Verify("..").ok());
  EXPECT_FALSE(Verify("abc").ok());
}

TEST_F(JwtTest, BadBase64UrlCharactersAreRejected) {
  std::string token = rsa_signer_->Sign(ValidClaims());
  ASSERT_TRUE(Verify(token).ok());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  for (const char* bad : {"+", "/", "=", " ", "\n", "%"}) {
    for (size_t i = 0; i < 3; ++i) {
      std::vector<std::string> p = parts;
      p[i].insert(p[i].size() / 2, bad);
      EXPECT_FALSE(Verify(absl::StrJoin(p, ".")).ok()) << "segment " << i << " with '" << bad;
    }
  }
  // Padding is not allowed either (RFC 7515 §2).
  std::vector<std::string> p = parts;
  p[2] += "==";
  EXPECT_FALSE(Verify(absl::StrJoin(p, ".")).ok());
}

TEST_F(JwtTest, HeaderAndPayloadMustBeJsonObjects) {
  EXPECT_FALSE(Verify(RawSign(rsa_key_, "[\"RS256\"]", ValidPayload().dump())).ok());
  EXPECT_FALSE(Verify(RawSign(rsa_key_, "{\"alg\":\"RS256\"", ValidPayload().dump())).ok());
  EXPECT_FALSE(Verify(RawSign(rsa_key_, kRs256Header, "[1,2,3]")).ok());
  EXPECT_FALSE(Verify(RawSign(rsa_key_, kRs256Header, "\"sub\"")).ok());
  EXPECT_FALSE(Verify(RawSign(rsa_key_, kRs256Header, "{\"sub\":")).ok());
  EXPECT_FALSE(Verify(RawSign(rsa_key_, kRs256Header, "")).ok());
}

TEST_F(JwtTest, OversizedTokenIsRejectedBeforeAnythingElse) {
  JwtClaims claims = ValidClaims();
  claims.roles.assign(1000, "APPLICANT");
  std::string token = rsa_signer_->Sign(claims);
  ASSERT_GT(token.size(), 8192u);
  absl::StatusOr<JwtClaims> c = Verify(token);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(absl::StrContains(c.status().message(), "too large")) << c.status();

  auto roomy = JwtVerifier::FromPems({ToPem(rsa_key_)},
                                     {.issuer = kIssuer, .max_token_bytes = 64 << 10}, &clock_);
  ASSERT_TRUE(roomy.ok());
  EXPECT_TRUE((*roomy)->Verify(token).ok()) << "the same token is valid under a larger cap";
}

TEST_F(JwtTest, TokenSignedByDifferentKeyIsRejected) {
  auto other = JwtSigner::FromPem(PrivatePem(other_rsa_key_));
  ASSERT_TRUE(other.ok());
  absl::StatusOr<JwtClaims> c = Verify((*other)->Sign(ValidClaims()));
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(absl::StrContains(c.status().message(), "signature")) << c.status();
}

TEST_F(JwtTest, MissingOrEmptySubIsRejected) {
  JwtClaims claims = ValidClaims();
  claims.sub = "";
  EXPECT_FALSE(Verify(rsa_signer_->Sign(claims)).ok());
  Json payload = ValidPayload();
  payload["sub"] = 42;
  EXPECT_FALSE(Verify(RawSign(rsa_key_, kRs256Header, payload.dump())).ok());
}

TEST_F(JwtTest, RolesThatAreNotAnArrayOfStringsAreNoRolesNotAnError) {
  // Unknown or malformed roles are ignored, never an authentication failure: the caller then
  // holds no role and is PERMISSION_DENIED by the role table.
  Json payload = ValidPayload();
  payload["roles"] = "HEAD_OF_AGENCY";
  absl::StatusOr<JwtClaims> c = Verify(RawSign(rsa_key_, kRs256Header, payload.dump()));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->roles.empty());
  payload["roles"] = {"APPLICANT", 1, nullptr};
  c = Verify(RawSign(rsa_key_, kRs256Header, payload.dump()));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->roles, std::vector<std::string>{"APPLICANT"});
  payload["roles"] = Json::object({{"HEAD_OF_AGENCY", true}});
  c = Verify(RawSign(rsa_key_, kRs256Header, payload.dump()));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->roles.empty());

  payload.erase("roles");
  c = Verify(RawSign(rsa_key_, kRs256Header, payload.dump()));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->roles.empty()) << "missing roles mean none";
}

TEST_F(JwtTest, NikIsOptionalButMustBeAString) {
  Json payload = ValidPayload();
  payload.erase("nik");
  absl::StatusOr<JwtClaims> c = Verify(RawSign(rsa_key_, kRs256Header, payload.dump()));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->nik, "");
  payload["nik"] = 3171012345678901;
  EXPECT_FALSE(Verify(RawSign(rsa_key_, kRs256Header, payload.dump())).ok());
}

TEST_F(JwtTest, Es256SignatureOfWrongLengthIsRejected) {
  std::string token = ec_signer_->Sign(ValidClaims());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string sig = *Base64UrlDecode(parts[2]);
  parts[2] = Base64UrlEncode(sig + '\0');
  EXPECT_FALSE(Verify(absl::StrJoin(parts, ".")).ok());
  parts[2] = Base64UrlEncode(sig.substr(0, 63));
  EXPECT_FALSE(Verify(absl::StrJoin(parts, ".")).ok());
  parts[2] = Base64UrlEncode(std::string(64, '\0'));  // r = s = 0
  EXPECT_FALSE(Verify(absl::StrJoin(parts, ".")).ok());
}

TEST_F(JwtTest, FailuresLeaveNoOpenSslErrorsBehind) {
  std::string token = RawSign(other_rsa_key_, kRs256Header, ValidPayload().dump());
  EXPECT_FALSE(Verify(token).ok());
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(JwtVerifierConfigTest, RefusesBadConfiguration) {
  EvpPkeyPtr rsa = NewKey("RSA", nullptr);
  const std::string pem = ToPem(rsa.get());
  EXPECT_EQ(JwtVerifier::FromPems({}, {.issuer = kIssuer}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(JwtVerifier::FromPems({pem}, {.issuer = ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(JwtVerifier::FromPems({pem}, {.issuer = kIssuer, .audience = ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(JwtVerifier::FromPems({"not a key"}, {.issuer = kIssuer}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EvpPkeyPtr small = NewKey("RSA", nullptr, 1024);
  EXPECT_EQ(JwtVerifier::FromPems({ToPem(small.get())}, {.issuer = kIssuer}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EvpPkeyPtr p384 = NewKey("EC", "P-384");
  EXPECT_EQ(JwtVerifier::FromPems({ToPem(p384.get())}, {.issuer = kIssuer}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EvpPkeyPtr ed = EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  EXPECT_EQ(JwtVerifier::FromPems({ToPem(ed.get())}, {.issuer = kIssuer}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(JwtSigner::FromPem(PrivatePem(p384.get())).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(JwtSigner::FromPem(ToPem(rsa.get())).status().code(),
            absl::StatusCode::kInvalidArgument)
      << "a public key cannot sign";
}

TEST(JwtTestPkiTest, MintedTokensVerifyAgainstThePkiKeysAndFiles) {
  testing::TestPki pki;
  auto verifier = JwtVerifier::FromPemFiles({pki.jwt_public_key_path()}, {.issuer = kIssuer});
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  absl::StatusOr<JwtClaims> c =
      (*verifier)->Verify(pki.MintToken({"APPLICANT"}, "u1", "3171012345678901"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->sub, "u1");
  EXPECT_EQ(c->nik, "3171012345678901");
  EXPECT_EQ(c->roles, std::vector<std::string>({"APPLICANT"}));
  EXPECT_FALSE((*verifier)->Verify(pki.MintToken({"AUDITOR"}, "a", "", absl::Minutes(-5))).ok());
  EXPECT_FALSE(
      (*verifier)->Verify(pki.MintToken({"AUDITOR"}, "a", "", absl::Minutes(5), "evil")).ok());
  EXPECT_FALSE((*verifier)->Verify(pki.MintEcToken({"AUDITOR"}, "a")).ok())
      << "the EC key is not configured";

  auto both = JwtVerifier::FromPems({pki.jwt_public_key_pem(), pki.jwt_ec_public_key_pem()},
                                    {.issuer = kIssuer});
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_TRUE((*both)->Verify(pki.MintEcToken({"AUDITOR"}, "a")).ok());
  JwtClaims minimal;
  minimal.iss = kIssuer;
  minimal.sub = "s";
  minimal.aud = {"sertel"};
  minimal.exp = absl::ToUnixSeconds(absl::Now()) + 60;
  EXPECT_TRUE((*both)->Verify(pki.rsa_signer().Sign(minimal)).ok());

  testing::TestPki other;
  EXPECT_FALSE((*both)->Verify(other.MintToken({"AUDITOR"}, "a")).ok());
}

TEST(JwtTestPkiTest, MissingKeyFileIsNotFoundAndNamed) {
  auto v = JwtVerifier::FromPemFiles({"/nonexistent/jwt.pem"}, {.issuer = kIssuer});
  EXPECT_EQ(v.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(v.status().message(), "/nonexistent/jwt.pem")) << v.status();
  auto s = JwtSigner::FromPemFile("/nonexistent/key.pem");
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace sertel
