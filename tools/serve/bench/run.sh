#!/usr/bin/env bash
# run.sh WENDA_BIN CORPUS_TSV QUESTIONS_TSV [DURATION]
# ($WENDA_SERVE_ARGS is added to the `wenda serve` command line, e.g.
# "--cache-mb 0" to measure without the answer cache.)
# Load benchmark of `wenda serve` /api/search with wrk: indexes the corpus,
# starts the service, and runs 1, 8 and 64 connections over the questions
# (first column of QUESTIONS_TSV), printing one RESULT line per run.
set -euo pipefail
BIN=$1 CORPUS=$2 QUESTIONS=$3 DUR=${4:-20s}
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d /tmp/wenda-bench-XXXXXX)
trap 'kill $PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$TMP"' EXIT
"$BIN" index --index "$TMP/index" "$CORPUS" >/dev/null
python3 - "$QUESTIONS" > "$TMP/paths" <<'PY'
import sys, urllib.parse
with open(sys.argv[1], encoding="utf-8") as f:
    next(f)
    for line in f:
        q = line.split("\t")[0].strip()
        if q:
            print("/api/search?n=10&q=" + urllib.parse.quote(q))
PY
# shellcheck disable=SC2086
"$BIN" serve --index "$TMP/index" --listen 127.0.0.1:0 ${WENDA_SERVE_ARGS:-} > "$TMP/out" &
PID=$!
for _ in $(seq 100); do grep -q listening "$TMP/out" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/out")
export WENDA_PATHS=$TMP/paths
wrk -t1 -c1 -d3s -s "$HERE/search.lua" "http://127.0.0.1:$PORT" >/dev/null  # warm up
for c in 1 8 64; do
  t=$(( c < 2 ? 1 : 2 ))
  printf 'connections=%d ' "$c"
  wrk -t"$t" -c"$c" -d"$DUR" --latency -s "$HERE/search.lua" "http://127.0.0.1:$PORT" | grep RESULT
done
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^wenda_http_(requests|errors)_total\{endpoint="search"\}'
