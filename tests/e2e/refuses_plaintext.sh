#!/usr/bin/env bash
# Each service binary, started with no TLS material and no development flag, must refuse to
# start (exit code 2) with a message that names the TLS variables - and must not listen.
set -uo pipefail
build=${1:?usage: refuses_plaintext.sh BUILD_DIR}
status=0
for svc in intake disposition certificate notification; do
  out=$(env -i PATH=/usr/bin:/bin SERTEL_DATABASE_URL=postgresql://nobody@127.0.0.1:1/none \
        timeout 20 "$build/$svc-service/$svc-service" 2>&1)
  rc=$?
  if [ $rc -ne 2 ]; then
    echo "FAIL: $svc-service exited $rc without TLS material (want 2)"; status=1
  elif ! grep -q "SERTEL_TLS_CERT" <<<"$out"; then
    echo "FAIL: $svc-service's refusal does not name SERTEL_TLS_CERT: $out"; status=1
  else
    echo "ok: $svc-service refuses to start without TLS"
  fi
done
exit $status
