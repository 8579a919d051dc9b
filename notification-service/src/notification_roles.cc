#include "notification_roles.h"

namespace sertel::notification {

const RoleTable& NotificationRoles() {
  static const RoleTable kTable = {
      {"SendNotification", ServicesOnly(kSendServices)},
      {"GetNotification", {kReadRoles, kSendServices}},
      {"ListNotifications", {kReadRoles, kSendServices}},
  };
  return kTable;
}

}  // namespace sertel::notification
