#!/usr/bin/env bash
# Runs clang-tidy (checks in .clang-tidy) over our C++ sources with the compile commands of a
# build directory, on every core; prints the findings and exits non-zero when there is any.
# Usage: scripts/tidy.sh BUILD_DIR [FILE...]   (default: every .cpp of the product: core, ui, app)
# The tests and benchmarks are left out of ./test's run to keep CI inside its time (each file
# costs seconds); check them with: scripts/tidy.sh build $(git ls-files 'tests/*.cpp' 'bench/*.cpp')
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: scripts/tidy.sh BUILD_DIR [FILE...]}
shift
root=$(pwd)
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files 'core/*.cpp' 'ui/*.cpp' 'app/*.cpp')
fi
log=$(mktemp)
db=$(mktemp -d)
trap 'rm -rf "$log" "$db"' EXIT
# clang-tidy reads a copy of the compile database without the precompiled header of a
# -DCORSLAB_PCH=ON build: clang cannot load GCC's .gch (and gives up on the file), and our sources
# include what they use, so they parse the same without it. Drops GCC's "-Winvalid-pch -include
# .../cmake_pch.hxx" and clang's "-Xclang -include-pch -Xclang X.pch -Xclang -include -Xclang
# .../cmake_pch.hxx".
sed -E -e 's# -Winvalid-pch##g' \
  -e 's# -Xclang -include-pch -Xclang [^ "]+\.pch##g' \
  -e 's# (-Xclang )?-include (-Xclang )?[^ "]*/cmake_pch\.hxx##g' \
  "$build/compile_commands.json" >"$db/compile_commands.json"
# One file per clang-tidy process, as many at once as there are cores; --quiet keeps the output to
# the findings themselves.
printf '%s\n' "${files[@]}" |
  xargs -P "$(nproc)" -n 1 clang-tidy --quiet -p "$db" \
    --header-filter="^$root/(core|ui|app|tests|bench)/" >"$log" 2>&1 || true
findings=$(grep -cE '(warning|error): ' "$log" || true)
if [ "$findings" -gt 0 ]; then
  grep -E -A3 '(warning|error): ' "$log"
  echo "clang-tidy: $findings findings in ${#files[@]} files (checks: .clang-tidy)"
  exit 1
fi
echo "clang-tidy: no findings in ${#files[@]} files"
