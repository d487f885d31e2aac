#!/usr/bin/env bash
# HTTP throughput of the playground server (`corslab-cli serve`) next to nginx, in one run.
#
# Usage: bench/http_throughput.sh [--duration S] [--connections N] [--rounds R] [--warmup S]
#                                 [--corslab PATH] [--serve-args "--quiet"]
#
# Starts `corslab-cli serve --preset "Open public API"` (exchange logging on, its per-exchange
# stdout lines sent to /dev/null) and nginx with one worker process on loopback, makes nginx
# answer exactly what the playground answered (captured with curl, compared header by header and
# byte by byte), then runs wrk (1 thread, N keep-alive connections) against both, alternating,
# for GET /public and for an OPTIONS /echo preflight, R rounds after a warm-up. Prints requests/s,
# the corslab/nginx ratio and latency p50/p99. See docs/PERFORMANCE.md. Everything stays on
# 127.0.0.1; every process started here is stopped on exit, Ctrl+C included.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
bench_name=http_throughput.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

duration=10
connections=50
rounds=3
warmup=3
corslab="$root/build/bin/corslab-cli"

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=${2:?--duration needs seconds}; shift 2 ;;
    --connections) connections=${2:?--connections needs a number}; shift 2 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --warmup) warmup=${2:?--warmup needs seconds}; shift 2 ;;
    --corslab) corslab=${2:?--corslab needs a path}; shift 2 ;;
    --serve-args) serve_args=${2?--serve-args needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "http_throughput.sh: unknown argument \"$1\" (see --help)" >&2; exit 2 ;;
  esac
done
check_whole_numbers "$duration" "$connections" "$rounds" "$warmup"
[ "$duration" -ge 1 ] && [ "$connections" -ge 1 ] && [ "$rounds" -ge 1 ] ||
  { echo "http_throughput.sh: --duration, --connections and --rounds must be at least 1" >&2; exit 2; }
check_corslab "$corslab"

# --- packages this benchmark needs (independent of the build: not in scripts/deps.sh) --------
bench_pkgs=(wrk nginx libnginx-mod-http-headers-more-filter curl)
install_missing_packages "${bench_pkgs[@]}"

# --- processes and cleanup ---------------------------------------------------------------------
work=$(mktemp -d /tmp/corslab-http-bench.XXXXXX)
corslab_pid=""
nginx_pid=""

cleanup() {
  stop_pid "$corslab_pid"
  stop_pid "$nginx_pid"
  corslab_pid=""
  nginx_pid=""
  rm -rf "$work"
}
set_traps cleanup

server_died() { # tells which server is gone, with its stderr
  if [ -n "$corslab_pid" ] && ! kill -0 "$corslab_pid" 2>/dev/null; then
    wait "$corslab_pid" 2>/dev/null && rc=0 || rc=$?
    echo "corslab-cli serve exited (status $rc); its stderr:" >&2
    tail -20 "$work/corslab.err" >&2
  fi
  if [ -n "$nginx_pid" ] && ! kill -0 "$nginx_pid" 2>/dev/null; then
    echo "nginx exited; its error log:" >&2
    tail -20 "$work/nginx/error.log" >&2
  fi
}

wait_http() { # url [curl args...]: until it answers, 10 s at most
  local url=$1; shift
  for _ in $(seq 100); do
    curl -s -o /dev/null --max-time 1 "$@" "$url" && return 0
    sleep 0.1
  done
  return 1
}

# corslab takes P, P+1, P+2 (API, app, untrusted page); nginx takes P+3. Five-digit ports, so the
# Host headers of both servers have the same length.
start_corslab() {
  local tries base ok p
  for tries in $(seq 20); do
    base=$(( 20000 + RANDOM % 40000 ))
    ok=1
    for p in $base $((base + 1)) $((base + 2)) $((base + 3)); do port_free "$p" || ok=""; done
    [ -n "$ok" ] || continue
    # stdout carries one line per exchange (the real product path: the server still logs and
    # judges every exchange); it goes to /dev/null so the terminal does not slow the run.
    # shellcheck disable=SC2086 # extra serve options are split on purpose
    "$corslab" serve --port "$base" --preset "Open public API" ${serve_args:-} >/dev/null 2>"$work/corslab.err" &
    corslab_pid=$!
    if wait_http "http://127.0.0.1:$base/public" && kill -0 "$corslab_pid" 2>/dev/null; then
      port=$base
      return 0
    fi
    stop_pid "$corslab_pid"
    corslab_pid=""
  done
  echo "http_throughput.sh: could not start corslab-cli serve:" >&2
  cat "$work/corslab.err" >&2
  exit 1
}

start_corslab
api_port=$port
app_origin="http://localhost:$((port + 1))"
nginx_port=$((port + 3))
port_free "$nginx_port" || { echo "http_throughput.sh: port $nginx_port is taken" >&2; exit 1; }

# The requests wrk sends (and curl, to capture the answers): a cross-origin GET from the trusted
# app, and the preflight a fetch('/echo', {method: 'PUT', headers: {'Content-Type':
# 'application/json'}}) from that app sends.
get_headers=(-H "Origin: $app_origin")
preflight_headers=(-H "Origin: $app_origin" -H "Access-Control-Request-Method: PUT"
                   -H "Access-Control-Request-Headers: content-type")

capture() { # name port method path curl-headers...: writes $work/name.{head,body,size}
  local name=$1 p=$2 method=$3 path=$4; shift 4
  curl -s --max-time 5 -X "$method" -H "Host: localhost:$p" "$@" -D "$work/$name.head" \
    -o "$work/$name.body" -w '%{size_header} %{size_download}\n' \
    "http://127.0.0.1:$p$path" >"$work/$name.size"
  tr -d '\r' <"$work/$name.head" | sed '/^$/d' >"$work/$name.h"
}
capture corslab_get "$api_port" GET /public "${get_headers[@]}"
capture corslab_pre "$api_port" OPTIONS /echo "${preflight_headers[@]}"

# --- nginx config from the captured responses --------------------------------------------------
ngx_quote() { # a string for a single-quoted nginx argument
  local s=$1
  case "$s" in *'$'*) echo "http_throughput.sh: cannot give nginx a value with '\$': $s" >&2; exit 1 ;; esac
  s=${s//\\/\\\\}
  s=${s//\'/\\\'}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  printf '%s' "$s"
}
status_of() { sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$1"; }
content_type_of() { sed -n 's/^[Cc]ontent-[Tt]ype: //p' "$1" | head -1; }
add_headers_of() { # file indent: add_header lines for every header but the framing ones
  local name value
  while IFS= read -r line; do
    name=${line%%:*}
    value=${line#*: }
    case "${name,,}" in
      content-length|content-type|connection|transfer-encoding|date|server) continue ;;
    esac
    printf '%s' "$2"
    printf "add_header '%s' '%s' always;\n" "$(ngx_quote "$name")" "$(ngx_quote "$value")"
  done < <(tail -n +2 "$1")
}
public_body=$(cat "$work/corslab_get.body"; printf x)
public_body=${public_body%x}
public_headers=$(add_headers_of "$work/corslab_get.h" '            ')
preflight_headers_conf=$(add_headers_of "$work/corslab_pre.h" '                ')
[ "$(content_type_of "$work/corslab_pre.h")" = "" ] ||
  { echo "http_throughput.sh: the preflight answer has a body type; the nginx template expects none" >&2; exit 1; }

# Assignments, so that set -e stops here when ngx_quote refuses a value.
public_type_conf=$(ngx_quote "$(content_type_of "$work/corslab_get.h")")
public_body_conf=$(ngx_quote "$public_body")
write_nginx_conf "$work/nginx" "$nginx_port" "$public_type_conf" "$(status_of "$work/corslab_get.h")" \
  "$public_body_conf" "$(status_of "$work/corslab_pre.h")" "$public_headers" "$preflight_headers_conf"
start_nginx "$work/nginx"
wait_http "http://127.0.0.1:$nginx_port/public" ||
  { echo "http_throughput.sh: nginx did not start:" >&2; cat "$work/nginx/error.log" >&2; exit 1; }

capture nginx_get "$nginx_port" GET /public "${get_headers[@]}"
capture nginx_pre "$nginx_port" OPTIONS /echo "${preflight_headers[@]}"

# --- the answers must be the same (nginx adds only "Connection: keep-alive") -----------------
normalized() { # status line, then headers sorted by lower-cased name, without Connection
  head -1 "$1"
  tail -n +2 "$1" | grep -vi '^connection:' | awk -F': ' '{ printf "%s: %s\n", tolower($1), substr($0, length($1) + 3) }' | sort
}
check_same() { # a b label
  if ! diff <(normalized "$work/$1.h") <(normalized "$work/$2.h") >"$work/diff" ||
     ! cmp -s "$work/$1.body" "$work/$2.body"; then
    echo "http_throughput.sh: $3: nginx does not answer like corslab:" >&2
    cat "$work/diff" >&2
    exit 1
  fi
}
check_same corslab_get nginx_get "GET /public"
check_same corslab_pre nginx_pre "OPTIONS /echo preflight"

echo "Responses (status line, headers, body), identical but for nginx's 'Connection: keep-alive':"
for c in get pre; do
  read -r ch cb <"$work/corslab_$c.size"
  read -r nh nb <"$work/nginx_$c.size"
  printf '  %-28s corslab %3d + %2d bytes   nginx %3d + %2d bytes\n' \
    "$([ $c = get ] && echo 'GET /public' || echo 'OPTIONS /echo (preflight)')" "$ch" "$cb" "$nh" "$nb"
done
sed 's/^/    corslab GET:     /' "$work/corslab_get.h"
sed 's/^/    corslab OPTIONS: /' "$work/corslab_pre.h"

# --- wrk -------------------------------------------------------------------------------------
cat >"$work/report.lua" <<'EOF'
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d %d\n", summary.requests,
    summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
EOF
{ echo 'wrk.method = "OPTIONS"'; echo 'wrk.path = "/echo"'; cat "$work/report.lua"; } >"$work/preflight.lua"

run_wrk() { # server case seconds -> "req/s p50_us p99_us bytes_per_response errors"
  local server=$1 kase=$2 secs=$3 p script url out
  [ "$server" = corslab ] && p=$api_port || p=$nginx_port
  if [ "$kase" = get ]; then
    script=$work/report.lua; url="http://127.0.0.1:$p/public"; hdrs=("${get_headers[@]}")
  else
    script=$work/preflight.lua; url="http://127.0.0.1:$p/echo"; hdrs=("${preflight_headers[@]}")
  fi
  out=$(wrk -t1 -c"$connections" -d"${secs}s" --timeout 5s -s "$script" \
          -H "Host: localhost:$p" "${hdrs[@]}" "$url" | grep '^RESULT') ||
    { echo "http_throughput.sh: wrk failed against $server" >&2; server_died; exit 1; }
  # shellcheck disable=SC2046 # the fields, split on purpose
  set -- $(wrk_result "$out")
  awk -v n="$1" -v us="$2" -v b="$3" -v p50="$4" -v p99="$5" -v err="$6" \
      'BEGIN { printf "%.0f %d %d %.1f %d\n", n / (us / 1e6), p50, p99, (n ? b / n : 0), err }'
}

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
echo
echo "Machine: $(nproc) CPUs, $cpu; $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); $(nginx -v 2>&1 | sed 's/.*: //')"
echo "wrk: 1 thread, $connections connections (keep-alive), ${duration} s per run, $rounds rounds, warm-up ${warmup} s per case"
echo "corslab: $corslab serve --port $api_port --preset \"Open public API\" ${serve_args:-} >/dev/null   (exchange log kept in memory; one verdict line per exchange unless --quiet)"
echo "nginx:   1 worker process, access log off, port $nginx_port"

if [ "$warmup" -gt 0 ]; then
  echo
  echo "Warm-up..."
  for s in corslab nginx; do for k in get pre; do run_wrk "$s" "$k" "$warmup" >/dev/null; done; done
fi

declare -A rps p50 p99 bpr
echo
printf '%-6s %-8s %-10s %12s %10s %10s %8s %7s\n' round server case 'requests/s' 'p50 µs' 'p99 µs' 'bytes/r' errors
for r in $(seq "$rounds"); do
  # ABBA order, alternating each round, so a drift of the machine's load hits both servers alike.
  if [ $((r % 2)) -eq 1 ]; then order="corslab:get nginx:get nginx:pre corslab:pre"
  else order="nginx:get corslab:get corslab:pre nginx:pre"; fi
  for job in $order; do
    s=${job%%:*}; k=${job#*:}
    read -r q a b c e < <(run_wrk "$s" "$k" "$duration") || true
    [ -n "${e:-}" ] || exit 1 # run_wrk said why (it ran in a subshell)
    rps[$s,$k,$r]=$q; p50[$s,$k,$r]=$a; p99[$s,$k,$r]=$b; bpr[$s,$k,$r]=$c
    printf '%-6s %-8s %-10s %12s %10s %10s %8s %7s\n' "$r" "$s" \
      "$([ "$k" = get ] && echo GET || echo OPTIONS)" "$q" "$a" "$b" "$c" "$e"
    [ "$e" -eq 0 ] || echo "  warning: $e socket errors or non-2xx/3xx answers in that run" >&2
  done
done
rss=$(ps -o rss= -p "$corslab_pid" 2>/dev/null | tr -d ' ')

# Per case: the median round (by requests/s) of each server, and the ratio of those medians;
# also the ratio in every round (the servers ran next to each other there).
median_round() { # server case -> round number of the median requests/s
  for r in $(seq "$rounds"); do echo "${rps[$1,$2,$r]} $r"; done | sort -n | awk '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }'
}
echo
echo "Summary (median of $rounds rounds; latency of that round):"
printf '%-26s %14s %12s %9s %18s %18s   %s\n' case 'corslab req/s' 'nginx req/s' ratio \
  'corslab p50/p99' 'nginx p50/p99' 'ratio per round'
fmt_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f/%.2f ms", a / 1000, b / 1000 }'; }
met=yes
for k in get pre; do
  rc=$(median_round corslab "$k"); rn=$(median_round nginx "$k")
  ratio=$(awk -v a="${rps[corslab,$k,$rc]}" -v b="${rps[nginx,$k,$rn]}" 'BEGIN { printf "%.2f", a / b }')
  per=""
  for r in $(seq "$rounds"); do
    per+="$(awk -v a="${rps[corslab,$k,$r]}" -v b="${rps[nginx,$k,$r]}" 'BEGIN { printf "%.2f", a / b }') "
  done
  awk -v x="$ratio" 'BEGIN { exit !(x < 0.5) }' && met=no
  printf '%-26s %14s %12s %9s %18s %18s   %s\n' \
    "$([ "$k" = get ] && echo 'GET /public' || echo 'OPTIONS /echo (preflight)')" \
    "${rps[corslab,$k,$rc]}" "${rps[nginx,$k,$rn]}" "$ratio" \
    "$(fmt_ms "${p50[corslab,$k,$rc]}" "${p99[corslab,$k,$rc]}")" \
    "$(fmt_ms "${p50[nginx,$k,$rn]}" "${p99[nginx,$k,$rn]}")" "$per"
done
echo
echo "corslab-cli serve resident memory after the runs: ${rss:-?} KiB (the exchange log keeps the last 10000)"
if [ $met = yes ]; then
  echo "Target (at least half of nginx's requests/s on one thread): met"
else
  echo "Target (at least half of nginx's requests/s on one thread): NOT met"
fi
