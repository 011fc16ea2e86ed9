-- wrk script: cycle through a fixed tile list (one "z/x/y" per line in $TILES), each thread
-- starting at its own offset, asking for gzip like a browser. PREFIX and SUFFIX shape the URL.
local tiles = {}
local prefix = os.getenv("PREFIX") or "/tiles/"
local suffix = os.getenv("SUFFIX") or ".mvt"
for line in io.lines(os.getenv("TILES")) do tiles[#tiles + 1] = line end
local counter = 0
local statuses = {}

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 997)
end

function init(args)
  i = offset
  wrk.headers["Accept-Encoding"] = "gzip"
end

function request()
  i = i + 1
  return wrk.format("GET", prefix .. tiles[(i % #tiles) + 1] .. suffix)
end

function response(status, headers, body)
  if status ~= 200 and status ~= 204 then
    non_ok = (non_ok or 0) + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format("requests %d, %.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
