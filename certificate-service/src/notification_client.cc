#include "notification_client.h"

#include <openssl/crypto.h>

#include "absl/strings/match.h"
#include "common/grpc_client.h"
#include "common/grpc_status.h"

namespace sertel::certificate {

NotificationClient::NotificationClient(std::shared_ptr<grpc::Channel> channel,
                                       ClientConfig config, const ActivationCodes* codes)
    : stub_(v1::NotificationService::NewStub(channel)), config_(std::move(config)), codes_(codes) {}

absl::Status NotificationClient::Unseal(v1::SendNotificationRequest& request) const {
  auto& params = *request.mutable_params();
  auto it = params.find("activation_code");
  if (it == params.end() || !absl::StartsWith(it->second, "sealed:")) return absl::OkStatus();
  absl::StatusOr<std::string> code = codes_->OpenFromOutbox(it->second);
  if (!code.ok()) return code.status();  // INVALID_ARGUMENT: permanent, the row goes DEAD
  it->second = std::move(*code);
  return absl::OkStatus();
}

absl::Status NotificationClient::Deliver(const std::string& payload) {
  v1::SendNotificationRequest request;
  if (!request.ParseFromString(payload)) {
    return absl::InvalidArgumentError("outbox payload is not a SendNotificationRequest");
  }
  if (absl::Status s = Unseal(request); !s.ok()) return s;
  v1::Notification reply;
  auto ctx = MakeClientContext(config_);
  absl::Status status = FromGrpcStatus(stub_->SendNotification(ctx.get(), request, &reply));
  auto& params = *request.mutable_params();
  if (auto it = params.find("activation_code"); it != params.end()) {
    OPENSSL_cleanse(it->second.data(), it->second.size());
  }
  return status;
}

}  // namespace sertel::certificate
