#include "certificate_client.h"

#include "absl/time/clock.h"
#include "common/grpc_client.h"
#include "common/grpc_status.h"
#include "intake_proto.h"

namespace sertel::intake {

CertificateClient::CertificateClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config,
                                     absl::Duration lookup_deadline)
    : stub_(v1::CertificateService::NewStub(channel)),
      config_(std::move(config)),
      lookup_deadline_(lookup_deadline) {}

absl::StatusOr<std::optional<EnrollmentView>> CertificateClient::GetEnrollment(
    const std::string& application_id) {
  auto ctx = MakeClientContext(config_);
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + lookup_deadline_));
  v1::GetEnrollmentRequest request;
  request.set_application_id(application_id);
  v1::Enrollment reply;
  grpc::Status s = stub_->GetEnrollment(ctx.get(), request, &reply);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND) return std::optional<EnrollmentView>();
  if (!s.ok()) return FromGrpcStatus(s);
  return std::optional<EnrollmentView>(FromProto(reply));
}

}  // namespace sertel::intake
