#!/usr/bin/env bash
# The demo: installs what it needs, builds, starts the suite (scripts/up.sh) and walks one
# application through the SOP's seven steps with sertelctl (scripts/demo_walk.sh), leaving the
# suite running. scripts/down.sh stops it. Re-running it works: each run walks a new applicant.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$SERTEL_ROOT/scripts/up.sh"
"$SERTEL_ROOT/scripts/demo_walk.sh"
log "the suite is still running (CA: $SERTEL_HOME/tls/ca.pem; try:"
log "  export SERTEL_TOKEN=\$($SERTEL_BUILD_DIR/tools/sertelctl/sertelctl token --role AUDITOR --sub me)"
log "  $SERTEL_BUILD_DIR/tools/sertelctl/sertelctl stats )"
log "stop it with scripts/down.sh"
