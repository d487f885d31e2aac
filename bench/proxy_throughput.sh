#!/usr/bin/env bash
# Load through the intercepting proxy (`corslab-cli proxy`) next to wrk direct, squid and
# mitmproxy (mitmdump), in one run, against the same loopback origin (nginx).
#
# Usage: bench/proxy_throughput.sh [--rounds N] [--duration S] [--connections C]
#                                  [--corslab PATH] [--quick] [--keep]
#
#   --rounds N        rounds of every target and case (3); the summary takes the median
#   --duration S      seconds of each wrk run (5)
#   --connections C   wrk keep-alive connections, one wrk thread (16)
#   --corslab PATH    corslab-cli to measure (build/bin/corslab-cli)
#   --quick           a smoke run: 1 round of 2 s (overrides --rounds and --duration)
#   --keep            keep the work directory (configs, logs, wrk outputs, session files)
#
# nginx (one worker, loopback, bench/nginx/nginx.conf.in) answers GET /public with a small JSON
# and Access-Control-Allow-Origin, and OPTIONS /echo, a real CORS preflight, with 204 and the
# Access-Control-Allow-* headers. For each round and case (GET, preflight) wrk (1 thread, C
# connections, S seconds, --latency) runs against: nginx directly; squid (bench/proxy/squid.conf.in,
# no cache, no access log); mitmdump (regular proxy mode, -q); corslab-cli proxy --quiet --record
# (capture and verdicts on). wrk talks to a proxy with absolute-form targets
# (bench/proxy/request.lua). Each proxy is started fresh for each run and checked with curl -x
# first (status, CORS headers, body). Prints requests/s, p50/p99, p99 added to direct, the proxy's
# peak RSS (VmHWM), and for corslab the exchanges in the session file (written on SIGINT) against
# the requests wrk completed, and the memory per captured exchange. See docs/PERFORMANCE.md.
# Missing packages are installed with apt-get. Everything stays on 127.0.0.1; every process
# started here is stopped on exit, Ctrl+C included.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

rounds=3
duration=5
connections=16
corslab="$root/build/bin/corslab-cli"
keep=""

usage() {
  sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

quick=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --duration) duration=${2:?--duration needs seconds}; shift 2 ;;
    --connections) connections=${2:?--connections needs a number}; shift 2 ;;
    --corslab) corslab=${2:?--corslab needs a path}; shift 2 ;;
    --quick) quick=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "proxy_throughput.sh: unknown argument \"$1\" (see --help)" >&2; exit 2 ;;
  esac
done
if [ -n "$quick" ]; then
  rounds=1
  duration=2
fi
for v in "$rounds" "$duration" "$connections"; do
  [[ "$v" =~ ^[0-9]+$ ]] || { echo "proxy_throughput.sh: expected a whole number, got \"$v\"" >&2; exit 2; }
done
[ "$duration" -ge 1 ] && [ "$connections" -ge 1 ] && [ "$rounds" -ge 1 ] ||
  { echo "proxy_throughput.sh: --duration, --connections and --rounds must be at least 1" >&2; exit 2; }
if [ ! -x "$corslab" ]; then
  echo "proxy_throughput.sh: no corslab-cli at $corslab; build it (cmake --build build --target corslab-cli) or pass --corslab PATH" >&2
  exit 2
fi

# --- packages this benchmark needs (independent of the build: not in scripts/deps.sh) --------
bench_pkgs=(wrk nginx libnginx-mod-http-headers-more-filter curl squid mitmproxy python3)
missing=()
for p in "${bench_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing missing packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  # Installing nginx or squid must not start the system's service (ports 80, 3128): a
  # policy-rc.d that refuses service starts, for the install only (unless one is already there).
  policy_added=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod 755 /usr/sbin/policy-rc.d
    policy_added=1
  fi
  status=0
  { $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; } || status=$?
  [ -n "$policy_added" ] && $sudo rm -f /usr/sbin/policy-rc.d
  [ $status -eq 0 ] || exit $status
fi

