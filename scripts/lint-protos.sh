#!/usr/bin/env bash
# Lints protos/sertel/v1 with buf (STANDARD rules, exceptions in protos/buf.yaml). buf runs with
# the google/rpc protos from .cache/npm on its include path, offline.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BUF="$SERTEL_ROOT/.cache/npm/node_modules/.bin/buf"
[ -x "$BUF" ] || die "buf not found; run scripts/install-deps.sh"
cd "$SERTEL_ROOT/protos"
"$BUF" lint
