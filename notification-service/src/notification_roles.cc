#include "notification_roles.h"

namespace sertel::notification {

const RoleTable& NotificationRoles() {
  static const RoleTable kTable = {
      {"SendNotification", kSendRoles},
      {"GetNotification", kReadRoles},
      {"ListNotifications", kReadRoles},
  };
  return kTable;
}

}  // namespace sertel::notification
