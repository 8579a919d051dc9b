#!/usr/bin/env bash
# Runs COMMAND with a real OpenID provider on loopback (npm's oidc-provider,
# tests/harness/oidc_provider/provider.mjs): RS256 signing key "k1", the users of
# tests/e2e/python/oidc_users.json, the device flow and PKCE enabled. Exports what the suite
# reads (SERTEL_OIDC_ISSUER, realm roles with the sertel- prefix, as a Keycloak realm would have
# them) so that a with_suite.sh inside COMMAND configures all four services from the issuer.
#
#   with_oidc.sh PORT COMMAND...
#
# COMMAND also sees SERTEL_OIDC_PEER_DIR: keys.json (the private JWKS, first key signs),
# start.sh (starts the provider again with the current keys; the test rotates keys by rewriting
# keys.json, killing $(cat pid) and running start.sh) and pid.
set -euo pipefail
port=${1:?usage: with_oidc.sh PORT COMMAND...}
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
npm_dir="$root/.cache/npm"
provider="$root/tests/harness/oidc_provider/provider.mjs"
[ -f "$npm_dir/node_modules/oidc-provider/package.json" ] || "$root/scripts/install-deps.sh"

dir=$(mktemp -d /tmp/sertel-oidc.XXXXXX)
stop_provider() {
  local rc=$?
  [ -f "$dir/pid" ] && kill "$(cat "$dir/pid")" 2>/dev/null || true
  if [ $rc -ne 0 ] && [ -f "$dir/provider.log" ]; then
    echo "---- last lines of the OpenID provider's log"; tail -n 20 "$dir/provider.log"
  fi
  rm -rf "$dir"
  exit $rc
}
trap stop_provider EXIT
trap 'exit 130' INT TERM

export SERTEL_NPM_DIR=$npm_dir
first_key=$(node "$provider" --make-key rsa --kid k1)
printf '{"keys":[%s]}\n' "$first_key" >"$dir/keys.json"
cp "$root/tests/e2e/python/oidc_users.json" "$dir/users.json"
cat >"$dir/start.sh" <<START
#!/usr/bin/env bash
# Starts the provider on port $port with $dir/keys.json; waits until it answers.
set -euo pipefail
rm -f "$dir/ready"
SERTEL_NPM_DIR="$npm_dir" nohup node "$provider" --port $port --issuer http://127.0.0.1:$port \\
  --keys "$dir/keys.json" --users "$dir/users.json" --ready-file "$dir/ready" \\
  >>"$dir/provider.log" 2>&1 &
echo \$! >"$dir/pid"
for _ in \$(seq 1 100); do [ -f "$dir/ready" ] && exit 0; sleep 0.1; done
echo "the OpenID provider did not start (see $dir/provider.log)" >&2
exit 1
START
bash "$dir/start.sh"

export SERTEL_OIDC_PEER_DIR=$dir SERTEL_OIDC_PEER_PORT=$port
export SERTEL_OIDC_ISSUER=http://127.0.0.1:$port
export SERTEL_JWT_ROLES_CLAIM=realm_access.roles SERTEL_JWT_ROLE_PREFIX=sertel- SERTEL_JWT_NIK_CLAIM=nik
"$@"
