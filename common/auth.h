// Who is calling, and may they call this RPC. A person is a bearer JWT (verified by
// JwtVerifier) and holds the roles it names; a service is, with no token, a client certificate
// verified by the internal CA that names it (`spiffe://sertel/<service>`, common/
// service_identity.h). Every service declares a RoleTable naming, for each of its RPCs, the
// roles and the services allowed; Authorizer checks it before any handler code runs, and a
// method missing from the table is denied. A token never grants SERVICE nor a service identity.
//
//   const RoleTable kRoles = {{"SubmitApplication", {Role::kApplicant, Role::kOperator}},
//                             {"OpenCase", ServicesOnly({ServiceId::kIntake})}, ...};
//   Authorizer authz(&authenticator, "sertel.v1.IntakeService", kRoles);
//   absl::StatusOr<Principal> p = authz.Authorize(*context, "SubmitApplication");
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/enum_set.h"
#include "common/service_identity.h"

namespace grpc {
class AuthContext;
class ServerContext;
}  // namespace grpc

namespace sertel {

class JwtVerifier;

// The roles of docs/api.md ("Calling").
enum class Role : uint8_t {
  kApplicant,
  kOperator,
  kHeadOfAgency,
  kHeadOfDivision,
  kHeadOfSection,
  kVerifier,
  kAuditor,
  kService,
};
inline constexpr int kRoleCount = 8;

absl::string_view RoleName(Role role);  // "APPLICANT", "HEAD_OF_AGENCY", ...
std::optional<Role> ParseRole(absl::string_view name);
inline absl::string_view EnumName(Role role) { return RoleName(role); }
constexpr int EnumSize(Role) { return kRoleCount; }

using RoleSet = EnumSet<Role>;

// Officials who review applications (SOP steps 2-4) and the verifier (step 5).
inline constexpr RoleSet kOfficials = {Role::kHeadOfAgency, Role::kHeadOfDivision,
                                       Role::kHeadOfSection};

// Every role a person holds: what any signed-in person may read (certificates, the unit
// registry). SERVICE is not among them: services are named one by one (Access::services).
inline constexpr RoleSet kEveryRole = {
    Role::kApplicant,     Role::kOperator, Role::kHeadOfAgency, Role::kHeadOfDivision,
    Role::kHeadOfSection, Role::kVerifier, Role::kAuditor};

struct Principal {
  std::string sub;  // token subject, or the service's SPIFFE ID
  std::string nik;  // the NIK from the token (an applicant's, or an official's own); else empty
  RoleSet roles;    // a service holds exactly {SERVICE}
  std::optional<ServiceId> service = std::nullopt;  // only for a service's client certificate
  bool via_client_certificate = false;
  bool Has(Role r) const { return roles.Contains(r); }
};

// Who may call one RPC: people holding one of `roles` and the services in `services`.
struct Access {
  RoleSet roles;
  ServiceSet services;
  constexpr Access() = default;
  constexpr Access(RoleSet r) : roles(r) {}  // NOLINT(google-explicit-constructor)
  constexpr Access(std::initializer_list<Role> r) : roles(r) {}
  constexpr Access(RoleSet r, ServiceSet s) : roles(r), services(s) {}
  // "OPERATOR,AUDITOR and the intake service", for PERMISSION_DENIED messages.
  std::string ToString() const;
};
constexpr Access ServicesOnly(ServiceSet services) { return Access(RoleSet{}, services); }

using RoleTable = absl::flat_hash_map<std::string, Access>;

class Authenticator {
 public:
  // `verifier` may be null: then only client certificates authenticate.
  explicit Authenticator(std::shared_ptr<const JwtVerifier> verifier)
      : verifier_(std::move(verifier)) {}
  // UNAUTHENTICATED with a short reason when there is neither a valid token nor a verified
  // client certificate. A present but invalid token is never overridden by a certificate.
  absl::StatusOr<Principal> Authenticate(const grpc::ServerContext& context) const;
  // The same rules from the parts: the `authorization` header when present, and the
  // connection's auth context (TokenGate calls it before the request is read).
  absl::StatusOr<Principal> AuthenticateParts(std::optional<absl::string_view> authorization,
                                              const grpc::AuthContext* auth) const;

 private:
  std::shared_ptr<const JwtVerifier> verifier_;
};

class Authorizer {
 public:
  Authorizer(const Authenticator* authenticator, std::string service_full_name, RoleTable table);
  absl::StatusOr<Principal> Authorize(const grpc::ServerContext& context,
                                      absl::string_view method) const;
  // OK when every RPC of the service has an entry and no entry names the SERVICE role (services
  // are named one by one); checked at start-up and in tests.
  absl::Status CheckCoversService() const;
  const std::string& service_full_name() const { return service_; }

 private:
  const Authenticator* authenticator_;
  std::string service_;
  RoleTable table_;
};

}  // namespace sertel
