#!/usr/bin/env bash
# Stops what scripts/up.sh started: the four services (SIGTERM, so they drain), the SMTP sink,
# the WhatsApp stub and PostgreSQL. Data under ./.sertel/ stays; remove the folder to start over.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RUN="$SERTEL_HOME/run"
for name in intake disposition certificate notification smtp-sink whatsapp-stub; do
  f="$RUN/$name.pid"
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do alive "$pid" || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    log "stopped $name"
  fi
  rm -f "$f"
done
"$SERTEL_ROOT/scripts/pg.sh" stop "$SERTEL_HOME/pg"
log "PostgreSQL stopped"
