// Who may do what in certificate-service, written once: the RoleTable the gRPC layer checks
// before any handler runs (docs/api.md, CertificateService) and the role sets the managers use
// inside an RPC ("APPLICANT (own)": an applicant acts only on their own enrollment, the roles
// below on anyone's). The table is built from the same constants.
//
//   if (absl::Status s = CheckOwnEnrollment(caller, e.holder.nik, kActForTheOwner); !s.ok()) ...
#pragma once

#include <string>

#include "absl/status/status.h"
#include "certificate_records.h"
#include "common/auth.h"

namespace sertel::certificate {

// SOP step 5: only disposition-service, after the verifier's check ("Verifikator memeriksa
// kelengkapan berkas ... dan mengirimkannya ke CA"), starts an enrollment. No person, and no
// other service: intake faces the public and must not be able to have the CA sign a name.
inline constexpr ServiceSet kStartEnrollmentServices = {ServiceId::kDisposition};
// Who reads any enrollment; an applicant reads only their own.
inline constexpr RoleSet kReadAnyEnrollment = {Role::kVerifier,       Role::kAuditor,
                                               Role::kOperator,       Role::kHeadOfAgency,
                                               Role::kHeadOfDivision, Role::kHeadOfSection};
// Intake reads an enrollment's progress for its tracking view (read-only).
inline constexpr ServiceSet kTrackingServices = {ServiceId::kIntake};
// SOP steps 6-7: the verifier at whose desk the owner types the passphrase acts for the owner
// (SetPassphrase, ResendActivationCode, DownloadKeystore); an applicant only for themselves.
inline constexpr RoleSet kActForTheOwner = {Role::kVerifier};
// SOP step 7 and revocation: the verifier.
inline constexpr RoleSet kVerifierOnly = {Role::kVerifier};
// The SOP's recorded figures: the officials, the verifier and the auditors.
inline constexpr RoleSet kReadStatistics = {Role::kHeadOfAgency, Role::kHeadOfDivision,
                                            Role::kHeadOfSection, Role::kVerifier, Role::kAuditor};
// The SLA report: the same, and disposition-service (it merges steps 6-7 into its own report).
inline constexpr RoleSet kReadSlaReport = kReadStatistics;
inline constexpr ServiceSet kSlaReportServices = {ServiceId::kDisposition};
// The RoleTable of sertel.v1.CertificateService.
const RoleTable& CertificateRoles();

// The role the caller acts in on an enrollment (timeline and audit): the verifier, else the
// applicant, else the service, else the auditor.
std::string ActingRole(const Principal& caller);
// The caller as the timeline and the audit chain name them: {sub, ActingRole}.
Actor ActorOf(const Principal& caller);

// OK when the caller holds one of `others`, is a service (its RPC's table entry named it), or
// is the applicant whose NIK is `holder_nik`; PERMISSION_DENIED otherwise.
absl::Status CheckOwnEnrollment(const Principal& caller, const std::string& holder_nik,
                                RoleSet others);

}  // namespace sertel::certificate
