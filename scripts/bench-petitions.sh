#!/usr/bin/env bash
# bench-petitions.sh BUILD_DIR — measures the public petition page under load (issue 5).
#
# Generates (or reuses) a database with one open petition holding 1,000,000 signatures
# (BUILD_DIR/bench/kamgar-bench-petitions, through the store interface), serves a copy of it
# with BUILD_DIR/kamgar serve --trust-proxy (every anti-abuse rule on: the signed form token
# with its minimum fill time, the honeypot, the per-address rate limit) and runs wrk against
#   GET  /p/{slug}    2 threads, 64 connections                   (target >= 20,000 req/s)
#   POST /p/{slug}    64 concurrent signers (bench/petitions.lua)  (target >= 3,000 signatures/s)
# The signers behave like people behind a proxy: form tokens fetched from the page first and
# used only after the minimum fill time, the empty honeypot field, a distinct name, phone and
# email each, and X-Forwarded-For addresses shared by at most three signers. The 303s are
# counted on the client side and compared with the database afterwards (read with sqlite3
# once the server has stopped): every acknowledged signature must be stored, and the store's
# kept count must equal the rows.
#
# A measurement, not a test: it exits 0 when a target is missed (and says MISSED), non-zero
# only when it could not measure. Not part of CI.
#
# The generated database is kept in bench/out/ (git-ignored) with the parameters it was made
# with and reused while they match; the server always runs on a copy in a temporary directory.
#
# Environment: BENCH_SIGNATURES (default 1000000), BENCH_DURATION (wrk seconds per run,
# default 15), BENCH_PERF=1 (perf record -g the server during the runs; reports go to
# bench/out/perf-petitions-{get,post}-{self,children}.txt).
set -euo pipefail

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

SIGNATURES=${BENCH_SIGNATURES:-1000000}
DURATION=${BENCH_DURATION:-15}
THREADS=2
CONNS=64
TOKENS=64
FILL_WAIT=3.3 # the server's minimum fill time (3 s) and a margin

T_GET_RPS=20000
T_POST_SPS=3000

KAMGAR="$BUILD/kamgar"
GEN="$BUILD/bench/kamgar-bench-petitions"
OUT=bench/out
LUA=bench/petitions.lua

die() {
    echo "bench-petitions: $*" >&2
    exit 1
}

[ -x "$KAMGAR" ] || die "$KAMGAR is missing: run \`make build\` first"
[ -x "$GEN" ] ||
    die "$GEN is missing: run \`make build\` (and \`meson setup --reconfigure $BUILD\`)"
command -v curl >/dev/null || die "curl is needed"
if ! command -v wrk >/dev/null || ! command -v sqlite3 >/dev/null; then
    ./scripts/setup.sh
    command -v wrk >/dev/null || die "wrk is still missing after scripts/setup.sh"
    command -v sqlite3 >/dev/null || die "sqlite3 is still missing after scripts/setup.sh"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kamgar-bench-petitions.XXXXXX")
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

params="signatures=$SIGNATURES gen=$(sha256sum bench/gen_petitions.c | cut -c1-16)"
mkdir -p "$OUT"
if [ -f "$OUT/petitions.db" ] && [ -f "$OUT/petitions.ids" ] && [ -f "$OUT/petitions.params" ] &&
    [ "$(cat "$OUT/petitions.params")" = "$params" ]; then
    echo "bench-petitions: reusing $OUT/petitions.db ($params)"
else
    echo "bench-petitions: generating a petition with $SIGNATURES signatures (a few minutes)"
    rm -f "$OUT/petitions.db" "$OUT/petitions.db-wal" "$OUT/petitions.db-shm" \
        "$OUT/petitions.ids" "$OUT/petitions.params"
    start=$(date +%s)
    "$GEN" --db "$TMP/gen.db" --signatures "$SIGNATURES" --ids "$TMP/gen.ids" >/dev/null
    echo "bench-petitions: generated in $(($(date +%s) - start)) s"
    [ ! -e "$TMP/gen.db-wal" ] || die "the generator left a WAL file behind"
    mv "$TMP/gen.db" "$OUT/petitions.db"
    mv "$TMP/gen.ids" "$OUT/petitions.ids"
    echo "$params" >"$OUT/petitions.params"
