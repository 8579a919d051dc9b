#!/usr/bin/env bash
# Per-service PostgreSQL roles on a local cluster (docs/security.md, "Database roles"):
#   scripts/pg-roles.sh ensure ADMIN_URL DIR    role sertel_<svc> owning schema <svc>, for the
#                                               four services; passwords in DIR/<svc>.password
#   scripts/pg-roles.sh url ADMIN_URL DIR SVC   prints SVC's connection URL (its own role)
# ADMIN_URL is a superuser's URL (scripts/pg.sh prints one). Idempotent: a password, once made,
# is kept. The Kubernetes overlays do the same with CloudNativePG managed roles.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVICES=(intake disposition certificate notification)
usage="usage: pg-roles.sh ensure ADMIN_URL DIR | url ADMIN_URL DIR SERVICE"
cmd=${1:?$usage}
admin=${2:?$usage}
dir=${3:?$usage}

password_file() { echo "$dir/$1.password"; }

ensure_password() {
  local f
  f=$(password_file "$1")
  if [ ! -s "$f" ]; then
    (umask 077; openssl rand -hex 24 | tr -d '\n' >"$f")
  fi
}

# The admin URL with the user (and no password) replaced: postgresql://ROLE:PW@host:port/db?...
role_url() {
  local svc=$1 pw rest
  pw=$(cat "$(password_file "$svc")")
  rest=${admin#postgresql://}
  rest=${rest#*@}
  echo "postgresql://sertel_$svc:$pw@$rest"
}

case "$cmd" in
  ensure)
    command -v psql >/dev/null || die "psql is not installed"
    mkdir -p "$dir"
    chmod 700 "$dir"
    for svc in "${SERVICES[@]}"; do
      ensure_password "$svc"
      SERTEL_ROLE_PASSWORD=$(cat "$(password_file "$svc")") \
        psql "$admin" -q -X -v ON_ERROR_STOP=1 -v service="$svc" \
        -f "$SERTEL_ROOT/scripts/sql/service_role.sql" >/dev/null
    done
    ;;
  url)
    svc=${4:?$usage}
    [[ " ${SERVICES[*]} " == *" $svc "* ]] || die "unknown service $svc"
    [ -s "$(password_file "$svc")" ] || die "no role for $svc yet: run pg-roles.sh ensure first"
    role_url "$svc"
    ;;
  *) die "$usage" ;;
esac
