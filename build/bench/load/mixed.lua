-- wrk script: a weighted mix of the API's requests, with unique Idempotency-Keys on POSTs.
-- Environment:
--   BENCH_TARGETS  directory written by the data generator (patients.txt, enrollments.txt, case_managers.txt, pool.txt)
--   BENCH_TOKEN    bearer token (empty: no Authorization header, for the baseline host)
--   BENCH_PREFIX   path prefix ("/api/v1" for the API, "" for the baseline host)
--   BENCH_MIX      weights, e.g. "patient=35,caseload=15,hours=25,attendance=10,measure=15"
--   BENCH_THREADS  wrk -t value (pool sessions are split between threads so no two record the same session)
--   BENCH_RATE     optional: total requests/s to aim at (per-connection think time; approximate, closed loop)
--   BENCH_CONNECTIONS  wrk -c value (needed with BENCH_RATE)
-- done() prints one line "WRKJSON {...}" with throughput, latency percentiles (ms) and errors.

local dir = os.getenv("BENCH_TARGETS") or "."
local token = os.getenv("BENCH_TOKEN") or ""
local prefix = os.getenv("BENCH_PREFIX") or "/api/v1"
local mixText = os.getenv("BENCH_MIX") or "patient=100"
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local connections = tonumber(os.getenv("BENCH_CONNECTIONS") or "1")

local threads = {}
local nextId = 0

function setup(thread)
  thread:set("tid", nextId)
  nextId = nextId + 1
  table.insert(threads, thread)
end

local function lines(name, keep)
  local t = {}
  local i = 0
  for l in io.lines(dir .. "/" .. name) do
    if #l > 0 then
      if keep == nil or keep(i) then t[#t + 1] = l end
      i = i + 1
    end
  end
  return t
end

local kinds, cumulative, total = {}, {}, 0

function init(args)
  patients = lines("patients.txt")
  enrollments = lines("enrollments.txt")
  caseManagers = lines("case_managers.txt")
  pool = lines("pool.txt", function(i) return i % nthreads == tid end)
  poolNext, poolOut, seq = 1, 0, 0
  for kind, weight in string.gmatch(mixText, "(%w+)=(%d+)") do
    total = total + tonumber(weight)
    kinds[#kinds + 1] = kind
    cumulative[#cumulative + 1] = total
  end
  math.randomseed(4242 + tid)
  headers = { ["Accept"] = "application/json" }
  if #token > 0 then headers["Authorization"] = "Bearer " .. token end
  postHeaders = { ["Accept"] = "application/json", ["Content-Type"] = "application/json" }
  if #token > 0 then postHeaders["Authorization"] = "Bearer " .. token end
end

local function pick(list) return list[math.random(#list)] end

local function post(path, body)
  seq = seq + 1
  postHeaders["Idempotency-Key"] = string.format("bench-%d-%d-%d-%d", os.time(), tid, seq, math.random(1000000000))
  return wrk.format("POST", prefix .. path, postHeaders, body)
end

local function getPatient() return wrk.format("GET", prefix .. "/patients/" .. pick(patients), headers) end

function request()
  local r = math.random() * total
  local kind = kinds[#kinds]
  for i = 1, #kinds do
    if r < cumulative[i] then kind = kinds[i]; break end
  end
  if kind == "patient" then
    return getPatient()
  elseif kind == "caseload" then
    return wrk.format("GET", prefix .. "/case-managers/" .. pick(caseManagers) .. "/caseload", headers)
  elseif kind == "hours" then
    return wrk.format("GET", prefix .. "/enrollments/" .. pick(enrollments) .. "/weekly-hours", headers)
  elseif kind == "inbox" then
    return wrk.format("GET", prefix .. "/case-managers/" .. pick(caseManagers) .. "/alerts", headers)
  elseif kind == "attendance" then
    if poolNext > #pool then
      poolOut = poolOut + 1
      return getPatient()
    end
    local line = pool[poolNext]
    poolNext = poolNext + 1
    local session, roster = string.match(line, "^(%S+) (%S+)$")
    local items = {}
    for enrollment in string.gmatch(roster, "[^,]+") do
      items[#items + 1] = '{"enrollmentId":"' .. enrollment .. '","status":"present"}'
    end
    return post("/sessions/" .. session .. "/attendance/bulk", '{"items":[' .. table.concat(items, ",") .. ']}')
  elseif kind == "measure" then
    local at = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 300)
    local answers = {}
    for i = 1, 7 do answers[i] = tostring(math.random(0, 3)) end
    return post("/enrollments/" .. pick(enrollments) .. "/measures",
      '{"instrument":"gad7","administeredAt":"' .. at .. '","answers":[' .. table.concat(answers, ",") .. ']}')
  end
  return getPatient()
end

if rate > 0 then
  local thinkMs = math.max(0, math.floor(1000 * connections / rate))
  function delay() return thinkMs end
end

function done(summary, latency, requests)
  local exhausted = 0
  for _, t in ipairs(threads) do exhausted = exhausted + (t:get("poolOut") or 0) end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'WRKJSON {"requests":%d,"seconds":%.2f,"rps":%.1f,"p50":%.2f,"p90":%.2f,"p95":%.2f,"p99":%.2f,"max":%.2f,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"poolExhausted":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect, e.read, e.write, e.status, e.timeout, exhausted))
end
