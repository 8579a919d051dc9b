// Who may do what in intake-service (docs/api.md, IntakeService), written once: the RoleTable
// the Authorizer checks before any handler runs, and the sets the manager uses to tell an
// APPLICANT acting on their own application from a role that may act on any application. The
// table is built from these sets.
//
//   if (OnlyAsApplicant(caller, kChangeAny)) { ... only their own application ... }
//   Authorizer authz(&authenticator, "sertel.v1.IntakeService", IntakeRoles());
#pragma once

#include <string>

#include "common/auth.h"

namespace sertel::intake {

// SOP step 1: an operator hands in (and changes) an application for any applicant.
inline constexpr RoleSet kSubmitAny = {Role::kOperator};
inline constexpr RoleSet kChangeAny = {Role::kOperator};
// The reviewers of steps 2-5 open the documents of any application.
inline constexpr RoleSet kDocumentsAny = {Role::kHeadOfAgency, Role::kHeadOfDivision,
                                          Role::kHeadOfSection, Role::kVerifier};
// Who lists every application (a SERVICE reads one by id, it never lists).
inline constexpr RoleSet kListAny = {Role::kHeadOfAgency,  Role::kHeadOfDivision,
                                     Role::kHeadOfSection, Role::kVerifier,
                                     Role::kOperator,      Role::kAuditor};

// Disposition (steps 2-5) and certificate (steps 6-7) report how far an application went
// (RecordProgress); no person does.
inline constexpr ServiceSet kProgressReporters = {ServiceId::kDisposition, ServiceId::kCertificate};

// `a` and `b` together.
RoleSet RoleUnion(RoleSet a, RoleSet b);
// Who reads any application: the listers (no service reads intake's applications).
inline constexpr RoleSet kReadAny = kListAny;

// The roles allowed per RPC: an APPLICANT for their own application, plus the "any" set.
const RoleTable& IntakeRoles();

// The caller acts only as an applicant (on their own application): APPLICANT and none of
// `privileged`.
bool OnlyAsApplicant(const Principal& caller, RoleSet privileged);
// The role a timeline or audit entry names: APPLICANT, else the first of the caller's roles in
// `privileged`, else all of the caller's roles.
std::string ActingRole(const Principal& caller, RoleSet privileged);

}  // namespace sertel::intake
