#include "certificate_client.h"

#include "common/grpc_client.h"
#include "common/grpc_status.h"
#include "common/proto_time.h"
#include "disposition_proto.h"

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

absl::StatusOr<std::vector<StepSla>> CertificateClient::LaterStepsSla(absl::Time from,
                                                                      absl::Time to) {
  v1::GetSlaReportRequest request;
  *request.mutable_from() = ToProtoTimestamp(from);
  *request.mutable_to() = ToProtoTimestamp(to);
  auto ctx = MakeClientContext(config_);
  v1::SlaReport reply;
  if (absl::Status s = FromGrpcStatus(stub_->GetSlaReport(ctx.get(), request, &reply)); !s.ok()) {
    return s;
  }
  std::vector<StepSla> out;
  for (const v1::StepSla& s : reply.steps()) out.push_back(FromProto(s));
  return out;
}

}  // namespace sertel::disposition