# --- processes and cleanup ---------------------------------------------------------------------
work=$(mktemp -d /tmp/corslab-proxy-bench.XXXXXX)
chmod 755 "$work" # squid, started as root, runs as another user and writes under it
nginx_pid=""
proxy_pid=""

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
cleanup() {
  stop_pid "$proxy_pid"
  stop_pid "$nginx_pid"
  proxy_pid=""
  nginx_pid=""
  if [ -n "$keep" ]; then echo "Work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'echo; echo "Interrupted."; exit 130' INT
trap 'exit 143' TERM

port_free() { ! ss -Htan "( sport = :$1 )" 2>/dev/null | grep -q .; }
listening() { ss -Hltn "( sport = :$1 )" 2>/dev/null | grep -q .; }
free_port() {
  local p
  for _ in $(seq 50); do
    p=$(( 20000 + RANDOM % 40000 ))
    port_free "$p" && { echo "$p"; return 0; }
  done
  echo "proxy_throughput.sh: found no free port" >&2
  exit 1
}
kib_of() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || true; }

# --- the origin: nginx with one worker ---------------------------------------------------------
nginx_port=$(free_port)
origin_host="127.0.0.1:$nginx_port"
page_origin="http://localhost:3000" # the page that calls the API (cross-origin)
public_body='{"items":[{"id":1,"name":"alpha"},{"id":2,"name":"beta"},{"id":3,"name":"gamma"}]}'
public_headers="            add_header 'Access-Control-Allow-Origin' '*' always;"
preflight_headers="                add_header 'Access-Control-Allow-Origin' '*' always;
                add_header 'Access-Control-Allow-Methods' 'GET, POST, PUT, DELETE' always;
                add_header 'Access-Control-Allow-Headers' 'content-type' always;
                add_header 'Access-Control-Max-Age' '600' always;"
mkdir -p "$work/nginx/tmp"
while IFS= read -r line; do
  line=${line//@PREFIX@/$work/nginx}
  line=${line//@PORT@/$nginx_port}
  line=${line//@PUBLIC_CONTENT_TYPE@/application/json}
  line=${line//@PUBLIC_STATUS@/200}
  line=${line//@PUBLIC_BODY@/$public_body}
  line=${line//@PREFLIGHT_STATUS@/204}
  case "$line" in
    @PUBLIC_HEADERS@) printf '%s\n' "$public_headers" ;;
    @PREFLIGHT_HEADERS@) printf '%s\n' "$preflight_headers" ;;
    *) printf '%s\n' "$line" ;;
  esac
done <"$root/bench/nginx/nginx.conf.in" >"$work/nginx/nginx.conf"
nginx -q -t -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" ||
  { echo "proxy_throughput.sh: generated nginx config is invalid: $work/nginx/nginx.conf" >&2; exit 1; }
nginx -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" &
nginx_pid=$!

# --- the proxies, each started fresh for each run ------------------------------------------------
squid_user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then # squid refuses to run as root: it switches to this user
  squid_user=proxy
  getent passwd proxy >/dev/null || squid_user=nobody
fi
proxy_port=""
proxy_dir=""
runs=0

start_proxy() { # target: starts it on a free port, sets proxy_pid, proxy_port, proxy_dir
  local target=$1 tries
  runs=$((runs + 1))
  proxy_dir="$work/run$runs-$target"
  mkdir -p "$proxy_dir"
  for tries in $(seq 5); do
    proxy_port=$(free_port)
    case "$target" in
      squid)
        sed -e "s|@PORT@|$proxy_port|g" -e "s|@PREFIX@|$proxy_dir|g" -e "s|@USER@|$squid_user|g" \
          "$here/proxy/squid.conf.in" >"$proxy_dir/squid.conf"
        [ "$(id -u)" -eq 0 ] && chown "$squid_user" "$proxy_dir"
        squid -N -f "$proxy_dir/squid.conf" >"$proxy_dir/stdout" 2>"$proxy_dir/stderr" &
        ;;
      mitmdump)
        mkdir -p "$proxy_dir/confdir" # its CA, made on first start, stays out of ~/.mitmproxy
        mitmdump --listen-host 127.0.0.1 --listen-port "$proxy_port" -q \
          --set confdir="$proxy_dir/confdir" --set connection_strategy=lazy \
          >"$proxy_dir/stdout" 2>"$proxy_dir/stderr" &
        ;;
      corslab)
        "$corslab" proxy --port "$proxy_port" --quiet --record "$proxy_dir/session.json" \
          >"$proxy_dir/stdout" 2>"$proxy_dir/stderr" &
        ;;
    esac
    proxy_pid=$!
    for _ in $(seq 300); do
      kill -0 "$proxy_pid" 2>/dev/null || break
      listening "$proxy_port" && return 0
      sleep 0.05
    done
    echo "  ($target did not listen on $proxy_port, retrying)" >&2
    stop_pid "$proxy_pid"
  done
  echo "proxy_throughput.sh: could not start $target; its output:" >&2
  tail -20 "$proxy_dir/stdout" "$proxy_dir/stderr" "$proxy_dir/cache.log" 2>/dev/null >&2
  exit 1
}

