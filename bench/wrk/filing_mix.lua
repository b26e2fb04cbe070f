-- The plan filing mix (bench/load.py): per thread, in turn,
--   GET  /api/v1/plans?page=N               the officers' plan list
--   POST /api/v1/enterprises                a new enterprise (valid GB 32100 credit code)
--   GET  /api/v1/enterprises?q=...          a search
--   POST /api/v1/plans                      files a plan for an enterprise created before
-- (when no created enterprise waits for its plan, a list read takes the slot).
-- Needs the environment: LOAD_TOKEN (API token), LOAD_NONCE (one character of the credit-code
-- alphabet, different for each run on one database).
package.path = debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua;" .. package.path
require "report"

local CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
local WEIGHTS = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
local COUNTIES = {{"411002", 113.82, 34.03}, {"411003", 113.83, 34.00}, {"411024", 114.20, 34.10},
                  {"411025", 113.48, 33.85}, {"411081", 113.47, 34.17}, {"411082", 113.77, 34.22}}
local token = os.getenv("LOAD_TOKEN")
local nonce = os.getenv("LOAD_NONCE") or "A"
local headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}

local function credit_code(body17)
  local sum = 0
  for i = 1, 17 do
    sum = sum + (CHARS:find(body17:sub(i, i), 1, true) - 1) * WEIGHTS[i]
  end
  local check = (31 - sum % 31) % 31
  return body17 .. CHARS:sub(check + 1, check + 1)
end

local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local step, made, waiting = 0, 0, {}
created, filed = 0, 0  -- globals: done() reads them with thread:get

function request()
  step = step + 1
  local slot = step % 4
  if slot == 1 then
    made = made + 1
    local county = COUNTIES[made % #COUNTIES + 1]
    local code = credit_code(string.format("91%sM%s%s%06d", county[1], nonce, tid, made))
    local body = string.format(
      '{"name":"负载测试化工有限公司%s%06d号厂","credit_code":"%s","county_code":"%s",' ..
      '"address":"许昌市示范路%d号","longitude":%.2f,"latitude":%.2f,' ..
      '"industry":"化学原料和化学制品制造业","contact_name":"王伟","contact_phone":"13812345678",' ..
      '"contact_email":"load%s%d@example.com","cross_region":false}',
      tid, made, code, county[1], made, county[2], county[3], tid, made)
    return wrk.format("POST", "/api/v1/enterprises", headers, body)
  elseif slot == 3 and #waiting > 0 then
    local id = table.remove(waiting, 1)
    local body = string.format(
      '{"enterprise_id":%s,"title":"突发环境事件应急预案（2026年版）","signed_on":"2026-03-02",' ..
      '"filed_on":"2026-03-20","risk_level":"general","documents":["filing_form","plan",' ..
      '"risk_assessment","resource_survey","expert_review"]}', id)
    return wrk.format("POST", "/api/v1/plans", headers, body)
  elseif slot == 2 then
    return wrk.format("GET", "/api/v1/enterprises?q=" .. "%E5%8C%96%E5%B7%A5", headers)
  end
  return wrk.format("GET", string.format("/api/v1/plans?page=%d", step % 20 + 1), headers)
end

function response(status, _headers, body)
  if status ~= 201 then return end
  if body:find('"filing_number"', 1, true) then
    filed = filed + 1
  elseif body:find('"credit_code"', 1, true) then
    created = created + 1
    table.insert(waiting, body:match('"id":%s*(%d+)'))
  end
end

-- Totals across threads, added to the JSON line.
function extra_fields()
  local c, f = 0, 0
  for _, t in ipairs(threads) do
    c = c + (t:get("created") or 0)
    f = f + (t:get("filed") or 0)
  end
  return string.format(',"created":%d,"filed":%d', c, f)
end
