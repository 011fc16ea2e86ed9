-- wrk script for benches/peers/*.sh: replays the paths of the file named by PATHS (one per
-- line), each thread from its own offset, and prints one parseable line:
--   RESULT req/s=… p50_ms=… p99_ms=… bad=… errors=…
-- `bad` counts responses that are not 200; GZIP=1 sends Accept-Encoding: gzip.
local paths = {}
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("PATHS")) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  i = math.floor((id - 1) * #paths / 4)
  bad = 0
  if os.getenv("GZIP") == "1" then wrk.headers["Accept-Encoding"] = "gzip" end
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do total_bad = total_bad + t:get("bad") end
  local e = summary.errors
  io.write(string.format("RESULT req/s=%.0f p50_ms=%.3f p99_ms=%.3f bad=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, total_bad, e.connect + e.read + e.write + e.timeout))
end
