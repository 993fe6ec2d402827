-- Mixed customer traffic for wrk: reads of one's own line, state reads, decreases and increases.
-- Reads tokens.txt (one "account_id token" pair per line) written by benchmarks/api_load.py.
local accounts = {}
local counter = 0
local thread_id = 0
local started = 0
-- Keys differ between runs against one server, so a later run never replays an earlier one.
local run_id = tostring(os.time())

function setup(thread)
  started = started + 1
  thread:set("thread_id", started)
end

function init(args)
  for line in io.lines(args[1]) do
    local account, token = line:match("^(%S+) (%S+)$")
    accounts[#accounts + 1] = { account = account, token = token }
  end
  math.randomseed(thread_id * 7919)
end

function request()
  counter = counter + 1
  local pick = accounts[math.random(#accounts)]
  local headers = {
    ["Authorization"] = "Bearer " .. pick.token,
    ["Accept-Language"] = "zh-CN",
  }
  local roll = math.random(100)
  if roll <= 80 then
    return wrk.format("GET", "/v1/lines/" .. pick.account, headers)
  elseif roll <= 90 then
    return wrk.format("GET", "/v1/lines/" .. pick.account .. "/state", headers)
  end
  headers["Content-Type"] = "application/json"
  headers["Idempotency-Key"] = "bench-" .. run_id .. "-" .. thread_id .. "-" .. counter
  if roll <= 96 then
    local amount = 15000 + math.random(0, 40) * 100
    return wrk.format("POST", "/v1/lines/" .. pick.account .. "/decrease", headers, '{"new_limit": "' .. amount .. '.00"}')
  end
  local amount = 24000 + math.random(0, 20) * 500
  return wrk.format("POST", "/v1/lines/" .. pick.account .. "/increase", headers, '{"requested_limit": "' .. amount .. '.00"}')
end
