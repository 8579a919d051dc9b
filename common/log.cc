#include "common/log.h"

#include <cstdio>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sertel {
namespace {

struct LogState {
  std::mutex mu;
  std::string service = "sertel";
  std::FILE* out = nullptr;  // nullptr means stderr
  LogLevel min_level = LogLevel::kInfo;
};

LogState& State() {
  static LogState* state = new LogState();  // never destroyed: logging works during exit
  return *state;
}

thread_local std::string tl_request_id;
thread_local std::string tl_rpc;

absl::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void Log::Init(std::string service, const std::string& path, LogLevel min_level) {
  LogState& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  s.service = std::move(service);
  s.min_level = min_level;
  if (s.out != nullptr) std::fclose(s.out);
  s.out = nullptr;
  if (!path.empty()) {
    s.out = std::fopen(path.c_str(), "a");
    if (s.out == nullptr) {
      std::fprintf(stderr, "{\"level\":\"error\",\"event\":\"log_file_unwritable\",\"path\":%s}\n",
                   nlohmann::json(path).dump().c_str());
    }
  }
}

bool Log::ParseLevel(absl::string_view name, LogLevel* level) {
  std::string n = absl::AsciiStrToLower(name);
  if (n == "debug")
    *level = LogLevel::kDebug;
  else if (n == "info")
    *level = LogLevel::kInfo;
  else if (n == "warn" || n == "warning")
    *level = LogLevel::kWarn;
  else if (n == "error")
    *level = LogLevel::kError;
  else
    return false;
  return true;
}

void Log::Write(LogLevel level, absl::string_view event, nlohmann::json fields) {
  LogState& s = State();
  if (level < s.min_level) return;
  nlohmann::json line = nlohmann::json::object();
  line["ts"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone());
  line["level"] = LevelName(level);
  line["event"] = event;
  if (!tl_request_id.empty()) line["request_id"] = tl_request_id;
  if (!tl_rpc.empty()) line["rpc"] = tl_rpc;
  if (fields.is_object()) {
    for (auto& [k, v] : fields.items()) line[k] = std::move(v);
  }
  std::lock_guard<std::mutex> lock(s.mu);
  line["service"] = s.service;
  // Invalid UTF-8 in a field is replaced, never allowed to throw or break the line.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::FILE* out = s.out != nullptr ? s.out : stderr;
  std::fwrite(text.data(), 1, text.size(), out);
  std::fputc('\n', out);
  std::fflush(out);
}

ScopedLogContext::ScopedLogContext(std::string request_id, std::string rpc)
    : saved_request_id_(std::move(tl_request_id)), saved_rpc_(std::move(tl_rpc)) {
  tl_request_id = std::move(request_id);
  tl_rpc = std::move(rpc);
}

ScopedLogContext::~ScopedLogContext() {
  tl_request_id = std::move(saved_request_id_);
  tl_rpc = std::move(saved_rpc_);
}

const std::string& ScopedLogContext::CurrentRequestId() { return tl_request_id; }

}  // namespace sertel
