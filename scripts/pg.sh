#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster: `scripts/pg.sh start DIR PORT [fast]`,
# `scripts/pg.sh stop DIR` and `scripts/pg.sh restart-immediate DIR` (a crash and recovery). PostgreSQL refuses to run as root, so as root the cluster belongs to
# the `postgres` user (DIR must be reachable by it). `fast` turns fsync off (tests only; never
# for benchmarks). Prints the connection URL on start.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmd=${1:?usage: pg.sh start|stop|restart-immediate DIR [PORT] [fast]}
dir=${2:?usage: pg.sh start|stop|restart-immediate DIR [PORT] [fast]}
port=${3:-55432}
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
      opts="listen_addresses='127.0.0.1'
port=$port
unix_socket_directories='$dir'
max_connections=200
shared_buffers=128MB"
      [ "${4:-}" = "fast" ] && opts="$opts
fsync=off
synchronous_commit=off
full_page_writes=off"
      echo "$opts" >> "$dir/data/postgresql.conf"
    fi
    if ! as_pg "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null
    fi
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  restart-immediate)
    # As after a crash: no checkpoint, the next start replays the WAL (tests/chaos).
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 60 -l "$dir/server.log" restart >/dev/null
    ;;
  stop)
    if [ -f "$dir/data/PG_VERSION" ]; then
      as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
  *) die "usage: pg.sh start|stop|restart-immediate DIR [PORT] [fast]" ;;
esac
