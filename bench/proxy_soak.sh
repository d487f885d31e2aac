#!/usr/bin/env bash
# Soak: a long, heavy load through the intercepting proxy (`corslab-cli proxy`), one or more
# builds side by side: requests/s, memory over time, disk written, time to stop, and (with
# --kill-at) the exchanges a SIGKILL loses. Issue 15; see docs/PERFORMANCE.md.
#
# Usage: bench/proxy_soak.sh [--duration S] [--connections C] [--body-kb K] [--corslab PATH]...
#                            [--record] [--kill-at S] [--stop-at N] [--rss-limit-mb M]
#                            [--record-format F] [--corslab-args "..."] [--stop-timeout S]
#                            [--rounds R] [--keep]
#
#   --duration S        seconds of load (60); the run ends earlier at --kill-at, --stop-at or
#                       the memory guard
#   --connections C     wrk keep-alive connections, one wrk thread (8)
#   --body-kb K         size of the origin's JSON-like body, KiB (10)
#   --corslab PATH      a corslab-cli to measure (build/bin/corslab-cli); repeat it to measure
#                       several builds (OLD, NEW) one after the other in one run, labelled by path
#   --record            record the session: --record WORK/session-LABEL.corslab, or
#                       session-LABEL.json for a build whose `proxy --help` does not mention
#                       ".corslab" (today's build writes the JSON session file)
#   --record-format F   auto (the above), json or corslab: the recording's kind for every build
#                       (a store build given a .json path keeps its store next to it,
#                       session-LABEL.corslab, and writes the JSON file from it at exit)
#   --kill-at S         SIGKILL the proxy after S seconds of load (implies --record), then count
#                       the exchanges lost: URLs the origin served (its access log) missing from
#                       the recording (`corslab-cli session info --urls STORE`, or the JSON file)
#   --stop-at N         send SIGINT once the origin has served N requests (instead of at the
#                       end of --duration); the time until the proxy exits is measured either way
#   --rss-limit-mb M    memory guard (8000): a run whose proxy passes M MiB resident stops early
#                       ("stopped at N s: RSS limit"); during the stop, a proxy passing M + 10 %
#                       is killed
#   --corslab-args A    more options for corslab-cli proxy (e.g. "--body-cap 0")
#   --stop-timeout S    SIGKILL a proxy still running S seconds after SIGINT (300)
#   --rounds R          runs of every build (1), in an order that alternates between rounds
#                       (OLD NEW, NEW OLD, ...); the summary adds each build's median
#   --keep              keep the work directory (configs, logs, wrk outputs, recordings)
#
# nginx (one worker, 127.0.0.1, bench/nginx/soak.conf.in) serves GET /file, a generated K KiB
# JSON-like body with Access-Control-Allow-Origin: *, and logs "$msec $request_uri" per request.
# For each corslab-cli in turn: a fresh nginx and `corslab-cli proxy --port P --quiet
# [--record FILE]`, checked with curl -x; then wrk (1 thread, C connections, --latency) sends
# absolute-form GETs through the proxy, each with a URL of its own (/file?n=<thread>-<counter>,
# bench/proxy/soak.lua). Every 5 s: the proxy's VmRSS and VmHWM (/proc/PID/status), the
# requests the origin has served (lines of its access log: exact, for any build) and the disk
# written (/proc/PID/io write_bytes: the store or recording included, wherever it is) and, for a
# build that keeps a session store (its --record directory, or a temporary one under
# ~/.cache/corslab-cli without --record), the store's size (du -sb of the directory holding the
# seg-N.* files the proxy has open); after the run, the same series with wrk's completed-request
# rate x time as a second estimate of the exchanges captured. Then SIGINT and the time until the
# proxy exits, the size of the recording (du -sb) and the exchanges it says it wrote, the lines
# the proxy printed at exit, and whether a temporary store was left behind (removed). Missing
# packages are installed with apt-get. Exits 1 if a proxy fails to start, exits on its own, or
# wrk's socket errors outnumber its requests; 2 on a usage error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
bench_name=proxy_soak.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

