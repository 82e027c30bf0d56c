#!/usr/bin/env bash
# bench.sh BUILD_DIR — `make bench`: measures the people endpoints under load.
#
# Generates (or reuses) an org with 100,000 people over 200 workplaces and 2,000 units,
# serves it with BUILD_DIR/kamgar, logs in, and runs wrk (2 threads, 32 keep-alive
# connections, 15 s, --latency) against
#   GET /api/v1/orgs/{org}/people?workplace_id=…&per_page=50   (target >= 15,000 req/s)
#   GET /api/v1/orgs/{org}/people/{id}                          (target >= 30,000 req/s)
# with p99 <= 10 ms for both, then reads the server's peak RSS (VmHWM, target <= 64 MB) and
# prints each figure beside its target.
#
# A measurement, not a test: it exits 0 when a target is missed (and says MISSED), non-zero
# only when it could not measure. Not part of CI.
#
# The generated database is kept in bench/out/ (git-ignored) with the parameters it was
# made with, and reused while they match; the server always runs on a copy in a temporary
# directory, so the kept file stays as generated. Delete bench/out/ to regenerate.
#
# Environment: BENCH_PEOPLE, BENCH_WORKPLACES, BENCH_UNITS (sizes), BENCH_DURATION (wrk
# seconds per endpoint, default 15), BENCH_PERF=1 (perf record -g the server during the
# runs; the report goes to bench/out/perf-*.txt).
set -euo pipefail

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

PEOPLE=${BENCH_PEOPLE:-100000}
WORKPLACES=${BENCH_WORKPLACES:-200}
UNITS=${BENCH_UNITS:-2000}
DURATION=${BENCH_DURATION:-15}
THREADS=2
CONNS=32
EMAIL=bench@bench.kamgar.org
PASSWORD=kamgar-bench-2026

T_LIST_RPS=15000
T_GET_RPS=30000
T_P99_MS=10
T_RSS_MB=64

KAMGAR="$BUILD/kamgar"
GEN="$BUILD/bench/kamgar-bench-gen"
OUT=bench/out
LUA=bench/people.lua

die() {
    echo "bench: $*" >&2
    exit 1
}

[ -x "$KAMGAR" ] || die "$KAMGAR is missing: run \`make build\` first"
[ -x "$GEN" ] || die "$GEN is missing: run \`make build\` (and \`meson setup --reconfigure $BUILD\`)"
command -v curl >/dev/null || die "curl is needed"
if ! command -v wrk >/dev/null; then
    ./scripts/setup.sh
    command -v wrk >/dev/null || die "wrk is still missing after scripts/setup.sh"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kamgar-bench.XXXXXX")
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
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------
# the database

# What the kept database was made from: the sizes and the generator's source.
params="people=$PEOPLE workplaces=$WORKPLACES units=$UNITS gen=$(sha256sum bench/gen.c | cut -c1-16)"
mkdir -p "$OUT"
if [ -f "$OUT/bench.db" ] && [ -f "$OUT/bench.ids" ] && [ -f "$OUT/bench.params" ] &&
    [ "$(cat "$OUT/bench.params")" = "$params" ]; then
    echo "bench: reusing $OUT/bench.db ($params)"
else
    echo "bench: generating $PEOPLE people, $WORKPLACES workplaces, $UNITS units (a minute or so)"
    rm -f "$OUT/bench.db" "$OUT/bench.db-wal" "$OUT/bench.db-shm" "$OUT/bench.ids" \
        "$OUT/bench.params"
    start=$(date +%s)
    "$GEN" --db "$TMP/gen.db" --people "$PEOPLE" --workplaces "$WORKPLACES" --units "$UNITS" \
        --email "$EMAIL" --password "$PASSWORD" --ids "$TMP/gen.ids" >"$TMP/gen.out"
    echo "bench: generated in $(($(date +%s) - start)) s"
    [ ! -e "$TMP/gen.db-wal" ] || die "the generator left a WAL file behind"
    mv "$TMP/gen.db" "$OUT/bench.db"
    mv "$TMP/gen.ids" "$OUT/bench.ids"
    echo "$params" >"$OUT/bench.params"
fi
cp "$OUT/bench.db" "$TMP/bench.db"
first() { sed -n "s/^$1 //p" "$OUT/bench.ids" | sed -n 1p; } # no SIGPIPE under pipefail
ORG=$(first org)
WP=$(first workplace)
PERSON=$(first person)
if [ -z "$ORG" ] || [ -z "$WP" ] || [ -z "$PERSON" ]; then
    die "$OUT/bench.ids is incomplete"
fi

# ---------------------------------------------------------------------------------------
# the server

"$KAMGAR" serve --db "$TMP/bench.db" --listen 127.0.0.1:0 --quiet >"$TMP/serve.out" \
    2>"$TMP/serve.err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 100); do
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
echo "bench: kamgar serving on $BASE (pid $SERVER_PID, $(nproc) cores)"

login=$(curl -sS -X POST -H 'Content-Type: application/json' \
    --data "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login")
