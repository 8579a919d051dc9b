// Starts the shared harness programs (tests/harness/smtp_sink.py, whatsapp_stub.py) as child
// processes for the notification integration tests: waits for their "ready <port>" line, stops
// them by pid (SIGTERM, then waitpid) when destroyed.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace sertel::notification::testing {

// The repository root, from this file's absolute path (CMake compiles with absolute paths).
// The repository's root: SERTEL_SOURCE_DIR when set (scripts/test.sh sets it; a compiler cache
// with a base directory makes __FILE__ relative to the build directory), else from this file.
inline std::string RepoRoot() {
  if (const char* dir = std::getenv("SERTEL_SOURCE_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
}

// A port nothing listens on, for a sink that starts (or restarts) on it later. Drawn from
// 10000-18999, below the kernel's ephemeral range (32768+) and the e2e suites' fixed bases
// (19151+): a port the kernel handed out (port 0) could be taken by any outgoing connection of a
// test running in parallel before the sink binds it ("address already in use").
inline int FreePort() {
  static thread_local unsigned seed =
      static_cast<unsigned>(getpid()) ^
      static_cast<unsigned>(reinterpret_cast<std::uintptr_t>(&seed));
  for (int attempt = 0; attempt < 200; ++attempt) {
    int port = 10000 + static_cast<int>(rand_r(&seed) % 9000);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    bool free = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    if (free) return port;
  }
  throw std::runtime_error("no free port in 10000-18999");
}

class ChildProcess {
 public:
  // Runs /usr/bin/python3 <script> <args...>; returns once it printed "ready <port>".
  ChildProcess(const std::string& script, const std::vector<std::string>& args) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive a crashed test binary
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      std::vector<std::string> argv_s = {"/usr/bin/python3", script};
      argv_s.insert(argv_s.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& s : argv_s) argv.push_back(s.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    FILE* f = fdopen(out[0], "r");
    std::array<char, 256> line{};
    if (fgets(line.data(), line.size(), f) == nullptr ||
        std::string(line.data()).rfind("ready", 0) != 0) {
      fclose(f);
      Stop();
      throw std::runtime_error("harness program did not start: " + script);
    }
    port_ = std::atoi(line.data() + 6);
    fclose(f);
  }
  ~ChildProcess() { Stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int port() const { return port_; }
  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// Output of a shell command (for decoding .eml files with Python's email package, an
// implementation independent of ours).
inline std::string RunCommand(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

inline std::vector<std::filesystem::path> FilesWithExtension(const std::string& dir,
                                                             const std::string& ext) {
  std::vector<std::filesystem::path> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ext &&
        e.path().filename().string()[0] != '.') {
      out.push_back(e.path());
    }
  }
  return out;
}

}  // namespace sertel::notification::testing
