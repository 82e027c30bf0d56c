#!/usr/bin/env bash
# bench-organizing.sh BUILD_DIR — the organizing core's measurement in `make bench`.
#
# Generates (or reuses) an org with 1,000,000 people over 2,000 workplaces and 20,000 units,
# 2,000,000 one-on-one conversations with issues and assessments, cards, committees, a
# campaign over 50 workplaces and one over every workplace (BUILD_DIR/bench/
# kamgar-bench-organizing, through the store interface). Serves a copy with BUILD_DIR/kamgar,
# logs in, and measures:
#   GET …/campaigns/{50 workplaces}/chart        several runs, median and worst  (<= 50 ms)
#   GET …/campaigns/{whole org}/chart            several runs, median and worst  (<= 1 s)
#   GET …/campaigns/{id}/issues/ranking          both campaigns, median and worst (<= 100 ms)
#   POST …/conversations with wrk (2 threads, 32 connections, 15 s), a fresh client id,
#     issues and an assessment on each                                            (>= 2,000/s)
# and checks, through the API, that every 201 left a conversation and a row of assessment
# history (the sampled people's GET …/people/{id}/assessments totals before and after).
# Prints each figure beside its target.
#
# A measurement, not a test: it exits 0 when a target is missed (and says MISSED), non-zero
# only when it could not measure. Not part of CI.
#
# The generated database is kept in bench/out/ (git-ignored) with the parameters it was made
# with, and reused while they match; the server always runs on a copy in a temporary
# directory. Generating it takes a while (most of it logging the conversations one store
# call each); it is built in BENCH_GEN_DIR (default /dev/shm when it has room, so that the
# generator does not wait on the disk) and then moved to bench/out/.
#
# Environment: BENCH_ORG_PEOPLE, BENCH_ORG_WORKPLACES, BENCH_ORG_UNITS,
# BENCH_ORG_CONVERSATIONS, BENCH_ORG_CAMPAIGN_WORKPLACES (sizes), BENCH_ORG_RUNS (timed runs
# per GET, default 9), BENCH_DURATION (wrk seconds, default 15), BENCH_GEN_DIR, BENCH_PERF=1
# (perf record -g the server during the runs; reports in bench/out/perf-organizing-*.txt).
set -euo pipefail

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

PEOPLE=${BENCH_ORG_PEOPLE:-1000000}
WORKPLACES=${BENCH_ORG_WORKPLACES:-2000}
UNITS=${BENCH_ORG_UNITS:-20000}
CONVERSATIONS=${BENCH_ORG_CONVERSATIONS:-2000000}
CAMPAIGN_WPS=${BENCH_ORG_CAMPAIGN_WORKPLACES:-50}
RUNS=${BENCH_ORG_RUNS:-9}
DURATION=${BENCH_DURATION:-15}
THREADS=2
CONNS=32
EMAIL=bench@bench.kamgar.org
PASSWORD=kamgar-bench-2026

T_PEOPLE=1000000
T_WORKPLACES=2000
T_UNITS=20000
T_CONVERSATIONS=2000000
T_CHART_SMALL_MS=50
T_CHART_ALL_MS=1000
T_RANKING_MS=100
T_CONV_RPS=2000

KAMGAR="$BUILD/kamgar"
GEN="$BUILD/bench/kamgar-bench-organizing"
OUT=bench/out
LUA=bench/conversations.lua
DB="$OUT/organizing.db"
IDS="$OUT/organizing.ids"
PARAMS="$OUT/organizing.params"

die() {
    echo "bench-organizing: $*" >&2
    exit 1
}
say() { echo "bench-organizing: $*"; }

[ -x "$KAMGAR" ] || die "$KAMGAR is missing: run \`make build\` first"
[ -x "$GEN" ] ||
    die "$GEN is missing: run \`make build\` (and \`meson setup --reconfigure $BUILD\`)"
command -v curl >/dev/null || die "curl is needed"
command -v node >/dev/null || die "node is needed"
if ! command -v wrk >/dev/null; then
    ./scripts/setup.sh
    command -v wrk >/dev/null || die "wrk is still missing after scripts/setup.sh"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kamgar-bench-org.XXXXXX")
