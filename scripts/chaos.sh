#!/usr/bin/env bash
# Issue 23's faults and attacks, measured: installs what it needs, builds (build/, or
# $SERTEL_BUILD_DIR), starts a suite of its own on loopback (tests/e2e/with_suite.sh: PostgreSQL,
# the SMTP sink, the WhatsApp stub, the four services; tests/e2e/with_oidc.sh: the development
# identity provider whose tokens it accepts), runs the chaos runner (tests/chaos/)
# against it from outside, prints one table and writes the figures as JSON to
# bench/results/chaos-<date>.json. Every loop is bounded in count and in time; the suite is
# stopped and removed afterwards. The full run then runs every test again under the sanitizers
# (SERTEL_SANITIZE=address,undefined scripts/test.sh, its own build in build-sanitize/: about
# 35 minutes more on 2 CPUs, too long for CI) and writes its verdict to
# bench/results/sanitize-<date>.json. The exit code is 1 when a figure that must be zero is not
# or a sanitized test failed.
#
#   scripts/chaos.sh                  # the full run (100 rounds of each race, ...), by hand
#   scripts/chaos.sh --no-sanitize    # the full run without the sanitizer build
#   scripts/chaos.sh --quick          # CI's size (scripts/test.sh runs it as the ctest chaos_quick)
#
# docs/reliability.md holds the latest full table and how to read it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

args=()
sanitize=1
for arg in "$@"; do
  case "$arg" in
    --quick) args+=(--quick); sanitize=0 ;;
    --no-sanitize) sanitize=0 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
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
status=0
timeout 3600 bash "$SERTEL_ROOT/tests/e2e/with_oidc.sh" 31660 \
  bash "$SERTEL_ROOT/tests/e2e/with_suite.sh" "$SERTEL_BUILD_DIR" 31151 \
  /usr/bin/python3 "$SERTEL_ROOT/tests/chaos/chaos.py" "${args[@]}" --survey "$survey" \
  --results "$results" || status=$?
[ "$sanitize" = 1 ] || exit "$status"

# Issue 23, 8: the sanitizer build is green. Its own build and every test, the end-to-end
# suites' service processes sanitized too; the verdict and ctest's summary as JSON.
mkdir -p "$SERTEL_ROOT/build-sanitize"
sanitize_log="$SERTEL_ROOT/build-sanitize/test.log"
started=$SECONDS
sanitized=0
SERTEL_SANITIZE=address,undefined timeout 5400 bash "$SERTEL_ROOT/scripts/test.sh" \
  >"$sanitize_log" 2>&1 || sanitized=$?
summary=$(grep -E 'tests passed, [0-9]+ tests failed out of' "$sanitize_log" | tail -1 || true)
failed=$(grep -E '^\s+[0-9]+ - ' "$sanitize_log" | sed 's/^ *//' | head -20 || true)
/usr/bin/python3 - "$SERTEL_ROOT/bench/results/sanitize-$(date -u +%Y-%m-%d).json" \
  "$sanitized" "$((SECONDS - started))" "$summary" "$failed" <<'PY'
import json, sys
path, code, seconds, summary, failed = sys.argv[1:6]
with open(path, "w") as f:
    json.dump({"command": "SERTEL_SANITIZE=address,undefined scripts/test.sh",
               "exit_code": int(code), "seconds": int(seconds), "summary": summary,
               "failed": [l for l in failed.splitlines() if l]}, f, indent=2)
print("sanitizer run: exit %s, %s s, %s" % (code, seconds, summary or "no ctest summary"))
PY
[ "$sanitized" = 0 ] || { log "the sanitizer run failed: $sanitize_log"; status=1; }
exit "$status"
