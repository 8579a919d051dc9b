#!/usr/bin/env bash
# Issue 9's benchmarks: every figure beside the limit it is compared with, both measured in this
# run on this machine, and the ratio. Installs what it needs, builds (Release, its own build dir),
# starts a private suite (scripts/up.sh; PostgreSQL with the default settings: fsync and
# synchronous_commit on), seeds data, runs each scenario and each baseline, prints one table and
# writes every result as JSON to bench/results/<date>.json; stops the suite.
#
#   scripts/bench.sh            # ~10 minutes after the build
#   scripts/bench.sh --quick    # smoke run: short scenarios, 100k instead of 1M cases
#
# Environment: SERTEL_BENCH_BUILD_DIR (default ./build-bench), SERTEL_BENCH_DURATION /
# SERTEL_BENCH_WARMUP (seconds per scenario), SERTEL_BENCH_KEEP=1 keeps the suite's folder,
# SERTEL_BENCH_PROFILE=1 samples the whole machine with perf during each scenario and writes
# where the cycles went (by process, library and function) to bench/results/<date>-profile/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

QUICK=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) die "unknown argument $arg (try --help)" ;;
  esac
done
if [ $QUICK = 1 ]; then
  DUR=${SERTEL_BENCH_DURATION:-4} WARM=${SERTEL_BENCH_WARMUP:-1} BIG=100000
else
  DUR=${SERTEL_BENCH_DURATION:-15} WARM=${SERTEL_BENCH_WARMUP:-3} BIG=1000000
fi
SMALL=10000
T0=$SECONDS

# ---- install ------------------------------------------------------------------------------------
"$SERTEL_ROOT/scripts/install-deps.sh"
need=()
for p in golang-cfssl postgresql-contrib python3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v cfssl >/dev/null || die "cfssl not found after installing golang-cfssl"
PROFILE=${SERTEL_BENCH_PROFILE:-0}
if [ "$PROFILE" = 1 ] && ! command -v perf >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends linux-perf >/dev/null
fi

# ---- build --------------------------------------------------------------------------------------
BUILD=${SERTEL_BENCH_BUILD_DIR:-$SERTEL_ROOT/build-bench}
[ -f "$BUILD/build.ninja" ] || cmake -S "$SERTEL_ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
log "building (Release) in $BUILD"
ninja -C "$BUILD" intake-service disposition-service certificate-service notification-service \
  sertel-bench sertel-echo-server sertel-naive-issue | grep -v '^\[' || true
BENCH=$BUILD/bench/sertel-bench
ECHO_BIN=$BUILD/bench/sertel-echo-server
NAIVE=$BUILD/bench/sertel-naive-issue
[ -x "$BENCH" ] && [ -x "$ECHO_BIN" ] && [ -x "$NAIVE" ] || die "bench programs did not build"
T_BUILT=$SECONDS

