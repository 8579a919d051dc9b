#include "certificate_roles.h"

namespace sertel::certificate {
namespace {

RoleSet With(RoleSet set, Role role) {
  set.Add(role);
  return set;
}

}  // namespace

const RoleTable& CertificateRoles() {
  static const RoleTable kTable = {
      {"StartEnrollment", ServicesOnly(kStartEnrollmentServices)},
      {"GetEnrollment", {With(kReadAnyEnrollment, Role::kApplicant), kTrackingServices}},
      {"SetPassphrase", With(kActForTheOwner, Role::kApplicant)},
      {"HandOver", kVerifierOnly},
      {"DownloadKeystore", With(kActForTheOwner, Role::kApplicant)},
      {"GetCertificate", kEveryRole},  // certificates are public facts
      {"CheckCertificate", kEveryRole},
      {"VerifyDocument", kEveryRole},  // every system that receives a signed document
      {"RevokeCertificate", kVerifierOnly},
      {"GetStatistics", kReadStatistics},
      {"GetSlaReport", {kReadSlaReport, kSlaReportServices}},
      {"ResendActivationCode", With(kActForTheOwner, Role::kApplicant)},
  };
  return kTable;
}

std::string ActingRole(const Principal& caller) {
  if (caller.Has(Role::kVerifier)) return "VERIFIER";
  if (caller.Has(Role::kApplicant)) return "APPLICANT";
  if (caller.Has(Role::kService)) return "SERVICE";
  return std::string(RoleName(Role::kAuditor));
}

Actor ActorOf(const Principal& caller) { return {caller.sub, ActingRole(caller)}; }

absl::Status CheckOwnEnrollment(const Principal& caller, const std::string& holder_nik,
                                RoleSet others) {
  if (caller.roles.Intersects(others) || caller.service.has_value()) return absl::OkStatus();
  if (caller.Has(Role::kApplicant) && !caller.nik.empty() && caller.nik == holder_nik) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError("an applicant may only act on their own enrollment");
}

}  // namespace sertel::certificate
