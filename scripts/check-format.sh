#!/usr/bin/env bash
# The house format holds over every C++ file of the repository: .clang-format (Google style,
# 100 columns), checked with clang-format --dry-run --Werror. Fix with scripts/format.sh.
# Generated code is never in the repository, so every tracked .h/.cc is ours.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SERTEL_ROOT"
command -v clang-format >/dev/null || die "clang-format is missing (scripts/install-deps.sh installs it)"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.cc' '*.h')
else
  mapfile -t files < <(find . -path ./build\* -prune -o -path ./.cache -prune -o \( -name '*.cc' -o -name '*.h' \) -print)
fi
[ ${#files[@]} -gt 0 ] || die "no C++ files found"
clang-format --dry-run --Werror "${files[@]}"
log "clang-format: ${#files[@]} files follow .clang-format"
