#!/usr/bin/env bash
# Applies the house format (.clang-format) to every C++ file of the repository, in place.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SERTEL_ROOT"
git ls-files --cached --others --exclude-standard -- '*.cc' '*.h' | xargs clang-format -i
