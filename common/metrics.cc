#include "common/metrics.h"

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

MetricsHttpServer::MetricsHttpServer(std::string address)
    : listener_(std::make_unique<HttpListener>(
          HttpListenerOptions{.address = std::move(address),
                              .max_body_bytes = 4 << 20,  // the WhatsApp webhook's batches
                              .what = "metrics"})) {
  listener_->Get("/metrics", [](const HttpRequest&) {
    return HttpReply{.content_type = "text/plain; version=0.0.4",
                     .body = Metrics::Global().Render()};
  });
  listener_->Get("/healthz", [](const HttpRequest&) { return HttpReply{.body = "ok\n"}; });
}

MetricsHttpServer::~MetricsHttpServer() { Stop(); }

void MetricsHttpServer::AddRoute(std::string path, std::function<Response()> handler) {
  listener_->Get(path, [handler = std::move(handler)](const HttpRequest&) {
    Response r = handler();
    return HttpReply{.status = r.status, .content_type = r.content_type, .body = r.body};
  });
}

absl::Status MetricsHttpServer::Start() { return listener_->Start(); }

void MetricsHttpServer::Stop() { listener_->Stop(); }

}  // namespace sertel
