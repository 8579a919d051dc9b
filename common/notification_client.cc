#include "common/notification_client.h"

#include "common/grpc_client.h"
#include "common/grpc_status.h"

namespace sertel {

NotificationClient::NotificationClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config)
    : stub_(v1::NotificationService::NewStub(channel)), config_(std::move(config)) {}

absl::Status NotificationClient::Deliver(const std::string& payload) const {
  v1::SendNotificationRequest request;
  if (!request.ParseFromString(payload)) {
    return absl::InvalidArgumentError("outbox payload is not a SendNotificationRequest");
  }
  return Send(request);
}

absl::Status NotificationClient::Send(const v1::SendNotificationRequest& request) const {
  auto ctx = MakeClientContext(config_);
  v1::Notification reply;
  return FromGrpcStatus(stub_->SendNotification(ctx.get(), request, &reply));
}

}  // namespace sertel
