// Keys as an OpenID provider publishes them, for tests of the JWKS path: a fresh signing key,
// its public JWK (RFC 7517) with a kid, and a JwtSigner that writes that kid into its tokens.
//
//   TestJwk key = TestJwk::Rsa("k1");
//   std::string jwks = JwksJson({key.public_jwk});
//   std::string token = key.signer->Sign(claims);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/jwt.h"
#include "common/pem.h"

namespace sertel::testing {

struct TestJwk {
  std::string kid;
  EvpPkeyPtr key;                     // the private key
  std::string public_jwk;             // {"kty":...,"kid":...,"use":"sig","alg":...}
  std::unique_ptr<JwtSigner> signer;  // signs with kid in the header

  static TestJwk Rsa(std::string kid);
  static TestJwk Ec(std::string kid);
};

// {"keys":[...]} of the given JWK texts.
std::string JwksJson(const std::vector<std::string>& jwks);

}  // namespace sertel::testing