duration=60
connections=8
body_kb=10
corslabs=()
record=""
kill_at=""
stop_at=""
rss_limit_mb=8000
corslab_args=""
stop_timeout=300
rounds=1
record_format=auto
keep=""
sample_s=5

usage() {
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}" # the header
}

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=${2:?--duration needs seconds}; shift 2 ;;
    --connections) connections=${2:?--connections needs a number}; shift 2 ;;
    --body-kb) body_kb=${2:?--body-kb needs KiB}; shift 2 ;;
    --corslab) corslabs+=("${2:?--corslab needs a path}"); shift 2 ;;
    --record) record=1; shift ;;
    --record-format) record_format=${2:?--record-format needs auto, json or corslab}; shift 2 ;;
    --kill-at) kill_at=${2:?--kill-at needs seconds}; shift 2 ;;
    --stop-at) stop_at=${2:?--stop-at needs a number of exchanges}; shift 2 ;;
    --rss-limit-mb) rss_limit_mb=${2:?--rss-limit-mb needs MiB}; shift 2 ;;
    --corslab-args) corslab_args=${2?--corslab-args needs a value}; shift 2 ;;
    --stop-timeout) stop_timeout=${2:?--stop-timeout needs seconds}; shift 2 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) bench_die "unknown argument \"$1\" (see --help)" 2 ;;
  esac
done
check_whole_numbers "$duration" "$connections" "$body_kb" "$rss_limit_mb" "$stop_timeout" "$rounds" \
  ${kill_at:+"$kill_at"} ${stop_at:+"$stop_at"}
if [ "$duration" -lt 1 ] || [ "$connections" -lt 1 ] || [ "$body_kb" -lt 1 ] || [ "$rss_limit_mb" -lt 1 ] ||
  [ "$rounds" -lt 1 ]; then
  bench_die "--duration, --connections, --body-kb, --rss-limit-mb and --rounds must be at least 1" 2
fi
case "$record_format" in auto|json|corslab) ;; *) bench_die "--record-format: auto, json or corslab" 2 ;; esac
[ -z "$kill_at" ] || [ -z "$stop_at" ] || bench_die "--kill-at and --stop-at exclude each other" 2
if [ -n "$kill_at" ]; then
  if [ "$kill_at" -lt 1 ] || [ "$kill_at" -gt "$duration" ]; then
    bench_die "--kill-at must be from 1 to --duration ($duration)" 2
  fi
  if [ -z "$record" ]; then
    echo "--kill-at: recording the session (--record), the lost exchanges are counted against it"
    record=1
  fi
