// The gRPC face of the notification service: the role check and the status mapping through
// HandleRpc, the request into records and the records back (notification_proto.h), everything
// else in NotificationManager.
//
//   NotificationServiceImpl impl(&manager, &runtime.authenticator());
//   runtime.Serve({&impl});
#pragma once

#include "common/auth.h"
#include "notification_manager.h"
#include "sertel/v1/notification.grpc.pb.h"

namespace sertel::notification {

class NotificationServiceImpl final : public v1::NotificationService::Service {
 public:
  NotificationServiceImpl(NotificationManager* manager, const Authenticator* authenticator);
  const Authorizer& authorizer() const { return authz_; }

  grpc::Status SendNotification(grpc::ServerContext* ctx, const v1::SendNotificationRequest* req,
                                v1::Notification* resp) override;
  grpc::Status GetNotification(grpc::ServerContext* ctx, const v1::GetNotificationRequest* req,
                               v1::Notification* resp) override;
  grpc::Status ListNotifications(grpc::ServerContext* ctx, const v1::ListNotificationsRequest* req,
                                 v1::ListNotificationsResponse* resp) override;

 private:
  NotificationManager* manager_;
  Authorizer authz_;
};

}  // namespace sertel::notification
