#!/usr/bin/env bash
# Makes docs/screenshots/ with the real app under Xvfb, as tests/app/tst_gui_screenshots.cpp does:
# the first launch, an exposed preflighted pair (json-post) and a blocked one
# (credentials-wildcard). Usage: scripts/screenshots.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=docs/screenshots
mkdir -p "$out"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
shoot() { # NAME [--scenario ID]
  local name=$1; shift
  env -u QT_QPA_PLATFORM XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
    xvfb-run -a -s "-screen 0 1600x1000x24" "$build/bin/corslab" "$@" --screenshot "$out/$name.png"
  echo "wrote $out/$name.png"
}
shoot first-launch
shoot exposed-pair --scenario json-post
shoot blocked-pair --scenario credentials-wildcard
