#!/usr/bin/env bash
# Installs what sertel needs to build, test and run on Debian 12: the Debian packages (only the
# missing ones) and, from npm, google-proto-files (google/rpc/*.proto) and buf (proto lint) into
# .cache/npm. Idempotent; safe to run on every build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache clang-format
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libabsl-dev libssl-dev openssl libcurl4-openssl-dev libpqxx-dev
  postgresql postgresql-contrib libgtest-dev libgmock-dev
  nlohmann-json3-dev libcpp-httplib-dev libcli11-dev zlib1g-dev
  python3 python3-grpcio python3-protobuf python3-aiosmtpd
  yamllint python3-yaml
  # Issue 21: PDF structure (qpdf), and the real signers the tests sign with (NSS, poppler).
  libqpdf-dev libnss3-tools poppler-utils
  # Issue 23: clang with its libFuzzer and sanitizer runtimes (fuzz/, scripts/fuzz.sh).
  clang libclang-rt-14-dev
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm: this machine kind ships Node.js/npm from NodeSource; Debian's npm only when it is absent.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
# kubectl is not a Debian package; the k8s checks use it when the machine has it.
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

NPM_DIR="$SERTEL_ROOT/.cache/npm"
if [ ! -f "$NPM_DIR/node_modules/google-proto-files/google/rpc/status.proto" ] ||
   [ ! -x "$NPM_DIR/node_modules/.bin/buf" ] ||
   [ ! -f "$NPM_DIR/node_modules/oidc-provider/package.json" ]; then
  # oidc-provider: the real OpenID provider the identity tests run against (issue 17).
  log "installing google-proto-files, @bufbuild/buf and oidc-provider from npm into .cache/npm"
  mkdir -p "$NPM_DIR"
  [ -f "$NPM_DIR/package.json" ] || echo '{"name":"sertel-build-cache","private":true}' > "$NPM_DIR/package.json"
  (cd "$NPM_DIR" && npm install --no-audit --no-fund --loglevel=error \
      google-proto-files@5.0.3 @bufbuild/buf@1.47.2 oidc-provider@9.13.3 >/dev/null)
fi
