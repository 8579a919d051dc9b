#include "notification_client.h"

#include "common/grpc_client.h"
#include "common/grpc_status.h"

namespace sertel::intake {

NotificationClient::NotificationClient(std::shared_ptr<grpc::Channel> channel,
                                       ClientConfig config)
    : stub_(v1::NotificationService::NewStub(channel)), config_(std::move(config)) {}

absl::Status NotificationClient::Deliver(const std::string& payload) {
  v1::SendNotificationRequest request;
  if (!request.ParseFromString(payload)) {
    return absl::InvalidArgumentError("bad SendNotification payload");
  }
  auto ctx = MakeClientContext(config_);
  v1::Notification reply;
  return FromGrpcStatus(stub_->SendNotification(ctx.get(), request, &reply));
}

}  // namespace sertel::intake
