#include "common/metrics.h"

#include <httplib.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace sertel {
namespace {

constexpr double kLatencyBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
constexpr size_t kBucketCount = sizeof(kLatencyBuckets) / sizeof(kLatencyBuckets[0]);

std::string RenderLabels(const MetricLabels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ",";
    std::string value =
        absl::StrReplaceAll(labels[i].second, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}});
    absl::StrAppend(&out, labels[i].first, "=\"", value, "\"");
  }
  return out + "}";
}

std::string WithLabel(const std::string& rendered, absl::string_view extra) {
  if (rendered.empty()) return absl::StrCat("{", extra, "}");
  return absl::StrCat(rendered.substr(0, rendered.size() - 1), ",", extra, "}");
}

}  // namespace

Metrics& Metrics::Global() {
  static Metrics* metrics = new Metrics();
  return *metrics;
}

void Metrics::Increment(absl::string_view name, const MetricLabels& labels, double by) {
  absl::MutexLock lock(&mu_);
  counters_[std::string(name)][RenderLabels(labels)] += by;
}

void Metrics::SetGauge(absl::string_view name, const MetricLabels& labels, double value) {
  absl::MutexLock lock(&mu_);
  gauges_[std::string(name)][RenderLabels(labels)] = value;
}

void Metrics::ObserveRpc(absl::string_view method, absl::string_view code, double seconds) {
  std::string labels = RenderLabels({{"method", std::string(method)}, {"code", std::string(code)}});
  absl::MutexLock lock(&mu_);
  counters_["sertel_rpc_requests_total"][labels] += 1;
  Histogram& h = rpc_latency_[RenderLabels({{"method", std::string(method)}})];
  if (h.buckets.empty()) h.buckets.assign(kBucketCount, 0);
  for (size_t i = 0; i < kBucketCount; ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::Render() const {
  absl::MutexLock lock(&mu_);
  std::string out;
  for (const auto& [name, series] : counters_) {
    absl::StrAppend(&out, "# TYPE ", name, " counter\n");
    for (const auto& [labels, value] : series)
      absl::StrAppend(&out, name, labels, " ", value, "\n");
  }
  for (const auto& [name, series] : gauges_) {
    absl::StrAppend(&out, "# TYPE ", name, " gauge\n");
    for (const auto& [labels, value] : series)
      absl::StrAppend(&out, name, labels, " ", value, "\n");
  }
  if (!rpc_latency_.empty()) {
    absl::StrAppend(&out, "# TYPE sertel_rpc_duration_seconds histogram\n");
    for (const auto& [labels, h] : rpc_latency_) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i < kBucketCount; ++i) {
        cumulative += h.buckets[i];
        absl::StrAppend(&out, "sertel_rpc_duration_seconds_bucket",
                        WithLabel(labels, absl::StrCat("le=\"", kLatencyBuckets[i], "\"")), " ",
                        cumulative, "\n");
      }
      absl::StrAppend(&out, "sertel_rpc_duration_seconds_bucket", WithLabel(labels, "le=\"+Inf\""),
                      " ", h.count, "\n");
      absl::StrAppend(&out, "sertel_rpc_duration_seconds_sum", labels, " ", h.sum, "\n");
      absl::StrAppend(&out, "sertel_rpc_duration_seconds_count", labels, " ", h.count, "\n");
    }
  }
  return out;
}

struct MetricsHttpServer::Impl {
  httplib::Server server;
};

MetricsHttpServer::MetricsHttpServer(std::string address)
    : impl_(std::make_unique<Impl>()), address_(std::move(address)) {
  impl_->server.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(Metrics::Global().Render(), "text/plain; version=0.0.4");
  });
  impl_->server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
}

MetricsHttpServer::~MetricsHttpServer() { Stop(); }

void MetricsHttpServer::AddRoute(std::string path, std::function<Response()> handler) {
  impl_->server.Get(
      path, [handler = std::move(handler)](const httplib::Request&, httplib::Response& res) {
        Response r = handler();
        res.status = r.status;
        res.set_content(r.body, r.content_type);
      });
}

absl::Status MetricsHttpServer::Start() {
  size_t colon = address_.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(address_.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(absl::StrCat("bad metrics address \"", address_, "\""));
  }
  std::string host = address_.substr(0, colon);
  if (port == 0) {
    port_ = impl_->server.bind_to_any_port(host);
  } else {
    port_ = impl_->server.bind_to_port(host, port) ? port : -1;
  }
  if (port_ <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen for metrics on ", address_));
  }
  thread_ = std::thread([this] { impl_->server.listen_after_bind(); });
  return absl::OkStatus();
}

void MetricsHttpServer::Stop() {
  if (impl_) impl_->server.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sertel
