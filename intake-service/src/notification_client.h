// intake -> notification: delivers intake's outbox rows of topic notification.SendNotification
// (the SUBMISSION_RECEIVED receipt of SOP step 1). One channel, made once.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "absl/status/status.h"
#include "common/config.h"
#include "sertel/v1/notification.grpc.pb.h"

namespace sertel::intake {

class NotificationClient {
 public:
  NotificationClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config);
  absl::Status Deliver(const std::string& payload);

 private:
  std::unique_ptr<v1::NotificationService::Stub> stub_;
  ClientConfig config_;
};

}  // namespace sertel::intake
