// What the process holding the CA key does to itself before it loads any key: no core dump
// (RLIMIT_CORE 0, so a crash never writes the CA key or a holder's passphrase to disk) and not
// dumpable (PR_SET_DUMPABLE 0: no ptrace and no /proc/<pid>/mem from other processes of the same
// user, and no core even where the limit is raised again).
//
//   if (absl::Status s = ForbidCoreDumps(); !s.ok()) return ServiceRuntime::ExitWith(s);
#pragma once

#include "absl/status/status.h"

namespace sertel::certificate {

absl::Status ForbidCoreDumps();

// Whether the process is currently dumpable (for tests).
bool ProcessIsDumpable();

}  // namespace sertel::certificate
