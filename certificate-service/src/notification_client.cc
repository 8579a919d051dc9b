#include "notification_client.h"

#include <openssl/crypto.h>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "enrollment_lifecycle.h"

namespace sertel::certificate {
namespace {

// The parameters that wait sealed in the outbox: the activation code and a handover's one-time
// download link (each opens only for its own message).
constexpr const char* kSealedParams[] = {"activation_code", "download_url"};

}  // namespace

SealedNotificationClient::SealedNotificationClient(std::shared_ptr<grpc::Channel> channel,
                                                   ClientConfig config,
                                                   const ActivationCodes* codes,
                                                   KeystoreReader keystores)
    : client_(std::move(channel), std::move(config)),
      codes_(codes),
      keystores_(std::move(keystores)) {}

absl::Status SealedNotificationClient::Unseal(v1::SendNotificationRequest& request) const {
  for (v1::Attachment& a : *request.mutable_attachments()) {
    absl::string_view content = a.content();
    if (!absl::ConsumePrefix(&content, EnrollmentLifecycle::kKeystoreRefPrefix)) continue;
    absl::StatusOr<std::optional<std::string>> p12 = keystores_(std::string(content));
    if (!p12.ok()) return p12.status();  // the database: retried
    if (!p12->has_value()) {
      return absl::FailedPreconditionError(
          "the keystore of this handover was purged before it was sent; hand over again after "
          "a new issuance");
    }
    a.set_content(**std::move(p12));
  }
  auto& params = *request.mutable_params();
  for (const char* secret : kSealedParams) {
    auto it = params.find(secret);
    if (it == params.end() || !absl::StartsWith(it->second, "sealed:")) continue;
    absl::StatusOr<std::string> value = codes_->OpenFromOutbox(it->second, request.request_id());
    if (!value.ok()) return value.status();  // INVALID_ARGUMENT: permanent, the row goes DEAD
    it->second = std::move(*value);
  }
  return absl::OkStatus();
}

absl::Status SealedNotificationClient::Deliver(const std::string& payload) {
  v1::SendNotificationRequest request;
  if (!request.ParseFromString(payload)) {
    return absl::InvalidArgumentError("outbox payload is not a SendNotificationRequest");
  }
  if (absl::Status s = Unseal(request); !s.ok()) return s;
  absl::Status status = client_.Send(request);
  auto& params = *request.mutable_params();
  for (const char* secret : kSealedParams) {
    if (auto it = params.find(secret); it != params.end()) {
      OPENSSL_cleanse(it->second.data(), it->second.size());
    }
  }
  for (v1::Attachment& a : *request.mutable_attachments()) {
    OPENSSL_cleanse(a.mutable_content()->data(), a.content().size());
  }
  return status;
}

}  // namespace sertel::certificate
