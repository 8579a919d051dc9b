#include "common/progress_client.h"

#include "common/grpc_client.h"
#include "common/grpc_status.h"

namespace sertel {

ProgressClient::ProgressClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config)
    : stub_(v1::IntakeService::NewStub(channel)), config_(std::move(config)) {}

absl::Status ProgressClient::Deliver(const std::string& payload) const {
  v1::RecordProgressRequest request;
  if (!request.ParseFromString(payload)) {
    return absl::InvalidArgumentError("outbox payload is not a RecordProgressRequest");
  }
  auto ctx = MakeClientContext(config_);
  v1::Application reply;
  return FromGrpcStatus(stub_->RecordProgress(ctx.get(), request, &reply));
}

}  // namespace sertel
