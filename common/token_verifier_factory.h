// The JwtVerifier a service uses for people's bearer tokens, from its configuration
// (docs/identity.md): the OpenID provider's rotating JWKS when SERTEL_OIDC_ISSUER is set, fixed
// PEM keys when SERTEL_JWT_PUBLIC_KEYS is, else none (only services' client certificates).
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "common/config.h"
#include "common/jwt.h"

namespace sertel {

// With OIDC the keys are fetched once here (a failure is logged, not fatal: the service starts,
// service-to-service calls work, and people's calls are UNAUTHENTICATED until the provider
// answers) and then refreshed in the background. nullptr when no people's tokens are accepted.
absl::StatusOr<std::shared_ptr<const JwtVerifier>> MakeJwtVerifier(const ServerConfig& server);

}  // namespace sertel
