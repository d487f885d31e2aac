#!/usr/bin/env bash
# CPU per request of the proxy's threads, for two (or more) corslab-cli builds side by side: the
# measure behind each change listed in docs/PERFORMANCE.md ("What changed since the previous
# run"). Throughput alone moves too much on a shared machine to show a 10 % change; the CPU time
# each thread spent per request moves less.
#
# Usage: bench/proxy_cpu.sh [--case get|preflight] [--seconds S] [--rounds N] [--connections C]
#                           BUILD [BUILD...]
#
#   BUILD          a corslab-cli, optionally with proxy options after a colon:
#                  "build/bin/corslab-cli" or "build/bin/corslab-cli:--threads 1"
#   --case         what wrk sends (bench/proxy/request.lua): get (default) or preflight
#   --seconds S    seconds of each wrk run (4)
#   --rounds N     rounds; each round runs every BUILD once, in turn (3)
#   --connections  wrk keep-alive connections, one wrk thread (16)
#
# For each run: a fresh nginx origin (one worker, bench/nginx/nginx.conf.in) and a fresh
# `corslab-cli proxy --quiet --record FILE` (capture and verdicts on), one curl through it, then
# wrk; the CPU time (utime + stime in /proc/PID/task/*/stat) each thread of the proxy spent during
# the run, divided by the requests wrk completed. Prints each run, then per BUILD the median
# requests/s, p99 and microseconds of CPU per request (network threads, the rest), and each as a
# ratio to the first BUILD. Everything stays on 127.0.0.1.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench_name=proxy_cpu.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

kase=get
seconds=4
rounds=3
connections=16
builds=()
while [ $# -gt 0 ]; do
  case "$1" in
    --case) kase=${2:?--case needs get or preflight}; shift 2 ;;
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --connections) connections=${2:?--connections needs a number}; shift 2 ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) bench_die "unknown option \"$1\" (see --help)" 2 ;;
    *) builds+=("$1"); shift ;;
  esac
done
[ "$kase" = get ] || [ "$kase" = preflight ] || bench_die "--case must be get or preflight, got \"$kase\"" 2
check_whole_numbers "$seconds" "$rounds" "$connections"
[ "$seconds" -ge 2 ] && [ "$rounds" -ge 1 ] && [ "$connections" -ge 1 ] ||
  bench_die "--seconds must be at least 2, --rounds and --connections at least 1" 2
