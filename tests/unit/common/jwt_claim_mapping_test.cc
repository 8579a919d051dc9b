// Where an identity provider puts roles and the NIK (SERTEL_JWT_ROLES_CLAIM, _NIK_CLAIM,
// _ROLE_PREFIX): Keycloak's realm_access.roles and resource_access.<client>.roles, prefixed
// role names, unknown roles ignored, and an ID token refused as a bearer credential.
#include <nlohmann/json.hpp>

#include "absl/time/clock.h"
#include "common/jwt.h"
#include "gtest/gtest.h"
#include "tests/harness/test_jwk.h"

namespace sertel {
namespace {

using Json = nlohmann::json;
using testing::TestJwk;

constexpr char kIssuer[] = "https://sso.kota.example/realms/sertel";

class JwtClaimMappingTest : public ::testing::Test {
 protected:
  absl::StatusOr<JwtClaims> Verify(const JwtClaimMapping& mapping, const Json& payload) {
    JwtKeySet keys;
    keys.push_back(JwtKey{JwtKey::Kind::kRsa, "k1", EvpPkeyPtr(key_.key.get())});
    EVP_PKEY_up_ref(key_.key.get());
    auto v = JwtVerifier::Create(std::make_shared<StaticJwtKeys>(std::move(keys)),
                                 {.issuer = kIssuer, .claims = mapping});
    EXPECT_TRUE(v.ok()) << v.status();
    return (*v)->Verify(key_.signer->SignPayload(payload.dump()));
  }
  // A Keycloak access token: realm roles, client roles, an audience array, the NIK attribute.
  static Json KeycloakPayload() {
    return {{"iss", kIssuer},
            {"sub", "9f0c7a52-1b6e-4c55-9d1e-4e7c5b2f8a10"},
            {"aud", {"sertel", "account"}},
            {"azp", "sertel"},
            {"typ", "Bearer"},
            {"exp", absl::ToUnixSeconds(absl::Now()) + 300},
            {"realm_access",
             {{"roles",
               {"default-roles-sertel", "offline_access", "sertel-verifier",
                "sertel-head-of-agency", "SERTEL-AUDITOR"}}}},
            {"resource_access",
             {{"sertel", {{"roles", {"operator"}}}}, {"account", {{"roles", {"manage-account"}}}}}},
            {"nik", "3171012345678901"},
            {"attributes", {{"nik", "3171019876543210"}}}};
  }

  TestJwk key_ = TestJwk::Rsa("k1");
};

TEST_F(JwtClaimMappingTest, RealmRolesWithAPrefixMapToSertelRoles) {
  absl::StatusOr<JwtClaims> c =
      Verify({.roles_claim = "realm_access.roles", .role_prefix = "sertel-"}, KeycloakPayload());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->roles, (std::vector<std::string>{"VERIFIER", "HEAD_OF_AGENCY", "AUDITOR"}))
      << "unprefixed roles (offline_access, default-roles-sertel) are not ours";
  EXPECT_EQ(c->nik, "3171012345678901");
  EXPECT_EQ(c->aud, (std::vector<std::string>{"sertel", "account"}));
}

TEST_F(JwtClaimMappingTest, ClientRolesAndANestedNikClaim) {
  absl::StatusOr<JwtClaims> c =
      Verify({.roles_claim = "resource_access.sertel.roles", .nik_claim = "attributes.nik"},
             KeycloakPayload());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->roles, std::vector<std::string>{"OPERATOR"});
  EXPECT_EQ(c->nik, "3171019876543210");
}

TEST_F(JwtClaimMappingTest, RolesInAnUnmappedClaimAreNoRoles) {
  // The default mapping reads a top-level "roles": a Keycloak token has none, so its bearer
  // holds no sertel role (PERMISSION_DENIED at the role table), and is not UNAUTHENTICATED.
  absl::StatusOr<JwtClaims> c = Verify({}, KeycloakPayload());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->roles.empty());
  c = Verify({.roles_claim = "realm_access.missing.roles"}, KeycloakPayload());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->roles.empty());
  c = Verify({.roles_claim = "azp"}, KeycloakPayload());  // a string, not an array
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->roles.empty());
}

TEST_F(JwtClaimMappingTest, ANumericNikIsRefused) {
  // A 16-digit NIK does not survive a JSON number (2^53 < 10^16): the mapper must send a string.
  Json payload = KeycloakPayload();
  payload["nik"] = 3171012345678901;
  EXPECT_EQ(Verify({}, payload).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(JwtClaimMappingTest, AnIdTokenIsNotABearerCredential) {
  Json payload = KeycloakPayload();
  payload["typ"] = "ID";
  EXPECT_EQ(Verify({}, payload).status().code(), absl::StatusCode::kUnauthenticated);
  payload["typ"] = "Refresh";
  EXPECT_EQ(Verify({}, payload).status().code(), absl::StatusCode::kUnauthenticated);
  payload["typ"] = "bearer";
  EXPECT_TRUE(Verify({}, payload).ok());
  payload.erase("typ");
  EXPECT_TRUE(Verify({}, payload).ok());
}

TEST(JwtClaimMappingRulesTest, MapRole) {
  const JwtClaimMapping m{.role_prefix = "sertel-"};
  EXPECT_EQ(m.MapRole("sertel-verifier"), "VERIFIER");
  EXPECT_EQ(m.MapRole("Sertel-Head-Of-Section"), "HEAD_OF_SECTION");
  EXPECT_EQ(m.MapRole("sertel-head_of_division"), "HEAD_OF_DIVISION");
  EXPECT_EQ(m.MapRole("verifier"), std::nullopt);
  EXPECT_EQ(m.MapRole("other-sertel-verifier"), std::nullopt);
  const JwtClaimMapping none{};
  EXPECT_EQ(none.MapRole("APPLICANT"), "APPLICANT");
  EXPECT_EQ(none.MapRole("head-of-agency"), "HEAD_OF_AGENCY");
}

TEST(JwtClaimMappingRulesTest, PathsMustBeDottedNames) {
  EXPECT_TRUE((JwtClaimMapping{.roles_claim = "resource_access.sertel.roles"}).Check().ok());
  for (const char* bad : {"", ".roles", "realm_access.", "realm_access..roles"}) {
    EXPECT_EQ((JwtClaimMapping{.roles_claim = bad}).Check().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_EQ((JwtClaimMapping{.nik_claim = bad}).Check().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(JwtVerifier::Create(std::make_shared<StaticJwtKeys>(JwtKeySet{}),
                                {.issuer = kIssuer, .claims = {.roles_claim = "a..b"}})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sertel
