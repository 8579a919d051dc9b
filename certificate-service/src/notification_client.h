// Delivers certificate-service's outbox rows for topic "notification.SendNotification" through
// common/notification_client.h. An ACTIVATION_CODE row carries the code sealed for its request id
// (see activation_code.h); it is opened here, in memory, just before the call, and wiped after.
//
//   SealedNotificationClient client(channel, config.client, &codes);
//   runtime.outbox().Register(SealedNotificationClient::kTopic,
//                             [&](const OutboxMessage& m) { return client.Deliver(m.payload); });
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "activation_code.h"
#include "common/config.h"
#include "common/notification_client.h"
#include "sertel/v1/notification.grpc.pb.h"

namespace sertel::certificate {

class SealedNotificationClient {
 public:
  static constexpr const char* kTopic = kSendNotificationTopic;

  SealedNotificationClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config,
                           const ActivationCodes* codes);
  // The payload is a serialized SendNotificationRequest.
  absl::Status Deliver(const std::string& payload);

  // Opens a sealed activation code in `request` (exposed for tests).
  absl::Status Unseal(v1::SendNotificationRequest& request) const;

 private:
  NotificationClient client_;
  const ActivationCodes* codes_;
};

}  // namespace sertel::certificate
