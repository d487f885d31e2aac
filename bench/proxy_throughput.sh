#!/usr/bin/env bash
# Load through the intercepting proxy (`corslab-cli proxy`) next to wrk direct, squid and
# mitmproxy (mitmdump), in one run, against the same loopback origin (nginx).
#
# Usage: bench/proxy_throughput.sh [--rounds N] [--duration S] [--connections C] [--paced-rate R]
#                                  [--corslab PATH] [--corslab-args "..."] [--quick] [--keep]
#
#   --rounds N        rounds of every target and case (3); the summary takes the median
#   --duration S      seconds of each wrk run (5)
#   --connections C   wrk keep-alive connections, one wrk thread (16)
#   --paced-rate R    the paced run's offered load: C connections, each waiting C*1000/R ms
#                     (whole ms) before its next request, about R requests/s in all (4000)
#   --corslab PATH    corslab-cli to measure (build/bin/corslab-cli)
#   --corslab-args A  more options for corslab-cli proxy (e.g. "--record-interval 60")
#   --quick           a smoke run: 1 round of 2 s (overrides --rounds and --duration)
#   --keep            keep the work directory (configs, logs, wrk outputs, session files)
#
# nginx (one worker, loopback, bench/nginx/nginx.conf.in) answers GET /public with a small JSON
# and Access-Control-Allow-Origin, and OPTIONS /echo, a real CORS preflight, with 204 and the
# Access-Control-Allow-* headers. For each round and case (GET, preflight), each target in turn:
# nginx directly; squid (bench/proxy/squid.conf.in: no cache, no access log); mitmdump (regular
# proxy mode, -q); corslab-cli proxy --quiet --record (capture and verdicts on). wrk (1 thread,
# S seconds, --latency; absolute-form targets through a proxy: bench/proxy/request.lua) runs
# with 1 connection (latency without queueing), then with C connections (load: as fast as each
# target goes, so its latency is mostly queueing), then with C connections paced to about R
# requests/s in all (the same offered load for every target: the latency a proxy adds at a busy
# app's rate), each run with a freshly started proxy, checked with curl -x first (status, CORS
# headers, body). Prints requests/s, p50/p99, p99 added to direct's, the proxy's peak RSS
# (VmHWM); for corslab, the exchanges in its session file (written on SIGINT) against the
# requests wrk and curl completed, and the memory per captured exchange. Exits 1 if an exchange
# is lost, an answer is wrong or a proxy fails. See docs/PERFORMANCE.md. Missing packages are
# installed with apt-get. Everything stays on 127.0.0.1; every process started here is stopped
# on exit, Ctrl+C included.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
bench_name=proxy_throughput.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

rounds=3
duration=5
connections=16
paced_rate=4000
corslab="$root/build/bin/corslab-cli"
keep=""
corslab_args=""

usage() {
  sed -n '2,33p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

quick=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --duration) duration=${2:?--duration needs seconds}; shift 2 ;;
    --connections) connections=${2:?--connections needs a number}; shift 2 ;;
    --paced-rate) paced_rate=${2:?--paced-rate needs requests per second}; shift 2 ;;
    --corslab) corslab=${2:?--corslab needs a path}; shift 2 ;;
    --corslab-args) corslab_args=${2?--corslab-args needs a value}; shift 2 ;;
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
check_whole_numbers "$rounds" "$duration" "$connections" "$paced_rate"
[ "$paced_rate" -ge 1 ] || { echo "proxy_throughput.sh: --paced-rate must be at least 1" >&2; exit 2; }
pace_ms=$(( (connections * 1000 + paced_rate / 2) / paced_rate ))
[ "$pace_ms" -ge 1 ] || pace_ms=1
[ "$duration" -ge 1 ] && [ "$connections" -ge 1 ] && [ "$rounds" -ge 1 ] ||
  { echo "proxy_throughput.sh: --duration, --connections and --rounds must be at least 1" >&2; exit 2; }
check_corslab "$corslab"

# --- packages this benchmark needs (independent of the build: not in scripts/deps.sh) --------
bench_pkgs=(wrk nginx libnginx-mod-http-headers-more-filter curl squid mitmproxy python3)
install_missing_packages "${bench_pkgs[@]}"

# --- processes and cleanup ---------------------------------------------------------------------
work=$(mktemp -d /tmp/corslab-proxy-bench.XXXXXX)
chmod 755 "$work" # squid, started as root, runs as another user and writes under it
nginx_pid=""
proxy_pid=""

cleanup() {
  stop_pid "$proxy_pid"
  stop_pid "$nginx_pid"
  proxy_pid=""
  nginx_pid=""
  if [ -n "$keep" ]; then echo "Work directory kept: $work"; else rm -rf "$work"; fi
}
set_traps cleanup

