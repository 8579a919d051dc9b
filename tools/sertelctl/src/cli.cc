#include "cli.h"

namespace sertel::ctl {

int LocalError(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return kExitLocal;
}

int InvokeRpc(const Connection& connection,
              const std::function<grpc::Status(grpc::ClientContext*)>& rpc) {
  std::unique_ptr<grpc::ClientContext> ctx = connection.NewContext();
  grpc::Status status = rpc(ctx.get());
  if (status.ok()) return kExitOk;
  PrintRpcError(std::cerr, status);
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED && !connection.has_token()) {
    std::cerr << "hint: no token was given; pass --token-file or SERTEL_TOKEN "
                 "(`sertelctl token --role ROLE --sub NAME` mints a development one)\n";
  } else if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    std::cerr << "hint: is the service at " << connection.address()
              << " running? (scripts/up.sh starts the suite)\n";
  }
  return ExitCodeFor(status.error_code());
}

void Emit(const Globals& globals, const google::protobuf::Message& message,
          const std::function<void(std::ostream&)>& human) {
  if (globals.json()) {
    std::cout << ToJson(message) << "\n";
  } else {
    human(std::cout);
  }
}

}  // namespace sertel::ctl
