#!/usr/bin/env bash
# Walks one application through the SOP's seven steps with sertelctl, as the five roles would,
# against a running suite (scripts/up.sh; scripts/demo.sh runs this). Each step prints who did
# what and how long it took against the SOP's standard time. Then it shows the timeline, the
# handover email in the SMTP sink with the keystore attached, that the keystore opens with the
# passphrase (openssl pkcs12), that `sertelctl certificate check` finds the certificate matches
# its holder, and the holder count from `stats`. Every run is a new applicant, so re-running works.
# Any failed step stops the walk with a non-zero exit (tests/e2e runs it too).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CTL="$SERTEL_BUILD_DIR/tools/sertelctl/sertelctl"
[ -x "$CTL" ] || die "$CTL is not built (scripts/build.sh)"
export SERTEL_HOME
MAIL="$SERTEL_HOME/mail"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sertel-demo.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ctl() { "$CTL" "$@"; }
bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }
# as ROLE SUB [NIK]: the token that person would get from the identity provider. With
# SERTEL_OIDC_ISSUER (the agency's provider, docs/identity.md) each person signs in once with
# `sertelctl login` (device code), cached per person under $SERTEL_HOME/demo-logins/.
if [ -n "${SERTEL_OIDC_ISSUER:-}" ]; then
  as() {
    unset SERTEL_TOKEN
    export XDG_CONFIG_HOME="$SERTEL_HOME/demo-logins/$2"
    if [ ! -f "$XDG_CONFIG_HOME/sertel/tokens.json" ]; then
      log "sign in as $2 (an account with the $1 role${3:+ and NIK $3})"
      ctl login >&2
    fi
  }
else
  as() { SERTEL_TOKEN=$(ctl token --role "$1" --sub "$2" ${3:+--nik "$3"}); export SERTEL_TOKEN; }
