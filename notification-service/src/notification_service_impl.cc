#include "notification_service_impl.h"

#include "common/rpc.h"

namespace sertel::notification {

const RoleTable& NotificationRoles() {
  static const RoleTable kTable = {
      {"SendNotification", {Role::kService}},
      {"GetNotification", {Role::kService, Role::kOperator, Role::kAuditor}},
      {"ListNotifications", {Role::kService, Role::kOperator, Role::kAuditor}},
  };
  return kTable;
}

NotificationServiceImpl::NotificationServiceImpl(NotificationManager* manager,
                                                 const Authenticator* authenticator)
    : manager_(manager),
      authz_(authenticator, "sertel.v1.NotificationService", NotificationRoles()) {}

grpc::Status NotificationServiceImpl::SendNotification(grpc::ServerContext* ctx,
                                                       const v1::SendNotificationRequest* req,
                                                       v1::Notification* resp) {
  return HandleRpc(ctx, authz_, "SendNotification", [&](const Principal& caller) {
    return manager_->Send(caller, *req, resp);
  });
}

grpc::Status NotificationServiceImpl::GetNotification(grpc::ServerContext* ctx,
                                                      const v1::GetNotificationRequest* req,
                                                      v1::Notification* resp) {
  return HandleRpc(ctx, authz_, "GetNotification", [&](const Principal& caller) {
    return manager_->Get(caller, req->id(), resp);
  });
}

grpc::Status NotificationServiceImpl::ListNotifications(grpc::ServerContext* ctx,
                                                        const v1::ListNotificationsRequest* req,
                                                        v1::ListNotificationsResponse* resp) {
  return HandleRpc(ctx, authz_, "ListNotifications", [&](const Principal& caller) {
    return manager_->List(caller, *req, resp);
  });
}

}  // namespace sertel::notification