ms() { awk -v x="$1" 'BEGIN { printf "%.2f", x / 1000 }'; } # µs -> ms
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
write_nginx_conf "$work/nginx" "$nginx_port" application/json 200 "$public_body" 204 \
  "$public_headers" "$preflight_headers"
start_nginx "$work/nginx"

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
  local target=$1
  runs=$((runs + 1))
  proxy_dir="$work/run$runs-$target"
  mkdir -p "$proxy_dir"
  for _ in $(seq 5); do
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
        # shellcheck disable=SC2086 # extra options are split on purpose
        "$corslab" proxy --port "$proxy_port" --quiet --record "$proxy_dir/session.json" \
          $corslab_args >"$proxy_dir/stdout" 2>"$proxy_dir/stderr" &
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
  head=$(tr -d '\r' <"$dir/check.head" 2>/dev/null | tr '[:upper:]' '[:lower:]')
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
# -> "requests µs p50_us p99_us errors" (errors: socket errors + non-2xx/3xx answers)
run_wrk() { # target case port connections outfile [pause ms]
  local target=$1 kase=$2 port=$3 conns=$4 out=$5 pause=${6:-0} tgt="http://$origin_host" r n us a b e
  [ "$target" = direct ] && tgt=""
  BENCH_CASE=$kase BENCH_TARGET=$tgt BENCH_HOST=$origin_host BENCH_ORIGIN=$page_origin \
    BENCH_PAUSE_MS=$pause \
    wrk -t1 -c"$conns" -d"${duration}s" --timeout 5s --latency -s "$here/proxy/request.lua" \
    "http://127.0.0.1:$port" >"$out" 2>&1 || true
  r=$(grep '^RESULT' "$out") ||
    { echo "proxy_throughput.sh: wrk failed against $target:" >&2; cat "$out" >&2; exit 1; }
  read -r n us _ a b e < <(wrk_result "$r")
  echo "$n $us $a $b $e"
}
measure() { # target case port connections label: one wrk run; fills the arrays, counts errors
  local n="" us a b e="" key="$1,$2,$r" pause=0
  [ "$5" != -paced ] || pause=$pace_ms
  read -r n us a b e < <(run_wrk "$1" "$2" "$3" "$4" "$work/wrk-$1-$2-$r$5.txt" "$pause") || true
  [ -n "$e" ] || exit 1 # run_wrk said why (it ran in a subshell)
  completed=$((completed + n))
  if [ -z "$5" ]; then
    rps[$key]=$(awk -v n="$n" -v us="$us" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
    p50[$key]=$a; p99[$key]=$b
  elif [ "$5" = -paced ]; then
    prps[$key]=$(awk -v n="$n" -v us="$us" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
    pp99[$key]=$b
  else
    lp50[$key]=$a; lp99[$key]=$b
  fi
  [ "$e" -eq 0 ] ||
    problems+=("round $r $2: $e socket errors or non-2xx/3xx answers through $1 (wrk-$1-$2-$r$5.txt)")
  errors=$((errors + e))
}

# One run: a fresh proxy (none for direct), the curl check, one wrk run; then the proxy's peak
# memory and, for corslab, its session file against what wrk and curl completed.
one_run() { # target case connections label ("" for the load run, "-1c" for 1 connection,
            # "-paced" for the paced run)
  local t=$1 k=$2 conns=$3 label=$4 key="$1,$2,$r" port=$nginx_port idle=0 rc t0 stop_secs
  local count=0 listed=0 answered=0 run="round $r $2${4:+ (1 connection)}"
  if [ "$t" != direct ]; then
    start_proxy "$t"
    port=$proxy_port
    idle=$(kib_of "$proxy_pid" VmHWM) # just started, nothing captured yet
  fi
  check_relay "$t" "$k" "$port"
  completed=1 # the curl check
  measure "$t" "$k" "$port" "$conns" "$label"
  [ "$t" != direct ] || return 0
  local peak=0
  if kill -0 "$proxy_pid" 2>/dev/null; then
    peak=$(kib_of "$proxy_pid" VmHWM)
  else
    problems+=("$run: $t exited during the run (see $proxy_dir/stderr)")
    tail -5 "$proxy_dir/stderr" >&2
  fi
  [ -n "$label" ] || hwm[$key]=$peak
  if [ "$t" != corslab ]; then
    stop_pid "$proxy_pid"
    proxy_pid=""
    return 0
  fi
  # SIGINT: the proxy delivers what it captured and writes the session file, then exits.
  t0=$(date +%s.%N)
  kill -INT "$proxy_pid" 2>/dev/null || true
  for _ in $(seq 1200); do kill -0 "$proxy_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$proxy_pid" 2>/dev/null; then
    problems+=("$run: corslab-cli proxy still running 120 s after SIGINT (killed)")
    kill -KILL "$proxy_pid" 2>/dev/null || true
  fi
  wait "$proxy_pid" 2>/dev/null && rc=0 || rc=$?
  stop_secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  proxy_pid=""
  [ "$rc" -eq 0 ] || problems+=("$run: corslab-cli proxy exited with status $rc on SIGINT")
  if grep -q . "$proxy_dir/stderr"; then
    notes+=("$run: corslab-cli proxy stderr: $(sort "$proxy_dir/stderr" | uniq -c | head -3 | tr -s ' \n' '  ')")
  fi
  # The exchanges in the file, and how many of them are this case's request, answered.
  read -r count listed answered < <(python3 - "$proxy_dir/session.json" "$k" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
want = ("GET", 200) if sys.argv[2] == "get" else ("OPTIONS", 204)
ok = sum(1 for x in s["exchanges"]
         if x.get("request", {}).get("method") == want[0]
         and (x.get("response") or {}).get("status") == want[1])
print(s["exchangeCount"], len(s["exchanges"]), ok)
PY
  ) || problems+=("$run: no readable session file $proxy_dir/session.json")
  [ "$count" -eq "$listed" ] || problems+=("$run: exchangeCount $count but $listed exchanges listed")
  [ "$count" -ge "$completed" ] ||
    problems+=("$run: LOST exchanges: the session has $count, wrk and curl completed $completed")
  [ "$answered" -ge "$completed" ] ||
    problems+=("$run: $answered answered $k exchanges in the session for $completed completed requests")
  local growth
  growth=$(awk -v h="$peak" -v i="$idle" -v c="$count" 'BEGIN { printf "%.0f", c ? (h - i) * 1024 / c : 0 }')
  if [ -z "$label" ]; then # beyond the stored bodies: the GET response's JSON
    perx[$key]=$growth
    [ "$k" != get ] || perx[$key]=$((growth - body_bytes))
  fi
  session_notes+="      corslab${label:+ $label}: session $count exchanges ($answered answered $k) for $completed completed (wrk + curl); written, exited ${stop_secs} s after SIGINT; VmHWM $((idle / 1024)) -> $((peak / 1024)) MiB: $growth B/exchange"$'\n'
}

# shellcheck disable=SC2034 # p50, lp50 are read through the nameref in med()
declare -A rps p50 p99 lp50 lp99 prps pp99 hwm perx
targets_fwd="direct squid mitmdump corslab"
targets_rev="corslab mitmdump squid direct"
body_bytes=${#public_body} # the GET response body, stored in the session with each exchange
problems=()
notes=()

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
echo "Machine: $(nproc) CPUs, $cpu; $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); nginx $(nginx -v 2>&1 | sed 's/.*nginx\///')"
echo "  squid $(squid -v | sed -n '1s/.*Version //p'); mitmdump $(mitmdump --version 2>/dev/null | sed -n 's/^Mitmproxy: //p')"
echo "  corslab: $corslab proxy --quiet --record FILE ${corslab_args:-}"
echo "wrk: 1 thread, ${duration} s per run, $rounds round(s): 1 connection (latency without queueing),"
echo "  $connections keep-alive connections (load), and $connections paced to ~$paced_rate requests/s in all"
echo "  (each waits $pace_ms ms before its next request); a fresh proxy for each wrk run"
echo "origin: nginx, 1 worker, http://$origin_host; page origin $page_origin"
echo
printf '%-5s %-9s %-8s %10s %8s %8s  %9s %9s  %9s %9s %9s %6s\n' round case target 'req/s' 'p50 ms' \
  'p99 ms' '1c p50 ms' '1c p99 ms' 'paced r/s' 'paced p99' 'peak MiB' errors
for r in $(seq "$rounds"); do
  for k in get preflight; do
    # Alternating order, so a drift of the machine's load does not always hit the same target.
    ki=0; [ "$k" = get ] || ki=1
    if [ $(( (r + ki) % 2 )) -eq 1 ]; then order=$targets_fwd; else order=$targets_rev; fi
    for t in $order; do
      key="$t,$k,$r"
      errors=0
      session_notes=""
      one_run "$t" "$k" 1 -1c
      one_run "$t" "$k" "$connections" ""
      one_run "$t" "$k" "$connections" -paced
      peak=-
      [ "$t" = direct ] || peak=$(awk -v x="${hwm[$key]}" 'BEGIN { printf "%.1f", x / 1024 }')
      printf '%-5s %-9s %-8s %10s %8s %8s  %9s %9s  %9s %9s %9s %6s\n' "$r" "$k" "$t" "${rps[$key]}" \
        "$(ms "${p50[$key]}")" "$(ms "${p99[$key]}")" "$(ms "${lp50[$key]}")" "$(ms "${lp99[$key]}")" \
        "${prps[$key]}" "$(ms "${pp99[$key]}")" "$peak" "$errors"
      printf '%s' "$session_notes"
    done
  done
done

# --- summary: the median round of each target and case -----------------------------------------
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
med() { # array target case -> median over rounds
  local -n arr=$1
  for r in $(seq "$rounds"); do echo "${arr[$2,$3,$r]}"; done | median
}
added() { # array target case -> median over rounds of (target - direct) in the same round
  local -n arr=$1
  for r in $(seq "$rounds"); do echo $(( ${arr[$2,$3,$r]} - ${arr[direct,$3,$r]} )); done | median
}
echo
echo "Summary: median of $rounds round(s); +p99 = p99 through the proxy - direct p99 in the same round"
printf '%-9s %-8s %9s %8s %7s %7s %7s   %9s %9s %9s  %9s %9s %9s %9s\n' case target 'req/s' '/direct' \
  'p50 ms' 'p99 ms' '+p99 ms' '1c p50 ms' '1c p99 ms' '1c +p99' 'paced r/s' 'paced p99' 'paced +p99' \
  'peak MiB'
met_rps=yes met_lat=yes met_lat1=yes met_latp=yes met_mem=yes
for k in get preflight; do
  for t in direct squid mitmdump corslab; do
    q=$(med rps "$t" "$k"); d=$(med rps direct "$k")
    plus="-"; plus1="-"; plusp="-"; peak="-"
    if [ "$t" != direct ]; then
      plus=$(ms "$(added p99 "$t" "$k")")
      plus1=$(ms "$(added lp99 "$t" "$k")")
      plusp=$(ms "$(added pp99 "$t" "$k")")
      peak=$(awk -v x="$(med hwm "$t" "$k")" 'BEGIN { printf "%.1f", x / 1024 }')
    fi
    printf '%-9s %-8s %9s %8s %7s %7s %7s   %9s %9s %9s  %9s %9s %9s %9s\n' "$k" "$t" "$q" \
      "$(awk -v a="$q" -v b="$d" 'BEGIN { printf "%.3f", a / b }')" \
      "$(ms "$(med p50 "$t" "$k")")" "$(ms "$(med p99 "$t" "$k")")" "$plus" \
      "$(ms "$(med lp50 "$t" "$k")")" "$(ms "$(med lp99 "$t" "$k")")" "$plus1" \
      "$(med prps "$t" "$k")" "$(ms "$(med pp99 "$t" "$k")")" "$plusp" "$peak"
  done
  per_round=""
  for r in $(seq "$rounds"); do
    per_round+="$(awk -v a="${rps[corslab,$k,$r]}" -v b="${rps[squid,$k,$r]}" 'BEGIN { printf "%.2f", a / b }') "
  done
  vs_squid=$(awk -v a="$(med rps corslab "$k")" -v b="$(med rps squid "$k")" 'BEGIN { printf "%.2f", a / b }')
  mem=$(med perx corslab "$k")
  echo "  $k: corslab / squid requests/s $vs_squid (per round: ${per_round% });" \
       "memory per captured exchange beyond bodies $mem B (upper bound: VmHWM growth / exchanges)"
  awk -v x="$vs_squid" 'BEGIN { exit !(x < 3) }' && met_rps=no
  [ "$(added p99 corslab "$k")" -lt 2000 ] || met_lat=no
  [ "$(added lp99 corslab "$k")" -lt 2000 ] || met_lat1=no
  [ "$(added pp99 corslab "$k")" -lt 2000 ] || met_latp=no
  [ "$mem" -lt 2048 ] || met_mem=no
done
echo
verdict() { if [ "$1" = yes ]; then echo met; else echo "NOT met"; fi; }
echo "Targets (capture and verdicts on), corslab:"
echo "  at least 3x squid's requests/s:                  $(verdict $met_rps)"
echo "  p99 added under 2 ms, 1 connection:               $(verdict $met_lat1)"
echo "  p99 added under 2 ms, $connections connections at ~$paced_rate/s:   $(verdict $met_latp)"
echo "  p99 added under 2 ms, $connections connections, saturated:  $(verdict $met_lat) (queueing at each target's own limit)"
echo "  under 2 KB per captured exchange beyond bodies:  $(verdict $met_mem)"
[ ${#notes[@]} -eq 0 ] || { echo "Notes:"; printf '  %s\n' "${notes[@]}"; }
if [ ${#problems[@]} -eq 0 ]; then
  echo "None lost: every session file held every request wrk and curl completed; no errors."
else
  echo "Problems:"
  printf '  %s\n' "${problems[@]}"
  exit 1
fi
