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

absl::StatusOr<std::vector<StepSla>> CertificateClient::LaterStepsSla(absl::Time from,
                                                                      absl::Time to) {
  v1::GetSlaReportRequest request;
  auto put = [](absl::Time t, google::protobuf::Timestamp* out) {
    const int64_t ns = absl::ToUnixNanos(t);
    out->set_seconds(ns / 1000000000);
    out->set_nanos(static_cast<int32_t>(ns % 1000000000));
  };
  put(from, request.mutable_from());
  put(to, request.mutable_to());
  auto ctx = MakeClientContext(config_);
  v1::SlaReport reply;
  if (absl::Status s = FromGrpcStatus(stub_->GetSlaReport(ctx.get(), request, &reply)); !s.ok()) {
    return s;
  }
  auto duration = [](const google::protobuf::Duration& d) {
    return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
  };
  std::vector<StepSla> out;
  for (const v1::StepSla& s : reply.steps()) {
    out.push_back(StepSla{.step = static_cast<int>(s.step()),
                          .count = s.count(),
                          .p50 = duration(s.p50()),
                          .p95 = duration(s.p95()),
                          .max = duration(s.max()),
                          .exceeded = s.exceeded()});
  }
  return out;
}

}  // namespace sertel::disposition
