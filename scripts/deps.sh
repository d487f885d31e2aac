#!/usr/bin/env bash
# Installs the Debian packages CORS Lab needs to build, run and test, skipping those already there.
# Usage: scripts/deps.sh [build|test]
set -euo pipefail
build_pkgs=(cmake g++ make qt6-base-dev qt6-base-dev-tools libgl-dev node-llhttp libssl-dev)
test_pkgs=(chromium xvfb firefox-esr qt6-websockets-dev clang libclang-rt-14-dev)
want=("${build_pkgs[@]}")
[ "${1:-build}" = test ] && want+=("${test_pkgs[@]}")
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing missing packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
