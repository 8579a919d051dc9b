#!/usr/bin/env bash
# Starts the whole suite locally, as docs/api.md's development environment says: a throwaway PostgreSQL
# under ./.sertel/pg (port 55432), the SMTP sink on 127.0.0.1:2525 (mail under ./.sertel/mail),
# the WhatsApp Cloud API stub, and the four services over TLS with the development identity
# under ./.sertel/ (made once by scripts/dev-pki.sh). Logs: ./.sertel/logs/<service>.log.
# Idempotent: what already runs is left running. Stop everything with scripts/down.sh.
# SERTEL_SKIP_BUILD=1 skips install+build (for callers that just built). Tests that need a suite of
# their own set SERTEL_HOME, SERTEL_PORT_BASE (intake; disposition, certificate and notification
# follow; metrics at +1000), SERTEL_PG_PORT, SERTEL_SMTP_PORT and SERTEL_WHATSAPP_PORT.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ -z "${SERTEL_SKIP_BUILD:-}" ]; then
  "$SERTEL_ROOT/scripts/build.sh"
fi
"$SERTEL_ROOT/scripts/dev-pki.sh"

RUN="$SERTEL_HOME/run"
mkdir -p "$RUN" "$SERTEL_HOME/logs" "$SERTEL_HOME/mail" "$SERTEL_HOME/whatsapp"
chmod 755 "$SERTEL_HOME"

PG_PORT=${SERTEL_PG_PORT:-55432}
SMTP_PORT=${SERTEL_SMTP_PORT:-2525}
WHATSAPP_PORT=${SERTEL_WHATSAPP_PORT:-2526}
PORT_BASE=${SERTEL_PORT_BASE:-50051}
INTAKE_PORT=$PORT_BASE DISPOSITION_PORT=$((PORT_BASE + 1))
CERTIFICATE_PORT=$((PORT_BASE + 2)) NOTIFICATION_PORT=$((PORT_BASE + 3))
# The one-time download links of a handover (HTTPS; docs/whatsapp.md) and the WhatsApp webhook
# (on the notification service's HTTP listener, metrics port).
DOWNLOAD_PORT=$((CERTIFICATE_PORT + 1100))
WEBHOOK_URL="http://127.0.0.1:$((NOTIFICATION_PORT + 1000))/whatsapp/webhook"
# SERTEL_PG_FAST=1 turns fsync off (end-to-end tests only; never the demo or benchmarks).
ADMIN_DATABASE_URL=$("$SERTEL_ROOT/scripts/pg.sh" start "$SERTEL_HOME/pg" "$PG_PORT" ${SERTEL_PG_FAST:+fast})
log "PostgreSQL at $ADMIN_DATABASE_URL"
# Each service connects as its own role, which owns its schema and nothing else
# (docs/security.md, "Database roles"); the passwords stay under ./.sertel/db/.
"$SERTEL_ROOT/scripts/pg-roles.sh" ensure "$ADMIN_DATABASE_URL" "$SERTEL_HOME/db"

running() { [ -f "$RUN/$1.pid" ] && alive "$(cat "$RUN/$1.pid")"; }

# start NAME PORT COMMAND...: runs COMMAND in the background unless NAME is already running, and
# waits until it listens on PORT. A process that exits first is started again (three tries): the
# usual cause is the port held for a moment as the local end of some outgoing connection (the
# kernel hands out 32768-60999 for those, and the contract's ports are in that range).
start() {
  local name=$1 port=$2 attempt pid deadline; shift 2
  if running "$name"; then
    log "$name already running (pid $(cat "$RUN/$name.pid"))"
    return
  fi
  for attempt in 1 2 3; do
    "$@" >>"$SERTEL_HOME/logs/$name.out" 2>&1 &
    pid=$!
    echo "$pid" >"$RUN/$name.pid"
    deadline=$((SECONDS + 60))
    while alive "$pid" && [ $SECONDS -lt $deadline ]; do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        log "$name listening on 127.0.0.1:$port"
        return
      fi
      sleep 0.1
    done
    if alive "$pid"; then  # running but not listening after 60 s: retrying will not help
      kill -TERM "$pid" 2>/dev/null || true
      break
    fi
    if [ $attempt -lt 3 ]; then
      log "$name exited before listening on $port (try $attempt of 3); again"
      sleep 1
    fi
  done
  rm -f "$RUN/$name.pid"
  tail -20 "$SERTEL_HOME/logs/$name.out" "$SERTEL_HOME/logs/$name.log" 2>/dev/null >&2 || true
  die "$name did not start on port $port (see $SERTEL_HOME/logs/$name.*)"
}

