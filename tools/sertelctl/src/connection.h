// Where sertelctl connects and as whom: TLS always (the suite's CA), a bearer token from
// --token / --token-file / SERTEL_TOKEN or else from `sertelctl login` (login_cache.h), and
// optionally a client certificate (which names a service). Each command talks to one service; its
// address comes from --address, else SERTEL_<SERVICE>_ADDRESS, else the development port
// (docs/api.md, "Development environment").
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sertel::ctl {

enum class Service { kIntake, kDisposition, kCertificate, kNotification };

// "intake", ...
const char* ServiceName(Service service);

// The four services by name, in the order commands that ask all of them go through them.
const std::vector<std::pair<std::string, Service>>& AllServices();

// SERTEL_INTAKE_ADDRESS (etc.) when set, else localhost:50051 / 50052 / 50053 / 50054.
std::string DefaultAddress(Service service);

struct ConnectionOptions {
  std::string address;    // empty: DefaultAddress(service)
  std::string ca_file;    // PEM bundle that signed the servers' certificates
  std::string cert_file;  // optional client certificate (mTLS)
  std::string key_file;
  std::string token;       // the JWT itself
  std::string token_file;  // or a file holding it
  absl::Duration timeout = absl::Seconds(10);
};

class Connection {
 public:
  // Reads the CA (and client certificate) and the token; a file that cannot be read is an error
  // here, before anything is sent.
  static absl::StatusOr<Connection> Open(const ConnectionOptions& options, Service service);

  // A context with the deadline and "authorization: Bearer <token>" when there is a token.
  std::unique_ptr<grpc::ClientContext> NewContext() const;

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  const std::string& address() const { return address_; }
  bool has_token() const { return !token_.empty(); }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::string address_;
  std::string token_;
  absl::Duration timeout_;
};

}  // namespace sertel::ctl
