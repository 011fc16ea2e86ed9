-- wrk script for benches/load.sh: replays a fixed list of paths (one per line, file named by
-- the LOAD_URLS environment variable), each thread from its own offset, with gzip accepted
-- as a browser would. Counts every response that is neither 2xx nor 304.

local paths = {}
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local file = os.getenv("LOAD_URLS")
  for line in io.lines(file) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  -- Spread threads over the list so they do not request the same tile at once.
  i = math.floor((id - 1) * #paths / 8)
  bad = 0
  statuses = {}
  wrk.headers["Accept-Encoding"] = "gzip"
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function response(status, headers, body)
  if not ((status >= 200 and status < 300) or status == 304) then
    bad = bad + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do
    total_bad = total_bad + t:get("bad")
  end
  local secs = summary.duration / 1e6
  io.write(string.format("requests      %d in %.1f s\n", summary.requests, secs))
  io.write(string.format("req/s         %.0f\n", summary.requests / secs))
  io.write(string.format("latency p50   %.2f ms\n", latency:percentile(50) / 1000))
  io.write(string.format("latency p99   %.2f ms\n", latency:percentile(99) / 1000))
  io.write(string.format("latency max   %.2f ms\n", latency.max / 1000))
  io.write(string.format("socket errors connect=%d read=%d write=%d timeout=%d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write(string.format("non-2xx/304   %d\n", total_bad))
end
