// What every sertelctl command shares: the global flags, calling one RPC with the error printed
// readably, and printing the answer as a table or as JSON.
//
//   Client<v1::DispositionService> c(globals, Service::kDisposition);
//   v1::Case reply;
//   int rc = c.Call([&](auto* ctx) { return c.stub->GetCase(ctx, request, &reply); });
//   if (rc == kExitOk) Emit(globals, reply, [&](std::ostream& o) { PrintCase(o, reply); });
#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "connection.h"
#include "format.h"

namespace sertel::ctl {

struct Globals {
  ConnectionOptions connection;
  std::string output = "table";  // "table" or "json"
  bool json() const { return output == "json"; }
};

// Prints a local problem ("error: ...") and returns kExitLocal.
int LocalError(const std::string& message);

// Calls `rpc` with a fresh context; on failure prints the status (with its field violations and
// a hint for the usual causes) to stderr. Returns the exit code.
int InvokeRpc(const Connection& connection,
              const std::function<grpc::Status(grpc::ClientContext*)>& rpc);

template <typename ServiceT>
class Client {
 public:
  Client(const Globals& globals, Service service) {
    absl::StatusOr<Connection> c = Connection::Open(globals.connection, service);
    if (!c.ok()) {
      open_error_ = std::string(c.status().message());
      return;
    }
    connection_ = std::move(*c);
    stub = ServiceT::NewStub(connection_->channel());
  }

  // The exit code of one RPC; kExitLocal when the connection could not even be set up.
  int Call(const std::function<grpc::Status(grpc::ClientContext*)>& rpc) {
    if (!connection_) return LocalError(open_error_);
    return InvokeRpc(*connection_, rpc);
  }

  std::unique_ptr<typename ServiceT::Stub> stub;

 private:
  std::optional<Connection> connection_;
  std::string open_error_;
};

// JSON of `message` with -o json, else `human`.
void Emit(const Globals& globals, const google::protobuf::Message& message,
          const std::function<void(std::ostream&)>& human);

}  // namespace sertel::ctl
