#!/usr/bin/env bash
# sertelctl against the real suite (run inside tests/e2e/with_suite.sh): the demo's seven-step
# walk, then the refusals a user meets, each with its documented exit code and a readable
# message - and each changing nothing.
set -uo pipefail
root=${SERTEL_ROOT:?run me through tests/e2e/with_suite.sh}
CTL="$SERTEL_BUILD_DIR/tools/sertelctl/sertelctl"
PY=/usr/bin/python3
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bash "$root/scripts/demo_walk.sh" 2>&1 | tee "$work/walk.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "FAIL: the demo walk"; exit 1; }
HOLDER_APP=$(sed -n 's/.*walked application \([0-9a-f-]*\) through all seven steps.*/\1/p' "$work/walk.log")
[ -n "$HOLDER_APP" ] || { echo "FAIL: the walk did not say which application it walked"; exit 1; }

tok() { "$CTL" token --role "$1" --sub "$2" ${3:+--nik "$3"}; }
# expect RC PATTERN DESCRIPTION -- COMMAND...: runs COMMAND, wants exit code RC and PATTERN in its
# output (stdout + stderr).
expect() {
  local rc=$1 pattern=$2 what=$3; shift 4
  local out got
  out=$("$@" 2>&1); got=$?
  if [ "$got" -ne "$rc" ]; then
    echo "FAIL: $what: exit $got, want $rc"; echo "$out" | sed 's/^/    /'; failures=$((failures + 1))
  elif ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL: $what: output lacks /$pattern/"; echo "$out" | sed 's/^/    /'; failures=$((failures + 1))
  else
    echo "ok: $what"
  fi
}