TOKEN=$(printf '%s' "$login" | sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || die "login failed: $login"

# Both endpoints must answer 200 (a benchmark of 404s would measure nothing).
check() {
    local path=$1 code
    code=$(curl -sS -o "$TMP/check.json" -w '%{http_code}' \
        -H "Authorization: Bearer $TOKEN" "$BASE$path")
    [ "$code" = 200 ] || die "GET $path answered $code: $(head -c 300 "$TMP/check.json")"
}
check "/api/v1/orgs/$ORG/people?workplace_id=$WP&per_page=50"
items=$(grep -o '"full_name"' "$TMP/check.json" | wc -l)
list_bytes=$(wc -c <"$TMP/check.json")
total=$(sed -n 's/.*"total"[[:space:]]*:[[:space:]]*\([0-9]*\).*/\1/p' "$TMP/check.json")
echo "bench: one list page: $items people of $total, $list_bytes bytes"
[ "$items" -gt 0 ] || die "the list page holds no people"
check "/api/v1/orgs/$ORG/people/$PERSON"
echo "bench: one person: $(wc -c <"$TMP/check.json") bytes"

export KG_BENCH_IDS="$ROOT/$OUT/bench.ids" KG_BENCH_TOKEN="$TOKEN"

# ---------------------------------------------------------------------------------------
# the runs

# wrk prints latencies as 812.00us, 4.25ms or 1.02s; in milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000;
        else if (v ~ /s$/) n *= 1000;
        printf "%.2f", n }'
}

# run MODE SECONDS LOGFILE
run_wrk() {
    KG_BENCH_MODE=$1 wrk -t"$THREADS" -c"$CONNS" -d"$2s" --latency -s "$LUA" "$BASE" >"$3"
}

if [ "${BENCH_PERF:-0}" = 1 ]; then
    perf record -g -F 999 -p "$SERVER_PID" -o "$TMP/perf.data" >/dev/null 2>&1 &
    PERF_PID=$!
fi

declare -A RPS P99 ERRS
for mode in list get; do
    echo "bench: warming up $mode (3 s)"
    run_wrk "$mode" 3 "$TMP/warm-$mode.txt"
    echo "bench: wrk -t$THREADS -c$CONNS -d${DURATION}s --latency ($mode)"
    run_wrk "$mode" "$DURATION" "$TMP/wrk-$mode.txt"
    sed 's/^/    /' "$TMP/wrk-$mode.txt"
    RPS[$mode]=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$TMP/wrk-$mode.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$TMP/wrk-$mode.txt")
    if [ -z "${RPS[$mode]}" ] || [ -z "$p99" ]; then
        die "could not read wrk's output for $mode"
    fi
    P99[$mode]=$(to_ms "$p99")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$TMP/wrk-$mode.txt")
    sockerr=$(awk '/Socket errors:/ {sub(/^ *Socket errors: */, ""); print}' \
        "$TMP/wrk-$mode.txt")
    ERRS[$mode]="${non2xx:+$non2xx non-2xx responses}${sockerr:+ socket errors: $sockerr}"
done

if [ -n "$PERF_PID" ]; then
    kill -INT "$PERF_PID" 2>/dev/null || true
    wait "$PERF_PID" 2>/dev/null || true
    PERF_PID=""
    perf report -i "$TMP/perf.data" --no-children --stdio --sort symbol 2>/dev/null |
        grep -v '^$' | head -n 400 >"$OUT/perf-self.txt" || true
    perf report -i "$TMP/perf.data" --children --stdio --sort symbol -g none 2>/dev/null |
        grep -v '^$' | head -n 200 >"$OUT/perf-children.txt" || true
    echo "bench: perf reports in $OUT/perf-self.txt and $OUT/perf-children.txt"
fi

HWM_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")
RSS_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status")
kill -TERM "$SERVER_PID"
server_rc=0
wait "$SERVER_PID" || server_rc=$?
SERVER_PID=""
[ "$server_rc" = 0 ] || echo "bench: the server exited with status $server_rc on SIGTERM" >&2

# ---------------------------------------------------------------------------------------
# the table

HWM_MB=$(awk -v k="$HWM_KB" 'BEGIN {printf "%.1f", k / 1024}')
missed=0
row() { # figure measured target ok(1/0)
    local ok=ok
    if [ "$4" != 1 ]; then
        ok=MISSED
        missed=$((missed + 1))
    fi
    printf '%-44s | %12s | %12s | %s\n' "$1" "$2" "$3" "$ok"
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN {print (a + 0 >= b + 0) ? 1 : 0}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {print (a + 0 <= b + 0) ? 1 : 0}'; }

echo
echo "kamgar bench: $PEOPLE people, $WORKPLACES workplaces, $UNITS units;" \
    "wrk -t$THREADS -c$CONNS -d${DURATION}s on $(nproc) cores beside the server"
printf '%-44s | %12s | %12s | %s\n' figure measured target "ok?"
printf '%s\n' "---------------------------------------------+--------------+--------------+-------"
row "people list (workplace, per_page=50) req/s" "${RPS[list]}" ">= $T_LIST_RPS" \
    "$(ge "${RPS[list]}" $T_LIST_RPS)"
row "people list p99" "${P99[list]} ms" "<= $T_P99_MS ms" "$(le "${P99[list]}" $T_P99_MS)"
row "person get req/s" "${RPS[get]}" ">= $T_GET_RPS" "$(ge "${RPS[get]}" $T_GET_RPS)"
row "person get p99" "${P99[get]} ms" "<= $T_P99_MS ms" "$(le "${P99[get]}" $T_P99_MS)"
row "server peak RSS (VmHWM)" "$HWM_MB MB" "<= $T_RSS_MB MB" "$(le "$HWM_MB" $T_RSS_MB)"
echo
for mode in list get; do
    [ -z "${ERRS[$mode]}" ] || echo "bench: $mode: ${ERRS[$mode]}"
done
echo "bench: server RSS at the end $(awk -v k="$RSS_KB" 'BEGIN {printf "%.1f", k / 1024}') MB"
if [ "$missed" -gt 0 ]; then
    echo "bench: MISSED $missed of 5 targets"
else
    echo "bench: all 5 targets met"
fi
# The other issues' measurements, each printing its figures beside its targets.
for part in import organizing petitions news learning contests federation; do
    echo
    "$(dirname "$0")/bench-$part.sh" "$BUILD" || echo "bench: bench-$part.sh could not measure"
done
exit 0