# ---- suite --------------------------------------------------------------------------------------
BASE=27151  # below the ephemeral range (32768+), like the end-to-end tests
HOME_DIR=$(mktemp -d /tmp/sertel-bench.XXXXXX)
chmod 755 "$HOME_DIR"
unset SERTEL_PG_FAST
# The services run with their defaults: handler threads max(128, 8 x pool) (enough for 64 calls in
# flight; with the old 32 a sync server refused half of them RESOURCE_EXHAUSTED, see
# docs/performance.md) and 8 PostgreSQL connections. SERTEL_GRPC_THREADS set outside still applies.
export SERTEL_HOME=$HOME_DIR SERTEL_BUILD_DIR=$BUILD SERTEL_SKIP_BUILD=1 SERTEL_PORT_BASE=$BASE
export SERTEL_PG_PORT=27451 SERTEL_SMTP_PORT=27452 SERTEL_WHATSAPP_PORT=27453
# The per-caller CheckCertificate limit (docs/security.md: 120 at once, one more per 500 ms) is a
# policy against one caller hogging the service, not a cost; the load generator is one caller, so
# it is lifted here or the scenario would measure the limiter (2 calls/s).
export SERTEL_CERTIFICATE_CHECK_BURST=1000000 SERTEL_CERTIFICATE_CHECK_REFILL=1us
# Seeded application ids are UUID-shaped (intake refuses a progress report for anything else,
# and the outbox would retry those forever): `uuid_prefix NAME` is 29 characters, to which the
# client appends 7 digits.
uuid_prefix() { printf '%08x-0000-4000-8000-00000' "$(printf '%s' "$1" | cksum | cut -d' ' -f1)"; }
P_CL=$(uuid_prefix bcl) P_IN=$(uuid_prefix bin) P_FW=$(uuid_prefix bfw) P_CC=$(uuid_prefix bcc)
INTAKE=localhost:$BASE DISPOSITION=localhost:$((BASE + 1)) CERTIFICATE=localhost:$((BASE + 2))
ECHO_PORT=$((BASE + 9)) CFSSL_PORT=$((BASE + 10))
RESULTS_DIR=$SERTEL_ROOT/bench/results
mkdir -p "$RESULTS_DIR"
STAMP=$(date -u +%Y-%m-%dT%H-%M-%SZ)
JSONL=$HOME_DIR/results.jsonl
WORK=$HOME_DIR/bench
mkdir -p "$WORK"
ECHO_PID="" CFSSL_PID="" PERF_PID=""

