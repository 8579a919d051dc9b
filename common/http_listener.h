// A small HTTP or HTTPS listener (cpp-httplib) for what a service serves beside gRPC: /metrics
// and /healthz (MetricsHttpServer), the CRL, the WhatsApp Cloud API webhook (notification
// service) and the one-time keystore download (certificate service). Handlers see the request
// as plain data and answer plain data; bodies are capped and slow clients time out.
//
//   HttpListener web({.address = "0.0.0.0:8443", .tls_cert_file = "d.pem", .tls_key_file = "k"});
//   web.Get(R"(/unduh/([A-Za-z0-9_-]+))", [](const HttpRequest& r) {
//     return HttpReply{.status = 200, .content_type = "text/plain", .body = r.matches[1]};
//   });
//   absl::Status s = web.Start();   // binds, then serves on its own thread; Stop() or ~ ends it
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sertel {

struct HttpRequest {
  std::string method = {};  // "GET", "POST"
  std::string path = {};    // without the query
  std::string remote_addr = {};
  std::vector<std::string> matches = {};  // the route pattern's captures; [0] is the whole path
  std::map<std::string, std::string> query = {};  // the first value of each query parameter
  std::string body = {};  // the raw bytes (a webhook's signature covers them)
  std::function<std::string(absl::string_view)> header = {};  // "" when absent; case-insensitive
};

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers = {};
};

using HttpHandler = std::function<HttpReply(const HttpRequest&)>;

struct HttpListenerOptions {
  std::string address = {};        // "host:port"; port 0 picks a free one
  std::string tls_cert_file = {};  // both set: HTTPS with this certificate (chain) and key
  std::string tls_key_file = {};
  size_t max_body_bytes = 1 << 20;  // a longer body is refused with 413 before any handler
  absl::Duration read_timeout = absl::Seconds(10);
  absl::Duration write_timeout = absl::Seconds(30);
  std::string what = "HTTP";  // for error messages: "metrics", "keystore download"
};

class HttpListener {
 public:
  explicit HttpListener(HttpListenerOptions options);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // `pattern` is an ECMAScript regex over the whole path. Register before Start().
  void Get(const std::string& pattern, HttpHandler handler);
  void Post(const std::string& pattern, HttpHandler handler);

  // UNAVAILABLE when the address cannot be bound, FAILED_PRECONDITION when the TLS certificate
  // or key does not load, INVALID_ARGUMENT for a malformed address.
  absl::Status Start();
  void Stop();
  int port() const { return port_; }
  bool tls() const { return !options_.tls_cert_file.empty(); }

 private:
  struct Impl;
  HttpListenerOptions options_;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace sertel