start smtp-sink "$SMTP_PORT" "$SERTEL_PYTHON" "$SERTEL_ROOT/tests/harness/smtp_sink.py" \
  --port "$SMTP_PORT" --dir "$SERTEL_HOME/mail"
[ -f "$SERTEL_HOME/notification-secret.key" ] || (umask 077; openssl rand -hex 32 >"$SERTEL_HOME/notification-secret.key")
for secret in token app-secret verify-token; do
  [ -f "$SERTEL_HOME/whatsapp/$secret" ] ||
    (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$SERTEL_HOME/whatsapp/$secret")
done
# As strict as the Cloud API: the template table as registered with Meta, and delivery reports
# to the notification service's webhook, signed with the app secret.
start whatsapp-stub "$WHATSAPP_PORT" "$SERTEL_PYTHON" "$SERTEL_ROOT/tests/harness/whatsapp_stub.py" \
  --port "$WHATSAPP_PORT" --dir "$SERTEL_HOME/whatsapp/messages" \
  --token "$(cat "$SERTEL_HOME/whatsapp/token")" --phone-number-id 100000000000001 \
  --templates-file "$SERTEL_ROOT/notification-service/whatsapp_templates.json" \
  --webhook-url "$WEBHOOK_URL" --app-secret "$(cat "$SERTEL_HOME/whatsapp/app-secret")" \
  --webhook-verify-token "$(cat "$SERTEL_HOME/whatsapp/verify-token")"

# The variables every service reads (README's table), then each service's own.
common_env() {
  local svc=$1  # $2: its gRPC port
  echo "SERTEL_DATABASE_URL=$("$SERTEL_ROOT/scripts/pg-roles.sh" url "$ADMIN_DATABASE_URL" "$SERTEL_HOME/db" "$svc")"
  echo "SERTEL_TLS_CERT=$SERTEL_HOME/tls/$svc.pem"
  echo "SERTEL_TLS_KEY=$SERTEL_HOME/tls/$svc-key.pem"
  echo "SERTEL_TLS_CA=$SERTEL_HOME/tls/ca.pem"
  # People's tokens: the agency's OpenID provider when SERTEL_OIDC_ISSUER is set (its keys by
  # discovery and JWKS, docs/identity.md), else the development signer's key.
  if [ -n "${SERTEL_OIDC_ISSUER:-}" ]; then
    echo "SERTEL_OIDC_ISSUER=$SERTEL_OIDC_ISSUER"
    [ -z "${SERTEL_OIDC_CA_FILE:-}" ] || echo "SERTEL_OIDC_CA_FILE=$SERTEL_OIDC_CA_FILE"
    [ -z "${SERTEL_OIDC_REFRESH_INTERVAL:-}" ] ||
      echo "SERTEL_OIDC_REFRESH_INTERVAL=$SERTEL_OIDC_REFRESH_INTERVAL"
  else
    echo "SERTEL_JWT_PUBLIC_KEYS=$SERTEL_HOME/jwt/public-key.pem"
    echo "SERTEL_JWT_ISSUER=sertel-dev"
  fi
  local claim
  for claim in SERTEL_JWT_AUDIENCE SERTEL_JWT_ROLES_CLAIM SERTEL_JWT_NIK_CLAIM SERTEL_JWT_ROLE_PREFIX; do
    [ -z "${!claim:-}" ] || echo "$claim=${!claim}"
  done
  echo "SERTEL_LOG_FILE=$SERTEL_HOME/logs/$svc.log"
  echo "SERTEL_AUDIT_HMAC_KEY_FILE=$SERTEL_HOME/audit/$svc-hmac.key"
  echo "SERTEL_AUDIT_CHECKPOINT_KEY_FILE=$SERTEL_HOME/audit/$svc-checkpoint-key.pem"
  echo "SERTEL_LISTEN_ADDRESS=127.0.0.1:$2"
  echo "SERTEL_METRICS_ADDRESS=127.0.0.1:$(($2 + 1000))"
  echo "SERTEL_DISPOSITION_ADDRESS=localhost:$DISPOSITION_PORT"
  echo "SERTEL_CERTIFICATE_ADDRESS=localhost:$CERTIFICATE_PORT"
  echo "SERTEL_NOTIFICATION_ADDRESS=localhost:$NOTIFICATION_PORT"
  echo "SERTEL_INTAKE_ADDRESS=localhost:$INTAKE_PORT"  # progress reports (RecordProgress)
  echo "SERTEL_OUTBOX_POLL_INTERVAL=${SERTEL_OUTBOX_POLL_INTERVAL:-100ms}"
  echo "SERTEL_OUTBOX_BASE_BACKOFF=${SERTEL_OUTBOX_BASE_BACKOFF:-200ms}"
  echo "SERTEL_OUTBOX_MAX_BACKOFF=${SERTEL_OUTBOX_MAX_BACKOFF:-5s}"
  case "$svc" in
    intake)
      # The city's sample unit registry (the same file is the intake-units ConfigMap).
      echo "SERTEL_INTAKE_UNITS_FILE=${SERTEL_INTAKE_UNITS_FILE:-$SERTEL_ROOT/k8s/base/config/units.json}"
      ;;
    certificate)
      echo "SERTEL_CERTIFICATE_CA_KEY=$SERTEL_HOME/ca/key.pem"
      echo "SERTEL_CERTIFICATE_CA_CERT=$SERTEL_HOME/ca/cert.pem"
      echo "SERTEL_CERTIFICATE_ACTIVATION_KEY_FILE=$SERTEL_HOME/ca/activation-hmac.key"
      # Handover by one-time link: served over TLS with the service's development certificate.
      echo "SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL=https://127.0.0.1:$DOWNLOAD_PORT/unduh"
      echo "SERTEL_CERTIFICATE_DOWNLOAD_ADDRESS=127.0.0.1:$DOWNLOAD_PORT"
      echo "SERTEL_CERTIFICATE_DOWNLOAD_TLS_CERT=$SERTEL_HOME/tls/certificate.pem"
      echo "SERTEL_CERTIFICATE_DOWNLOAD_TLS_KEY=$SERTEL_HOME/tls/certificate-key.pem"
      [ -z "${SERTEL_CERTIFICATE_CODE_CHANNELS:-}" ] ||
        echo "SERTEL_CERTIFICATE_CODE_CHANNELS=$SERTEL_CERTIFICATE_CODE_CHANNELS"
      [ -z "${SERTEL_CERTIFICATE_DOWNLOAD_TTL:-}" ] ||
        echo "SERTEL_CERTIFICATE_DOWNLOAD_TTL=$SERTEL_CERTIFICATE_DOWNLOAD_TTL"
      ;;
    notification)
      echo "SERTEL_NOTIFICATION_SMTP_URL=smtp://127.0.0.1:$SMTP_PORT"
      echo "SERTEL_NOTIFICATION_SMTP_TLS=none"
      echo "SERTEL_NOTIFICATION_SMTP_FROM=sertel@localhost"
      echo "SERTEL_NOTIFICATION_WHATSAPP_BASE_URL=http://127.0.0.1:$WHATSAPP_PORT"
      echo "SERTEL_NOTIFICATION_WHATSAPP_PHONE_NUMBER_ID=100000000000001"
      echo "SERTEL_NOTIFICATION_WHATSAPP_TOKEN_FILE=$SERTEL_HOME/whatsapp/token"
      echo "SERTEL_NOTIFICATION_WHATSAPP_APP_SECRET_FILE=$SERTEL_HOME/whatsapp/app-secret"
      echo "SERTEL_NOTIFICATION_WHATSAPP_VERIFY_TOKEN_FILE=$SERTEL_HOME/whatsapp/verify-token"
      echo "SERTEL_NOTIFICATION_POLL_INTERVAL=200ms"
      echo "SERTEL_NOTIFICATION_BASE_BACKOFF=1s"
      echo "SERTEL_NOTIFICATION_SECRET_KEY_FILE=$SERTEL_HOME/notification-secret.key"
      ;;
  esac
}

# Downstream first, so the first outbox deliveries find their callee (they would retry anyway).
port=$NOTIFICATION_PORT
for svc in notification certificate disposition intake; do
  bin="$SERTEL_BUILD_DIR/$svc-service/$svc-service"
  [ -x "$bin" ] || die "$bin is not built"
  mapfile -t envs < <(common_env "$svc" "$port")
  # A development cluster from before the keyed audit chain: key it (here the script is the
  # operator; in production it is an explicit step, docs/security.md). A no-op once keyed.
  if ! running "$svc"; then
    env "${envs[@]}" "$bin" key-legacy-audit-chain >>"$SERTEL_HOME/logs/$svc.out" 2>&1 ||
      die "$svc: keying its legacy audit chain failed (see $SERTEL_HOME/logs/$svc.out)"
  fi
  start "$svc" "$port" env "${envs[@]}" "$bin"
  port=$((port - 1))
done

log "suite is up: intake $INTAKE_PORT, disposition $DISPOSITION_PORT, certificate $CERTIFICATE_PORT, notification $NOTIFICATION_PORT"
log "stop with scripts/down.sh"
