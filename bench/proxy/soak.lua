-- wrk script for bench/proxy_soak.sh: GET of the origin's /file through a forward proxy, each
-- request with a URL of its own ("/file?n=<thread>-<counter>"), so that the origin's access log
-- and the recorded session can be compared URL by URL. Set by the environment:
--   BENCH_TARGET  the origin "http://127.0.0.1:PORT" (absolute-form targets, as a browser sends
--                 them to a proxy), or "" to talk to the origin directly (origin-form)
--   BENCH_HOST    the origin's host:port, for the Host header
--   BENCH_ORIGIN  the page origin the browser would send (a cross-origin fetch)
local target = os.getenv("BENCH_TARGET") or ""
local host = os.getenv("BENCH_HOST") or error("BENCH_HOST is not set")
local origin = os.getenv("BENCH_ORIGIN") or "http://localhost:3000"

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local counter = 0
local prefix
local headers = { ["Host"] = host, ["Origin"] = origin }
function request()
  if prefix == nil then
    prefix = target .. "/file?n=" .. tostring(id or 0) .. "-"
  end
  counter = counter + 1
  return wrk.format("GET", prefix .. counter, headers)
end

-- requests completed, µs run, bytes read, p50 µs, p99 µs, then socket errors (connect, read,
-- write, timeout) and answers that were not 2xx/3xx: the line bench/lib.sh's wrk_result reads
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d %d\n", summary.requests,
    summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
