#!/usr/bin/env bash
# Creates, in the current kubectl context, what the dev overlay references but never commits:
# the services' TLS Secrets, the JWT public key ConfigMap, the issuing CA and activation key,
# notification-service's at-rest key, and the PostgreSQL password and URL. The material is the
# development identity of scripts/dev-pki.sh under ./.sertel/ (made if missing), plus a
# database password kept in ./.sertel/k8s-dev/. Idempotent: run it again to update.
#
#   k8s/overlays/dev/create-secrets.sh            # namespace sertel
#   SERTEL_NAMESPACE=other k8s/overlays/dev/create-secrets.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
HOME_DIR="${SERTEL_HOME:-$ROOT/.sertel}"
NS="${SERTEL_NAMESPACE:-sertel}"
SERVICES=(intake disposition certificate notification)

command -v kubectl >/dev/null || { echo "create-secrets.sh: kubectl is not installed" >&2; exit 1; }
SERTEL_HOME="$HOME_DIR" "$ROOT/scripts/dev-pki.sh"

umask 077
DEV="$HOME_DIR/k8s-dev"
mkdir -p "$DEV"
[ -s "$DEV/postgres-password" ] || openssl rand -hex 24 | tr -d '\n' >"$DEV/postgres-password"
printf 'postgresql://sertel:%s@postgres:5432/sertel?sslmode=disable' \
  "$(cat "$DEV/postgres-password")" >"$DEV/database-url"
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
apply secret sertel-database --from-file=url="$DEV/database-url"
for svc in "${SERVICES[@]}"; do
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
