-- people.lua — the wrk script of `make bench` (scripts/bench.sh runs it; see there).
--
-- Reads its setting from the environment, because wrk passes script arguments only after
-- `--` and the shell script is simpler this way:
--   KG_BENCH_MODE   "list": GET /api/v1/orgs/{org}/people?workplace_id=…&per_page=50
--                   "get":  GET /api/v1/orgs/{org}/people/{id}
--   KG_BENCH_IDS    the file kamgar-bench-gen --ids wrote ("org SLUG", "workplace ID",
--                   "person ID" lines)
--   KG_BENCH_TOKEN  the Bearer token of a logged-in session
--
-- Requests rotate through every workplace / every sampled person, each wrk thread from a
-- different starting point, so no single row stays hot. They are built once in init(), so
-- the Lua side costs wrk as little as possible: the figures should be the server's.

local mode = os.getenv("KG_BENCH_MODE") or "list"
local ids_path = os.getenv("KG_BENCH_IDS") or "bench/out/bench.ids"
local token = os.getenv("KG_BENCH_TOKEN") or ""

local org
local workplaces, people = {}, {}
local f = assert(io.open(ids_path, "r"), "cannot read " .. ids_path)
for line in f:lines() do
   local kind, value = line:match("^(%a+) (%S+)$")
   if kind == "org" then
      org = value
   elseif kind == "workplace" then
      workplaces[#workplaces + 1] = value
   elseif kind == "person" then
      people[#people + 1] = value
   end
end
f:close()
assert(org, ids_path .. " names no org")

local requests = {}
local next_i = 1
local threads_made = 0

-- Runs in the main Lua state once per thread before it starts: numbers the threads (the
-- global kg_thread_no in each thread's own state) so that each starts at a different place
-- in the rotation.
function setup(thread)
   thread:set("kg_thread_no", threads_made)
   threads_made = threads_made + 1
end

function init(args)
   local headers = {
      ["Authorization"] = "Bearer " .. token,
      ["Accept"] = "application/json",
   }
   local base = "/api/v1/orgs/" .. org .. "/people"
   local list = mode == "get" and people or workplaces
   assert(#list > 0, ids_path .. " has no ids for mode " .. mode)
   for i, id in ipairs(list) do
      local path
      if mode == "get" then
         path = base .. "/" .. id
      else
         path = base .. "?workplace_id=" .. id .. "&per_page=50"
      end
      requests[i] = wrk.format("GET", path, headers)
   end
   next_i = 1 + ((rawget(_G, "kg_thread_no") or 0) * 7919) % #requests
end

function request()
   local r = requests[next_i]
   next_i = next_i + 1
   if next_i > #requests then
      next_i = 1
   end
   return r
end
