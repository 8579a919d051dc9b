// disposition -> notification: delivers the outbox rows of topic notification.SendNotification
// (APPLICATION_RETURNED after Return, APPLICATION_REJECTED after Reject). One channel, made once.
//
//   NotificationClient notification(channel, config.client);
//   absl::Status s = notification.Deliver(message.payload);
#pragma once

#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "absl/status/status.h"
#include "common/config.h"
#include "sertel/v1/notification.grpc.pb.h"

namespace sertel::disposition {

class NotificationClient {
 public:
  NotificationClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config);
  absl::Status Deliver(const std::string& payload);

 private:
  std::unique_ptr<v1::NotificationService::Stub> stub_;
  ClientConfig config_;
};

}  // namespace sertel::disposition