[ ${#builds[@]} -ge 1 ] || bench_die "name at least one corslab-cli to measure (see --help)" 2
for b in "${builds[@]}"; do check_corslab "${b%%:*}"; done
install_missing_packages wrk nginx libnginx-mod-http-headers-more-filter curl

work=$(mktemp -d /tmp/corslab-proxy-cpu.XXXXXX)
nginx_pid=""
proxy_pid=""
cleanup() {
  stop_pid "$proxy_pid"
  stop_pid "$nginx_pid"
  rm -rf "$work"
}
set_traps cleanup

thread_ticks() { # pid -> "name ticks" per thread (names with spaces joined by _)
  local t
  for t in /proc/"$1"/task/*; do
    echo "$(tr ' ' _ <"$t/comm") $(awk '{ print $14 + $15 }' "$t/stat")"
  done 2>/dev/null
}

declare -A rps p99 net rest
hz=$(getconf CLK_TCK)
one_run() { # build index, round
  local i=$1 r=$2 spec=${builds[$1]} bin args np pp out t0 t1 line n us a b e nt rt
  bin=${spec%%:*}
  args=""; [ "$spec" = "$bin" ] || args=${spec#*:}
  np=$(free_port)
  write_nginx_conf "$work/nginx" "$np" application/json 200 '{"items":[1,2,3]}' 204 \
    "            add_header 'Access-Control-Allow-Origin' '*' always;" \
    "                add_header 'Access-Control-Allow-Origin' '*' always;
                add_header 'Access-Control-Allow-Methods' 'GET, POST, PUT, DELETE' always;
                add_header 'Access-Control-Allow-Headers' 'content-type' always;"
  start_nginx "$work/nginx"
  pp=$(free_port)
  # shellcheck disable=SC2086 # extra options are split on purpose
  "$bin" proxy --port "$pp" --quiet --record "$work/session.json" $args >"$work/proxy.out" 2>&1 &
  proxy_pid=$!
  for _ in $(seq 200); do listening "$pp" && listening "$np" && break; sleep 0.05; done
  listening "$pp" || { cat "$work/proxy.out" >&2; bench_die "$spec did not listen"; }
  curl -s -o /dev/null --max-time 10 -x "http://127.0.0.1:$pp" "http://127.0.0.1:$np/public" ||
    bench_die "no answer through $spec"
  t0=$(thread_ticks "$proxy_pid")
  out="$work/wrk.txt"
  BENCH_CASE=$kase BENCH_TARGET="http://127.0.0.1:$np" BENCH_HOST="127.0.0.1:$np" \
    wrk -t1 -c"$connections" -d"${seconds}s" --timeout 5s --latency -s "$here/proxy/request.lua" \
    "http://127.0.0.1:$pp" >"$out" 2>&1 || true
  t1=$(thread_ticks "$proxy_pid")
  line=$(grep '^RESULT' "$out") || { cat "$out" >&2; bench_die "wrk failed against $spec"; }
  read -r n us _ a b e < <(wrk_result "$line")
  [ "$e" -eq 0 ] || bench_die "$e socket errors or non-2xx answers through $spec (see $out)"
  stop_pid "$proxy_pid" INT; proxy_pid=""
  stop_pid "$nginx_pid"; nginx_pid=""
  # Threads whose name starts with corslab-proxy are the network threads; the rest is mostly the
  # session's (main) thread and the recorder.
  read -r nt rt < <(join <(sort <<<"$t0") <(sort <<<"$t1") | awk -v hz="$hz" -v n="$n" '
    { d = ($3 - $2) * 1e6 / hz / n; if ($1 ~ /^corslab-proxy/) net += d; else rest += d }
    END { printf "%.2f %.2f\n", net, rest }')
  rps[$i,$r]=$(awk -v n="$n" -v us="$us" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
  p99[$i,$r]=$b; net[$i,$r]=$nt; rest[$i,$r]=$rt
  printf '%-5s %-48s %9s %8.2f %10s %10s\n' "$r" "$spec" "${rps[$i,$r]}" \
    "$(awk -v x="$b" 'BEGIN { print x / 1000 }')" "$nt" "$rt"
}

echo "Machine: $(nproc) CPUs; case $kase; wrk 1 thread, $connections connections, $seconds s; $rounds round(s)"
printf '%-5s %-48s %9s %8s %10s %10s\n' round build 'req/s' 'p99 ms' 'net us/req' 'rest us/req'
for r in $(seq "$rounds"); do
  for i in "${!builds[@]}"; do one_run "$i" "$r"; done
done

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
med() { local -n arr=$1; for r in $(seq "$rounds"); do echo "${arr[$2,$r]}"; done | median; }
echo
echo "Median of $rounds round(s); ratio to the first build in brackets"
printf '%-48s %16s %16s %16s\n' build 'req/s' 'net us/req' 'rest us/req'
base_rps=$(med rps 0); base_net=$(med net 0); base_rest=$(med rest 0)
for i in "${!builds[@]}"; do
  q=$(med rps "$i"); nt=$(med net "$i"); rt=$(med rest "$i")
  printf '%-48s %16s %16s %16s\n' "${builds[$i]}" \
    "$q ($(awk -v a="$q" -v b="$base_rps" 'BEGIN { printf "%.2f", a / b }'))" \
    "$nt ($(awk -v a="$nt" -v b="$base_net" 'BEGIN { printf "%.2f", b ? a / b : 0 }'))" \
    "$rt ($(awk -v a="$rt" -v b="$base_rest" 'BEGIN { printf "%.2f", b ? a / b : 0 }'))"
done
