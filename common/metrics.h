// Prometheus metrics for one process: counters and gauges by name and labels, and the RPC
// latency histogram (by method and code) that the RPC wrapper feeds. MetricsHttpServer serves
// them at /metrics (plus any extra routes a service adds, such as the CRL).
//
//   Metrics::Global().Increment("sertel_outbox_delivered_total", {{"topic", topic}});
//   MetricsHttpServer http("127.0.0.1:51051"); http.AddRoute("/crl.der", ...); http.Start();
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/http_listener.h"

namespace sertel {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  static Metrics& Global();

  void Increment(absl::string_view name, const MetricLabels& labels, double by = 1);
  void SetGauge(absl::string_view name, const MetricLabels& labels, double value);
  void ObserveRpc(absl::string_view method, absl::string_view code, double seconds);

  // The Prometheus text exposition format (version 0.0.4).
  std::string Render() const;

 private:
  struct Histogram {
    std::vector<uint64_t> buckets;  // cumulative counts are computed when rendering
    uint64_t count = 0;
    double sum = 0;
  };
  mutable absl::Mutex mu_;
  std::map<std::string, std::map<std::string, double>> counters_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::map<std::string, double>> gauges_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Histogram> rpc_latency_ ABSL_GUARDED_BY(mu_);  // key: rendered labels
};

// /metrics and /healthz on a plain HTTP listener (common/http_listener.h), plus the routes a
// service adds: a GET without input (the CRL), or any handler through listener() (the WhatsApp
// webhook).
class MetricsHttpServer {
 public:
  struct Response {
    std::string content_type;
    std::string body;
    int status = 200;  // e.g. 503 when the resource is not available (yet)
  };
  explicit MetricsHttpServer(std::string address);  // "host:port"; port 0 picks one
  ~MetricsHttpServer();
  void AddRoute(std::string path, std::function<Response()> handler);
  HttpListener& listener() { return *listener_; }
  absl::Status Start();
  void Stop();
  int port() const { return listener_->port(); }

 private:
  std::unique_ptr<HttpListener> listener_;
};

}  // namespace sertel
