#!/usr/bin/env bash
# clang-tidy with the checked-in .clang-tidy (a small set of bug-finding checks) over the product
# code: common/, the four services, sertelctl. Needs a configured build (compile_commands.json);
# scripts/build.sh makes one. Extra arguments are file paths (default: every product .cc).
# It takes about 10 CPU-minutes, so it is not part of scripts/test.sh; run it before a review.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SERTEL_ROOT"
[ -f "$SERTEL_BUILD_DIR/compile_commands.json" ] || die "no $SERTEL_BUILD_DIR/compile_commands.json: run scripts/build.sh"
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files -- 'common/*.cc' '*-service/src/*.cc' 'tools/sertelctl/src/*.cc')
fi
run-clang-tidy -quiet -p "$SERTEL_BUILD_DIR" -j "$(nproc)" "${files[@]}"
