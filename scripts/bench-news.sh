#!/usr/bin/env bash
# bench-news.sh BUILD_DIR — the news measurement (the public-pages issue).
#
# Generates (or reuses) a database of 100,000 published articles in English, Urdu, Hindi,
# Russian and Uzbek over three orgs (BUILD_DIR/bench/kamgar-bench-news, through the store
# interface), serves a copy with BUILD_DIR/kamgar, and sends news searches from a small node
# client (bench/news_client.mjs: CONC concurrent loops, keep-alive) over a mix of rare,
# common, two-word and non-Latin queries, some with a tag, a region or page 2, alternating
#   GET /api/v1/news?q=…   and   GET /news?q=…        (the total count included in both)
# Every answer is checked (200 and the total present). Prints p50 and p99 beside the targets
#   p50 <= 10 ms, p99 <= 50 ms.
#
# A measurement, not a test: it exits 0 when a target is missed (and says MISSED), non-zero
# only when it could not measure. Not part of CI.
#
# The generated database is kept in bench/out/ (git-ignored) with the parameters it was made
# with, and reused while they match; the server always runs on a copy in a temporary
# directory. It is built in BENCH_GEN_DIR (default /dev/shm when it exists) and then moved.
#
# Environment: BENCH_NEWS_ARTICLES (default 100000), BENCH_NEWS_REQUESTS (default 4000),
# BENCH_NEWS_CONC (concurrent client loops, default 1: latency, not queueing on a small
# machine; 4 on a 2-core box shared with builds roughly quadruples p50), BENCH_GEN_DIR.
set -euo pipefail

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

ARTICLES=${BENCH_NEWS_ARTICLES:-100000}
REQUESTS=${BENCH_NEWS_REQUESTS:-4000}
CONC=${BENCH_NEWS_CONC:-1}
T_ARTICLES=100000
T_P50_MS=10
T_P99_MS=50

KAMGAR="$BUILD/kamgar"
GEN="$BUILD/bench/kamgar-bench-news"
OUT=bench/out
DB="$OUT/news.db"
PARAMS="$OUT/news.params"

die() {
    echo "bench-news: $*" >&2
    exit 1
}
say() { echo "bench-news: $*"; }

[ -x "$KAMGAR" ] || die "$KAMGAR is missing: run \`make build\` first"
[ -x "$GEN" ] ||
    die "$GEN is missing: run \`make build\` (and \`meson setup --reconfigure $BUILD\`)"
command -v node >/dev/null || die "node is needed"
mkdir -p "$OUT"

want="articles=$ARTICLES schema=$(git -C "$ROOT" log -1 --format=%h -- src/store/sqlite_news.c \
    2>/dev/null || echo none)-$(md5sum src/store/sqlite_news.c | cut -c1-12)"
if [ ! -f "$DB" ] || [ "$(cat "$PARAMS" 2>/dev/null)" != "$want" ]; then
    gen_dir=${BENCH_GEN_DIR:-}
    if [ -z "$gen_dir" ]; then
        gen_dir=$OUT
        [ -d /dev/shm ] && [ -w /dev/shm ] && gen_dir=/dev/shm
    fi
    tmpdb="$gen_dir/kamgar-bench-news.$$.db"
    rm -f "$tmpdb" "$tmpdb-wal" "$tmpdb-shm" "$DB" "$DB-wal" "$DB-shm"
    say "generating $ARTICLES articles (once; cached in $DB)"
    start=$(date +%s)
    "$GEN" --db "$tmpdb" --articles "$ARTICLES" 2>&1 | grep -v ' articles$' || true
    [ -f "$tmpdb" ] || die "the generator did not write $tmpdb"
    mv "$tmpdb" "$DB"
    rm -f "$tmpdb-wal" "$tmpdb-shm"
    echo "$want" >"$PARAMS"
    say "generated in $(($(date +%s) - start)) s ($(du -h "$DB" | cut -f1))"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kamgar-bench-news.XXXXXX")
server=
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
cp "$DB" "$work/news.db"
"$KAMGAR" serve --db "$work/news.db" --listen 127.0.0.1:0 --quiet >"$work/out" 2>"$work/err" &
server=$!
port=
for _ in $(seq 1 150); do
    port=$(sed -n 's/.*kamgar listening on port \([0-9]*\).*/\1/p' "$work/out" | head -1)
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || die "kamgar serve exited: $(cat "$work/err")"
    sleep 0.1
done
[ -n "$port" ] || die "kamgar serve did not start"

say "searching: $REQUESTS requests, $CONC at a time, over 25 queries on both endpoints"
res=$(node bench/news_client.mjs "http://127.0.0.1:$port" "$REQUESTS" "$CONC") ||
    die "the client failed"
field() { echo "$res" | sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p"; }
errors=$(field errors)
[ "$errors" = "0" ] || die "$errors answers were wrong (see above)"
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "ok" : "MISSED" }'; }
p50=$(field p50)
p99=$(field p99)
printf '%-44s %10s   target %s\n' "articles" "$ARTICLES" ">= $T_ARTICLES"
printf '%-44s %8s/s\n' "throughput ($CONC concurrent)" "$(field rps)"
printf '%-44s %7s ms   (page %s ms)\n' "  /api/v1/news p50" "$(field api_p50)" "$(field page_p50)"
printf '%-44s %7s ms   (page %s ms)\n' "  /api/v1/news p99" "$(field api_p99)" "$(field page_p99)"
printf '%-44s %7s ms   target <= %s ms  %s\n' "news search p50 (both endpoints, total incl.)" \
    "$p50" "$T_P50_MS" "$(verdict "$p50" "$T_P50_MS")"
printf '%-44s %7s ms   target <= %s ms  %s\n' "news search p99 (both endpoints, total incl.)" \
    "$p99" "$T_P99_MS" "$(verdict "$p99" "$T_P99_MS")"
