#!/usr/bin/env bash
# Issue 23's faults and attacks, measured: installs what it needs, builds (build/, or
# $SERTEL_BUILD_DIR), starts a suite of its own on loopback (tests/e2e/with_suite.sh: PostgreSQL,
# the SMTP sink, the WhatsApp stub, the four services; tests/e2e/with_oidc.sh: the development
# identity provider whose tokens it accepts), runs the chaos runner (tests/chaos/)
# against it from outside, prints one table and writes the figures as JSON to
# bench/results/chaos-<date>.json. Every loop is bounded in count and in time; the suite is
# stopped and removed afterwards. The exit code is 1 when a figure that must be zero is not.
#
#   scripts/chaos.sh            # the full run (100 rounds of each race, ...), by hand
#   scripts/chaos.sh --quick    # CI's size (scripts/test.sh runs it as the ctest chaos_quick)
#
# docs/reliability.md holds the latest full table and how to read it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

args=()
for arg in "$@"; do
  case "$arg" in
    --quick) args+=(--quick) ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown argument $arg (try --help)" ;;
  esac
done

"$SERTEL_ROOT/scripts/build.sh"
survey="$SERTEL_BUILD_DIR/tests/chaos/sertel_serial_survey"
[ -x "$survey" ] || die "the serial survey did not build ($survey)"
suffix=""
[ ${#args[@]} -eq 0 ] || suffix="-quick"
results="$SERTEL_ROOT/bench/results/chaos-$(date -u +%Y-%m-%d)$suffix.json"
# At most an hour for the whole run, whatever happens to the suite.
timeout 3600 bash "$SERTEL_ROOT/tests/e2e/with_oidc.sh" 31660 \
  bash "$SERTEL_ROOT/tests/e2e/with_suite.sh" "$SERTEL_BUILD_DIR" 31151 \
  /usr/bin/python3 "$SERTEL_ROOT/tests/chaos/chaos.py" "${args[@]}" --survey "$survey" \
  --results "$results"
