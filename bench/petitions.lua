-- petitions.lua — wrk script for scripts/bench-petitions.sh: many distinct signers posting
-- the public petition form (POST /p/{slug}) the way browsers behind a proxy do.
--
-- Each request is one new signer: a form token fetched beforehand from the petition page
-- (older than the server's minimum fill time; tokens are per petition and reusable, and
-- the client rotates through all it was given), the empty honeypot field a browser sends,
-- a name, a Pakistani mobile number and an email address that no other request of any
-- thread or run uses, a city, consent ticked by one signer in four, and an
-- X-Forwarded-For address (100.64.0.0/10, the carrier-grade NAT range mobile networks put
-- signers behind) shared by three consecutive signers, well under the per-address limit.
-- The addresses are only header text: nothing is ever sent to them.
--
-- Counts every status it gets back per thread and prints, in done(), one line
--   kg-bench sent=N answered=N s303=N s429=N s400=N other=N
-- that the shell script compares with the database afterwards.
--
-- Environment: KG_BENCH_SLUG (the petition's slug), KG_BENCH_TOKENS (a file, one token a
-- line), KG_BENCH_RUN (0, 1, ...: each run of the same server gets its own signers).

local slug = os.getenv("KG_BENCH_SLUG") or "pay-brick-kiln-workers"
local tokens_file = os.getenv("KG_BENCH_TOKENS")
local run = tonumber(os.getenv("KG_BENCH_RUN") or "0")

-- Signers per thread and run: a thread of one run never reaches the next one's numbers.
local PER_THREAD = 250000
local THREADS_MAX = 8

local threads = {}

function setup(thread)
    thread:set("tid", #threads)
    table.insert(threads, thread)
end

local function urlenc(s)
    return (s:gsub("[^%w%-_%.~]", function(c)
        return string.format("%%%02X", string.byte(c))
    end))
end

local names = {
    "Nasreen Akhtar", "Ghulam Masih", "Fatima Bibi", "Bilal Khan", "Shazia Iqbal",
    "نسرین اختر", "غلام مسیح", "फ़ातिमा बीबी", "सुनीता देवी", "Гульнора Каримова",
    "Imran Rasheed", "Zainab Kausar",
}
local cities = { "Lahore", "Kasur", "Sheikhupura", "Faisalabad", "ملتان", "Gujranwala" }

function init(args)
    tid = tid or 0
    if tid >= THREADS_MAX then
        error("petitions.lua: at most " .. THREADS_MAX .. " threads")
    end
    tokens = {}
    if tokens_file then
        for line in io.lines(tokens_file) do
            if line ~= "" then
                table.insert(tokens, urlenc(line))
            end
        end
    end
    if #tokens == 0 then
        error("petitions.lua: no form tokens (set KG_BENCH_TOKENS)")
    end
    enc_names = {}
    for i, n in ipairs(names) do enc_names[i] = urlenc(n) end
    enc_cities = {}
    for i, c in ipairs(cities) do enc_cities[i] = urlenc(c) end
    path = "/p/" .. slug
    sent, answered, s303, s429, s400, other = 0, 0, 0, 0, 0, 0
    first = (run * THREADS_MAX + tid) * PER_THREAD
end

function request()
    if sent >= PER_THREAD then
        error("petitions.lua: a thread ran out of distinct signers")
    end
    local n = first + sent
    sent = sent + 1
    local ip = math.floor(n / 3)
    local addr = string.format("100.%d.%d.%d", 64 + math.floor(ip / 65536) % 64,
                               math.floor(ip / 256) % 256, ip % 256)
    local body = "token=" .. tokens[(n % #tokens) + 1] ..
        "&website=&full_name=" .. enc_names[(n % #enc_names) + 1] ..
        "&email=signer-" .. n .. "%40post.example.org" ..
        "&phone=" .. string.format("0345%%20%07d", n) ..
        "&city=" .. enc_cities[(n % #enc_cities) + 1] ..
        ((n % 4 == 0) and "&consent=yes" or "")
    return wrk.format("POST", path, {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Forwarded-For"] = addr,
        ["Accept-Language"] = "ur-PK,ur;q=0.9,en;q=0.8",
    }, body)
end

function response(status, headers, body)
    answered = answered + 1
    if status == 303 then
        s303 = s303 + 1
    elseif status == 429 then
        s429 = s429 + 1
    elseif status == 400 then
        s400 = s400 + 1
    else
        other = other + 1
    end
end

function done(summary, latency, requests)
    local t = { sent = 0, answered = 0, s303 = 0, s429 = 0, s400 = 0, other = 0 }
    for _, thread in ipairs(threads) do
        for k, _ in pairs(t) do
            t[k] = t[k] + (thread:get(k) or 0)
        end
    end
    io.write(string.format("kg-bench sent=%d answered=%d s303=%d s429=%d s400=%d other=%d\n",
                           t.sent, t.answered, t.s303, t.s429, t.s400, t.other))
end