# --- what each target must answer (curl, before each run) --------------------------------------
get_args=(-H "Origin: $page_origin")
preflight_args=(-X OPTIONS -H "Origin: $page_origin" -H "Access-Control-Request-Method: PUT"
                -H "Access-Control-Request-Headers: content-type")
check_relay() { # target case port: the answer through the target is the origin's
  local target=$1 kase=$2 port=$3 via=() args path dir=$proxy_dir
  [ "$target" = direct ] && dir=$work
  [ "$target" = direct ] || via=(-x "http://127.0.0.1:$port")
  if [ "$kase" = get ]; then args=("${get_args[@]}"); path=/public; else args=("${preflight_args[@]}"); path=/echo; fi
  curl -s --max-time 10 "${via[@]}" "${args[@]}" -D "$dir/check.head" -o "$dir/check.body" \
    "http://$origin_host$path" || true
  local head problem=""
  head=$(tr -d '\r' <"$dir/check.head" 2>/dev/null | tr 'A-Z' 'a-z')
  grep -q '^access-control-allow-origin: \*$' <<<"$head" || problem="no Access-Control-Allow-Origin: *"
  if [ "$kase" = get ]; then
    grep -q '^http/1.1 200 ' <<<"$head" || problem="status is not 200"
    [ "$(cat "$dir/check.body")" = "$public_body" ] || problem="body differs from the origin's"
  else
    grep -q '^http/1.1 204 ' <<<"$head" || problem="status is not 204"
    grep -q '^access-control-allow-methods: .*put' <<<"$head" || problem="no PUT in Access-Control-Allow-Methods"
    grep -q '^access-control-allow-headers: content-type$' <<<"$head" || problem="no Access-Control-Allow-Headers: content-type"
  fi
  if [ -n "$problem" ]; then
    echo "proxy_throughput.sh: $target does not relay the $kase case correctly: $problem; it answered:" >&2
    cat "$dir/check.head" "$dir/check.body" >&2 2>/dev/null
    exit 1
  fi
}
for _ in $(seq 100); do listening "$nginx_port" && break; sleep 0.05; done
check_relay direct get "$nginx_port"
check_relay direct preflight "$nginx_port"

# --- wrk -------------------------------------------------------------------------------------
# -> "requests µs bytes p50_us p99_us errors" (errors: socket errors + non-2xx/3xx answers)
run_wrk() { # target case port outfile
  local target=$1 kase=$2 port=$3 out=$4 tgt="http://$origin_host"
  [ "$target" = direct ] && tgt=""
  BENCH_CASE=$kase BENCH_TARGET=$tgt BENCH_HOST=$origin_host BENCH_ORIGIN=$page_origin \
    wrk -t1 -c"$connections" -d"${duration}s" --timeout 5s --latency -s "$here/proxy/request.lua" \
    "http://127.0.0.1:$port" >"$out" 2>&1 || true
  local r
  r=$(grep '^RESULT' "$out") ||
    { echo "proxy_throughput.sh: wrk failed against $target:" >&2; cat "$out" >&2; exit 1; }
  set -- $r
  echo "$2 $3 $4 $5 $6 $(( $7 + $8 + $9 + ${10} + ${11} ))"
}

