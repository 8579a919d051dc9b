// Who may call what in NotificationService (docs/api.md, "Calling"): the role lists, written
// once, and the RoleTable the handler's Authorizer is built from.
//
//   Authorizer authz(&authenticator, "sertel.v1.NotificationService", NotificationRoles());
#pragma once

#include "common/auth.h"

namespace sertel::notification {

// Only the services queue messages (the step 1 receipt, returns and rejections, the step 6
// activation code, the step 7 handover, the expiry reminder).
inline constexpr ServiceSet kSendServices = {ServiceId::kIntake, ServiceId::kDisposition,
                                             ServiceId::kCertificate};
// Reading a message's delivery state: the same services, operators and auditors (the activation
// code is redacted and attachment bytes are never returned, whoever reads).
inline constexpr RoleSet kReadRoles = {Role::kOperator, Role::kAuditor};

const RoleTable& NotificationRoles();

}  // namespace sertel::notification
