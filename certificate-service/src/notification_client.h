// Delivers certificate-service's outbox rows for topic "notification.SendNotification" through
// common/notification_client.h. An ACTIVATION_CODE row carries the code sealed for its request id
// (see activation_code.h); a CERTIFICATE_HANDOVER row names its keystore ("keystore:<app>")
// instead of holding a copy, or carries its one-time download link sealed the same way. Both are
// filled in here, in memory, just before the call, and wiped after. A keystore already purged
// cannot be sent: the row fails for good (DEAD, repairable).
//
//   SealedNotificationClient client(channel, config.client, &codes);
//   runtime.outbox().Register(SealedNotificationClient::kTopic,
//                             [&](const OutboxMessage& m) { return client.Deliver(m.payload); });
#pragma once

#include <functional>
#include <memory>
#include <optional>
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

  // The sealed PKCS#12 of an application, nullopt once purged (CertificateStore::GetKeystore).
  using KeystoreReader =
      std::function<absl::StatusOr<std::optional<std::string>>(const std::string& app)>;

  SealedNotificationClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config,
                           const ActivationCodes* codes, KeystoreReader keystores);
  // The payload is a serialized SendNotificationRequest.
  absl::Status Deliver(const std::string& payload);

  // Opens a sealed activation code and reads referenced keystores into `request` (exposed for
  // tests).
  absl::Status Unseal(v1::SendNotificationRequest& request) const;

 private:
  NotificationClient client_;
  const ActivationCodes* codes_;
  KeystoreReader keystores_;
};

}  // namespace sertel::certificate