fi
[ ${#corslabs[@]} -gt 0 ] || corslabs=("$root/build/bin/corslab-cli")
for c in "${corslabs[@]}"; do check_corslab "$c"; done

# --- packages this benchmark needs (independent of the build: not in scripts/deps.sh) --------
bench_pkgs=(wrk nginx curl python3)
install_missing_packages "${bench_pkgs[@]}"

# --- processes and cleanup ---------------------------------------------------------------------
work=$(mktemp -d /tmp/corslab-soak.XXXXXX)
chmod 755 "$work" # nginx, started as root, serves the body as another user
nginx_pid=""
proxy_pid=""
wrk_pid=""
if [ -n "$record" ]; then # at full speed a recording of 10 KiB bodies takes about 0.3 GB/s
  free_gib=$(df -P -BG "$work" | awk 'NR == 2 { print $4 + 0 }')
  [ "$free_gib" -ge 20 ] ||
    echo "proxy_soak.sh: warning: only $free_gib GiB free under $work for the recordings" >&2
fi

cleanup() {
  stop_pid "$wrk_pid" INT
  stop_pid "$proxy_pid"
  stop_pid "$nginx_pid"
  wrk_pid=""
  proxy_pid=""
  nginx_pid=""
  if [ -n "$keep" ]; then echo "Work directory kept: $work"; else rm -rf "$work"; fi
}
set_traps cleanup

now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $(( t / 1000 )); } # wall clock, ms
kib_of() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
written_of() { awk '$1 == "write_bytes:" { print $2 }' "/proc/$1/io" 2>/dev/null || true; }
mib() { awk -v x="${1:-0}" -v d="${2:-1048576}" 'BEGIN { printf "%.0f", x / d }'; } # bytes (or KiB with 1024) -> MiB
secs() { awk -v x="$1" 'BEGIN { printf "%.1f", x / 1000 }'; } # ms -> s
store_of() { # pid: the directory of the session store the proxy writes (its open seg-N.* files)
  local f
  for f in /proc/"$1"/fd/*; do
    f=$(readlink "$f" 2>/dev/null) || continue
    [[ "$f" =~ /seg-[0-9]+\.[a-z]+$ ]] && { dirname "$f"; return 0; }
  done
  return 0
}
bytes_of() { if [ -n "$1" ] && [ -d "$1" ]; then du -sb "$1" 2>/dev/null | cut -f1; else echo 0; fi; }
served_of() { wc -l <"$1/access.log" 2>/dev/null || echo 0; }  # requests the origin answered
strip_origin() { sed -E 's|^[A-Za-z]+://[^/]*||'; } # absolute URL -> /path?query

# --- the origin's body: a JSON-like document of exactly K KiB ----------------------------------
body_bytes=$((body_kb * 1024))
mkdir -p "$work/www"
python3 - "$body_bytes" "$work/www/file" <<'PY'
import sys
size, path = int(sys.argv[1]), sys.argv[2]
out, i = '{"items":[', 0
while True:
    item = ('{"id":%d,"name":"item-%06d","price":%d.%02d,"tags":["alpha","beta","gamma"],'
            '"inStock":%s,"description":"A product of the soak benchmark, \\"quoted\\" text."}'
            % (i + 1, i + 1, 3 + i * 7 % 90, i * 13 % 100, "true" if i % 3 else "false"))
    if len(out) + len(item) + 3 > size:
        break
    out += ("," if i else "") + item
    i += 1
out += "]"
out += " " * max(0, size - len(out) - 1) + "}"
open(path, "w").write(out)
PY
[ "$(stat -c %s "$work/www/file")" -eq "$body_bytes" ] || bench_die "could not generate the body"

page_origin="http://localhost:3000" # the page that calls the API (cross-origin)

start_origin() { # dir: a fresh nginx for one run, its access log in dir; sets nginx_port
  local dir=$1
  nginx_port=$(free_port)
  mkdir -p "$dir/tmp" "$dir/www"
  cp "$work/www/file" "$dir/www/file"
  sed -e "s|@PREFIX@|$dir|g" -e "s|@PORT@|$nginx_port|g" "$here/nginx/soak.conf.in" >"$dir/nginx.conf"
  start_nginx "$dir"
  for _ in $(seq 100); do listening "$nginx_port" && return 0; sleep 0.05; done
  bench_die "nginx did not listen on $nginx_port (see $dir/error.log)"
}

# The recording's file or directory for a build: .corslab when its proxy --help mentions it.
record_ext() {
  [ "$record_format" = auto ] || { echo "$record_format"; return 0; }
  if "$1" proxy --help 2>&1 | grep -v '^Usage:' | grep -q '\.corslab'; then echo corslab; else echo json; fi
}
has_session_command() { "$1" session --help >/dev/null 2>&1; }

start_proxy() { # binary dir record-path: starts the proxy on a free port; sets proxy_pid, proxy_port
  local bin=$1 dir=$2 rec=$3 args
  for _ in $(seq 5); do
    proxy_port=$(free_port)
    args=(proxy --port "$proxy_port" --quiet)
    [ -z "$rec" ] || args+=(--record "$rec")
    # shellcheck disable=SC2086 # extra options are split on purpose
    "$bin" "${args[@]}" $corslab_args >"$dir/stdout" 2>"$dir/stderr" &
    proxy_pid=$!
    for _ in $(seq 300); do
      kill -0 "$proxy_pid" 2>/dev/null || break
      listening "$proxy_port" && return 0
      sleep 0.05
    done
    echo "  (the proxy did not listen on $proxy_port, retrying)" >&2
    stop_pid "$proxy_pid"
  done
  echo "proxy_soak.sh: could not start $bin proxy; its output:" >&2
  tail -20 "$dir/stdout" "$dir/stderr" >&2 2>/dev/null
  exit 1
}

check_relay() { # dir: one GET through the proxy answers the origin's status, CORS header and body
  local dir=$1 head problem=""
  curl -s --max-time 10 -x "http://127.0.0.1:$proxy_port" -H "Origin: $page_origin" \
    -D "$dir/check.head" -o "$dir/check.body" "http://127.0.0.1:$nginx_port/file?n=check" || true
  head=$(tr -d '\r' <"$dir/check.head" 2>/dev/null | tr '[:upper:]' '[:lower:]')
  if ! grep -q '^http/1.1 200 ' <<<"$head"; then problem="status is not 200"
  elif ! grep -q '^access-control-allow-origin: \*$' <<<"$head"; then problem="no Access-Control-Allow-Origin: *"
  elif ! cmp -s "$dir/check.body" "$work/www/file"; then problem="body differs from the origin's"
  fi
  if [ -n "$problem" ]; then
    echo "proxy_soak.sh: the proxy does not relay GET /file correctly: $problem; it answered:" >&2
    head -c 600 "$dir/check.head" "$dir/check.body" >&2 2>/dev/null
    exit 1
  fi
}

# URLs (/path?query, one per line, sorted, unique) the recording holds.
recorded_urls() { # binary record-path ext out: 0, or 1 with a reason on stdout when it cannot tell
  local bin=$1 rec=$2 ext=$3 out=$4
  if [ "$ext" = json ] && [ ! -s "$rec" ] && [ -d "${rec%.json}.corslab" ]; then
    rec=${rec%.json}.corslab # a store build keeps its store there until the JSON file is written
    ext=corslab
  fi
  if [ "$ext" = corslab ]; then
    if ! has_session_command "$bin"; then
      echo "skipped: $bin has no 'session' command to read $rec"
      return 1
    fi
    "$bin" session info --urls "$rec" >"$out.raw" 2>"$out.err" || {
      echo "skipped: '$bin session info --urls' failed: $(head -c 300 "$out.err")"
      return 1
    }
  else
    # The JSON session file (docs/session-format.md), written whole by QSaveFile, so the last
    # complete rewrite before the kill (none: the file is absent). It may weigh gigabytes: each
    # exchange's request "url" is read with a regular expression over a mapping of the file
    # (json.load would need several times the file's size in memory); inside a string (a body)
    # a quote is escaped, so '"url": "' is only ever a key.
    python3 - "$rec" >"$out.raw" <<'PY'
import mmap, os, re, sys
path = sys.argv[1]
if os.path.exists(path) and os.path.getsize(path) > 0:
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        out = sys.stdout.buffer
        for x in re.finditer(rb'(?<!\\)"url": *"((?:[^"\\]|\\.)*)"', m):
            out.write(x.group(1) + b"\n")
PY
  fi
  strip_origin <"$out.raw" | LC_ALL=C sort -u >"$out"
  rm -f "$out.raw"
}

# --- one run -------------------------------------------------------------------------------------
declare -A res # run,field -> value, for the summary (a run: LABEL, or LABEL/rN with --rounds)
labels=()      # the runs, in order
problems=()

build_label() { # index binary -> "index-name": the binary's directory (its parent for .../bin)
  local d
  d=$(dirname "$2")
  [ "$(basename "$d")" != bin ] || d=$(dirname "$d") # build/bin -> build
  d="$1-$(basename "$d")"
  echo "${d//[^A-Za-z0-9._-]/_}"
}

run_one() { # index binary round
  local i=$1 bin=$2 round=$3 base label dir rec="" ext="" t0 el next_sample=0 reason="" rss hwm wb served
  local rows=() kill_ms="" kill_rate=0 store="" sb wrk_out r n us p99 e rps stop_ms rc recorded="" rec_bytes="" t_int
  local hard_kib=$(( rss_limit_mb * 1024 * 11 / 10 ))
  base=$(build_label "$i" "$bin")
  label=$base
  [ "$rounds" -eq 1 ] || label="$base/r$round"
  labels+=("$label")
  dir="$work/run-${label//\//-}"
  mkdir -p "$dir"
  res[$label,path]=$bin
  echo "== $label: $bin"
  if [ -n "$record" ]; then
    ext=$(record_ext "$bin")
    rec="$dir/session-$base.$ext"
  fi
  start_origin "$dir/origin"
  start_proxy "$bin" "$dir" "$rec"
  local idle
  idle=$(kib_of "$proxy_pid" VmRSS)
  check_relay "$dir"
  echo "   proxy: $bin proxy --port $proxy_port --quiet${rec:+ --record $rec}${corslab_args:+ $corslab_args} (pid $proxy_pid, VmRSS $(mib "$idle" 1024) MiB idle)"

  wrk_out="$dir/wrk.txt"
  BENCH_TARGET="http://127.0.0.1:$nginx_port" BENCH_HOST="127.0.0.1:$nginx_port" \
    BENCH_ORIGIN=$page_origin \
    wrk -t1 -c"$connections" -d"${duration}s" --timeout 5s --latency -s "$here/proxy/soak.lua" \
    "http://127.0.0.1:$proxy_port" >"$wrk_out" 2>&1 &
  wrk_pid=$!
  t0=$(now_ms)
  sample() { # elapsed-ms: one row of the series
    rss=$(kib_of "$proxy_pid" VmRSS); hwm=$(kib_of "$proxy_pid" VmHWM); wb=$(written_of "$proxy_pid")
    served=$(served_of "$dir/origin")
    [ -n "$store" ] || store=$(store_of "$proxy_pid")
    sb=$(bytes_of "$store")
    rows+=("$1 ${rss:-0} ${hwm:-0} $served ${wb:-0} $sb")
  }
  while :; do
    el=$(( $(now_ms) - t0 ))
    if ! kill -0 "$proxy_pid" 2>/dev/null; then
      reason="the proxy exited during the load"
      problems+=("$label: the proxy exited after $(secs "$el") s of load (see $dir/stderr)")
      break
    fi
    rss=$(kib_of "$proxy_pid" VmRSS)
    if [ "${rss:-0}" -ge $(( rss_limit_mb * 1024 )) ]; then
      sample "$el"
      reason="stopped at $(secs "$el") s: RSS limit ($rss_limit_mb MiB)"
      break
    fi
    if [ -n "$kill_at" ] && [ "$el" -ge $(( kill_at * 1000 )) ]; then
      sample "$el"
      kill -KILL "$proxy_pid" 2>/dev/null || true
      kill_ms=$(now_ms)
      kill_rate=$(awk -v n="$served" -v t="$el" 'BEGIN { printf "%.0f", t ? n * 1000 / t : 0 }')
      wait "$proxy_pid" 2>/dev/null || true # (quietly: no "Killed" from the shell)
      reason="SIGKILL at $(secs "$el") s"
      break
    fi
    if [ -n "$stop_at" ] && [ "$(served_of "$dir/origin")" -ge "$stop_at" ]; then
      sample "$el"
      reason="SIGINT at $stop_at exchanges served ($(secs "$el") s)"
      break
    fi
    if ! kill -0 "$wrk_pid" 2>/dev/null; then
      reason="end of --duration"
      break
    fi
    if [ "$el" -ge "$next_sample" ]; then
      sample "$el"
      next_sample=$(( next_sample + sample_s * 1000 ))
    fi
    sleep 0.2
  done
  # wrk: SIGINT makes it stop and print its figures (RESULT), as at the end of its duration.
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" 2>/dev/null || true
  wrk_pid=""
  el=$(( $(now_ms) - t0 ))
  res[$label,load_s]=$(secs "$el")
  res[$label,reason]=$reason
  [ -n "$kill_ms" ] || ! kill -0 "$proxy_pid" 2>/dev/null || sample "$el"
  r=$(grep '^RESULT' "$wrk_out") || { cat "$wrk_out" >&2; bench_die "wrk failed against $label"; }
  read -r n us _ _ p99 e < <(wrk_result "$r")
  rps=$(awk -v n="$n" -v us="$us" 'BEGIN { printf "%.0f", us ? n / (us / 1e6) : 0 }')
  res[$label,requests]=$n; res[$label,rps]=$rps; res[$label,p99]=$(awk -v x="$p99" 'BEGIN { printf "%.2f", x / 1000 }')
  res[$label,errors]=$e
  [ "$e" -le "$n" ] || problems+=("$label: wrk's socket errors and non-2xx answers ($e) outnumber its requests ($n) ($wrk_out)")

  # --- the memory series ---
  echo "   load: $reason; wrk: $n requests in $(secs $((us / 1000))) s = $rps req/s, p99 ${res[$label,p99]} ms, $e errors"
  printf '   %7s %10s %10s %12s %12s %11s %10s\n' 't (s)' 'VmRSS MiB' 'VmHWM MiB' 'served' 'est. wrk' 'written MiB' 'store MiB'
  local row t x_rss x_hwm x_served x_wb x_sb
  for row in "${rows[@]}"; do
    read -r t x_rss x_hwm x_served x_wb x_sb <<<"$row"
    printf '   %7s %10s %10s %12s %12s %11s %10s\n' "$(secs "$t")" "$(mib "$x_rss" 1024)" "$(mib "$x_hwm" 1024)" \
      "$x_served" "$(awk -v r="$rps" -v t="$t" 'BEGIN { printf "%.0f", r * t / 1000 }')" "$(mib "$x_wb")" \
      "$([ -n "$store" ] && mib "$x_sb" || echo -)"
  done
  [ -z "$store" ] || echo "   (store: $store)"
  echo "   (served: requests the origin had answered, its access log, i.e. exchanges through the proxy;"
  echo "    est. wrk: wrk's completed-request rate x t, an estimate of the exchanges captured)"
  res[$label,rss]=$(mib "${x_rss:-0}" 1024); res[$label,hwm]=$(mib "${x_hwm:-0}" 1024)
  res[$label,served]=${x_served:-0}; res[$label,written]=$(mib "${x_wb:-0}")
  res[$label,store]="-"; [ -z "$store" ] || res[$label,store]=$(mib "${x_sb:-0}")

  # --- stop: SIGINT and the time until the proxy exits ---
  if [ -z "$kill_ms" ] && kill -0 "$proxy_pid" 2>/dev/null; then
    t_int=$(now_ms)
    kill -INT "$proxy_pid" 2>/dev/null || true
    local last_wb=${x_wb:-0} killed=""
    while kill -0 "$proxy_pid" 2>/dev/null; do
      wb=$(written_of "$proxy_pid"); [ -z "$wb" ] || last_wb=$wb
      rss=$(kib_of "$proxy_pid" VmRSS)
      if [ "${rss:-0}" -ge "$hard_kib" ]; then
        killed="killed during the stop: VmRSS $(mib "$rss" 1024) MiB passed $(mib "$hard_kib" 1024) MiB"
      elif [ $(( $(now_ms) - t_int )) -ge $(( stop_timeout * 1000 )) ]; then
        killed="killed: still running $stop_timeout s after SIGINT"
      fi
      if [ -n "$killed" ]; then kill -KILL "$proxy_pid" 2>/dev/null || true; break; fi
      sleep 0.05
    done
    wait "$proxy_pid" 2>/dev/null && rc=0 || rc=$?
    stop_ms=$(( $(now_ms) - t_int ))
    proxy_pid=""
    res[$label,stop]=$(secs "$stop_ms")
    res[$label,written]=$(mib "$last_wb")
    echo "   SIGINT -> exit: $(secs "$stop_ms") s (status $rc)${killed:+; $killed}; disk written (write_bytes, last read before the exit): $(mib "$last_wb") MiB"
    [ -z "$killed" ] || problems+=("$label: $killed")
    [ -n "$killed" ] || [ "$rc" -eq 0 ] || problems+=("$label: the proxy exited with status $rc on SIGINT (see $dir/stderr)")
    recorded=$(grep -Eo '\(([0-9]+) exchanges\)' "$dir/stdout" | tail -1 | tr -dc '0-9' || true)
  else
    wait "$proxy_pid" 2>/dev/null || true
    proxy_pid=""
    res[$label,stop]="-"
  fi
  if grep -q . "$dir/stderr"; then
    echo "   proxy stderr: $(sort "$dir/stderr" | uniq -c | head -3 | tr -s ' \n' '  ')"
  fi
  # What the proxy printed after the banner (with --quiet: only what it says at exit).
  sed -n '/^Press Ctrl+C to stop/,$p' "$dir/stdout" | sed '1d' | head -5 | sed 's/^/   proxy said: /'
  local not_kept
  not_kept=$(sed -nE 's/^([0-9]+) bodies could not be kept.*/\1/p' "$dir/stdout" | tail -1)
  [ -z "$not_kept" ] || problems+=("$label: the proxy says $not_kept bodies could not be kept (see $dir/stdout)")
  # A temporary store (no --record) is the proxy's to delete at exit; a killed one leaves it.
  if [ -n "$store" ] && [ -e "$store" ] && { [ -z "$rec" ] || [ "$store" != "$rec" ] && [ "$store" != "${rec%.json}.corslab" ]; }; then
    echo "   temporary store left behind: $store ($(mib "$(bytes_of "$store")") MiB), removed"
    rm -rf "$store"
    case "$(dirname "$store")" in */proxy-??????) rmdir "$(dirname "$store")" 2>/dev/null || true ;; esac
  fi
  sleep 0.3 # nginx logs a request once answered: the last ones in flight
  res[$label,served]=$(served_of "$dir/origin")

  # --- the recording ---
  res[$label,recorded]=${recorded:--}
  res[$label,disk]="-"
  if [ -n "$rec" ]; then
    rec_bytes=$(du -scb "$rec" "$rec".* "${rec%.json}.corslab" 2>/dev/null | awk 'END { print $1 }' || true)
    res[$label,disk]=$(mib "${rec_bytes:-0}")
    echo "   recording: $rec ($ext): $(mib "${rec_bytes:-0}") MiB on disk (du -sb, with any temporary file left)${recorded:+; the proxy says $recorded exchanges written}; origin served ${res[$label,served]}"
    if [[ "$corslab_args" == *--retain-* ]]; then
      [ -z "$recorded" ] || echo "   (retention: ${res[$label,served]} served, $recorded kept: $(( res[$label,served] - recorded )) dropped oldest first)"
    elif [ -n "$recorded" ] && [ "$recorded" -lt "${res[$label,served]}" ]; then
      problems+=("$label: the recording holds $recorded exchanges, the origin served ${res[$label,served]}")
    fi
    if [ "$ext" = corslab ] && has_session_command "$bin"; then
      "$bin" session info "$rec" >"$dir/session-info.txt" 2>&1 || true
      sed 's/^/   session info: /' "$dir/session-info.txt" | head -20
    fi
  fi

  # --- after a SIGKILL: what the recording lost, against the origin's access log ---
  res[$label,lost]="-"; res[$label,lost_s]="-"
  if [ -n "$kill_ms" ]; then
    awk '{ print $2 }' "$dir/origin/access.log" | strip_origin | LC_ALL=C sort -u >"$dir/served.txt"
    local why lost
    if why=$(recorded_urls "$bin" "$rec" "$ext" "$dir/recorded.txt"); then
      LC_ALL=C comm -23 "$dir/served.txt" "$dir/recorded.txt" >"$dir/lost.txt"
      lost=$(wc -l <"$dir/lost.txt")
      res[$label,lost]=$lost
      res[$label,lost_s]=$(awk -v l="$lost" -v r="$kill_rate" 'BEGIN { printf "%.2f", r ? l / r : 0 }')
      local span
      span=$(awk -v k="$kill_ms" 'NR == FNR { lost[$1] = 1; next }
        { u = $2; sub(/^[A-Za-z]+:\/\/[^\/]*/, "", u) }
        u in lost { t = $1 * 1000 - k; if (n++ == 0 || t < lo) lo = t; if (t > hi) hi = t }
        END { if (n) printf "served from %.2f s to %+.2f s around the kill", lo / 1000, hi / 1000 }' \
        "$dir/lost.txt" "$dir/origin/access.log")
      echo "   after SIGKILL: $(wc -l <"$dir/recorded.txt") URLs recorded, $(wc -l <"$dir/served.txt") served by the origin: LOST $lost (${res[$label,lost_s]} s of traffic at $kill_rate req/s, the origin's rate up to the kill)${span:+; $span}"
    else
      echo "   after SIGKILL: lost not counted: $why"
    fi
  fi

  stop_pid "$nginx_pid"
  nginx_pid=""
  # Recordings weigh gigabytes: gone as soon as measured, unless --keep.
  [ -n "$keep" ] || [ -z "$rec" ] || rm -rf "$rec" "$rec".* "${rec%.json}.corslab"
  res[$label,end]=$reason
  echo
}

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
echo "Machine: $(nproc) CPUs, $cpu; load average $(cut -d' ' -f1-3 /proc/loadavg); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); nginx $(nginx -v 2>&1 | sed 's/.*nginx\///')"
echo "Load: wrk 1 thread, $connections connections, up to $duration s; GET /file?n=<thread>-<counter> (unique URLs), $body_kb KiB JSON-like body"
echo "Options: ${record:+--record }${record:+--record-format $record_format }${kill_at:+--kill-at $kill_at }${stop_at:+--stop-at $stop_at }--rss-limit-mb $rss_limit_mb${corslab_args:+ --corslab-args \"$corslab_args\"}"
echo
for round in $(seq "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then order=$(seq ${#corslabs[@]}); else order=$(seq ${#corslabs[@]} -1 1); fi
  for i in $order; do
    run_one "$i" "${corslabs[$((i - 1))]}" "$round"
  done
done

echo "Summary (MiB; served = the origin's access log; written = /proc/PID/io write_bytes; store = du -sb of the session store at the end of the load; disk = du -sb of the recording)"
printf '%-14s %-26s %7s %9s %8s %9s %9s %10s %9s %9s %9s %10s %8s %7s %8s\n' label end 'load s' 'req/s' \
  'p99 ms' 'VmRSS' 'VmHWM' 'served' 'written' 'store' 'disk' 'recorded' 'stop s' 'lost' 'lost s'
for l in "${labels[@]}"; do
  printf '%-14s %-26s %7s %9s %8s %9s %9s %10s %9s %9s %9s %10s %8s %7s %8s\n' "$l" "${res[$l,end]:0:26}" \
    "${res[$l,load_s]}" "${res[$l,rps]}" "${res[$l,p99]}" "${res[$l,rss]}" "${res[$l,hwm]}" \
    "${res[$l,served]}" "${res[$l,written]}" "${res[$l,store]}" "${res[$l,disk]}" "${res[$l,recorded]}" \
    "${res[$l,stop]}" "${res[$l,lost]}" "${res[$l,lost_s]}"
done
if [ "$rounds" -gt 1 ]; then
  median() { { grep -E '^[0-9.]+$' || true; } | sort -g | awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : "-" }'; }
  echo "Median over $rounds rounds:"
  printf '%-14s %9s %8s %9s %9s %10s %9s %9s %9s %8s %7s %8s\n' build 'req/s' 'p99 ms' 'VmRSS' 'VmHWM' \
    'served' 'written' 'store' 'disk' 'stop s' 'lost' 'lost s'
  for i in $(seq ${#corslabs[@]}); do
    b=$(build_label "$i" "${corslabs[$((i - 1))]}")
    line=("$b")
    for f in rps p99 rss hwm served written store disk stop lost lost_s; do
      line+=("$(for r in $(seq "$rounds"); do echo "${res[$b/r$r,$f]}"; done | median)")
    done
    printf '%-14s %9s %8s %9s %9s %10s %9s %9s %9s %8s %7s %8s\n' "${line[@]}"
  done
fi
for i in $(seq ${#corslabs[@]}); do echo "  $(build_label "$i" "${corslabs[$((i - 1))]}") = ${corslabs[$((i - 1))]}"; done
if [ ${#problems[@]} -gt 0 ]; then
  echo "Problems:"
  printf '  %s\n' "${problems[@]}"
  exit 1
fi