cleanup() {
  local rc=$?
  [ -n "$ECHO_PID" ] && kill "$ECHO_PID" 2>/dev/null || true
  [ -n "$CFSSL_PID" ] && kill "$CFSSL_PID" 2>/dev/null || true
  [ -n "$PERF_PID" ] && kill -INT "$PERF_PID" 2>/dev/null || true
  "$SERTEL_ROOT/scripts/down.sh" >/dev/null 2>&1 || true
  if [ $rc -ne 0 ]; then
    for f in "$HOME_DIR"/logs/*.out; do [ -f "$f" ] && { echo "---- $f"; tail -n 5 "$f"; }; done >&2
  fi
  [ -n "${SERTEL_BENCH_KEEP:-}" ] || rm -rf "$HOME_DIR"
  exit $rc
}
trap cleanup EXIT

# The certificate service's settings for a phase; up.sh passes the environment through.
restart_certificate() {
  local pidf=$HOME_DIR/run/certificate.pid
  if [ -f "$pidf" ]; then
    local pid; pid=$(cat "$pidf")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do alive "$pid" || break; sleep 0.1; done
    rm -f "$pidf"
  fi
  env "$@" "$SERTEL_ROOT/scripts/up.sh" >/dev/null 2>&1 || die "suite restart failed"
}

log "starting a private suite in $HOME_DIR (ports $BASE-$((BASE + 3)), PostgreSQL $SERTEL_PG_PORT)"
"$SERTEL_ROOT/scripts/up.sh" 2>&1 | sed 's/^/[up] /' >&2
DB="postgresql://postgres@127.0.0.1:$SERTEL_PG_PORT/postgres"
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$DB" "$@"; }
# In production every case and enrollment comes from an application in intake, which takes their
# progress reports (IntakeService.RecordProgress). Rows seeded downstream get one too, or each
# report is refused (NOT_FOUND), retried 25 times and dead-lettered, and those retries load the
# machine during the scenarios and baselines that follow (218 347 retries in the run of
# 2026-12-04T13-05-08Z). mirror_complete = false: the seeded people share NIKs, and the
# one-open-application rule does not count such rows.
seed_intake_from() {  # seed_intake_from "SELECT id, nik, nip, full_name, email, phone, unit, position FROM ..."
  psql_q <<SQL
INSERT INTO intake.applications (id, request_id, request_hash, nik, nip, full_name, email, phone,
  unit, position, status, sop_status, mirror_complete, created_at, updated_at)
SELECT s.id::uuid, 'bench-seed-' || s.id, '', s.nik, s.nip, s.full_name, s.email, s.phone, s.unit,
  s.position, 'SUBMITTED', 'SUBMITTED', false, now(), now()
FROM ($1) AS s (id, nik, nip, full_name, email, phone, unit, position)
ON CONFLICT (id) DO NOTHING;
ANALYZE intake.applications;
SQL
}
# Waits (at most 180 s) until no outbox holds a PENDING row and no notification is waiting to be
# sent, so a scenario or baseline does not pay for the deliveries the previous one caused.
drain_outboxes() {
  local left="" i
  for i in $(seq 1 360); do
    left=$(psql -X -At "$DB" -c "SELECT (SELECT count(*) FROM intake.outbox WHERE status = 'PENDING')
      + (SELECT count(*) FROM disposition.outbox WHERE status = 'PENDING')
      + (SELECT count(*) FROM certificate.outbox WHERE status = 'PENDING')
      + (SELECT count(*) FROM notification.notifications WHERE status IN ('QUEUED', 'SENDING'))")
    [ "$left" = 0 ] && return 0
    sleep 0.5
  done
  log "outboxes still hold $left undelivered rows after 180 s; measuring anyway"
}
COMMON=(--ca "$HOME_DIR/tls/ca.pem" --jwt-key "$HOME_DIR/jwt/signing-key.pem" --warmup "$WARM" --duration "$DUR")
PROFILE_DIR=$RESULTS_DIR/$STAMP-profile
profile_start() {  # profile_start LABEL: perf samples every CPU (who is busy, and who is idle)
  [ "$PROFILE" = 1 ] || return 0
  mkdir -p "$PROFILE_DIR"
  perf record -a -F 499 -o "$WORK/$1.perf" >/dev/null 2>&1 &
  PERF_PID=$!
}
profile_stop() {  # profile_stop LABEL: the share of cycles by process, library and function
  [ "$PROFILE" = 1 ] && [ -n "${PERF_PID:-}" ] || return 0
  kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true; PERF_PID=""
  {
    echo "# $1: share of all sampled cycles on $(nproc) CPUs (swapper = idle)"
    perf report -i "$WORK/$1.perf" --stdio --sort comm --percent-limit 0.5 2>/dev/null | grep -v '^#' | grep -v '^$'
    echo "# by process and library"
    perf report -i "$WORK/$1.perf" --stdio --sort comm,dso --percent-limit 0.5 2>/dev/null | grep -v '^#' | grep -v '^$'
    echo "# by function (libraries without symbols show addresses)"
    perf report -i "$WORK/$1.perf" --stdio --sort comm,dso,sym --percent-limit 0.4 2>/dev/null | grep -v '^#' | grep -v '^$' | head -60
  } >"$PROFILE_DIR/$1.txt"
  rm -f "$WORK/$1.perf"
}
run() {  # run LABEL sertel-bench-args...: one JSON line into $JSONL
  local label=$1; shift
  drain_outboxes
  log "scenario $label"
  profile_start "$label"
  "$BENCH" "$@" "${COMMON[@]}" --label "$label" | tee -a "$JSONL" | cut -c1-220 >&2
  profile_stop "$label"
}
rss_snapshot() {  # rss_snapshot PHASE: VmRSS of each service
  for svc in intake disposition certificate notification; do
    local pid kb
    pid=$(cat "$HOME_DIR/run/$svc.pid" 2>/dev/null || echo 0)
    kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    echo "{\"scenario\":\"rss\",\"label\":\"rss_$svc\",\"service\":\"$svc\",\"phase\":\"$1\",\"rss_kib\":${kb:-0}}" >>"$JSONL"
  done
}

# ---- seed: closed cases (with a realistic timeline for the first 10k), an open inbox ----------
seed_closed() {  # seed_closed FROM TO
  psql_q <<SQL
INSERT INTO disposition.cases (application_id, status, current_step, version, opened_at,
  step_entered_at, submitted_at, applicant_nik, applicant_nip, applicant_full_name,
  applicant_email, applicant_phone, applicant_unit, applicant_position, checklist_confirmed,
  updated_at)
SELECT '$P_CL' || lpad(i::text, 7, '0'), 'SENT_TO_CA', 5, 5, now() - interval '30 days',
  now() - interval '29 days', now() - interval '30 days', '3171014101900001',
  '199001012015032001', 'Siti Aminah Arsip', 'arsip.' || i || '@kota.go.id', '+6281234560000',
  'Dinas Komunikasi dan Informatika', 'Analis Sistem Informasi', true, now() - interval '29 days'
FROM generate_series($1, $2) AS i;
SQL
}
log "seeding $SMALL closed cases (+ their timelines) and 200 open ones"
seed_closed 0 $((SMALL - 1))
psql_q <<SQL
INSERT INTO disposition.case_timeline (application_id, step, action, actor_sub, actor_role, note,
  at, duration_us, standard_us, within_standard, counts_for_sla)
SELECT '$P_CL' || lpad(i::text, 7, '0'), s, CASE WHEN s = 5 THEN 'VERIFIED' ELSE 'FORWARDED' END,
  'bench.official', (ARRAY['HEAD_OF_AGENCY','HEAD_OF_DIVISION','HEAD_OF_SECTION','VERIFIER'])[s - 1],
  'Disposisi: lanjutkan', now() - interval '30 days' + s * interval '10 minutes',
  600000000, 900000000, true, true
FROM generate_series(0, $((SMALL - 1))) AS i, generate_series(2, 5) AS s;
INSERT INTO disposition.cases (application_id, status, current_step, version, opened_at,
  step_entered_at, submitted_at, applicant_nik, applicant_nip, applicant_full_name,
  applicant_email, applicant_phone, applicant_unit, applicant_position, updated_at)
SELECT '$P_IN' || lpad(i::text, 7, '0'), 'IN_REVIEW', 2, 1, now() - interval '1 hour',
  now() - interval '1 hour' + i * interval '1 second', now() - interval '1 hour',
  '3171014101900001', '199001012015032001', 'Siti Aminah Kotak Masuk',
  'masuk.' || i || '@kota.go.id', '+6281234560000', 'Dinas Komunikasi dan Informatika',
  'Analis Sistem Informasi', now() - interval '1 hour'
FROM generate_series(0, 199) AS i;
ANALYZE disposition.cases; ANALYZE disposition.case_timeline;
CHECKPOINT;
SQL

# ---- GetCase / ListInbox, 64 in flight, and the echo server with the same client --------------
run getcase getcase --target "$DISPOSITION" --concurrency 64 --id-prefix "$P_CL" --count $SMALL \
  --save-reply "$WORK/getcase.bin"
run listinbox_10k listinbox --target "$DISPOSITION" --concurrency 64 --save-reply "$WORK/listinbox.bin"

# ---- Forward, 8 callers, against pgbench -N -c 8 on the same cluster --------------------------
FWD=$((QUICK == 1 ? 6000 : 40000))
log "seeding $FWD cases at step 2 for Forward"
psql_q <<SQL
INSERT INTO disposition.cases (application_id, status, current_step, version, opened_at,
  step_entered_at, submitted_at, applicant_nik, applicant_nip, applicant_full_name,
  applicant_email, applicant_phone, applicant_unit, applicant_position, updated_at)
SELECT '$P_FW' || lpad(i::text, 7, '0'), 'IN_REVIEW', 2, 1, now(), now(), now(),
  '3171014101900001', '199001012015032001', 'Siti Aminah Disposisi',
  'disposisi.' || i || '@kota.go.id', '+6281234560000', 'Dinas Komunikasi dan Informatika',
  'Analis Sistem Informasi', now()
FROM generate_series(0, $((FWD - 1))) AS i;
ANALYZE disposition.cases;
SQL
seed_intake_from "SELECT application_id, applicant_nik, applicant_nip, applicant_full_name,
  applicant_email, applicant_phone, applicant_unit, applicant_position FROM disposition.cases
  WHERE current_step = 2 AND status = 'IN_REVIEW'"
run forward forward --target "$DISPOSITION" --concurrency 8 --id-prefix "$P_FW" --count $FWD
drain_outboxes
log "baseline pgbench -N -c 8 on the same cluster"
psql_q -c "DROP DATABASE IF EXISTS pgbench" -c "CREATE DATABASE pgbench"
PGB="postgresql://postgres@127.0.0.1:$SERTEL_PG_PORT/pgbench"
pgbench -q -i -s 10 "$PGB" >/dev/null 2>&1
profile_start pgbench_N_c8
tps=$(pgbench -N -c 8 -j 2 -T "$DUR" "$PGB" 2>/dev/null | awk '/^tps/ {print $3; exit}')
profile_stop pgbench_N_c8
lat=$(pgbench -N -c 8 -j 2 -T 3 -r "$PGB" 2>/dev/null | awk '/latency average/ {print $4; exit}')
echo "{\"scenario\":\"pgbench\",\"label\":\"pgbench_N_c8\",\"concurrency\":8,\"rate\":${tps:-0},\"mean_ms\":${lat:-0},\"unit\":\"transaction\"}" >>"$JSONL"
psql_q -c "DROP DATABASE pgbench"

# ---- echo server: GetCase and ListInbox with the same client and concurrency -----------------
# start_echo API CERT_NAME ARGS...: the echo server (API sync or callback) with the suite's TLS
# certificate CERT_NAME and the canned replies in ARGS; stop_echo ends it.
start_echo() {
  local api=$1 cert=$2; shift 2
  "$ECHO_BIN" --api "$api" --port "$ECHO_PORT" --cert "$HOME_DIR/tls/$cert.pem" \
    --key "$HOME_DIR/tls/$cert-key.pem" "$@" >"$WORK/echo.log" 2>&1 &
  ECHO_PID=$!
  wait_for_port "$ECHO_PORT" 10 || die "echo server ($api) did not start"
}
stop_echo() { kill "$ECHO_PID"; wait "$ECHO_PID" 2>/dev/null || true; ECHO_PID=""; }
# Sync (the services' API), then gRPC's callback API (issue 22: what the sync API itself costs).
for api in sync callback; do
  tag=echo; [ "$api" = callback ] && tag=echo_cb
  prefix=$P_CL; [ "$api" = callback ] && prefix=$P_CC
  start_echo "$api" disposition --getcase-reply "$WORK/getcase.bin" \
    --listinbox-reply "$WORK/listinbox.bin"
  run "${tag}_getcase" getcase --target "localhost:$ECHO_PORT" --concurrency 64 \
    --id-prefix "$prefix" --count $SMALL
  run "${tag}_listinbox" listinbox --target "localhost:$ECHO_PORT" --concurrency 64
  stop_echo
done

# ---- issuance: SetPassphrase with both cores busy, vs the naive libcrypto program -------------
CODE=BENCHK7Q
CODE_HASH=$(printf '%s' "$CODE" | openssl dgst -sha256 -mac HMAC \
  -macopt "hexkey:$(od -An -v -tx1 "$HOME_DIR/ca/activation-hmac.key" | tr -d ' \n')" | awk '{print $NF}')
seed_enrollments() {  # seed_enrollments PREFIX COUNT
  psql_q <<SQL
INSERT INTO certificate.enrollments (application_id, request_id, nik, nip, full_name, email,
  phone, unit, position, status, version, activation_hash, activation_expires_at, created_at,
  updated_at)
SELECT '$1' || lpad(i::text, 7, '0'), 'bench-$1' || i,
  '317101' || lpad((41 + i % 28)::text, 2, '0') || lpad((1 + (i / 28) % 12)::text, 2, '0')
    || lpad((80 + (i / 336) % 20)::text, 2, '0') || lpad((1 + (i / 6720) % 9999)::text, 4, '0'),
  '19' || lpad((80 + (i / 336) % 20)::text, 2, '0') || lpad((1 + (i / 28) % 12)::text, 2, '0')
    || lpad((1 + i % 28)::text, 2, '0') || '2015032' || lpad((1 + (i / 6720) % 999)::text, 3, '0'),
  'Siti Aminah Bench', 'bench.' || i || '@kota.go.id', '+6281234560000',
  'Dinas Komunikasi dan Informatika', 'Analis Sistem Informasi', 'AWAITING_PASSPHRASE', 1,
  decode('$CODE_HASH', 'hex'), now() + interval '1 day', now(), now()
FROM generate_series(0, $(($2 - 1))) AS i;
ANALYZE certificate.enrollments;
SQL
  seed_intake_from "SELECT application_id, nik, nip, full_name, email, phone, unit, position
    FROM certificate.enrollments WHERE request_id LIKE 'bench-$1%'"
}
ITERS_DEFAULT=$(grep -o 'pkcs12_iterations = [0-9]*' "$SERTEL_ROOT/certificate-service/src/certificate_config.h" | grep -o '[0-9]*$' || echo 100000)
CORES=$(nproc)
ISS_CONC=$((CORES * 2))
issuance_phase() {  # issuance_phase TAG ITERATIONS ALG COUNT [certificate env...]
  local tag=$1 iters=$2 alg=$3 count=$4; shift 4
  restart_certificate SERTEL_CERTIFICATE_PKCS12_ITERATIONS="$iters" "$@"
  seed_enrollments "$(uuid_prefix "bis$tag")" "$count"
  run "issue_$tag" issue --target "$CERTIFICATE" --concurrency $ISS_CONC --id-prefix "$(uuid_prefix "bis$tag")" \
    --count "$count" --code "$CODE" --save-pem "$WORK/issued_$tag.pem" --save-p12 "$WORK/issued_$tag.p12"
}
log "issuance at the service's default count ($ITERS_DEFAULT), key RSA-2048"
issuance_phase default "$ITERS_DEFAULT" rsa-2048 $((QUICK == 1 ? 200 : 1500))
drain_outboxes
log "baseline: naive libcrypto issuance, $CORES threads"
"$NAIVE" --ca-key "$HOME_DIR/ca/key.pem" --ca-cert "$HOME_DIR/ca/cert.pem" --alg rsa-2048 \
  --iterations "$ITERS_DEFAULT" --threads "$CORES" --warmup "$WARM" --duration "$DUR" \
  --label naive_default | tee -a "$JSONL" >&2
"$NAIVE" --kdf --iterations "$ITERS_DEFAULT" --runs 5 | tee -a "$JSONL" >&2
# The keystore the service sealed opens with the passphrase and not with another one.
p12ok=0
if openssl pkcs12 -in "$WORK/issued_default.p12" -passin "pass:Kupu-kupu Terbang#Tinggi 7392" -nodes -info >"$WORK/p12info.txt" 2>&1 &&
   ! openssl pkcs12 -in "$WORK/issued_default.p12" -passin pass:wrong-passphrase -nodes >/dev/null 2>&1; then
  p12ok=1
fi
echo "{\"scenario\":\"keystore_check\",\"label\":\"keystore_check\",\"opens_with_passphrase_only\":$p12ok}" >>"$JSONL"

# ---- CheckCertificate, 64 in flight, vs the echo server ---------------------------------------
NIK=$(cat "$WORK/issued_default.pem.nik" 2>/dev/null || echo 3171014101900001)
run checkcert checkcert --target "$CERTIFICATE" --concurrency 64 --pem-file "$WORK/issued_default.pem" \
  --nik "$NIK" --save-reply "$WORK/check.bin"
for api in sync callback; do
  tag=echo; [ "$api" = callback ] && tag=echo_cb
  start_echo "$api" certificate --check-reply "$WORK/check.bin"
  run "${tag}_checkcert" checkcert --target "localhost:$ECHO_PORT" --concurrency 64 \
    --pem-file "$WORK/issued_default.pem" --nik "$NIK"
  stop_echo
done

# ---- the whole SOP, steps 1-7, many applications in parallel ----------------------------------
run sop sop --intake "$INTAKE" --disposition "$DISPOSITION" --certificate "$CERTIFICATE" \
  --mail-dir "$HOME_DIR/mail" --concurrency 16 --serial-base $((RANDOM * 100))
rss_snapshot after_sop

# ---- issuance at 600000 iterations (the issue's default) --------------------------------------
if [ "$ITERS_DEFAULT" != 600000 ]; then  # else the default phase above measured it already
  log "issuance at 600000 iterations"
  issuance_phase 600k 600000 rsa-2048 $((QUICK == 1 ? 40 : 200))
  "$NAIVE" --ca-key "$HOME_DIR/ca/key.pem" --ca-cert "$HOME_DIR/ca/cert.pem" --alg rsa-2048 \
    --iterations 600000 --threads "$CORES" --warmup "$WARM" --duration "$DUR" \
    --label naive_600k | tee -a "$JSONL" >&2
fi

# ---- issuance at 2048 iterations, P-256 keys, RSA-3072 CA, vs cfssl newcert ------------------
log "issuance at 2048 iterations, EC P-256 keys (CA: $(openssl x509 -in "$HOME_DIR/ca/cert.pem" -noout -text | grep -o 'Public-Key: ([0-9]* bit)' | head -1))"
issuance_phase 2048 2048 ec-p256 $((QUICK == 1 ? 2000 : 12000)) SERTEL_CERTIFICATE_KEY_ALGORITHM=EC-P256
cfssl serve -address 127.0.0.1 -port "$CFSSL_PORT" -ca "$HOME_DIR/ca/cert.pem" \
  -ca-key "$HOME_DIR/ca/key.pem" >"$WORK/cfssl.log" 2>&1 &
CFSSL_PID=$!
wait_for_port "$CFSSL_PORT" 20 || die "cfssl serve did not start (see $WORK/cfssl.log)"
drain_outboxes
log "scenario cfssl_newcert"
profile_start cfssl_newcert
"$BENCH" cfssl --url "http://127.0.0.1:$CFSSL_PORT/api/v1/cfssl/newcert" \
  --concurrency $ISS_CONC "${COMMON[@]}" --label cfssl_newcert | tee -a "$JSONL" | cut -c1-220 >&2
profile_stop cfssl_newcert
kill "$CFSSL_PID"; wait "$CFSSL_PID" 2>/dev/null || true; CFSSL_PID=""
# ---- ListInbox with 1M closed cases (last: the bulk load must not disturb the rest) ----------
log "seeding closed cases up to $BIG (COPY-free INSERT ... SELECT generate_series)"
seed_closed $SMALL $((BIG - 1))
psql_q -c "VACUUM ANALYZE disposition.cases" -c "CHECKPOINT"
run listinbox_big listinbox --target "$DISPOSITION" --concurrency 64

rss_snapshot end
T_DONE=$SECONDS

# ---- the table ---------------------------------------------------------------------------------
OUT=$RESULTS_DIR/$STAMP.json
"$SERTEL_PYTHON" "$SERTEL_ROOT/bench/report.py" "$JSONL" --out "$OUT" --quick $QUICK \
  --build-seconds $((T_BUILT - T0)) --bench-seconds $((T_DONE - T_BUILT)) \
  --iterations-default "$ITERS_DEFAULT"
log "results: $OUT ($((T_DONE - T_BUILT)) s of benchmarks after $((T_BUILT - T0)) s of install and build)"
