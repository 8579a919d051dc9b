#include "common/pg_connection_probe.h"

#include <poll.h>

#include <cerrno>
#include <pqxx/except>

namespace sertel {
namespace {

// A FATAL message and the close behind it take two reads; a few more cover notifications.
constexpr int kMaxReads = 4;

}  // namespace

bool ServerStillHolds(pqxx::connection_base& conn) {
  try {
    for (int read = 0; read < kMaxReads; ++read) {
      if (!conn.is_open()) return false;
      pollfd waiting{.fd = conn.sock(), .events = POLLIN, .revents = 0};
      int ready = ::poll(&waiting, 1, /*timeout=*/0);
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) return false;
      if (ready == 0) return true;  // nothing sent while idle: the connection is as we left it
      if ((waiting.revents & (POLLERR | POLLNVAL)) != 0) return false;
      conn.get_notifs();  // reads it; throws broken_connection when the server has closed
    }
    return conn.is_open();
  } catch (const pqxx::broken_connection&) {
    return false;
  }
}

}  // namespace sertel
