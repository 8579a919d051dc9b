#pragma once

#include <pqxx/connection>

namespace sertel {

// Whether the server still holds a connection that has sat idle: reads, without waiting, what
// the server sent meanwhile (a FATAL "terminating connection" and the close that follows it, or
// notifications, which reach their receivers) and answers false once the server has closed it.
//
// Why the probe comes before a statement and not after it fails: libpqxx 6.4 (Debian 12's) leaks
// the PGresult of a statement that finds its connection closed. connection_base::make_result
// calls encoding_id(), which throws "Could not obtain client encoding: not connected" before the
// result takes ownership (fixed in libpqxx 7.0). A connection that was dropped while idle is
// therefore caught here; only a drop during a statement still reaches that path.
bool ServerStillHolds(pqxx::connection_base& conn);

}  // namespace sertel
