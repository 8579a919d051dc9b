// Pieces the benchmark programs share: a log-bucketed latency histogram (HDR-style, ~1.1%
// relative precision from 1 us to ~1 h), TLS channel construction, file helpers and a tiny
// JSON-line writer. Results are JSON lines on stdout; scripts/bench.sh turns them into the table.
#pragma once

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace sertel::bench {

using Clock = std::chrono::steady_clock;

// Buckets: value v (ns) -> floor(log2(v) * 64) for v >= 1 us; 64 sub-buckets per power of two.
class Histogram {
 public:
  static constexpr int kSub = 64;
  static constexpr int kBuckets = 42 * kSub;  // up to 2^42 ns (~73 min)

  void Record(int64_t ns) {
    if (ns < 1) ns = 1;
    int b = static_cast<int>(std::log2(static_cast<double>(ns)) * kSub);
    b = std::clamp(b, 0, kBuckets - 1);
    ++counts_[b];
    ++total_;
    sum_ns_ += ns;
    max_ns_ = std::max(max_ns_, ns);
  }
  void Merge(const Histogram& o) {
    for (int i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
    total_ += o.total_;
    sum_ns_ += o.sum_ns_;
    max_ns_ = std::max(max_ns_, o.max_ns_);
  }
  int64_t count() const { return total_; }
  double MeanMs() const { return total_ ? static_cast<double>(sum_ns_) / total_ / 1e6 : 0; }
  double MaxMs() const { return static_cast<double>(max_ns_) / 1e6; }
  // The value below which a fraction q of the samples lie (upper edge of the bucket, capped by
  // the maximum seen).
  double PercentileMs(double q) const {
    if (total_ == 0) return 0;
    int64_t rank = static_cast<int64_t>(std::ceil(q * static_cast<double>(total_)));
    rank = std::max<int64_t>(rank, 1);
    int64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) {
        double upper = std::exp2(static_cast<double>(i + 1) / kSub);
        return std::min(upper, static_cast<double>(max_ns_)) / 1e6;
      }
    }
    return MaxMs();
  }

 private:
  std::vector<int64_t> counts_ = std::vector<int64_t>(kBuckets, 0);
  int64_t total_ = 0;
  int64_t sum_ns_ = 0;
  int64_t max_ns_ = 0;
};

inline std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

// A TLS channel to `target` trusting `ca_file`; with a client certificate when given (mTLS:
// the services map it to role SERVICE). `index` makes otherwise identical channels distinct
// connections, so that load spreads over several HTTP/2 connections as many clients would.
inline std::shared_ptr<grpc::Channel> TlsChannel(const std::string& target,
                                                 const std::string& ca_file,
                                                 const std::string& cert_file,
                                                 const std::string& key_file, int index) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFileOrDie(ca_file);
  if (!cert_file.empty()) {
    ssl.pem_cert_chain = ReadFileOrDie(cert_file);
    ssl.pem_private_key = ReadFileOrDie(key_file);
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  args.SetInt("sertel.bench.channel", index);  // distinct args -> distinct subchannel
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(target, grpc::SslCredentials(ssl), args);
}

// A JSON object written as one line, keys in insertion order.
class JsonLine {
 public:
  JsonLine& Str(const std::string& k, const std::string& v) {
    Key(k);
    out_ += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out_ += buf;
      } else {
        out_ += c;
      }
    }
    out_ += '"';
    return *this;
  }
  JsonLine& Num(const std::string& k, double v) {
    Key(k);
    char buf[64];
    if (std::isfinite(v)) {
      std::snprintf(buf, sizeof buf, "%.6g", v);
    } else {
      std::snprintf(buf, sizeof buf, "null");
    }
    out_ += buf;
    return *this;
  }
  JsonLine& Raw(const std::string& k, const std::string& json) {
    Key(k);
    out_ += json;
    return *this;
  }
  JsonLine& Latency(const std::string& prefix, const Histogram& h) {
    return Num(prefix + "p50_ms", h.PercentileMs(0.50))
        .Num(prefix + "p90_ms", h.PercentileMs(0.90))
        .Num(prefix + "p99_ms", h.PercentileMs(0.99))
        .Num(prefix + "max_ms", h.MaxMs())
        .Num(prefix + "mean_ms", h.MeanMs());
  }
  std::string Done() const { return out_ + "}"; }

 private:
  void Key(const std::string& k) {
    out_ += out_.size() == 1 ? "\"" : ",\"";
    out_ += k;
    out_ += "\":";
  }
  std::string out_ = "{";
};

// --name value / --flag arguments.
class Args {
 public:
  Args(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a.rfind("--", 0) != 0) {
        positional_.push_back(a);
        continue;
      }
      a = a.substr(2);
      auto eq = a.find('=');
      if (eq != std::string::npos) {
        values_[a.substr(0, eq)] = a.substr(eq + 1);
      } else if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
        values_[a] = argv[++i];
      } else {
        values_[a] = "true";
      }
    }
  }
  std::string Get(const std::string& k, const std::string& def = "") const {
    auto it = values_.find(k);
    return it == values_.end() ? def : it->second;
  }
  std::string Need(const std::string& k) const {
    auto it = values_.find(k);
    if (it == values_.end()) throw std::runtime_error("missing --" + k);
    return it->second;
  }
  double Num(const std::string& k, double def) const {
    auto it = values_.find(k);
    return it == values_.end() ? def : std::stod(it->second);
  }
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

}  // namespace sertel::bench
