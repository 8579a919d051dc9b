#include "notification_service_impl.h"

#include "common/rpc.h"
#include "notification_proto.h"
#include "notification_roles.h"

namespace sertel::notification {
namespace {

// The manager's answer into the response, or its error.
template <typename Record, typename Response>
absl::Status Answer(const absl::StatusOr<Record>& result, Response* resp) {
  if (!result.ok()) return result.status();
  ToProto(*result, resp);
  return absl::OkStatus();
}

}  // namespace

NotificationServiceImpl::NotificationServiceImpl(NotificationManager* manager,
                                                 const Authenticator* authenticator)
    : manager_(manager),
      authz_(authenticator, "sertel.v1.NotificationService", NotificationRoles()) {}

grpc::Status NotificationServiceImpl::SendNotification(grpc::ServerContext* ctx,
                                                       const v1::SendNotificationRequest* req,
                                                       v1::Notification* resp) {
  return HandleRpc(ctx, authz_, "SendNotification", [&](const Principal& caller) {
    return Answer(manager_->Send(caller, SendInputFromProto(*req)), resp);
  });
}

grpc::Status NotificationServiceImpl::GetNotification(grpc::ServerContext* ctx,
                                                      const v1::GetNotificationRequest* req,
                                                      v1::Notification* resp) {
  return HandleRpc(ctx, authz_, "GetNotification", [&](const Principal& caller) {
    return Answer(manager_->Get(caller, req->id()), resp);
  });
}

grpc::Status NotificationServiceImpl::ListNotifications(grpc::ServerContext* ctx,
                                                        const v1::ListNotificationsRequest* req,
                                                        v1::ListNotificationsResponse* resp) {
  return HandleRpc(ctx, authz_, "ListNotifications", [&](const Principal& caller) {
    return Answer(manager_->List(caller, ListInputFromProto(*req)), resp);
  });
}

}  // namespace sertel::notification
