-- conversations.lua — the wrk script of the organizing measurement
-- (scripts/bench-organizing.sh runs it; see there).
--
-- Every request logs one one-on-one conversation:
--   POST /api/v1/orgs/{org}/conversations
--   {"id": <a fresh UUID>, "person_id", "campaign_id", "happened_at", "channel",
--    "issues": [{"issue_id", "intensity"}, …], "assessment": 1..5, "ask", "answer"}
-- with a client id that no other request of the run uses (so every request is a create, not
-- an idempotent replay), an assessment on every one (so each 201 must add one history row),
-- the people drawn in turn from the sample of the small campaign's people.
--
-- Settings from the environment (wrk passes script arguments only after `--`):
--   KG_BENCH_IDS    the file kamgar-bench-organizing --ids wrote ("org", "campaign50",
--                   "issue", "person" lines)
--   KG_BENCH_TOKEN  the Bearer token of a logged-in session
--   KG_BENCH_NONCE  a number (< 2^31) that makes this run's ids unlike another run's
--
-- At the end it prints "kg-bench: status N count" for every status seen, which the shell
-- script reads to count the 201s.

local ids_path = os.getenv("KG_BENCH_IDS") or "bench/out/organizing.ids"
local token = os.getenv("KG_BENCH_TOKEN") or ""
local nonce = tonumber(os.getenv("KG_BENCH_NONCE") or "1") % 2147483647

local org, campaign
local people, issues = {}, {}
local f = assert(io.open(ids_path, "r"), "cannot read " .. ids_path)
for line in f:lines() do
   local kind, value = line:match("^(%w+) (%S+)$")
   if kind == "org" then
      org = value
   elseif kind == "campaign50" then
      campaign = value
   elseif kind == "person" then
      people[#people + 1] = value
   elseif kind == "issue" then
      issues[#issues + 1] = value
   end
end
f:close()
assert(org and campaign and #people > 0 and #issues > 1, ids_path .. " is incomplete")

local channels = {"in_person", "phone", "whatsapp", "sms"}
local asks = {"join", "sign_card", "attend", "volunteer", "none"}
local answers = {"yes", "no", "maybe", "none"}

local threads = {}

-- Runs in the main Lua state once per thread: numbers the threads and keeps them, so that
-- done() can add up what each one counted.
function setup(thread)
   thread:set("kg_thread_no", #threads)
   threads[#threads + 1] = thread
end

local path, headers
local n = 0
local statuses = {}

function init(args)
   path = "/api/v1/orgs/" .. org .. "/conversations"
   headers = {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
      ["Accept"] = "application/json",
   }
   math.randomseed(nonce + 7919 * (kg_thread_no + 1))
   n = 0
end

function request()
   n = n + 1
   -- version 4, RFC 4122 variant; unique per (run, thread, request)
   local id = string.format("%08x-%04x-4%03x-8%03x-%06x%06x", nonce, kg_thread_no % 65536,
                            math.floor(n / 4096) % 4096, n % 4096,
                            math.floor(n / 16777216) % 16777216, n % 16777216)
   local person = people[((n * 7 + kg_thread_no * 1009) % #people) + 1]
   local i1 = math.random(#issues)
   local i2 = (i1 % #issues) + 1
   local issue_json = string.format('{"issue_id":"%s","intensity":%d}', issues[i1],
                                    math.random(3))
   if math.random(2) == 1 then
      issue_json = issue_json .. string.format(',{"issue_id":"%s","intensity":%d}',
                                               issues[i2], math.random(3))
   end
   local body = string.format(
      '{"id":"%s","person_id":"%s","campaign_id":"%s",' ..
      '"happened_at":"2026-%02d-%02dT%02d:%02d:%02dZ","channel":"%s",' ..
      '"issues":[%s],"assessment":%d,"ask":"%s","answer":"%s",' ..
      '"next_step":"Talk again after payday"}',
      id, person, campaign, math.random(12), math.random(28), math.random(0, 23),
      math.random(0, 59), math.random(0, 59), channels[math.random(#channels)], issue_json,
      math.random(5), asks[math.random(#asks)], answers[math.random(#answers)])
   return wrk.format("POST", path, headers, body)
end

function response(status, hdrs, body)
   statuses[status] = (statuses[status] or 0) + 1
   -- the thread's counts, read by done() through thread:get
   kg_statuses = statuses
end

function done(summary, latency, requests)
   local total = {}
   for _, t in ipairs(threads) do
      local s = t:get("kg_statuses")
      if s then
         for code, count in pairs(s) do
            total[code] = (total[code] or 0) + count
         end
      end
   end
   for code, count in pairs(total) do
      io.write(string.format("kg-bench: status %d %d\n", code, count))
   end
end