GEN_TMP=""
SERVER_PID=""
PERF_PID=""
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    if [ -n "$PERF_PID" ] && kill -0 "$PERF_PID" 2>/dev/null; then
        kill -INT "$PERF_PID" 2>/dev/null || true
        wait "$PERF_PID" 2>/dev/null || true
    fi
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
    [ -z "$GEN_TMP" ] || rm -rf "$GEN_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------
# the database

params="people=$PEOPLE workplaces=$WORKPLACES units=$UNITS conversations=$CONVERSATIONS"
params="$params campaign=$CAMPAIGN_WPS gen=$(sha256sum bench/gen_organizing.c | cut -c1-16)"
mkdir -p "$OUT"
if [ -f "$DB" ] && [ -f "$IDS" ] && [ -f "$PARAMS" ] && [ "$(cat "$PARAMS")" = "$params" ]; then
    say "reusing $DB ($params)"
else
    rm -f "$DB" "$DB-wal" "$DB-shm" "$IDS" "$PARAMS" "$OUT/organizing.gen"
    gen_dir=${BENCH_GEN_DIR:-}
    if [ -z "$gen_dir" ]; then
        gen_dir=$OUT
        # about 2.5 kB a person and 2.2 kB a conversation, with room to spare
        need_kb=$(((PEOPLE * 3 + CONVERSATIONS * 3) + 1000000))
        shm_kb=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 {print $4}' || true)
        if [ -n "$shm_kb" ] && [ "$shm_kb" -gt "$need_kb" ]; then
            gen_dir=/dev/shm
        fi
    fi
    GEN_TMP=$(mktemp -d "$gen_dir/kamgar-gen.XXXXXX")
    say "generating $PEOPLE people, $WORKPLACES workplaces, $UNITS units, $CONVERSATIONS" \
        "conversations in $GEN_TMP (many minutes; progress on stderr)"
    start=$(date +%s)
    "$GEN" --db "$GEN_TMP/gen.db" --people "$PEOPLE" --workplaces "$WORKPLACES" \
        --units "$UNITS" --conversations "$CONVERSATIONS" \
        --campaign-workplaces "$CAMPAIGN_WPS" --email "$EMAIL" --password "$PASSWORD" \
        --ids "$GEN_TMP/gen.ids" >"$GEN_TMP/gen.out"
    say "generated in $(($(date +%s) - start)) s"
    [ ! -e "$GEN_TMP/gen.db-wal" ] || die "the generator left a WAL file behind"
    mv "$GEN_TMP/gen.db" "$DB"
    mv "$GEN_TMP/gen.ids" "$IDS"
    mv "$GEN_TMP/gen.out" "$OUT/organizing.gen"
    echo "$params" >"$PARAMS"
    rm -rf "$GEN_TMP"
    GEN_TMP=""
fi
first() { sed -n "s/^$1 //p" "$IDS" | sed -n 1p; } # no SIGPIPE under pipefail
ORG=$(first org)
C50=$(first campaign50)
CALL=$(first campaignall)
if [ -z "$ORG" ] || [ -z "$C50" ] || [ -z "$CALL" ]; then
    die "$IDS is incomplete"
fi
GEN_RATE=$(sed -n 's/^conversation_create_per_s //p' "$OUT/organizing.gen" 2>/dev/null || true)

say "copying $DB ($(du -m "$DB" | cut -f1) MB) to $TMP"
cp "$DB" "$TMP/bench.db"

# ---------------------------------------------------------------------------------------
# the server

"$KAMGAR" serve --db "$TMP/bench.db" --listen 127.0.0.1:0 --quiet >"$TMP/serve.out" \
    2>"$TMP/serve.err" &
