#include "common/rpc.h"

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "common/metrics.h"

namespace sertel {
namespace {

std::string NewRequestId() {
  thread_local absl::BitGen gen;
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen));
}

// A caller-supplied x-request-id is kept if it is short and printable.
std::string RequestIdFrom(const grpc::ServerContext& context) {
  auto it = context.client_metadata().find("x-request-id");
  if (it != context.client_metadata().end() && !it->second.empty() && it->second.size() <= 64) {
    std::string id(it->second.data(), it->second.size());
    bool printable = std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (printable) return id;
  }
  return NewRequestId();
}

}  // namespace

RpcScope::RpcScope(grpc::ServerContext* context, const Authorizer& authz, absl::string_view method)
    : context_(context),
      authz_(authz),
      method_(method),
      request_id_(RequestIdFrom(*context)),
      start_(absl::Now()),
      log_context_(std::make_unique<ScopedLogContext>(request_id_, method_)) {}

RpcScope::~RpcScope() = default;

absl::StatusOr<Principal> RpcScope::Authorize() {
  absl::StatusOr<Principal> p = authz_.Authorize(*context_, method_);
  if (p.ok()) principal_sub_ = p->sub;
  return p;
}

void RpcScope::Crashed(const char* what) { Log::Error("rpc_exception", {{"error", what}}); }

grpc::Status RpcScope::Finish(const absl::Status& status) {
  double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
  std::string code = absl::StatusCodeToString(status.code());
  Metrics::Global().ObserveRpc(absl::StrCat(authz_.service_full_name(), "/", method_), code,
                               seconds);
  nlohmann::json fields = {{"code", code}, {"duration_ms", seconds * 1000}};
  if (!principal_sub_.empty()) fields["caller"] = principal_sub_;
  if (!status.ok()) fields["message"] = std::string(status.message());
  if (absl::IsInternal(status) || absl::IsUnknown(status)) {
    Log::Error("rpc", std::move(fields));
  } else {
    Log::Info("rpc", std::move(fields));
  }
  context_->AddInitialMetadata("x-request-id", request_id_);
  return ToGrpcStatus(status);
}

}  // namespace sertel
