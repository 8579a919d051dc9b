// Structured logs: one JSON object per line, with the service, the request id and the RPC name of
// the call being served on every line. Never pass a token, passphrase or key as a field.
//
//   Log::Info("case_forwarded", {{"application_id", id}, {"step", 3}});
//   ScopedLogContext ctx("req-123", "Forward");   // inside a handler
#pragma once

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace sertel {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

class Log {
 public:
  // Sets the service name and the destination (a file path; empty means stderr). Safe to call
  // again (tests); the previous file is closed.
  static void Init(std::string service, const std::string& path, LogLevel min_level);
  static bool ParseLevel(absl::string_view name, LogLevel* level);

  static void Write(LogLevel level, absl::string_view event, nlohmann::json fields = {});
  static void Debug(absl::string_view event, nlohmann::json fields = {}) {
    Write(LogLevel::kDebug, event, std::move(fields));
  }
  static void Info(absl::string_view event, nlohmann::json fields = {}) {
    Write(LogLevel::kInfo, event, std::move(fields));
  }
  static void Warn(absl::string_view event, nlohmann::json fields = {}) {
    Write(LogLevel::kWarn, event, std::move(fields));
  }
  static void Error(absl::string_view event, nlohmann::json fields = {}) {
    Write(LogLevel::kError, event, std::move(fields));
  }
};

// Sets the request id and RPC name for log lines written by this thread until destroyed.
class ScopedLogContext {
 public:
  ScopedLogContext(std::string request_id, std::string rpc);
  ~ScopedLogContext();
  ScopedLogContext(const ScopedLogContext&) = delete;
  ScopedLogContext& operator=(const ScopedLogContext&) = delete;
  static const std::string& CurrentRequestId();

 private:
  std::string saved_request_id_;
  std::string saved_rpc_;
};

}  // namespace sertel