SERVER_PID=$!
PORT=""
# Up to 3 minutes: a database generated by an older kamgar is migrated when the server
# opens it (migration 13 fills the ranking's tallies from 2,000,000 conversations: ~30 s).
for _ in $(seq 1 1800); do
    PORT=$(sed -n 's/^kamgar listening on port \([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$PORT" ]; then
    cat "$TMP/serve.err" >&2
    die "the server did not start"
fi
BASE="http://127.0.0.1:$PORT"
API="$BASE/api/v1/orgs/$ORG"
say "kamgar serving on $BASE (pid $SERVER_PID, $(nproc) cores)"

login=$(curl -sS -X POST -H 'Content-Type: application/json' \
    --data "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login")
TOKEN=$(printf '%s' "$login" | sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || die "login failed: $login"

if [ "${BENCH_PERF:-0}" = 1 ]; then
    perf record -g -F 999 -p "$SERVER_PID" -o "$TMP/perf.data" >/dev/null 2>&1 &
    PERF_PID=$!
fi

# ---------------------------------------------------------------------------------------
# the GETs: one cold run, then RUNS timed runs; milliseconds, sorted

# time_get NAME PATH: sets COLD, MEDIAN, WORST and BYTES of NAME
declare -A COLD MEDIAN WORST BYTES
time_get() {
    local name=$1 path=$2 out code t i
    : >"$TMP/$name.raw"
    for i in $(seq 0 "$RUNS"); do
        out=$(curl -sS -o "$TMP/$name.json" -w '%{http_code} %{time_total}' \
            -H "Authorization: Bearer $TOKEN" "$API$path")
        code=${out% *}
        t=$(awk -v s="${out#* }" 'BEGIN {printf "%.1f", s * 1000}')
        [ "$code" = 200 ] || die "GET $path answered $code: $(head -c 300 "$TMP/$name.json")"
        if [ "$i" = 0 ]; then
            COLD[$name]=$t
        else
            echo "$t" >>"$TMP/$name.raw"
        fi
    done
    sort -n "$TMP/$name.raw" >"$TMP/$name.times"
    MEDIAN[$name]=$(awk '{v[NR] = $1} END {printf "%.1f", v[int((NR + 1) / 2)]}' "$TMP/$name.times")
    WORST[$name]=$(tail -n 1 "$TMP/$name.times")
    BYTES[$name]=$(wc -c <"$TMP/$name.json")
}

for name in chart50 chartall rank50 rankall; do
    case $name in
    chart50) path="/campaigns/$C50/chart" ;;
    chartall) path="/campaigns/$CALL/chart" ;;
    rank50) path="/campaigns/$C50/issues/ranking" ;;
    rankall) path="/campaigns/$CALL/issues/ranking" ;;
    esac
    time_get "$name" "$path"
    say "$name: cold ${COLD[$name]} ms, median ${MEDIAN[$name]} ms, worst ${WORST[$name]} ms" \
        "of $RUNS, ${BYTES[$name]} bytes"
done
UNITS50=$(grep -o '"key":' "$TMP/chart50.json" | wc -l)
UNITSALL=$(grep -o '"key":' "$TMP/chartall.json" | wc -l)
TOTAL_CONTACTS=$(sed -n 's/.*"total":{[^}]*"contacts":\([0-9]*\).*/\1/p' "$TMP/chartall.json")
say "chart rows: $UNITS50 ($CAMPAIGN_WPS workplaces), $UNITSALL (whole org); whole-org contacts" \
    "${TOTAL_CONTACTS:-?}"

# ---------------------------------------------------------------------------------------
# logging conversations

# What the API says is stored for the sampled people: their assessment history rows and the
# small campaign's conversations. Prints "assessments N conversations M".
cat >"$TMP/count.mjs" <<'EOF'
import fs from 'node:fs';
const [ids, api, token, campaign] = process.argv.slice(2);
const people = fs.readFileSync(ids, 'utf8').split('\n')
    .filter((l) => l.startsWith('person ')).map((l) => l.slice(7));
const get = async (path) => {
    const r = await fetch(api + path, { headers: { Authorization: `Bearer ${token}` } });
    if (r.status !== 200)
        throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
    return r.json();
};
let assessments = 0;
for (let i = 0; i < people.length; i += 16)
    for (const j of await Promise.all(people.slice(i, i + 16).map(
        (p) => get(`/people/${p}/assessments?per_page=1`))))
        assessments += j.total;