NIK=3273015506900002 NIP=199006152015032002
"$PY" "$root/scripts/demo-documents.py" "$work/docs" "Siti Aminah" "$NIK" >/dev/null
head -c 2000 /dev/urandom >"$work/not-a-document.pdf"
submit() {
  "$CTL" -o json application submit --nik "$NIK" --nip "$NIP" --name "Siti Aminah" \
    --email siti.aminah@example.go.id --phone +6281298765432 --unit DINKES --position Perawat \
    --letter "$work/docs/letter.pdf" --form "$work/docs/form.pdf" --ktp "$work/docs/ktp.png" \
    --sk "$work/docs/sk.pdf" "$@"
}
APP=$(SERTEL_TOKEN=$(tok OPERATOR loket) submit | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
[ -n "$APP" ] || { echo "FAIL: could not submit the second application"; exit 1; }
HEAD=$(tok HEAD_OF_AGENCY kepala.dinas)
for _ in $(seq 1 100); do SERTEL_TOKEN=$HEAD "$CTL" inbox | grep -q "$APP" && break; sleep 0.1; done

expect 2 "subcommand|Usage|required" "an unknown subcommand is a usage error" -- "$CTL" frobnicate
expect 2 "--channel" "a bad --channel is a usage error" -- env SERTEL_TOKEN=x "$CTL" certificate handover "$APP" --channel fax
expect 26 "UNAUTHENTICATED.*|hint: no token" "no token: UNAUTHENTICATED (26) with a hint" -- env -u SERTEL_TOKEN "$CTL" inbox
expect 26 "UNAUTHENTICATED" "a forged token: UNAUTHENTICATED" -- env SERTEL_TOKEN=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0. "$CTL" inbox
expect 17 "PERMISSION_DENIED" "an applicant cannot read an inbox (17)" -- env SERTEL_TOKEN="$(tok APPLICANT x "$NIK")" "$CTL" inbox
expect 17 "PERMISSION_DENIED" "the head of division cannot act at step 2" -- env SERTEL_TOKEN="$(tok HEAD_OF_DIVISION kabid)" "$CTL" case forward "$APP" --version 1
expect 20 "ABORTED" "a stale version is ABORTED (20)" -- env SERTEL_TOKEN="$HEAD" "$CTL" case forward "$APP" --version 99
expect 0 "step: +2 HEAD_OF_AGENCY_REVIEW" "...and the case is still at step 2, version 1" -- env SERTEL_TOKEN="$HEAD" "$CTL" case get "$APP"
expect 13 "applicant\.nik: .*|documents" "bad input: INVALID_ARGUMENT (13) with every field violation" -- \
  env SERTEL_TOKEN="$(tok OPERATOR loket)" "$CTL" application submit --nik 123 --nip 456 --name "X" \
  --email not-an-email --phone 0812 --unit U --position P --letter "$work/not-a-document.pdf" \
  --form "$work/docs/form.pdf" --ktp "$work/docs/ktp.png" --sk "$work/docs/sk.pdf"
expect 13 "applicant\.email" "...listing the email too" -- \
  env SERTEL_TOKEN="$(tok OPERATOR loket)" "$CTL" application submit --nik 123 --nip 456 --name "X" \
  --email not-an-email --phone 0812 --unit U --position P --letter "$work/not-a-document.pdf" \
  --form "$work/docs/form.pdf" --ktp "$work/docs/ktp.png" --sk "$work/docs/sk.pdf"
expect 3 "cannot read" "a missing document file is a local error (3)" -- \
  env SERTEL_TOKEN=x "$CTL" application submit --nik 1 --nip 1 --name X --email a@b.c --phone +1 --position P \
  --unit U --letter "$work/nope.pdf" --form "$work/docs/form.pdf" --ktp "$work/docs/ktp.png" --sk "$work/docs/sk.pdf"
expect 3 "code-file" "set-passphrase without a terminal or files says how (3)" -- \
  setsid -w env SERTEL_TOKEN=x "$CTL" certificate set-passphrase "$APP" </dev/null
echo ABCD2345 >"$work/code"
expect 3 "passphrase-file" "...also for the passphrase (3)" -- \
  setsid -w env SERTEL_TOKEN=x "$CTL" certificate set-passphrase "$APP" --code-file "$work/code" </dev/null
expect 2 "passphrase|not expected|extra" "a passphrase is never a flag" -- \
  env SERTEL_TOKEN=x "$CTL" certificate set-passphrase "$APP" --code-file "$work/code" --passphrase secret
expect 2 "code|not expected|extra" "nor is the activation code" -- \
  env SERTEL_TOKEN=x "$CTL" certificate set-passphrase "$APP" --code ABCD2345
expect 2 "needs --version" "verify needs the version that was checked" -- \
  env SERTEL_TOKEN=x "$CTL" case verify "$APP" --all-ok
expect 0 "rejected" "the head of agency rejects it" -- env SERTEL_TOKEN="$HEAD" "$CTL" case reject "$APP" --reason "Bukan pegawai dinas ini"
expect 19 "FAILED_PRECONDITION" "a rejected case cannot be forwarded (19)" -- env SERTEL_TOKEN="$HEAD" "$CTL" case forward "$APP"
expect 15 "NOT_FOUND" "an unknown application is NOT_FOUND (15)" -- env SERTEL_TOKEN="$HEAD" "$CTL" case get 00000000-0000-0000-0000-000000000000

# The certificate of the walk's applicant, checked against someone else's NIK: the SOP's warning.
AUD=$(tok AUDITOR auditor)
expect 1 "NIK_MISMATCH" "a certificate checked against another NIK: exit 1 with NIK_MISMATCH" -- \
  env SERTEL_TOKEN="$AUD" "$CTL" certificate check --application "$HOLDER_APP" --nik "$NIK"
expect 0 '"ok": true' "the same certificate against its holder's NIK, as JSON" -- \
  bash -c "NIK=\$(SERTEL_TOKEN='$AUD' '$CTL' -o json certificate get '$HOLDER_APP' | $PY -c 'import json,sys; print(json.load(sys.stdin)[\"nik\"])'); SERTEL_TOKEN='$AUD' '$CTL' -o json certificate check --application '$HOLDER_APP' --nik \$NIK"
expect 0 '"holders_with_valid_certificate": "1"' "stats as JSON: one holder" -- env SERTEL_TOKEN="$AUD" "$CTL" -o json stats
expect 0 "intact" "audit verify: every chain intact" -- env SERTEL_TOKEN="$AUD" "$CTL" audit verify
expect 2 "--service" "audit verify of all four with one --address is refused" -- \
  env SERTEL_TOKEN="$AUD" "$CTL" --address "$SERTEL_INTAKE_ADDRESS" audit verify

# The outbox admin RPC on every port (docs/operations.md, "When an outbox row is DEAD"): the walk
# left no DEAD row, and every refused retry changes nothing.
OP=$(tok OPERATOR loket)
expect 0 "no outbox rows" "outbox list --dead over all four services: none after the walk" -- \
  env SERTEL_TOKEN="$AUD" "$CTL" outbox list --dead
expect 0 "DELIVERED.*$HOLDER_APP|$HOLDER_APP.*DELIVERED" "outbox list: the walk's rows at disposition were delivered" -- \
  env SERTEL_TOKEN="$AUD" "$CTL" outbox list --service disposition --application "$HOLDER_APP"
expect 13 "INVALID_ARGUMENT.*id" "outbox retry of a non-numeric id (13)" -- env SERTEL_TOKEN="$OP" "$CTL" outbox retry intake abc
expect 15 "NOT_FOUND" "outbox retry of an unknown row (15)" -- env SERTEL_TOKEN="$OP" "$CTL" outbox retry certificate 999999999
expect 19 "not DEAD" "outbox retry of a delivered row (19)" -- env SERTEL_TOKEN="$OP" "$CTL" outbox retry intake 1
expect 17 "PERMISSION_DENIED" "an auditor cannot retry (17)" -- env SERTEL_TOKEN="$AUD" "$CTL" outbox retry intake 1
expect 26 "UNAUTHENTICATED" "outbox retry without a token (26)" -- env -u SERTEL_TOKEN "$CTL" outbox retry intake 1
expect 2 "service|billing" "outbox retry names one of the four services" -- env SERTEL_TOKEN="$OP" "$CTL" outbox retry billing 1

# Signed audit checkpoints kept outside the database (docs/security.md, "Audit"), then the attack
# they exist for: a database writer deletes disposition's newest audit rows and moves the head back.
# Last in this script: it breaks disposition's chain for good.
ADMIN_DB="postgresql://postgres@127.0.0.1:$SERTEL_PG_PORT/postgres"
expect 0 "saved" "audit checkpoint: each service signs its head" -- \
  env SERTEL_TOKEN="$AUD" "$CTL" audit checkpoint --out "$work/checkpoints.json"
expect 17 "PERMISSION_DENIED" "a verifier cannot sign checkpoints (17)" -- \
  env SERTEL_TOKEN="$(tok VERIFIER verifikator)" "$CTL" audit checkpoint --out "$work/nope.json"
expect 0 "intact" "audit verify --checkpoint: every chain still holds its checkpoint" -- \
  env SERTEL_TOKEN="$AUD" "$CTL" audit verify --checkpoint "$work/checkpoints.json"
expect 0 "intact" "verify_offline.py: disposition's chain, recomputed outside the service" -- \
  "$PY" "$root/tools/audit/verify_offline.py" --database-url "$ADMIN_DB" --service disposition \
  --hmac-key "$SERTEL_HOME/audit/disposition-hmac.key" --checkpoint "$work/checkpoints.json"
psql "$ADMIN_DB" -q -X -v ON_ERROR_STOP=1 -c "
  DELETE FROM disposition.audit_log WHERE seq > (SELECT last_seq - 2 FROM disposition.audit_head);
  UPDATE disposition.audit_head SET last_seq = (SELECT max(seq) FROM disposition.audit_log),
    last_hash = (SELECT hash FROM disposition.audit_log ORDER BY seq DESC LIMIT 1);" ||
  { echo "FAIL: could not tamper with the audit chain"; failures=$((failures + 1)); }
expect 0 "intact" "the cut chain alone still verifies (a clean cut is a valid shorter chain)" -- \
  env SERTEL_TOKEN="$AUD" "$CTL" audit verify --service disposition
expect 1 "BROKEN.*deleted" "audit verify --checkpoint finds the deleted tail" -- \
  env SERTEL_TOKEN="$AUD" "$CTL" audit verify --checkpoint "$work/checkpoints.json"
expect 1 "BROKEN.*deleted" "verify_offline.py finds it too" -- \
  "$PY" "$root/tools/audit/verify_offline.py" --database-url "$ADMIN_DB" --service disposition \
  --hmac-key "$SERTEL_HOME/audit/disposition-hmac.key" --checkpoint "$work/checkpoints.json"
"$PY" - "$work/checkpoints.json" "$work/edited.json" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["checkpoints"]["disposition"]["seq"] -= 2  # the keeper "updates" the checkpoint to the cut chain
json.dump(doc, open(sys.argv[2], "w"))
PYEOF
expect 13 "INVALID_ARGUMENT.*signature" "an edited checkpoint is refused (13)" -- \
  env SERTEL_TOKEN="$AUD" "$CTL" audit verify --service disposition --checkpoint "$work/edited.json"

if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
echo "all sertelctl checks passed"
