# Shared by the scripts: repository paths and small helpers. Source it; do not run it.
SERTEL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERTEL_HOME="${SERTEL_HOME:-$SERTEL_ROOT/.sertel}"
SERTEL_BUILD_DIR="${SERTEL_BUILD_DIR:-$SERTEL_ROOT/build}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
# Debian's python3 (with python3-grpcio and python3-aiosmtpd), not a pyenv one on PATH.
SERTEL_PYTHON="${SERTEL_PYTHON:-/usr/bin/python3}"

log() { printf '\033[1m[sertel]\033[0m %s\n' "$*" >&2; }
die() { printf '[sertel] error: %s\n' "$*" >&2; exit 1; }

# wait_for_port PORT [SECONDS]: until something listens on 127.0.0.1:PORT.
wait_for_port() {
  local port=$1 deadline=$((SECONDS + ${2:-30}))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

# alive PID: the process exists and is not a zombie (a killed child nobody has reaped yet).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != "Z" ]
}
