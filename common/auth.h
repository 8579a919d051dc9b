// Who is calling, and may they call this RPC. A bearer JWT (verified by JwtVerifier) or, with
// no token, a client certificate verified by the internal CA (-> SERVICE). Every service
// declares a RoleTable naming the roles allowed for each of its RPCs; Authorizer checks it
// before any handler code runs, and a method missing from the table is denied.
//
//   const RoleTable kRoles = {{"SubmitApplication", {Role::kApplicant, Role::kOperator}}, ...};
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

namespace grpc {
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

class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= Bit(r);
  }
  constexpr bool Contains(Role r) const { return (bits_ & Bit(r)) != 0; }
  constexpr bool Intersects(RoleSet other) const { return (bits_ & other.bits_) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  void Add(Role r) { bits_ |= Bit(r); }
  std::string ToString() const;  // "APPLICANT,OPERATOR"

 private:
  static constexpr uint16_t Bit(Role r) { return static_cast<uint16_t>(1u << static_cast<int>(r)); }
  uint16_t bits_ = 0;
};

// Officials who review applications (SOP steps 2-4) and the verifier (step 5).
inline constexpr RoleSet kOfficials = {Role::kHeadOfAgency, Role::kHeadOfDivision,
                                       Role::kHeadOfSection};

// Every role: what any signed-in caller may read (certificates, the unit registry).
inline constexpr RoleSet kEveryRole = {
    Role::kApplicant,     Role::kOperator, Role::kHeadOfAgency, Role::kHeadOfDivision,
    Role::kHeadOfSection, Role::kVerifier, Role::kAuditor,      Role::kService};

struct Principal {
  std::string sub;  // token subject, or the client certificate's subject for SERVICE
  std::string nik;  // an applicant's NIK from the token; empty otherwise
  RoleSet roles;
  bool via_client_certificate = false;
  bool Has(Role r) const { return roles.Contains(r); }
};

using RoleTable = absl::flat_hash_map<std::string, RoleSet>;

class Authenticator {
 public:
  // `verifier` may be null: then only client certificates authenticate.
  explicit Authenticator(std::shared_ptr<const JwtVerifier> verifier)
      : verifier_(std::move(verifier)) {}
  // UNAUTHENTICATED with a short reason when there is neither a valid token nor a verified
  // client certificate. A present but invalid token is never overridden by a certificate.
  absl::StatusOr<Principal> Authenticate(const grpc::ServerContext& context) const;

 private:
  std::shared_ptr<const JwtVerifier> verifier_;
};

class Authorizer {
 public:
  Authorizer(const Authenticator* authenticator, std::string service_full_name, RoleTable table);
  absl::StatusOr<Principal> Authorize(const grpc::ServerContext& context,
                                      absl::string_view method) const;
  // OK when every RPC of the service has an entry (checked at start-up and in tests).
  absl::Status CheckCoversService() const;
  const std::string& service_full_name() const { return service_; }

 private:
  const Authenticator* authenticator_;
  std::string service_;
  RoleTable table_;
};

}  // namespace sertel