fi
# took STEP: "how long step STEP took, against the SOP's standard time", from the timeline.
took() {
  ctl -o json application get "$APP" | "$SERTEL_PYTHON" -c '
import json, sys
step = {1: "STEP_SUBMISSION", 6: "STEP_PASSPHRASE", 7: "STEP_HANDOVER"}[int(sys.argv[1])]
rows = [t for t in json.load(sys.stdin).get("timeline", []) if t.get("step") == step and t.get("standard_duration")]
if rows:
    t = rows[-1]
    secs = lambda d: float(d.rstrip("s"))
    print("   step took %.1fs (SOP standard %dm: %s)" % (secs(t.get("duration", "0s")),
          secs(t["standard_duration"]) // 60, "within" if t.get("within_standard") else "EXCEEDED"))
' "$1"
}

# A new applicant each run (NIK and NIP share the birth date 15-03-1985, male).
seq4=$(printf '%04d' $((RANDOM % 9000 + 1000)))
NIK="327301150385${seq4}"
NIP="198503152010031${seq4:1}"
NAME="Budi Santoso"
EMAIL="budi.santoso.${seq4}@example.go.id"
PHONE="+62812${seq4}5678"
UNIT="DISKOMINFO"  # a code of the unit registry (IntakeService.ListUnits)
PASSFILE="$WORK/passphrase"
(umask 077; printf 'Kopi-Tubruk-Senja-%s!' "$seq4" >"$PASSFILE")
"$SERTEL_PYTHON" "$SERTEL_ROOT/scripts/demo-documents.py" "$WORK/docs" "$NAME" "$NIK" >/dev/null

bold "Step 1 - the applicant ($NAME, NIK $NIK) submits the request letter, the BSrE form, the KTP and SK copies"
as APPLICANT "$NIK" "$NIK"
APP=$(ctl -o json application submit --nik "$NIK" --nip "$NIP" --name "$NAME" --email "$EMAIL" \
        --phone "$PHONE" --unit "$UNIT" --position "Pranata Komputer" \
        --letter "$WORK/docs/letter.pdf" --form "$WORK/docs/form.pdf" \
        --ktp "$WORK/docs/ktp.png" --sk "$WORK/docs/sk.pdf" \
      | "$SERTEL_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
echo "   application $APP submitted; a receipt goes to $EMAIL"
took 1

# case_field FIELD: one field of the case as this role sees it ("" while it does not exist yet).
case_field() {
  ctl -o json case get "$APP" 2>/dev/null | "$SERTEL_PYTHON" -c \
    'import json, sys; print(json.load(sys.stdin).get(sys.argv[1], ""))' "$1" || true
}
# wait_for_step STEP: until the case waits at STEP (the outboxes deliver asynchronously).
wait_for_step() {
  for _ in $(seq 1 150); do [ "$(case_field current_step)" = "$1" ] && return; sleep 0.1; done
  die "$APP did not reach $1"
}

# Steps 2-4: each official finds the case in their inbox and dispositions it onwards.
review() {
  local step=$1 role=$2 sub=$3 who=$4 enum=$5
  bold "Step $step - $who ($role) reviews and dispositions the request"
  as "$role" "$sub"
  wait_for_step "$enum"
  ctl case forward "$APP" --version "$(case_field version)" --note "Disposisi: lanjutkan" \
    | sed 's/^/   /'
}
review 2 HEAD_OF_AGENCY kepala.dinas "the head of agency" STEP_HEAD_OF_AGENCY_REVIEW
review 3 HEAD_OF_DIVISION kabid.tkpbet "the head of division (Kabid TKPBET)" STEP_HEAD_OF_DIVISION_REVIEW
review 4 HEAD_OF_SECTION kasi.pksi "the head of section (Kasi PKSI)" STEP_HEAD_OF_SECTION_REVIEW

bold "Step 5 - the verifier checks completeness and sends the request to the CA"
as VERIFIER verifikator
wait_for_step STEP_VERIFICATION
ctl case verify "$APP" --version "$(case_field version)" --all-ok \
  --note "Dokumen lengkap dan sesuai" | sed 's/^/   /'

bold "Step 6 - the owner comes in with the activation code from the email and sets the passphrase"
CODEFILE="$WORK/activation-code"
(umask 077; "$SERTEL_PYTHON" "$SERTEL_ROOT/scripts/mailbox.py" activation-code --dir "$MAIL" \
  --application "$APP" >"$CODEFILE")
echo "   activation code from the email to $EMAIL: $(head -c 2 "$CODEFILE")****"
as APPLICANT "$NIK" "$NIK"
ctl certificate set-passphrase "$APP" --code-file "$CODEFILE" --passphrase-file "$PASSFILE" \
  | sed 's/^/   /'
took 6

bold "Step 7 - the verifier downloads the certificate and hands it over by email"
as VERIFIER verifikator
ctl certificate handover "$APP" --channel email | sed 's/^/   /'

bold "The timeline (intake's view across all seven steps)"
as AUDITOR auditor
ctl application get "$APP" | sed 's/^/   /'

bold "The handover email in the SMTP sink ($MAIL)"
MSG=$("$SERTEL_PYTHON" "$SERTEL_ROOT/scripts/mailbox.py" wait --dir "$MAIL" \
        --subject-contains "Sertifikat elektronik Anda ($APP)")
"$SERTEL_PYTHON" "$SERTEL_ROOT/scripts/mailbox.py" show "$MSG" --save-attachments "$WORK/received" | sed 's/^/   /'
P12=$(ls "$WORK"/received/*.p12)

bold "The keystore opens with the owner's passphrase (openssl pkcs12)"
openssl pkcs12 -in "$P12" -passin "file:$PASSFILE" -nokeys -clcerts 2>/dev/null \
  | openssl x509 -noout -subject -issuer -enddate -ext subjectAltName,keyUsage | sed 's/^/   /'
openssl pkcs12 -in "$P12" -passin "file:$PASSFILE" -nocerts -nodes 2>/dev/null \
  | grep -q "PRIVATE KEY" || die "the keystore does not open with the passphrase"
echo "   the private key is inside, sealed under the passphrase"
if openssl pkcs12 -in "$P12" -passin pass:wrong-passphrase -nokeys >/dev/null 2>&1; then
  die "the keystore opened with a wrong passphrase"
fi
echo "   a wrong passphrase does not open it"
openssl pkcs12 -in "$P12" -passin "file:$PASSFILE" -nokeys -clcerts 2>/dev/null \
  | openssl x509 -out "$WORK/cert.pem"

bold "sertelctl certificate check: does the certificate match its holder?"
ctl certificate check --pem "$WORK/cert.pem" --nik "$NIK" | sed 's/^/   /'

bold "The recorded figure: people holding a valid certificate"
ctl stats | sed 's/^/   /'

bold "How long each step took, against the SOP's standard times (sla report)"
ctl sla report --last 24h | sed 's/^/   /'
echo
log "walked application $APP through all seven steps"