declare -A rps p50 p99 hwm idle sess done_wrk perx errs
targets_fwd="direct squid mitmdump corslab"
targets_rev="corslab mitmdump squid direct"
corslab_body_bytes=${#public_body}
problems=()

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
echo "Machine: $(nproc) CPUs, $cpu; $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); nginx $(nginx -v 2>&1 | sed 's/.*nginx\///')"
echo "  squid $(squid -v | sed -n '1s/.*Version //p'); mitmdump $(mitmdump --version 2>/dev/null | sed -n 's/^Mitmproxy: //p'); corslab: $corslab"
echo "wrk: 1 thread, $connections keep-alive connections, ${duration} s per run, $rounds round(s); each proxy started fresh per run"
echo "origin: nginx, 1 worker, http://$origin_host; page origin $page_origin"
echo
printf '%-5s %-9s %-8s %10s %8s %8s %9s %7s   %s\n' round case target 'req/s' 'p50 ms' 'p99 ms' 'peak MiB' errors 'session (corslab)'
for r in $(seq "$rounds"); do
  for k in get preflight; do
    # Alternating order, so a drift of the machine's load does not always hit the same target.
    if [ $(( (r + (k == "get" ? 0 : 1)) % 2 )) -eq 1 ] 2>/dev/null; then order=$targets_fwd; else order=$targets_rev; fi
    for t in $order; do
      key="$t,$k,$r"
      port=$nginx_port
      if [ "$t" != direct ]; then
        start_proxy "$t"
        port=$proxy_port
        idle[$key]=$(kib_of "$proxy_pid" VmHWM)
      fi
      check_relay "$t" "$k" "$port"
      read -r n us bytes a b e < <(run_wrk "$t" "$k" "$port" "$work/wrk-$t-$k-$r.txt") || true
      [ -n "${e:-}" ] || exit 1 # run_wrk said why (it ran in a subshell)
      rps[$key]=$(awk -v n="$n" -v us="$us" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
      p50[$key]=$a; p99[$key]=$b; errs[$key]=$e; done_wrk[$key]=$n
      extra=""
      if [ "$t" != direct ]; then
        if ! kill -0 "$proxy_pid" 2>/dev/null; then
          problems+=("round $r $k: $t exited during the run (see $proxy_dir/stderr)")
          tail -5 "$proxy_dir/stderr" >&2
          hwm[$key]=0
        else
          hwm[$key]=$(kib_of "$proxy_pid" VmHWM)
        fi
        if [ "$t" = corslab ]; then
          # SIGINT: the proxy delivers what it captured and writes the session file, then exits.
          t0=$(date +%s.%N)
          stop_pid "$proxy_pid" INT 2>/dev/null || true
          for _ in $(seq 1200); do kill -0 "$proxy_pid" 2>/dev/null || break; sleep 0.1; done
          wait "$proxy_pid" 2>/dev/null && rc=0 || rc=$?
          stop_secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
          proxy_pid=""
          [ "$rc" -eq 0 ] || problems+=("round $r $k: corslab-cli proxy exited with status $rc on SIGINT")
          grep -q . "$proxy_dir/stderr" &&
            problems+=("round $r $k: corslab-cli proxy wrote to stderr: $(head -c 300 "$proxy_dir/stderr" | tr '\n' ' ')")
          # exchanges in the file; and how many of them are the answered request of this case
          read -r count listed answered < <(python3 - "$proxy_dir/session.json" "$k" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
want = ("GET", 200) if sys.argv[2] == "get" else ("OPTIONS", 204)
ok = sum(1 for x in s["exchanges"]
         if x.get("request", {}).get("method") == want[0]
         and (x.get("response") or {}).get("status") == want[1])
print(s["exchangeCount"], len(s["exchanges"]), ok)
EOF
          ) || { count=0; listed=0; answered=0; problems+=("round $r $k: no readable session file $proxy_dir/session.json"); }
          sess[$key]=$count
          expected=$((n + 1)) # the curl check, and every request wrk completed
          [ "$count" -eq "$listed" ] || problems+=("round $r $k: exchangeCount $count but $listed exchanges listed")
          [ "$count" -ge "$expected" ] ||
            problems+=("round $r $k: LOST exchanges: session has $count, wrk completed $n (+1 check)")
          [ "$answered" -ge "$expected" ] ||
            problems+=("round $r $k: only $answered answered exchanges in the session for $expected completed requests")
          perx[$key]=$(awk -v h="${hwm[$key]}" -v i="${idle[$key]}" -v c="$count" -v b="$corslab_body_bytes" -v k="$k" \
            'BEGIN { x = c ? (h - i) * 1024 / c : 0; if (k == "get") x -= b; printf "%.0f", x }')
          extra="$count in session / $n wrk + 1 check ($answered answered), stopped in ${stop_secs} s, ${perx[$key]} B/exchange beyond bodies"
        else
          stop_pid "$proxy_pid"
          proxy_pid=""
        fi
      fi
      [ "$e" -eq 0 ] || problems+=("round $r $k: $e socket errors or non-2xx/3xx answers through $t (see wrk-$t-$k-$r.txt)")
      printf '%-5s %-9s %-8s %10s %8s %8s %9s %7s   %s\n' "$r" "$k" "$t" "${rps[$key]}" \
        "$(awk -v x="$a" 'BEGIN { printf "%.2f", x / 1000 }')" "$(awk -v x="$b" 'BEGIN { printf "%.2f", x / 1000 }')" \
        "$([ "$t" = direct ] && echo - || awk -v x="${hwm[$key]}" 'BEGIN { printf "%.1f", x / 1024 }')" "$e" "$extra"
    done
  done
done

# --- summary: the median round of each target and case -----------------------------------------
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
med() { # array target case -> median over rounds
  local -n arr=$1
  for r in $(seq "$rounds"); do echo "${arr[$2,$3,$r]}"; done | median
}
ms() { awk -v x="$1" 'BEGIN { printf "%.2f", x / 1000 }'; }
echo
echo "Summary (median of $rounds round(s); added p99 = the proxy's p99 - direct p99 in the same round):"
printf '%-9s %-8s %10s %9s %8s %8s %14s %10s\n' case target 'req/s' '/direct' 'p50 ms' 'p99 ms' 'added p99 ms' 'peak MiB'
met_rps=yes met_lat=yes met_mem=yes
for k in get preflight; do
  for t in direct squid mitmdump corslab; do
    q=$(med rps "$t" "$k"); d=$(med rps direct "$k")
    added="-"; peak="-"
    if [ "$t" != direct ]; then
      added=$(for r in $(seq "$rounds"); do echo $(( ${p99[$t,$k,$r]} - ${p99[direct,$k,$r]} )); done | median)
      peak=$(awk -v x="$(med hwm "$t" "$k")" 'BEGIN { printf "%.1f", x / 1024 }')
      added=$(ms "$added")
    fi
    printf '%-9s %-8s %10s %9s %8s %8s %14s %10s\n' "$k" "$t" "$q" \
      "$(awk -v a="$q" -v b="$d" 'BEGIN { printf "%.3f", a / b }')" \
      "$(ms "$(med p50 "$t" "$k")")" "$(ms "$(med p99 "$t" "$k")")" "$added" "$peak"
  done
  per_round=""
  for r in $(seq "$rounds"); do
    per_round+="$(awk -v a="${rps[corslab,$k,$r]}" -v b="${rps[squid,$k,$r]}" 'BEGIN { printf "%.2f", a / b }') "
  done
  vs_squid=$(awk -v a="$(med rps corslab "$k")" -v b="$(med rps squid "$k")" 'BEGIN { printf "%.2f", a / b }')
  added_us=$(for r in $(seq "$rounds"); do echo $(( ${p99[corslab,$k,$r]} - ${p99[direct,$k,$r]} )); done | median)
  mem=$(med perx corslab "$k")
  echo "  $k: corslab / squid req/s = $vs_squid (per round: ${per_round% }); corslab added p99 $(ms "$added_us") ms;" \
       "memory per captured exchange beyond bodies $mem B (median; upper bound: VmHWM growth / exchanges)"
  awk -v x="$vs_squid" 'BEGIN { exit !(x < 3) }' && met_rps=no
  [ "$added_us" -lt 2000 ] || met_lat=no
  [ "$mem" -lt 2048 ] || met_mem=no
done
echo
verdict() { [ "$1" = yes ] && echo met || echo "NOT met"; }
echo "Targets (capture and verdicts on):"
echo "  at least 3x squid's requests/s:             $(verdict $met_rps)"
echo "  p99 added latency under 2 ms:                $(verdict $met_lat)"
echo "  under 2 KB per captured exchange (+bodies):  $(verdict $met_mem)"
if [ ${#problems[@]} -eq 0 ]; then
  echo "  none lost: every session held every request wrk completed; no errors"
else
  echo "Problems:"
  printf '  %s\n' "${problems[@]}"
  exit 1
fi
