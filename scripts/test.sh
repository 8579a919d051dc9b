#!/usr/bin/env bash
# Builds sertel and runs every test: unit tests, integration tests against a throwaway
# PostgreSQL cluster that this script starts (and removes afterwards), the proto lint, the
# Kubernetes manifest checks and the end-to-end tests across processes. The exit code is the
# tests' verdict. Extra arguments go to ctest (e.g. -R Outbox).
# SERTEL_SANITIZE=address,undefined builds with sanitizers into build-sanitize/ and runs the same
# tests there: any sanitizer report fails the test that caused it (docs/reliability.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmake_args=()
if [ -n "${SERTEL_SANITIZE:-}" ]; then
  export SERTEL_BUILD_DIR="$SERTEL_ROOT/build-sanitize"
  cmake_args+=("-DSERTEL_SANITIZE=$SERTEL_SANITIZE")
  # Every process a test starts inherits these: a report stops it with a non-zero exit.
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:strict_string_checks=1"
  export LSAN_OPTIONS="suppressions=$SERTEL_ROOT/tests/sanitizers/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
fi
"$SERTEL_ROOT/scripts/build.sh" "${cmake_args[@]}"

# The cluster lives outside the repo so the postgres user can reach it, and is removed on exit.
PG_DIR=$(mktemp -d /tmp/sertel-test-pg.XXXXXX)
PG_PORT=${SERTEL_TEST_PG_PORT:-55433}
cleanup() {
  "$SERTEL_ROOT/scripts/pg.sh" stop "$PG_DIR" || true
  rm -rf "$PG_DIR"
}
trap cleanup EXIT
chmod 755 "$PG_DIR"
export SERTEL_TEST_DATABASE_URL
SERTEL_TEST_DATABASE_URL=$("$SERTEL_ROOT/scripts/pg.sh" start "$PG_DIR" "$PG_PORT" fast)
log "test PostgreSQL at $SERTEL_TEST_DATABASE_URL"
export SERTEL_SOURCE_DIR="$SERTEL_ROOT"
export SERTEL_BUILD_DIR

cd "$SERTEL_BUILD_DIR"
ctest --output-on-failure --timeout 300 -j"$(nproc)" "$@"
