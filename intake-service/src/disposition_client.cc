#include "disposition_client.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc_client.h"
#include "common/grpc_status.h"
#include "intake_payloads.h"
#include "intake_proto.h"

namespace sertel::intake {

DispositionClient::DispositionClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config,
                                     absl::Duration lookup_deadline)
    : stub_(v1::DispositionService::NewStub(channel)),
      config_(std::move(config)),
      lookup_deadline_(lookup_deadline) {}

absl::StatusOr<std::optional<CaseView>> DispositionClient::GetCase(
    const std::string& application_id) {
  auto ctx = MakeClientContext(config_);
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + lookup_deadline_));
  v1::GetCaseRequest request;
  request.set_application_id(application_id);
  v1::Case reply;
  grpc::Status s = stub_->GetCase(ctx.get(), request, &reply);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND) return std::optional<CaseView>();
  if (!s.ok()) return FromGrpcStatus(s);
  return std::optional<CaseView>(FromProto(reply));
}

absl::StatusOr<CaseView> DispositionClient::WithdrawCase(const std::string& application_id,
                                                         const std::string& request_id,
                                                         const std::string& reason) {
  auto ctx = MakeClientContext(config_);
  v1::WithdrawCaseRequest request;
  request.set_application_id(application_id);
  request.set_request_id(request_id);
  request.set_reason(reason);
  v1::Case reply;
  grpc::Status s = stub_->WithdrawCase(ctx.get(), request, &reply);
  if (!s.ok()) return FromGrpcStatus(s);
  return FromProto(reply);
}

absl::Status DispositionClient::Deliver(const std::string& topic, const std::string& payload) {
  auto ctx = MakeClientContext(config_);
  v1::Case reply;
  grpc::Status s;
  if (topic == kOpenCaseTopic) {
    v1::OpenCaseRequest r;
    if (!r.ParseFromString(payload)) return absl::InvalidArgumentError("bad OpenCase payload");
    s = stub_->OpenCase(ctx.get(), r, &reply);
  } else if (topic == kResumeCaseTopic) {
    v1::ResumeCaseRequest r;
    if (!r.ParseFromString(payload)) return absl::InvalidArgumentError("bad ResumeCase payload");
    s = stub_->ResumeCase(ctx.get(), r, &reply);
  } else if (topic == kWithdrawCaseTopic) {
    v1::WithdrawCaseRequest r;
    if (!r.ParseFromString(payload)) return absl::InvalidArgumentError("bad WithdrawCase payload");
    s = stub_->WithdrawCase(ctx.get(), r, &reply);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("not a disposition topic: ", topic));
  }
  return FromGrpcStatus(s);
}

}  // namespace sertel::intake
