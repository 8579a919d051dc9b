#include "intake_roles.h"

namespace sertel::intake {
namespace {

constexpr RoleSet kApplicantOnly = {Role::kApplicant};

}  // namespace

RoleSet RoleUnion(RoleSet a, RoleSet b) { return a.Union(b); }

const RoleTable& IntakeRoles() {
  static const RoleTable kTable = {
      {"SubmitApplication", RoleUnion(kApplicantOnly, kSubmitAny)},
      {"GetApplication", RoleUnion(kApplicantOnly, kReadAny)},
      {"ListApplications", RoleUnion(kApplicantOnly, kListAny)},
      {"GetDocument", RoleUnion(kApplicantOnly, kDocumentsAny)},
      {"ResubmitDocuments", RoleUnion(kApplicantOnly, kChangeAny)},
      {"WithdrawApplication", RoleUnion(kApplicantOnly, kChangeAny)},
      {"ListUnits", kEveryRole},
      {"RecordProgress", ServicesOnly(kProgressReporters)},
  };
  return kTable;
}

bool OnlyAsApplicant(const Principal& caller, RoleSet privileged) {
  return caller.Has(Role::kApplicant) && !caller.roles.Intersects(privileged);
}

std::string ActingRole(const Principal& caller, RoleSet privileged) {
  if (OnlyAsApplicant(caller, privileged)) return "APPLICANT";
  for (int i = 0; i < kRoleCount; ++i) {
    Role r = static_cast<Role>(i);
    if (caller.Has(r) && privileged.Contains(r)) return std::string(RoleName(r));
  }
  return caller.roles.ToString();
}

}  // namespace sertel::intake
