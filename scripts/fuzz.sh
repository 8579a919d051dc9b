#!/usr/bin/env bash
# Issue 23, 5: fuzzing with clang's libFuzzer under AddressSanitizer and UBSan. Installs what it
# needs, builds fuzz/ with clang into build-fuzz/ (a project of its own: only the parsers and
# validators that take outside input, instrumented), runs every target from its seeds
# (fuzz/corpus/<target>/, copied to build-fuzz/corpus/ where the corpus grows between runs) for
# a bounded number of executions and prints one table: executions, crashes (must be 0), the
# edges covered and the corpus size. A crash leaves its input in build-fuzz/crashes/<target>/
# (replay: build-fuzz/<target> FILE). The exit code is 1 when any target crashed.
#
#   scripts/fuzz.sh                  # the full run: 1 000 000 executions per target
#   scripts/fuzz.sh --runs 10000     # what scripts/test.sh runs (the ctest fuzz_quick)
#   scripts/fuzz.sh --results F.json # also write the figures as JSON (the full run writes
#                                    # bench/results/fuzz-<date>.json)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS=1000000
RESULTS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=${2:?--runs N}; shift 2 ;;
    --results) RESULTS=${2:?--results FILE}; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (try --help)" ;;
  esac
done
[ "$RUNS" -ge 1000000 ] && [ -z "$RESULTS" ] && RESULTS="$SERTEL_ROOT/bench/results/fuzz-$(date -u +%Y-%m-%d).json"

"$SERTEL_ROOT/scripts/install-deps.sh"
BUILD=${SERTEL_FUZZ_BUILD_DIR:-$SERTEL_ROOT/build-fuzz}
cmake -S "$SERTEL_ROOT/fuzz" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
cmake --build "$BUILD" -j"$(nproc)" | grep -v '^\[' || true

# A target's time is bounded too: a slow input never holds the run (30 s per input at most).
limit=$(( RUNS / 1000 + 60 ))
rows=()
failed=0
json="["
for corpus in "$SERTEL_ROOT"/fuzz/corpus/*/; do
  name=$(basename "$corpus")
  target="$BUILD/${name}_fuzzer"
  [ -x "$target" ] || die "no fuzz target $target"
  work="$BUILD/corpus/$name"
  crashes="$BUILD/crashes/$name"
  mkdir -p "$work" "$crashes"
  cp -n "$corpus"* "$work/" 2>/dev/null || true
  out="$BUILD/$name.log"
  rc=0
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
    "$target" -runs="$RUNS" -max_total_time="$limit" -timeout=30 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$crashes/" "$work" >"$out" 2>&1 || rc=$?
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$out" | tail -n1 || true)
  execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$out" | grep -Eo '[0-9]+$' || echo 0)
  cov=$(echo "$done_line" | grep -Eo 'cov: [0-9]+' | grep -Eo '[0-9]+' || echo 0)
  corp=$(ls "$work" | wc -l)
  found=$(ls "$crashes" | wc -l)
  if [ $rc -ne 0 ] || [ "$found" -gt 0 ]; then
    failed=1
    crash=$(( found > 0 ? found : 1 ))
    echo "---- $name crashed (exit $rc); last lines of $out:"; tail -n 30 "$out"
  else
    crash=0
  fi
  rows+=("$(printf '| %-18s | %9s | %7s | %5s | %6s |' "$name" "$execs" "$crash" "$cov" "$corp")")
  json="$json{\"target\":\"$name\",\"executions\":$execs,\"crashes\":$crash,\"edges\":$cov,\"corpus\":$corp},"
done
json="${json%,}]"

echo
echo "sertel fuzzing, $RUNS executions per target, $(date -u '+%Y-%m-%d %H:%M') UTC, $(hostname) ($(nproc) CPUs)"
printf '| %-18s | %9s | %7s | %5s | %6s |\n' target executions crashes edges corpus
echo "|--------------------|-----------|---------|-------|--------|"
printf '%s\n' "${rows[@]}"
if [ -n "$RESULTS" ]; then
  mkdir -p "$(dirname "$RESULTS")"
  printf '{"runs_per_target": %s, "targets": %s}\n' "$RUNS" "$json" > "$RESULTS"
  echo "figures written to $RESULTS"
fi
exit $failed
