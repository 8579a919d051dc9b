#include "common/auth.h"

#include <google/protobuf/descriptor.h>
#include <grpc/grpc_security_constants.h>
#include <grpcpp/server_context.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/jwt.h"
#include "common/log.h"

namespace sertel {
namespace {

constexpr absl::string_view kRoleNames[kRoleCount] = {
    "APPLICANT",       "OPERATOR", "HEAD_OF_AGENCY", "HEAD_OF_DIVISION",
    "HEAD_OF_SECTION", "VERIFIER", "AUDITOR",        "SERVICE"};

}  // namespace

absl::string_view RoleName(Role role) { return kRoleNames[static_cast<int>(role)]; }

std::optional<Role> ParseRole(absl::string_view name) {
  for (int i = 0; i < kRoleCount; ++i) {
    if (kRoleNames[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

std::string Access::ToString() const {
  std::string out = roles.ToString();
  if (!services.empty()) {
    absl::StrAppend(&out, out.empty() ? "" : " and ", "the ",
                    absl::StrReplaceAll(services.ToString(), {{",", ", "}}), " service");
  }
  return out.empty() ? "nobody" : out;
}

absl::StatusOr<Principal> Authenticator::Authenticate(const grpc::ServerContext& context) const {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  std::optional<absl::string_view> authorization;
  if (it != metadata.end()) authorization = absl::string_view(it->second.data(), it->second.size());
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  return AuthenticateParts(authorization, auth.get());
}

absl::StatusOr<Principal> Authenticator::AuthenticateParts(
    std::optional<absl::string_view> authorization, const grpc::AuthContext* auth) const {
  if (authorization.has_value()) {
    absl::string_view value = *authorization;
    constexpr absl::string_view kBearer = "Bearer ";
    if (value.size() <= kBearer.size() || !absl::StartsWithIgnoreCase(value, kBearer)) {
      return absl::UnauthenticatedError("the authorization header must be \"Bearer <token>\"");
    }
    if (verifier_ == nullptr) {
      return absl::UnauthenticatedError("this server accepts no bearer tokens");
    }
    absl::StatusOr<JwtClaims> claims = verifier_->Verify(value.substr(kBearer.size()));
    if (!claims.ok()) return claims.status();
    Principal p;
    p.sub = claims->sub;
    p.nik = claims->nik;
    for (const std::string& r : claims->roles) {
      std::optional<Role> role = ParseRole(r);
      // A token names a person; only a service's certificate makes a caller a service.
      if (role.has_value() && *role != Role::kService) p.roles.Add(*role);
    }
    return p;
  }
  // No token: a client certificate that the TLS layer verified against the internal CA, and
  // that names one of our services (gRPC sets peer_spiffe_id only for exactly one valid
  // SPIFFE URI SAN).
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    std::vector<grpc::string_ref> spiffe =
        auth->FindPropertyValues(GRPC_PEER_SPIFFE_ID_PROPERTY_NAME);
    std::optional<ServiceId> service;
    if (spiffe.size() == 1) {
      service = ParseSpiffeId(absl::string_view(spiffe.front().data(), spiffe.front().size()));
    }
    if (!service.has_value()) {
      return absl::UnauthenticatedError(
          "the client certificate names no sertel service (URI SAN spiffe://sertel/<service>); "
          "people sign in with a bearer token");
    }
    Principal p;
    p.sub = SpiffeId(*service);
    p.roles.Add(Role::kService);
    p.service = service;
    p.via_client_certificate = true;
    return p;
  }
  return absl::UnauthenticatedError("missing bearer token");
}

Authorizer::Authorizer(const Authenticator* authenticator, std::string service_full_name,
                       RoleTable table)
    : authenticator_(authenticator),
      service_(std::move(service_full_name)),
      table_(std::move(table)) {}

absl::StatusOr<Principal> Authorizer::Authorize(const grpc::ServerContext& context,
                                                absl::string_view method) const {
  absl::StatusOr<Principal> p = authenticator_->Authenticate(context);
  if (!p.ok()) return p.status();
  auto it = table_.find(method);
  if (it == table_.end()) {
    Log::Error("rpc_missing_from_role_table", {{"method", std::string(method)}});
    return absl::PermissionDeniedError("no role may call this method");
  }
  const Access& access = it->second;
  const bool allowed = p->service.has_value() ? access.services.Contains(*p->service)
                                              : p->roles.Intersects(access.roles);
  if (!allowed) {
    return absl::PermissionDeniedError(
        absl::StrCat(method, " may be called by ", access.ToString(), " only"));
  }
  return p;
}

absl::Status Authorizer::CheckCoversService() const {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_);
  if (service == nullptr) return absl::NotFoundError(absl::StrCat("no service ", service_));
  std::vector<std::string> missing;
  for (int i = 0; i < service->method_count(); ++i) {
    if (!table_.contains(service->method(i)->name())) missing.push_back(service->method(i)->name());
  }
  for (const auto& [method, access] : table_) {
    if (access.roles.Contains(Role::kService)) {
      return absl::FailedPreconditionError(absl::StrCat(
          service_, ".", method, " names the SERVICE role: name the services that may call it"));
    }
  }
  if (!missing.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(service_, " role table lacks ", absl::StrJoin(missing, ", ")));
  }
  return absl::OkStatus();
}

}  // namespace sertel
