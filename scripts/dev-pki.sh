#!/usr/bin/env bash
# The development identity under $SERTEL_HOME (./.sertel), made with the openssl CLI:
#   tls/ca.pem, tls/ca-key.pem            internal CA for service TLS (EC P-256, 10 years)
#   tls/<svc>.pem, tls/<svc>-key.pem      intake, disposition, certificate, notification:
#                                         serverAuth+clientAuth, SAN localhost, <svc>-service,
#                                         127.0.0.1 and URI spiffe://sertel/<svc>: the service's
#                                         identity, presented when calling another service
#   tls/client.pem, tls/client-key.pem    CN sertelctl, clientAuth, no SPIFFE ID: a person's
#                                         certificate; it authenticates nobody without a token
#   jwt/signing-key.pem, jwt/public-key.pem   RSA 2048 (PKCS#8) for development tokens (RS256)
#   ca/key.pem, ca/cert.pem               issuing CA for citizens' certificates (RSA 3072 root)
#   ca/activation-hmac.key                32 random bytes keying the certificate service's
#                                         activation codes
#   audit/<svc>-hmac.key                  32 random bytes keying <svc>'s audit chain
#   audit/<svc>-checkpoint-key.pem        Ed25519 key signing <svc>'s audit checkpoints
# Idempotent: what exists is kept. A service or client certificate is reissued only when it
# is missing, no longer chains to tls/ca.pem, expires within 7 days or (a service's) lacks its
# SPIFFE ID. Keys are 0600, folders
# 0700. Remove $SERTEL_HOME/{tls,jwt,ca} to start over.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v openssl >/dev/null || die "openssl is not installed"
umask 077

TLS="$SERTEL_HOME/tls"
JWT="$SERTEL_HOME/jwt"
CA="$SERTEL_HOME/ca"
AUDIT="$SERTEL_HOME/audit"
SERVICES=(intake disposition certificate notification)

mkdir -p "$SERTEL_HOME" "$TLS" "$JWT" "$CA" "$AUDIT"
chmod 700 "$TLS" "$JWT" "$CA" "$AUDIT"

# Everything is made in a scratch folder and moved into place when complete, so an interrupted
# run never leaves a key without its certificate.
work=$(mktemp -d "${TMPDIR:-/tmp}/sertel-dev-pki.XXXXXX")
trap 'rm -rf "$work"' EXIT

cat >"$work/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
[dn]

