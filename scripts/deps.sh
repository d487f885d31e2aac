#!/usr/bin/env bash
# Installs the Debian packages CORS Lab needs to build, run and test, skipping those already there.
# Usage: scripts/deps.sh [build|test]
set -euo pipefail
build_pkgs=(cmake g++ make qt6-base-dev qt6-base-dev-tools libgl-dev node-llhttp libssl-dev
            libyaml-cpp-dev libpsl-dev qt6-websockets-dev)
test_pkgs=(chromium xvfb firefox-esr webkit2gtk-driver clang libclang-rt-14-dev clang-format clang-tidy)
# The real servers the generated configurations run in (tests/server/config, label "config").
config_pkgs=(nginx apache2 node-express node-cors python3-flask python3-flask-cors python3-django
             python3-django-cors-headers golang-go golang-github-rs-cors-dev)
want=("${build_pkgs[@]}")
[ "${1:-build}" = test ] && want+=("${test_pkgs[@]}")
servers=()
[ "${1:-build}" = test ] && servers+=("${config_pkgs[@]}")
missing_of() { # prints the packages of "$@" that are not installed
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}
mapfile -t missing < <(missing_of "${want[@]}")
mapfile -t missing_servers < <(missing_of "${servers[@]}")
[ ${#missing[@]} -eq 0 ] && [ ${#missing_servers[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -q
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing missing packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi
if [ ${#missing_servers[@]} -gt 0 ]; then
  # Only the servers themselves: their recommends (documentation, extra modules) are not needed.
  echo "Installing missing servers for the configuration tests: ${missing_servers[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
    "${missing_servers[@]}"
fi