fi
DB="$TMP/petitions.db"
cp "$OUT/petitions.db" "$DB"
SLUG=$(sed -n 's/^slug //p' "$OUT/petitions.ids")
PETITION=$(sed -n 's/^petition //p' "$OUT/petitions.ids")
if [ -z "$SLUG" ] || [ -z "$PETITION" ]; then die "$OUT/petitions.ids is incomplete"; fi
case "$PETITION" in *[!0-9a-f-]*) die "$OUT/petitions.ids names a strange petition id" ;; esac

# Rows and the store's kept count, read straight from the database (server stopped).
db_counts() {
    sqlite3 -batch "$DB" \
        "SELECT (SELECT count(*) FROM petition_signatures WHERE petition_id = '$PETITION'),
                (SELECT signature_count FROM petitions WHERE id = '$PETITION');" | tr '|' ' '
}
read -r ROWS0 KEPT0 <<<"$(db_counts)"
if [ "$ROWS0" != "$SIGNATURES" ] || [ "$KEPT0" != "$SIGNATURES" ]; then
    die "the database holds $ROWS0 signatures (kept count $KEPT0), not $SIGNATURES"
fi

# ---------------------------------------------------------------------------------------
# the server

start_server() {
    "$KAMGAR" serve --db "$DB" --listen 127.0.0.1:0 --quiet --trust-proxy >"$TMP/serve.out" \
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
}
stop_server() {
    kill -TERM "$SERVER_PID"
    local rc=0
    wait "$SERVER_PID" || rc=$?
    SERVER_PID=""
    [ "$rc" = 0 ] || echo "bench-petitions: the server exited with status $rc on SIGTERM" >&2
}

start_server
echo "bench-petitions: kamgar serving on $BASE (pid $SERVER_PID, $(nproc) cores, --trust-proxy)"
# The machine may be shared: say how busy it was, since wrk and the server share its cores.
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

count_json() {
    curl -sS "$BASE/p/$SLUG/count.json" |
        sed -n 's/.*"count"[[:space:]]*:[[:space:]]*\([0-9]*\).*/\1/p'
}

code=$(curl -sS -o "$TMP/page.html" -w '%{http_code}' "$BASE/p/$SLUG")
[ "$code" = 200 ] || die "GET /p/$SLUG answered $code"
grep -q ">$SIGNATURES</span>" "$TMP/page.html" ||
    die "the page does not show $SIGNATURES signatures"
echo "bench-petitions: the petition page: $(wc -c <"$TMP/page.html") bytes, $SIGNATURES signatures"

# ---------------------------------------------------------------------------------------
# the runs