const convs = (await get(`/conversations?campaign_id=${campaign}&per_page=1`)).total;
console.log(`assessments ${assessments} conversations ${convs}`);
EOF
count() { node "$TMP/count.mjs" "$ROOT/$IDS" "$API" "$TOKEN" "$C50"; }

before=$(count)
say "before: $before"
KG_BENCH_NONCE=$(($(date +%s) % 2000000000))
export KG_BENCH_IDS="$ROOT/$IDS" KG_BENCH_TOKEN="$TOKEN" KG_BENCH_NONCE
say "wrk -t$THREADS -c$CONNS -d${DURATION}s --latency POST …/conversations"
wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$LUA" "$API" >"$TMP/wrk.txt"
sed 's/^/    /' "$TMP/wrk.txt"
after=$(count)
say "after:  $after"

CONV_RPS=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$TMP/wrk.txt")
P99=$(awk '$1 == "99%" {print $2}' "$TMP/wrk.txt")
CREATED=$(awk '$1 == "kg-bench:" && $3 == 201 {print $4}' "$TMP/wrk.txt")
CREATED=${CREATED:-0}
OTHER=$(awk '$1 == "kg-bench:" && $3 != 201 {printf "%s%s x%s", sep, $3, $4; sep = ", "}' \
    "$TMP/wrk.txt")
[ -n "$CONV_RPS" ] || die "could not read wrk's output"
A0=$(echo "$before" | awk '{print $2}')
A1=$(echo "$after" | awk '{print $2}')
C0=$(echo "$before" | awk '{print $4}')
C1=$(echo "$after" | awk '{print $4}')
HIST=$((A1 - A0))
CONVS=$((C1 - C0))
# the rate of 201s alone (wrk's Requests/sec counts every answer)
SECS=$(awk '/requests in/ {for (i = 1; i <= NF; i++) if ($i == "in") {print $(i + 1) + 0}}' \
    "$TMP/wrk.txt")
CREATED_RPS=$(awk -v n="$CREATED" -v s="${SECS:-$DURATION}" 'BEGIN {printf "%.0f", n / s}')

if [ -n "$PERF_PID" ]; then
    kill -INT "$PERF_PID" 2>/dev/null || true
    wait "$PERF_PID" 2>/dev/null || true
    PERF_PID=""
    perf report -i "$TMP/perf.data" --no-children --stdio --sort symbol 2>/dev/null |
        grep -v '^$' | head -n 400 >"$OUT/perf-organizing-self.txt" || true
    perf report -i "$TMP/perf.data" --children --stdio --sort symbol -g none 2>/dev/null |
        grep -v '^$' | head -n 200 >"$OUT/perf-organizing-children.txt" || true
    say "perf reports in $OUT/perf-organizing-self.txt and $OUT/perf-organizing-children.txt"
fi

kill -TERM "$SERVER_PID"
server_rc=0
wait "$SERVER_PID" || server_rc=$?
SERVER_PID=""
[ "$server_rc" = 0 ] || echo "bench-organizing: the server exited $server_rc on SIGTERM" >&2

# ---------------------------------------------------------------------------------------
# the table

