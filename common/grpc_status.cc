#include "common/grpc_status.h"

#include <string>

#include "common/field_violations.h"
#include "common/rate_limiter.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace sertel {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  auto code = static_cast<grpc::StatusCode>(status.code());  // absl codes equal gRPC's
  std::string message(status.message());
  if (code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN ||
      code == grpc::StatusCode::DATA_LOSS) {
    message = "internal error; the server log has the details";
  }
  std::vector<FieldViolation> violations = FieldViolations::FromStatus(status);
  std::optional<absl::Duration> retry = RetryDelayOf(status);
  if (violations.empty() && !retry.has_value()) return grpc::Status(code, message);

  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(code));
  rpc_status.set_message(message);
  if (retry.has_value()) {
    google::rpc::RetryInfo info;
    info.mutable_retry_delay()->set_seconds(absl::ToInt64Seconds(*retry));
    rpc_status.add_details()->PackFrom(info);
  }
  if (violations.empty()) return grpc::Status(code, message, rpc_status.SerializeAsString());
  google::rpc::BadRequest bad_request;
  for (const auto& v : violations) {
    auto* fv = bad_request.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
    if (!v.reason.empty()) fv->set_reason(v.reason);
    if (!v.description_id.empty()) {
      fv->mutable_localized_message()->set_locale("id-ID");
      fv->mutable_localized_message()->set_message(v.description_id);
    }
  }
  rpc_status.add_details()->PackFrom(bad_request);
  return grpc::Status(code, message, rpc_status.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  if (status.error_details().empty()) return out;
  google::rpc::Status rpc_status;
  if (!rpc_status.ParseFromString(status.error_details())) return out;
  FieldViolations violations;
  for (const auto& any : rpc_status.details()) {
    google::rpc::BadRequest bad_request;
    if (any.UnpackTo(&bad_request)) {
      for (const auto& fv : bad_request.field_violations()) {
        violations.Add({fv.field(), fv.description(), fv.reason(),
                        fv.has_localized_message() ? fv.localized_message().message() : ""});
      }
    }
  }
  return violations.AttachTo(out);
}

}  // namespace sertel
