#!/usr/bin/env bash
# Fails, naming the files, when clang-format (style: .clang-format) would change any of our C++
# files. Fix with: clang-format -i FILE...
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h' | grep -v '^third_party/')
# One process for all files; --dry-run --Werror reports each change as "FILE:LINE:COL: error".
if ! out=$(clang-format --dry-run --Werror "${files[@]}" 2>&1); then
  mapfile -t bad < <(grep -oE '^[^:]+:[0-9]+:[0-9]+: error' <<<"$out" | cut -d: -f1 | sort -u)
  printf 'clang-format would change: %s\n' "${bad[@]}"
  echo "format: ${#bad[@]} of ${#files[@]} files need clang-format -i"
  exit 1
fi
echo "format: ${#files[@]} files as clang-format writes them"
