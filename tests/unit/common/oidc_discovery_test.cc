// ParseDiscovery and the URL rules for an identity provider (OpenID Connect Discovery 1.0 §4.3:
// the issuer must match exactly; keys and tokens only over https, or http on loopback).
#include "common/oidc_discovery.h"

#include "gtest/gtest.h"

namespace sertel {
namespace {

TEST(OidcDiscoveryTest, ReadsTheEndpointsOfAKeycloakDocument) {
  const char* doc = R"({
    "issuer": "https://sso.kota.example/realms/sertel",
    "authorization_endpoint": "https://sso.kota.example/realms/sertel/protocol/openid-connect/auth",
    "token_endpoint": "https://sso.kota.example/realms/sertel/protocol/openid-connect/token",
    "jwks_uri": "https://sso.kota.example/realms/sertel/protocol/openid-connect/certs",
    "device_authorization_endpoint": "https://sso.kota.example/realms/sertel/protocol/openid-connect/auth/device",
    "revocation_endpoint": "https://sso.kota.example/realms/sertel/protocol/openid-connect/revoke",
    "grant_types_supported": ["authorization_code", "urn:ietf:params:oauth:grant-type:device_code"]
  })";
  absl::StatusOr<OidcProviderMetadata> m =
      ParseDiscovery(doc, "https://sso.kota.example/realms/sertel");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->jwks_uri, "https://sso.kota.example/realms/sertel/protocol/openid-connect/certs");
  EXPECT_EQ(m->device_authorization_endpoint,
            "https://sso.kota.example/realms/sertel/protocol/openid-connect/auth/device");
  EXPECT_EQ(m->revocation_endpoint,
            "https://sso.kota.example/realms/sertel/protocol/openid-connect/revoke");
}

TEST(OidcDiscoveryTest, RefusesAnotherIssuerAMissingJwksUriAndClearTextEndpoints) {
  const std::string issuer = "https://sso.kota.example/realms/sertel";
  for (const char* doc :
       {R"({"issuer":"https://sso.kota.example/realms/sertel/","jwks_uri":"https://a/certs"})",
        R"({"issuer":"https://sso.kota.example/realms/other","jwks_uri":"https://a/certs"})",
        R"({"jwks_uri":"https://a/certs"})",
        R"({"issuer":"https://sso.kota.example/realms/sertel"})",
        R"({"issuer":"https://sso.kota.example/realms/sertel","jwks_uri":"http://a/certs"})",
        R"({"issuer":"https://sso.kota.example/realms/sertel","jwks_uri":"https://a/c",
               "token_endpoint":"file:///etc/passwd"})",
        "not json", "[]"}) {
    EXPECT_EQ(ParseDiscovery(doc, issuer).status().code(), absl::StatusCode::kInvalidArgument)
        << doc;
  }
}

TEST(OidcDiscoveryTest, DiscoveryUrlAddsTheWellKnownPathOnce) {
  EXPECT_EQ(DiscoveryUrl("https://a.example/realms/sertel"),
            "https://a.example/realms/sertel/.well-known/openid-configuration");
  EXPECT_EQ(DiscoveryUrl("https://a.example/"),
            "https://a.example/.well-known/openid-configuration");
}

TEST(ProviderUrlTest, HttpsAnywhereHttpOnlyOnLoopback) {
  for (const char* ok : {"https://sso.kota.example/realms/sertel", "https://10.0.0.5:8443/x",
                         "http://127.0.0.1:8080/op", "http://localhost/op", "http://[::1]:9/op",
                         "HTTPS://SSO.example"}) {
    EXPECT_TRUE(CheckProviderUrl(ok).ok()) << ok;
  }
  for (const char* bad : {"http://sso.kota.example", "http://127.0.0.1.evil.example/",
                          "http://localhost.evil.example", "ftp://sso", "sso.kota.example",
                          "https://", "https://user:pw@sso.example/", "http://evil@127.0.0.1/",
                          "https://sso.example/a b", "https://sso.example/\n"}) {
    EXPECT_EQ(CheckProviderUrl(bad).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(FormEncodeTest, PercentEncodesAllButUnreserved) {
  EXPECT_EQ(FormEncode({{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                        {"code_verifier", "a-b.c_d~e"},
                        {"scope", "openid offline_access"}}),
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&"
            "code_verifier=a-b.c_d~e&scope=openid%20offline_access");
}

}  // namespace
}  // namespace sertel
