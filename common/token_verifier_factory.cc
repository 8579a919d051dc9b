#include "common/token_verifier_factory.h"

#include <utility>

#include "common/log.h"
#include "common/oidc_key_source.h"

namespace sertel {

absl::StatusOr<std::shared_ptr<const JwtVerifier>> MakeJwtVerifier(const ServerConfig& server) {
  const JwtVerifier::Options options{.issuer = server.jwt_issuer,
                                     .audience = server.jwt_audience,
                                     .claims = {.roles_claim = server.jwt_roles_claim,
                                                .nik_claim = server.jwt_nik_claim,
                                                .role_prefix = server.jwt_role_prefix}};
  if (!server.oidc_issuer.empty()) {
    absl::StatusOr<std::shared_ptr<OidcKeySource>> source =
        OidcKeySource::Create({.issuer = server.oidc_issuer,
                               .ca_file = server.oidc_ca_file,
                               .refresh_interval = server.oidc_refresh_interval});
    if (!source.ok()) return source.status();
    if (absl::Status s = (*source)->Refresh(); !s.ok()) {
      Log::Error("oidc_keys_unavailable_at_start",
                 {{"issuer", server.oidc_issuer},
                  {"error", std::string(s.message())},
                  {"message", "people's tokens are refused until the provider's keys load"}});
    }
    (*source)->StartBackgroundRefresh();
    absl::StatusOr<std::unique_ptr<JwtVerifier>> v =
        JwtVerifier::Create(*std::move(source), options);
    if (!v.ok()) return v.status();
    return std::shared_ptr<const JwtVerifier>(*std::move(v));
  }
  if (!server.jwt_public_key_files.empty()) {
    absl::StatusOr<std::unique_ptr<JwtVerifier>> v =
        JwtVerifier::FromPemFiles(server.jwt_public_key_files, options);
    if (!v.ok()) return v.status();
    return std::shared_ptr<const JwtVerifier>(*std::move(v));
  }
  Log::Warn("no_jwt_keys", {{"message",
                             "neither SERTEL_OIDC_ISSUER nor SERTEL_JWT_PUBLIC_KEYS is set: only "
                             "client certificates (services) can call this server"}});
  return std::shared_ptr<const JwtVerifier>();
}

}  // namespace sertel
