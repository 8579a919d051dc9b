#!/usr/bin/env bash
# Runs COMMAND against a whole suite of its own: a fresh SERTEL_HOME under /tmp, PostgreSQL, the
# SMTP sink, the WhatsApp stub and the four services as separate processes over TLS (mTLS between
# services), started by scripts/up.sh exactly as the demo starts them, on ports from PORT_BASE so
# that several suites can run side by side. Everything is stopped and removed afterwards.
#
#   with_suite.sh BUILD_DIR PORT_BASE COMMAND...
#
# COMMAND sees SERTEL_HOME, SERTEL_ROOT, SERTEL_BUILD_DIR, SERTEL_PORT_BASE (and the other ports),
# SERTEL_{INTAKE,DISPOSITION,CERTIFICATE,NOTIFICATION}_ADDRESS and SERTEL_CA_FILE. To restart a
# service it kills it (pid in $SERTEL_HOME/run/<service>.pid) and runs scripts/up.sh again.
set -euo pipefail
build=$(cd "${1:?usage: with_suite.sh BUILD_DIR PORT_BASE COMMAND...}" && pwd)
base=${2:?usage: with_suite.sh BUILD_DIR PORT_BASE COMMAND...}
shift 2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

home=$(mktemp -d /tmp/sertel-e2e.XXXXXX)
chmod 755 "$home"
export SERTEL_ROOT=$root SERTEL_HOME=$home SERTEL_BUILD_DIR=$build SERTEL_SKIP_BUILD=1 SERTEL_PG_FAST=1
export SERTEL_PORT_BASE=$base
export SERTEL_PG_PORT=$((base + 300)) SERTEL_SMTP_PORT=$((base + 301)) SERTEL_WHATSAPP_PORT=$((base + 302))
export SERTEL_INTAKE_ADDRESS=localhost:$base SERTEL_DISPOSITION_ADDRESS=localhost:$((base + 1))
export SERTEL_CERTIFICATE_ADDRESS=localhost:$((base + 2)) SERTEL_NOTIFICATION_ADDRESS=localhost:$((base + 3))
export SERTEL_CA_FILE=$home/tls/ca.pem

stop_suite() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    for f in "$home"/logs/*; do
      [ -f "$f" ] || continue
      echo "---- last lines of $f"; tail -n 15 "$f"
    done
  fi
  "$root/scripts/down.sh" >/dev/null 2>&1 || true
  rm -rf "$home"
  exit $rc
}
trap stop_suite EXIT
trap 'exit 130' INT TERM  # through stop_suite: a killed test leaves no suite behind
"$root/scripts/up.sh" 2>&1 | sed 's/^/[up] /'
"$@"
