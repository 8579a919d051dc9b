#!/usr/bin/env bash
# Configures and builds everything into build/ (or $SERTEL_BUILD_DIR). Extra arguments go to
# cmake at configure time, e.g. scripts/build.sh -DSERTEL_SANITIZE=address,undefined
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$SERTEL_ROOT/scripts/install-deps.sh"
cmake -S "$SERTEL_ROOT" -B "$SERTEL_BUILD_DIR" -G Ninja \
  -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$SERTEL_BUILD_DIR" -j"$(nproc)"
