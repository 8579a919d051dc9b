#!/usr/bin/env bash
# Creates, in the current kubectl context, what the dev overlay references but never commits:
# the services' TLS Secrets, the JWT public key ConfigMap, the issuing CA and activation key,
# notification-service's at-rest key, the PostgreSQL superuser's password, each service's own
# database role (Secret sertel-db-<svc>) and audit keys (Secret sertel-audit-<svc>), and the
# role SQL the dev PostgreSQL runs at its first start. The material is the development identity
# of scripts/dev-pki.sh under ./.sertel/ (made if missing), the audit keys under
# ./.sertel/audit/ (made here if dev-pki.sh has not), plus passwords kept in ./.sertel/k8s-dev/.
# If PostgreSQL already runs (a database made before per-service roles, or a password changed),
# it also applies the roles there. Idempotent: run it again to update.
#
#   k8s/overlays/dev/create-secrets.sh            # namespace sertel
#   SERTEL_NAMESPACE=other k8s/overlays/dev/create-secrets.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
HOME_DIR="${SERTEL_HOME:-$ROOT/.sertel}"
NS="${SERTEL_NAMESPACE:-sertel}"
SERVICES=(intake disposition certificate notification)
ROLE_SQL="$ROOT/scripts/sql/service_role.sql"

command -v kubectl >/dev/null || { echo "create-secrets.sh: kubectl is not installed" >&2; exit 1; }
[ -s "$ROLE_SQL" ] || { echo "create-secrets.sh: $ROLE_SQL is missing" >&2; exit 1; }
SERTEL_HOME="$HOME_DIR" "$ROOT/scripts/dev-pki.sh"

umask 077
DEV="$HOME_DIR/k8s-dev"
AUDIT="$HOME_DIR/audit"
mkdir -p "$DEV" "$AUDIT"
chmod 700 "$DEV" "$AUDIT"
# Hex, so a password needs no URL-encoding in SERTEL_DATABASE_URL. Once made, kept.
password() { [ -s "$1" ] || openssl rand -hex 24 | tr -d '\n' >"$1"; }
password "$DEV/postgres-password"
for svc in "${SERVICES[@]}"; do
  password "$DEV/$svc-db-password"
  # The audit keys (scripts/dev-pki.sh makes them too): 32 random bytes keying the audit hash
  # chain, and the Ed25519 key signing audit checkpoints.
  [ -s "$AUDIT/$svc-hmac.key" ] || openssl rand -out "$AUDIT/$svc-hmac.key" 32
  [ -s "$AUDIT/$svc-checkpoint-key.pem" ] ||
    openssl genpkey -algorithm ed25519 -out "$AUDIT/$svc-checkpoint-key.pem"
done
# Same form as scripts/up.sh: 32 random bytes, hex.
[ -s "$HOME_DIR/notification-secret.key" ] || openssl rand -hex 32 >"$HOME_DIR/notification-secret.key"

# apply secret|configmap NAME --from-file=...: create or update through kubectl apply. Values
# come from files, so they never show up in a process list.
apply() {
  local kind=$1 name=$2; shift 2
  local what=$kind; [ "$kind" = secret ] && what="secret generic"
  # shellcheck disable=SC2086
  kubectl -n "$NS" create $what "$name" "$@" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  echo "applied $kind/$name in namespace $NS"
}

kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f - >/dev/null

apply secret sertel-dev-postgres --from-file=password="$DEV/postgres-password"
# The single URL every service shared before per-service roles; nothing reads it now.
kubectl -n "$NS" delete secret sertel-database --ignore-not-found >/dev/null
rm -f "$DEV/database-url"
apply configmap postgres-service-role-sql --from-file=service_role.sql="$ROLE_SQL"
for svc in "${SERVICES[@]}"; do
  apply secret "sertel-db-$svc" --type=kubernetes.io/basic-auth \
    --from-literal=username="sertel_$svc" \
    --from-file=password="$DEV/$svc-db-password"
  apply secret "sertel-audit-$svc" \
    --from-file=hmac.key="$AUDIT/$svc-hmac.key" \
    --from-file=checkpoint-key.pem="$AUDIT/$svc-checkpoint-key.pem"
  apply secret "$svc-service-tls" \
    --from-file=tls.crt="$HOME_DIR/tls/$svc.pem" \
    --from-file=tls.key="$HOME_DIR/tls/$svc-key.pem" \
    --from-file=ca.crt="$HOME_DIR/tls/ca.pem"
done
apply configmap sertel-jwt-public-keys --from-file=current.pem="$HOME_DIR/jwt/public-key.pem"
apply secret certificate-service-keys \
  --from-file=ca-key.pem="$HOME_DIR/ca/key.pem" \
  --from-file=ca-cert.pem="$HOME_DIR/ca/cert.pem" \
  --from-file=activation-hmac.key="$HOME_DIR/ca/activation-hmac.key"
apply secret notification-service-secrets \
  --from-file=secret.key="$HOME_DIR/notification-secret.key"

# The roles and schemas. A new database gets them at its first start (postgres.yaml,
# 10-sertel-roles.sh). A running one gets them here, from the same SQL file: the password goes
# in on stdin (\set; the file's \getenv leaves it when SERTEL_ROLE_PASSWORD is unset), never on
# a command line. Wait for readiness first: during the first start the entrypoint is still
# making them (and PostgreSQL does not listen on TCP yet, so the pod is not Ready).
if kubectl -n "$NS" get pod postgres-0 >/dev/null 2>&1; then
  kubectl -n "$NS" wait --for=condition=Ready pod/postgres-0 --timeout=180s >/dev/null
  for svc in "${SERVICES[@]}"; do
    { printf "\\\\set password '%s'\n" "$(cat "$DEV/$svc-db-password")"; cat "$ROLE_SQL"; } |
      kubectl -n "$NS" exec -i postgres-0 -c postgres -- \
        psql -q -X -v ON_ERROR_STOP=1 -U sertel -d sertel -v service="$svc" -f - >/dev/null
    echo "applied role sertel_$svc (schema $svc) in postgres-0"
  done
  echo "restart the services if a password changed: kubectl -n $NS rollout restart deploy"
else
  echo "PostgreSQL is not running yet: its first start makes the roles and schemas."
  echo "(If its volume already holds a database, run this again once postgres-0 is Ready.)"
fi
