#!/usr/bin/env bash
# The Kubernetes manifest checks (CTest: k8s_manifests). No cluster is needed:
#   1. yamllint (strict, k8s/.yamllint) over every YAML file under k8s/;
#   2. the checker's own tests (k8s/tests/test_check_manifests.py), which break one property
#      at a time and expect check_manifests.py to name it;
#   3. with kubectl: `kubectl kustomize` renders base, overlays/dev and overlays/production
#      (a rendering error is a failure), and check_manifests.py checks each rendering;
#      without kubectl: rendering is skipped (said clearly, not a failure) and the checker
#      runs on the base folder through its own stand-in for kustomize.
# Exit code: 0 when every step passed. The last line reads "k8s_manifests: N passed, M failed".
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
K8S="$ROOT/k8s"
# Debian's interpreter, which has python3-yaml (a pyenv python3 on PATH may not).
PY="${SERTEL_PYTHON:-/usr/bin/python3}"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/sertel-k8s.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT

passed=0
failed=0
step() {  # step NAME COMMAND...: runs one check, prints its verdict
  local name=$1; shift
  if "$@" >"$OUT/step.log" 2>&1; then
    passed=$((passed + 1)); echo "PASS  $name"
  else
    failed=$((failed + 1)); echo "FAIL  $name"; sed 's/^/      /' "$OUT/step.log"
  fi
}

if ! "$PY" -c 'import yaml' 2>/dev/null; then
  echo "FAIL  $PY cannot import yaml: install Debian's python3-yaml (scripts/install-deps.sh does)"
  echo "k8s_manifests: 0 passed, 1 failed"
  exit 1
fi

if command -v yamllint >/dev/null 2>&1; then
  step "yamllint k8s/" yamllint --strict -c "$K8S/.yamllint" "$K8S"
else
  failed=$((failed + 1))
  echo "FAIL  yamllint is not installed (Debian package yamllint; scripts/install-deps.sh)"
fi

step "checker self-test" "$PY" -m unittest discover -s "$HERE" -p 'test_*.py'

if command -v kubectl >/dev/null 2>&1; then
  for target in base overlays/dev overlays/production; do
    profile=${target#overlays/}
    file="$OUT/$profile.yaml"
    step "kubectl kustomize k8s/$target" kubectl kustomize "$K8S/$target" -o "$file"
    if [ -s "$file" ]; then
      step "check_manifests $profile" "$PY" "$HERE/check_manifests.py" --repo "$ROOT" \
        --profile "$profile" "$file"
    else
      failed=$((failed + 1)); echo "FAIL  check_manifests $profile (nothing rendered)"
    fi
  done
else
  echo "SKIP  kubectl is not installed: the overlays were NOT rendered or checked (not a failure)."
  echo "      Checking k8s/base with check_manifests.py's own renderer instead."
  step "check_manifests base (no kubectl)" "$PY" "$HERE/check_manifests.py" --repo "$ROOT" \
    --profile base --lite "$K8S/base"
fi

echo "k8s_manifests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
