-- wrk script for bench/proxy_throughput.sh: one request, sent again and again on every
-- connection, and a RESULT line with the figures the script reads. Set by the environment:
--   BENCH_CASE    "get" (GET /public, a cross-origin fetch) or "preflight" (OPTIONS /echo, the
--                 preflight of a PUT with Content-Type: application/json)
--   BENCH_TARGET  "" to talk to the origin directly (origin-form "/public"), or the origin
--                 "http://127.0.0.1:PORT" when wrk's URL is a forward proxy (absolute-form
--                 "http://127.0.0.1:PORT/public", as a browser sends it to a proxy)
--   BENCH_HOST    the origin's host:port, for the Host header in both cases
--   BENCH_ORIGIN  the page origin the browser would send
local case = os.getenv("BENCH_CASE") or "get"
local target = os.getenv("BENCH_TARGET") or ""
local host = os.getenv("BENCH_HOST") or error("BENCH_HOST is not set")
local origin = os.getenv("BENCH_ORIGIN") or "http://localhost:3000"
-- BENCH_PAUSE_MS (optional): each connection waits this long before its next request, so that
-- every target gets the same offered load (the paced run)
local pause_ms = tonumber(os.getenv("BENCH_PAUSE_MS") or "0") or 0
if pause_ms > 0 then
  function delay()
    return pause_ms
  end
end

wrk.headers["Host"] = host
wrk.headers["Origin"] = origin
if case == "get" then
  wrk.method = "GET"
  wrk.path = target .. "/public"
elseif case == "preflight" then
  wrk.method = "OPTIONS"
  wrk.path = target .. "/echo"
  wrk.headers["Access-Control-Request-Method"] = "PUT"
  wrk.headers["Access-Control-Request-Headers"] = "content-type"
else
  error("BENCH_CASE must be get or preflight, got " .. case)
end

-- requests completed, µs run, bytes read, p50 µs, p99 µs, then socket errors (connect, read,
-- write, timeout) and answers that were not 2xx/3xx
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d %d\n", summary.requests,
    summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
