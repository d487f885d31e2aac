# Shell functions shared by the benchmark scripts (bench/*_throughput.sh), sourced after
# `set -euo pipefail`. The sourcing script sets bench_name (its name, for messages) first.
# shellcheck shell=bash

shopt -u patsub_replacement 2>/dev/null || true # bash 5.2: '&' in ${x//a/b} stays literal

bench_die() { # message [status]: the message on stderr, prefixed with the script's name; exit
  echo "${bench_name:-bench}: $1" >&2
  exit "${2:-1}"
}

check_whole_numbers() { # value...: each a whole number, else exit 2
  local v
  for v in "$@"; do
    [[ "$v" =~ ^[0-9]+$ ]] || bench_die "expected a whole number, got \"$v\"" 2
  done
}

check_corslab() { # path: an executable corslab-cli, else exit 2
  [ -x "$1" ] ||
    bench_die "no corslab-cli at $1; build it (cmake --build build --target corslab-cli) or pass --corslab PATH" 2
}

install_missing_packages() { # package...: apt-get installs those not installed yet
  local p missing=() sudo="" policy_added="" status=0
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "Installing missing packages: ${missing[*]}"
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  # Installing nginx or squid must not start the system's service (ports 80, 3128): a
  # policy-rc.d that refuses service starts, for the install only (unless one is already there).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod 755 /usr/sbin/policy-rc.d
    policy_added=1
  fi
  { $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; } || status=$?
  [ -n "$policy_added" ] && $sudo rm -f /usr/sbin/policy-rc.d
  [ $status -eq 0 ] || exit $status
}

# --- processes -------------------------------------------------------------------------------
stop_pid() { # pid [signal]: signal (TERM), wait up to 5 s, then KILL
  local pid=$1 sig=${2:-TERM}
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -"$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
set_traps() { # cleanup function: run on exit; Ctrl+C and TERM exit through it
  # shellcheck disable=SC2064 # the function's name, expanded now on purpose
  trap "$1" EXIT
  trap 'echo; echo "Interrupted."; exit 130' INT
  trap 'exit 143' TERM
}

port_free() { ! ss -Htan "( sport = :$1 )" 2>/dev/null | grep -q .; }
listening() { ss -Hltn "( sport = :$1 )" 2>/dev/null | grep -q .; } # port: something listens
free_port() { # a free loopback port from 20000-59999, on stdout
  local p
  for _ in $(seq 50); do
    p=$(( 20000 + RANDOM % 40000 ))
    port_free "$p" && { echo "$p"; return 0; }
  done
  bench_die "found no free port"
}

# --- the origin: nginx with one worker, from bench/nginx/nginx.conf.in -----------------------
# write_nginx_conf prefix port content-type status body preflight-status public-headers
#                  preflight-headers: writes prefix/nginx.conf. The values go in as given (quote
# them for nginx first); the two header arguments are whole add_header lines.
write_nginx_conf() {
  local prefix=$1 port=$2 ctype=$3 status=$4 body=$5 pre_status=$6 pub_headers=$7 pre_headers=$8
  local line
  mkdir -p "$prefix/tmp"
  while IFS= read -r line; do
    line=${line//@PREFIX@/$prefix}
    line=${line//@PORT@/$port}
    line=${line//@PUBLIC_CONTENT_TYPE@/$ctype}
    line=${line//@PUBLIC_STATUS@/$status}
    line=${line//@PUBLIC_BODY@/$body}
    line=${line//@PREFLIGHT_STATUS@/$pre_status}
    case "$line" in
      @PUBLIC_HEADERS@) printf '%s\n' "$pub_headers" ;;
      @PREFLIGHT_HEADERS@) printf '%s\n' "$pre_headers" ;;
      *) printf '%s\n' "$line" ;;
    esac
  done <"$(dirname "${BASH_SOURCE[0]}")/nginx/nginx.conf.in" >"$prefix/nginx.conf"
}
start_nginx() { # prefix: checks and starts the config at prefix/nginx.conf; sets nginx_pid
  nginx -q -t -p "$1" -e "$1/error.log" -c "$1/nginx.conf" ||
    bench_die "generated nginx config is invalid: $1/nginx.conf"
  nginx -p "$1" -e "$1/error.log" -c "$1/nginx.conf" &
  # shellcheck disable=SC2034 # read by the sourcing script
  nginx_pid=$!
}

# --- wrk ---------------------------------------------------------------------------------------
# The RESULT line the wrk scripts' done() writes ("RESULT requests duration_us bytes p50_us p99_us
# connect read write status timeout" errors) -> "requests duration_us bytes p50_us p99_us errors",
# errors being socket errors + non-2xx/3xx answers.
wrk_result() { # line
  # shellcheck disable=SC2086 # the RESULT fields, split on purpose
  set -- $1
  echo "$2 $3 $4 $5 $6 $(( $7 + $8 + $9 + ${10} + ${11} ))"
}
