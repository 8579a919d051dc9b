#include "certificate_client.h"

#include "common/grpc_client.h"
#include "common/grpc_status.h"

namespace sertel::disposition {

CertificateClient::CertificateClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config)
    : stub_(v1::CertificateService::NewStub(channel)), config_(std::move(config)) {}

absl::Status CertificateClient::Deliver(const std::string& payload) {
  v1::StartEnrollmentRequest request;
  if (!request.ParseFromString(payload)) {
    return absl::InvalidArgumentError("bad StartEnrollment payload");
  }
  auto ctx = MakeClientContext(config_);
  v1::Enrollment reply;
  return FromGrpcStatus(stub_->StartEnrollment(ctx.get(), request, &reply));
}

}  // namespace sertel::disposition
