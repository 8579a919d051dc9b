// The one wrapper every gRPC handler runs in: request id and RPC name on every log line, the
// role check (Authorizer), the call itself, every exception caught, one status mapping, one
// access-log line and the latency metric. Handlers stay thin:
//
//   grpc::Status IntakeServiceImpl::GetApplication(grpc::ServerContext* ctx,
//       const v1::GetApplicationRequest* req, v1::Application* resp) {
//     return HandleRpc(ctx, authz_, "GetApplication", [&](const Principal& caller) {
//       return intake_->GetApplication(caller, req->id(), resp);   // -> absl::Status
//     });
//   }
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <exception>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/auth.h"

namespace sertel {

// Bookkeeping around one call; HandleRpc is the only user.
class RpcScope {
 public:
  RpcScope(grpc::ServerContext* context, const Authorizer& authz, absl::string_view method);
  ~RpcScope();
  absl::StatusOr<Principal> Authorize();
  grpc::Status Finish(const absl::Status& status);
  void Crashed(const char* what);

 private:
  grpc::ServerContext* context_;
  const Authorizer& authz_;
  std::string method_;
  std::string request_id_;
  absl::Time start_;
  std::string principal_sub_;
  std::unique_ptr<class ScopedLogContext> log_context_;
};

template <typename Fn>
grpc::Status HandleRpc(grpc::ServerContext* context, const Authorizer& authz,
                       absl::string_view method, Fn&& fn) {
  RpcScope scope(context, authz, method);
  try {
    absl::StatusOr<Principal> caller = scope.Authorize();
    if (!caller.ok()) return scope.Finish(caller.status());
    return scope.Finish(fn(*caller));
  } catch (const std::exception& e) {
    scope.Crashed(e.what());
  } catch (...) {
    scope.Crashed("unknown exception");
  }
  return scope.Finish(absl::InternalError("unexpected error"));
}

}  // namespace sertel
