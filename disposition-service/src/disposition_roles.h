// Who does what in disposition-service, written once: the official of each SOP step 2-5 (the
// SOP's "Pelaksana"), the role sets the chain and the handlers use, and the RoleTable of the
// RPCs (docs/api.md, DispositionService) built from the same constants.
//
//   Authorizer authz(&authenticator, "sertel.v1.DispositionService", DispositionRoles());
//   std::optional<Role> r = DispositionChain::RoleForStep(3);  // kStep3Role
#pragma once

#include "common/auth.h"

namespace sertel::disposition {

// SOP "Pelaksana": the official who acts at each step of the disposition chain.
inline constexpr Role kStep2Role = Role::kHeadOfAgency;    // SOP step 2: Kepala Dinas
inline constexpr Role kStep3Role = Role::kHeadOfDivision;  // SOP step 3: Kabid TKPBET
inline constexpr Role kStep4Role = Role::kHeadOfSection;   // SOP step 4: Kasi PKSI
inline constexpr Role kStep5Role =
    Role::kVerifier;  // SOP step 5: Verifikator Sertifikat Elektronik

// The officials of steps 2-5: each has an inbox and may return or reject a case at their step.
inline constexpr RoleSet kStepRoles = {kStep2Role, kStep3Role, kStep4Role, kStep5Role};
// SOP steps 2-4 disposition downwards; step 5 sends to the CA instead (Verify).
inline constexpr RoleSet kForwardRoles = {kStep2Role, kStep3Role, kStep4Role};
// SOP step 5: only the verifier checks completeness and sends to the CA.
inline constexpr RoleSet kVerifyRoles = {kStep5Role};
// Intake (its client certificate) opens, resumes and withdraws cases; no person does.
inline constexpr ServiceSet kIntakeOnly = {ServiceId::kIntake};
// Who may read a case: the officials, the auditor and the operator, and intake (tracking).
inline constexpr RoleSet kCaseReaderRoles = {kStep2Role, kStep3Role,     kStep4Role,
                                             kStep5Role, Role::kAuditor, Role::kOperator};
// Who may read the SLA report: the officials and the auditor.
inline constexpr RoleSet kSlaReaderRoles = {kStep2Role, kStep3Role, kStep4Role, kStep5Role,
                                            Role::kAuditor};

// Who may call each RPC at all. Whether the caller holds the current step's role is checked on
// the case (DispositionChain::CheckAction), after existence and version, as the contract orders it.
const RoleTable& DispositionRoles();

}  // namespace sertel::disposition