missed=0
rows=0
row() { # figure measured target ok(1/0/-)
    local ok=ok
    if [ "$4" = - ]; then
        ok=-
    elif [ "$4" != 1 ]; then
        ok=MISSED
        missed=$((missed + 1))
    fi
    [ "$4" = - ] || rows=$((rows + 1))
    printf '%-46s | %14s | %14s | %s\n' "$1" "$2" "$3" "$ok"
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN {print (a + 0 >= b + 0) ? 1 : 0}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {print (a + 0 <= b + 0) ? 1 : 0}'; }

echo
echo "kamgar organizing bench: $PEOPLE people, $WORKPLACES workplaces, $UNITS units," \
    "$CONVERSATIONS conversations; $(nproc) cores, client beside the server"
printf '%-46s | %14s | %14s | %s\n' figure measured target "ok?"
printf '%s+%s+%s+%s\n' "$(printf -- '-%.0s' {1..47})" "$(printf -- '-%.0s' {1..16})" \
    "$(printf -- '-%.0s' {1..16})" "-------"
row "people" "$PEOPLE" "$T_PEOPLE" "$(ge "$PEOPLE" $T_PEOPLE)"
row "workplaces" "$WORKPLACES" "$T_WORKPLACES" "$(ge "$WORKPLACES" $T_WORKPLACES)"
row "units" "$UNITS" "$T_UNITS" "$(ge "$UNITS" $T_UNITS)"
row "conversations in the database" "$CONVERSATIONS" "$T_CONVERSATIONS" \
    "$(ge "$CONVERSATIONS" $T_CONVERSATIONS)"
row "chart, $CAMPAIGN_WPS workplaces: median of $RUNS" "${MEDIAN[chart50]} ms" \
    "<= $T_CHART_SMALL_MS ms" "$(le "${MEDIAN[chart50]}" $T_CHART_SMALL_MS)"
row "chart, $CAMPAIGN_WPS workplaces: worst of $RUNS" "${WORST[chart50]} ms" \
    "<= $T_CHART_SMALL_MS ms" "$(le "${WORST[chart50]}" $T_CHART_SMALL_MS)"
row "chart, whole org: median of $RUNS" "${MEDIAN[chartall]} ms" "<= $T_CHART_ALL_MS ms" \
    "$(le "${MEDIAN[chartall]}" $T_CHART_ALL_MS)"
row "chart, whole org: worst of $RUNS" "${WORST[chartall]} ms" "<= $T_CHART_ALL_MS ms" \
    "$(le "${WORST[chartall]}" $T_CHART_ALL_MS)"
row "issue ranking, $CAMPAIGN_WPS workplaces: median" "${MEDIAN[rank50]} ms" \
    "<= $T_RANKING_MS ms" "$(le "${MEDIAN[rank50]}" $T_RANKING_MS)"
row "issue ranking, $CAMPAIGN_WPS workplaces: worst" "${WORST[rank50]} ms" \
    "<= $T_RANKING_MS ms" "$(le "${WORST[rank50]}" $T_RANKING_MS)"
row "issue ranking, whole org: median" "${MEDIAN[rankall]} ms" "<= $T_RANKING_MS ms" \
    "$(le "${MEDIAN[rankall]}" $T_RANKING_MS)"
row "issue ranking, whole org: worst" "${WORST[rankall]} ms" "<= $T_RANKING_MS ms" \
    "$(le "${WORST[rankall]}" $T_RANKING_MS)"
row "conversations logged over HTTP (201/s)" "$CREATED_RPS" ">= $T_CONV_RPS" \
    "$(ge "$CREATED_RPS" $T_CONV_RPS)"
row "  wrk p99 latency" "$P99" "" -
# wrk stops with up to CONNS requests in flight: the server may store those without wrk
# counting their 201, so stored conversations may exceed the 201s by at most CONNS.
row "conversations stored / 201s answered" "$CONVS / $CREATED" ">= 201s" \
    "$([ "$CONVS" -ge "$CREATED" ] && [ "$CONVS" -le $((CREATED + CONNS)) ] && echo 1 || echo 0)"
row "assessment history rows added / stored" "$HIST / $CONVS" "all" \
    "$([ "$HIST" = "$CONVS" ] && [ "$HIST" -gt 0 ] && echo 1 || echo 0)"
row "generator: conversation_create per s (store)" "${GEN_RATE:-?}" "" -
echo
say "cold (first) runs: chart ${COLD[chart50]} / ${COLD[chartall]} ms," \
    "ranking ${COLD[rank50]} / ${COLD[rankall]} ms ($CAMPAIGN_WPS workplaces / whole org)"
[ -z "$OTHER" ] || say "answers other than 201: $OTHER"
if [ "$missed" -gt 0 ]; then
    say "MISSED $missed of $rows targets"
else
    say "all $rows targets met"
fi
exit 0
