// service -> notification: delivers a service's outbox rows of topic notification.SendNotification
// (the payload is a serialized SendNotificationRequest whose request_id makes the call
// idempotent). One channel, made once; every call carries the configured deadline and, over TLS,
// this service's client certificate (-> SERVICE). Used by intake (the step 1 receipt),
// disposition (returns and rejections) and certificate (activation codes, handovers, reminders).
//
//   NotificationClient notification(*channel, config.client);
//   runtime.outbox().Register(kSendNotificationTopic, [&](const OutboxMessage& m) {
//     return notification.Deliver(m.payload);
//   });
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "common/config.h"
#include "common/notification_order.h"  // kSendNotificationTopic
#include "sertel/v1/notification.grpc.pb.h"

namespace sertel {

class NotificationClient {
 public:
  NotificationClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config);

  // OK once the notification service has queued the message; its status otherwise (the outbox
  // dispatcher retries UNAVAILABLE and the like). A payload that does not parse is
  // INVALID_ARGUMENT: permanent, the row goes DEAD rather than being retried forever.
  absl::Status Deliver(const std::string& payload) const;

  // The same for a request already in hand.
  absl::Status Send(const v1::SendNotificationRequest& request) const;

 private:
  std::unique_ptr<v1::NotificationService::Stub> stub_;
  ClientConfig config_;
};

}  // namespace sertel