# run_wrk SECONDS LOGFILE [wrk args...]
run_wrk() {
    local secs=$1 log=$2
    shift 2
    wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" --latency "$@" >"$log"
}
wrk_rps() { awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$1"; }
wrk_p99() { awk '$1 == "99%" {print $2}' "$1"; }
wrk_secs() { sed -n 's/.* requests in \([0-9.]*\)\([a-z]*\),.*/\1 \2/p' "$1" |
    awk '{ n = $1; if ($2 == "ms") n /= 1000; else if ($2 == "m") n *= 60; print n }'; }
wrk_errs() {
    local non2xx sockerr
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$1")
    sockerr=$(awk '/Socket errors:/ {sub(/^ *Socket errors: */, ""); print}' "$1")
    echo "${non2xx:+$non2xx non-2xx/3xx responses}${sockerr:+ socket errors: $sockerr}"
}

# perf_start / perf_stop NAME: with BENCH_PERF=1, profiles the server over one measured run.
perf_start() {
    if [ "${BENCH_PERF:-0}" = 1 ]; then
        perf record -g -F 999 -p "$SERVER_PID" -o "$TMP/perf.data" >/dev/null 2>&1 &
        PERF_PID=$!
    fi
}
perf_stop() {
    [ -n "$PERF_PID" ] || return 0
    kill -INT "$PERF_PID" 2>/dev/null || true
    wait "$PERF_PID" 2>/dev/null || true
    PERF_PID=""
    perf report -i "$TMP/perf.data" --no-children --stdio --sort symbol 2>/dev/null |
        grep -v '^$' | head -n 400 >"$OUT/perf-petitions-$1-self.txt" || true
    perf report -i "$TMP/perf.data" --children --stdio --sort symbol -g none 2>/dev/null |
        grep -v '^$' | head -n 200 >"$OUT/perf-petitions-$1-children.txt" || true
    echo "bench-petitions: perf reports in $OUT/perf-petitions-$1-{self,children}.txt"
}

# GET: the page a shared link brings people to.
GET_ARGS=(-H 'Accept-Language: en-GB,en;q=0.9' "$BASE/p/$SLUG")
echo "bench-petitions: warming up GET /p/$SLUG (3 s)"
run_wrk 3 "$TMP/warm-get.txt" "${GET_ARGS[@]}"
echo "bench-petitions: wrk -t$THREADS -c$CONNS -d${DURATION}s --latency GET /p/$SLUG"
perf_start
run_wrk "$DURATION" "$TMP/wrk-get.txt" "${GET_ARGS[@]}"
perf_stop get
sed 's/^/    /' "$TMP/wrk-get.txt"
GET_RPS=$(wrk_rps "$TMP/wrk-get.txt")
GET_P99=$(wrk_p99 "$TMP/wrk-get.txt")
GET_ERRS=$(wrk_errs "$TMP/wrk-get.txt")
if [ -z "$GET_RPS" ] || [ -z "$GET_P99" ]; then die "could not read wrk's output for GET"; fi

# POST: the tokens first, as each signer's browser got one with the page, then the fill time.
for _ in $(seq 1 "$TOKENS"); do
    curl -sS "$BASE/p/$SLUG" | sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p'
done >"$TMP/tokens.txt"
[ "$(grep -c . "$TMP/tokens.txt")" = "$TOKENS" ] || die "could not read $TOKENS form tokens"
sleep "$FILL_WAIT"
export KG_BENCH_SLUG="$SLUG" KG_BENCH_TOKENS="$TMP/tokens.txt"

# One signature by hand: the form must answer 303 (a benchmark of 400s would measure nothing).
tok=$(head -n 1 "$TMP/tokens.txt" | sed 's/+/%2B/g; s/\//%2F/g; s/=/%3D/g')
code=$(curl -sS -o "$TMP/post.html" -w '%{http_code}' -H 'X-Forwarded-For: 198.51.100.7' \
    --data "token=$tok&website=&full_name=Check+Signer&email=check%40post.example.org" \
    "$BASE/p/$SLUG")
[ "$code" = 303 ] || die "POST /p/$SLUG answered $code: $(head -c 300 "$TMP/post.html")"

POST_ARGS=(-s "$LUA" "$BASE")
echo "bench-petitions: warming up POST /p/$SLUG (3 s)"
KG_BENCH_RUN=0 run_wrk 3 "$TMP/warm-post.txt" "${POST_ARGS[@]}"
sleep 1 # the last answers of the warm-up are in
BEFORE=$(count_json)
echo "bench-petitions: wrk -t$THREADS -c$CONNS -d${DURATION}s --latency -s $LUA POST /p/$SLUG"
perf_start
KG_BENCH_RUN=1 run_wrk "$DURATION" "$TMP/wrk-post.txt" "${POST_ARGS[@]}"
perf_stop post
sed 's/^/    /' "$TMP/wrk-post.txt"
sleep 1
AFTER=$(count_json)
POST_P99=$(wrk_p99 "$TMP/wrk-post.txt")
POST_SECS=$(wrk_secs "$TMP/wrk-post.txt")
line=$(grep '^kg-bench ' "$TMP/wrk-post.txt") || die "the wrk script printed no counts"
field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$line"; }
SENT=$(field sent)
ANSWERED=$(field answered)
S303=$(field s303)
S429=$(field s429)
S400=$(field s400)
OTHER=$(field other)
if [ -z "$S303" ] || [ -z "$POST_SECS" ]; then die "could not read wrk's output for POST"; fi
POST_SPS=$(awk -v n="$S303" -v s="$POST_SECS" 'BEGIN {printf "%.0f", n / s}')


HWM_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")
stop_server
read -r ROWS1 KEPT1 <<<"$(db_counts)"
STORED=$((ROWS1 - ROWS0))
STORED_RUN=$((AFTER - BEFORE))
INFLIGHT=$((SENT - ANSWERED))

# ---------------------------------------------------------------------------------------
# the table

missed=0
dashes=$(printf '%0.s-' $(seq 1 50))
row() { # figure measured target ok(1/0/-)
    local ok=ok
    if [ "$4" = - ]; then
        ok=""
    elif [ "$4" != 1 ]; then
        ok=MISSED
        missed=$((missed + 1))
    fi
    printf '%-46s | %23s | %20s | %s\n' "$1" "$2" "$3" "$ok"
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN {print (a + 0 >= b + 0) ? 1 : 0}'; }
stored_ok=0
if [ "$STORED_RUN" -ge "$S303" ] && [ "$STORED_RUN" -le $((S303 + INFLIGHT)) ] &&
    [ "$ROWS1" = "$KEPT1" ] && [ "$ROWS1" = "$AFTER" ]; then
    stored_ok=1
fi
refused=$((S429 + S400 + OTHER))

echo
echo "kamgar bench-petitions: one petition with $SIGNATURES signatures; wrk -t$THREADS" \
    "-c$CONNS -d${DURATION}s on $(nproc) cores beside the server; anti-abuse rules on"
printf '%-46s | %23s | %20s | %s\n' figure measured target "ok?"
printf '%.46s-+-%.23s-+-%.20s-+-%s\n' "$dashes" "$dashes" "$dashes" "-----"
row "GET /p/{slug} requests/s" "$GET_RPS" ">= $T_GET_RPS" "$(ge "$GET_RPS" $T_GET_RPS)"
row "GET /p/{slug} p99 latency" "$GET_P99" "" -
row "POST /p/{slug} signatures/s (303s, 64 clients)" "$POST_SPS" ">= $T_POST_SPS" \
    "$(ge "$POST_SPS" $T_POST_SPS)"
row "POST /p/{slug} p99 latency" "$POST_P99" "" -
row "acknowledged (303) in the measured run" "$S303" "" -
row "stored in the measured run (count.json)" "$STORED_RUN" "= 303s (+in flight)" "$stored_ok"
row "signers refused (429, 400, other)" "$refused" "0" "$([ "$refused" = 0 ] && echo 1 || echo 0)"
row "rows = kept count = count.json (database)" "$ROWS1/$KEPT1/$AFTER" "all equal" \
    "$([ "$ROWS1" = "$KEPT1" ] && [ "$ROWS1" = "$AFTER" ] && echo 1 || echo 0)"
echo
echo "bench-petitions: measured run: $SENT sent, $ANSWERED answered ($S303 × 303, $S429 × 429," \
    "$S400 × 400, $OTHER other), $INFLIGHT in flight when wrk stopped"
echo "bench-petitions: stored over all runs: $STORED signatures (warm-up, check and measured)"
[ -z "$GET_ERRS" ] || echo "bench-petitions: GET: $GET_ERRS"
echo "bench-petitions: load average before the runs $LOAD0, after $(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v l="${LOAD0%% *}" -v n="$(nproc)" 'BEGIN {exit !(l + 0 > n + 0)}'; then
    echo "bench-petitions: the machine was busy with other work (load above $(nproc) cores):" \
        "the figures are lower than on an idle machine"
fi
echo "bench-petitions: server peak RSS $(awk -v k="$HWM_KB" 'BEGIN {printf "%.1f", k / 1024}') MB"
if [ "$missed" -gt 0 ]; then
    echo "bench-petitions: MISSED $missed targets"
else
    echo "bench-petitions: all targets met"
fi
exit 0
