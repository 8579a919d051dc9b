#include "common/http_listener.h"

#include <httplib.h>

#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sertel {
namespace {

HttpRequest ToRequest(const httplib::Request& req) {
  HttpRequest out;
  out.method = req.method;
  out.path = req.path;
  out.remote_addr = req.remote_addr;
  for (const auto& m : req.matches) out.matches.push_back(m.str());
  for (const auto& [k, v] : req.params) out.query.emplace(k, v);  // emplace keeps the first
  out.body = req.body;
  out.header = [&req](absl::string_view name) {
    return req.get_header_value(std::string(name).c_str());
  };
  return out;
}

void Answer(const HttpReply& r, httplib::Response& res) {
  res.status = r.status;
  for (const auto& [k, v] : r.headers) res.set_header(k.c_str(), v);
  res.set_content(r.body, r.content_type.c_str());
}

httplib::Server::Handler Wrap(HttpHandler handler) {
  return [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    Answer(handler(ToRequest(req)), res);
  };
}

bool Readable(const std::string& path) { return std::ifstream(path).good(); }

}  // namespace

struct HttpListener::Impl {
  std::unique_ptr<httplib::Server> server;
};

HttpListener::HttpListener(HttpListenerOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  if (tls() && Readable(options_.tls_cert_file) && Readable(options_.tls_key_file)) {
    impl_->server = std::make_unique<httplib::SSLServer>(options_.tls_cert_file.c_str(),
                                                         options_.tls_key_file.c_str());
  } else if (!tls()) {
    impl_->server = std::make_unique<httplib::Server>();
  }
  if (impl_->server == nullptr) return;  // Start() reports the unreadable TLS files
  httplib::Server& s = *impl_->server;
  s.set_payload_max_length(options_.max_body_bytes);
  auto read = absl::ToInt64Microseconds(options_.read_timeout);
  auto write = absl::ToInt64Microseconds(options_.write_timeout);
  s.set_read_timeout(read / 1000000, read % 1000000);
  s.set_write_timeout(write / 1000000, write % 1000000);
  s.set_keep_alive_max_count(100);
}

HttpListener::~HttpListener() { Stop(); }

void HttpListener::Get(const std::string& pattern, HttpHandler handler) {
  if (impl_->server) impl_->server->Get(pattern, Wrap(std::move(handler)));
}

void HttpListener::Post(const std::string& pattern, HttpHandler handler) {
  if (impl_->server) impl_->server->Post(pattern, Wrap(std::move(handler)));
}

absl::Status HttpListener::Start() {
  if (impl_->server == nullptr || !impl_->server->is_valid()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the ", options_.what, " listener's TLS certificate or key (",
                     options_.tls_cert_file, ", ", options_.tls_key_file, ") does not load"));
  }
  size_t colon = options_.address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(options_.address.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad ", options_.what, " address \"", options_.address, "\""));
  }
  std::string host = options_.address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (port == 0) {
    port_ = impl_->server->bind_to_any_port(host);
  } else {
    port_ = impl_->server->bind_to_port(host, port) ? port : -1;
  }
  if (port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for ", options_.what, " on ", options_.address));
  }
  thread_ = std::thread([this] { impl_->server->listen_after_bind(); });
  return absl::OkStatus();
}

void HttpListener::Stop() {
  if (impl_ && impl_->server) impl_->server->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sertel