[root_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF

ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
rsa_key() { openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -out "$1" 2>/dev/null; }
# 128 random bits, positive (RFC 5280 §4.1.2.2).
serial() { echo "0x$(openssl rand -hex 16)"; }

# place SRC DEST MODE: moves a finished file into place with its mode.
place() { chmod "$3" "$1"; mv -f "$1" "$2"; }

# self_signed_ca KEY_OUT CERT_OUT KEY_KIND BITS_OR_- SUBJECT
self_signed_ca() {
  local key_out=$1 cert_out=$2 kind=$3 bits=$4 subject=$5
  if [ "$kind" = ec ]; then ec_key "$work/ca.key"; else rsa_key "$work/ca.key" "$bits"; fi
  openssl req -x509 -new -key "$work/ca.key" -sha256 -days 3650 -subj "$subject" \
    -set_serial "$(serial)" -config "$work/openssl.cnf" -extensions root_ca \
    -out "$work/ca.pem" 2>/dev/null
  place "$work/ca.key" "$key_out" 600
  place "$work/ca.pem" "$cert_out" 644
}

# leaf_valid CERT KEY [URI]: the pair exists, chains to tls/ca.pem, lasts at least 7 more days
# and, when URI is given, names it as a URI SAN.
leaf_valid() {
  [ -s "$1" ] && [ -s "$2" ] &&
    openssl verify -CAfile "$TLS/ca.pem" "$1" >/dev/null 2>&1 &&
    openssl x509 -in "$1" -noout -checkend $((7 * 24 * 3600)) >/dev/null 2>&1 &&
    { [ -z "${3:-}" ] || openssl x509 -in "$1" -noout -ext subjectAltName 2>/dev/null |
      grep -q "URI:$3\(,\|\$\)"; }
}

# leaf NAME SUBJECT EXTENSION_SECTION [URI]: tls/NAME.pem + tls/NAME-key.pem signed by the
# internal CA.
leaf() {
  local name=$1 subject=$2 section=$3 uri=${4:-}
  if leaf_valid "$TLS/$name.pem" "$TLS/$name-key.pem" "$uri"; then
    return
  fi
  ec_key "$work/$name.key"
  openssl req -new -key "$work/$name.key" -subj "$subject" -config "$work/openssl.cnf" \
    -out "$work/$name.csr" 2>/dev/null
  openssl x509 -req -in "$work/$name.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca-key.pem" \
    -set_serial "$(serial)" -days 825 -sha256 -extfile "$work/openssl.cnf" \
    -extensions "$section" -out "$work/$name.pem" 2>/dev/null
  place "$work/$name.key" "$TLS/$name-key.pem" 600
  place "$work/$name.pem" "$TLS/$name.pem" 644
  log "issued $TLS/$name.pem"
}

# --- internal CA for service TLS
if [ ! -s "$TLS/ca.pem" ] || [ ! -s "$TLS/ca-key.pem" ]; then
  self_signed_ca "$TLS/ca-key.pem" "$TLS/ca.pem" ec - \
    "/O=sertel (development)/CN=sertel Development Internal CA"
  log "created internal CA $TLS/ca.pem"
fi

# --- service identities
for svc in "${SERVICES[@]}"; do
  cat >>"$work/openssl.cnf" <<EOF

[service_$svc]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:localhost,DNS:$svc-service,IP:127.0.0.1,URI:spiffe://sertel/$svc
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
  leaf "$svc" "/O=sertel (development)/CN=$svc-service" "service_$svc" "spiffe://sertel/$svc"
done

# A person's certificate (no SPIFFE ID): with a token, sertelctl may present it.
leaf client "/O=sertel (development)/CN=sertelctl" client

# --- JWT signing key for development tokens
if [ ! -s "$JWT/signing-key.pem" ]; then
  rsa_key "$work/jwt.key" 2048
  openssl pkey -in "$work/jwt.key" -pubout -out "$work/jwt.pub" 2>/dev/null
  place "$work/jwt.key" "$JWT/signing-key.pem" 600
  place "$work/jwt.pub" "$JWT/public-key.pem" 644
  log "created JWT signing key $JWT/signing-key.pem"
elif [ ! -s "$JWT/public-key.pem" ]; then
  openssl pkey -in "$JWT/signing-key.pem" -pubout -out "$work/jwt.pub" 2>/dev/null
  place "$work/jwt.pub" "$JWT/public-key.pem" 644
fi

# --- issuing CA for citizens' certificates (certificate service)
if [ ! -s "$CA/cert.pem" ] || [ ! -s "$CA/key.pem" ]; then
  self_signed_ca "$CA/key.pem" "$CA/cert.pem" rsa 3072 \
    "/C=ID/O=Pemerintah Kota (development)/CN=sertel Development Issuing CA"
  log "created issuing CA $CA/cert.pem"
fi
if [ ! -s "$CA/activation-hmac.key" ]; then
  openssl rand -out "$work/activation.key" 32
  place "$work/activation.key" "$CA/activation-hmac.key" 600
fi

# --- each service's audit keys (never in the database: docs/security.md, "Audit")
for svc in "${SERVICES[@]}"; do
  if [ ! -s "$AUDIT/$svc-hmac.key" ]; then
    openssl rand -out "$work/$svc-hmac.key" 32
    place "$work/$svc-hmac.key" "$AUDIT/$svc-hmac.key" 600
  fi
  if [ ! -s "$AUDIT/$svc-checkpoint-key.pem" ]; then
    openssl genpkey -algorithm ed25519 -out "$work/$svc-checkpoint.pem" 2>/dev/null
    place "$work/$svc-checkpoint.pem" "$AUDIT/$svc-checkpoint-key.pem" 600
  fi
done

# Keys stay private even when they came from an earlier run with another umask.
chmod 600 "$TLS"/*-key.pem "$JWT/signing-key.pem" "$CA/key.pem" "$CA/activation-hmac.key" \
  "$AUDIT"/*
