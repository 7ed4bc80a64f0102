#!/usr/bin/env bash
# test_shards.sh - sharded indexes and Xapian's remote backend, on the real binary.
#
#  - `wenda index --shards 2` splits the seed corpus over DIR/shard-1 and DIR/shard-2;
#    re-indexing without --shards routes every record to the same shard (all replaced);
#  - two xapian-tcpsrv processes on loopback each serve one shard, and
#    `wenda ask --json` over "tcp://...,tcp://..." gives the same hits, in the same
#    order, with the same scores as one local index of the whole corpus (and as the
#    local stub DIR); the same for the insurance corpus when ../shared/data is there;
#  - `wenda coverage` and POST /api/coverage of `wenda serve` give the same verdicts,
#    confidences and best records over a comma-separated list of shard folders, the
#    two remote shards and the sharded folder as over one index;
#  - killing one shard server gives exit 3 and a message naming the shard, within
#    the timeout (never a crash or a hang).
#
# Usage: test_shards.sh WENDA_BIN SOURCE_DIR. Exit 77 (skip) without xapian-tcpsrv.
set -u
WENDA=${1:?wenda binary}
SRC=${2:?source dir}
command -v xapian-tcpsrv >/dev/null || { echo "SKIP: xapian-tcpsrv not installed (xapian-tools)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }

T=$(mktemp -d /tmp/wenda-shards-XXXXXX)
PIDFILE=$T/servers.pids
: >"$PIDFILE"
cleanup() {
    while read -r p; do kill -TERM -- "-$p" 2>/dev/null; done <"$PIDFILE"
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
export WENDA_DICT= WENDA_INDEX=
unset WENDA_DICT WENDA_INDEX

# Start xapian-tcpsrv on a free loopback port in its own process group (it signals
# its whole group when stopped); prints the port.
serve() {
    local db=$1 port
    for _ in $(seq 1 20); do
        port=$((20000 + RANDOM % 40000))
        setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" "$db" >"$T/srv-$port.log" 2>&1 &
        local pid=$!
        for _ in $(seq 1 50); do
            if grep -q "Listening" "$T/srv-$port.log" 2>/dev/null; then
                echo "$pid" >>"$PIDFILE" # serve runs in $(...): a subshell
                echo "$port $pid"
                return 0
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -TERM -- "-$pid" 2>/dev/null
    done
    return 1
}

# The hits of `wenda ask --json`: rank, id, score. Not "total": it is Xapian's
# estimate, which may differ between one database and several.
hits() {
    python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    print(json.dumps([d["query"], [[h["rank"], h["id"], h["score"]] for h in d["hits"]]], ensure_ascii=False))
'
}

# The same hits in the same order, scores equal to 4 significant digits: the
# frequency of a dictionary synonym group (a Xapian SYNONYM) is Xapian's estimate,
# summed per shard, so its weight may differ in the last digits.
same_hits() { # A-FILE B-FILE
    python3 - "$1" "$2" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
bad = 0
for x, y in zip(a, b):
    ok = x[0] == y[0] and [h[:2] for h in x[1]] == [h[:2] for h in y[1]] and all(
        abs(p[2] - q[2]) <= 1e-4 * max(abs(p[2]), abs(q[2]), 1e-9) for p, q in zip(x[1], y[1]))
    if not ok:
        bad += 1
        print("-", json.dumps(x, ensure_ascii=False))
        print("+", json.dumps(y, ensure_ascii=False))
if len(a) != len(b):
    print("different numbers of questions: %d, %d" % (len(a), len(b)))
    bad += 1
sys.exit(1 if bad else 0)
PY
}

ask() { # INDEX QUESTIONS-FILE
    WENDA_REMOTE_TIMEOUT_MS=5000 "$WENDA" ask --index "$1" --json -n 10 - <"$2" | hits
}

same() { # NAME INDEX-A INDEX-B QUESTIONS
    ask "$2" "$4" >"$T/a.txt" || fail "$1: ask over $2 failed"
    ask "$3" "$4" >"$T/b.txt" || fail "$1: ask over $3 failed"
    [ -s "$T/a.txt" ] || fail "$1: no output"
    same_hits "$T/a.txt" "$T/b.txt" >"$T/diff.txt" || { head -20 "$T/diff.txt"; fail "$1: hits differ"; }
    echo "ok: $1 ($(wc -l <"$T/a.txt") questions)"
}

check_corpus() { # NAME CORPUS QUESTIONS
    local name=$1 corpus=$2 q=$3
    "$WENDA" index --quiet --index "$T/$name-one" "$corpus" || fail "$name: index"
    "$WENDA" index --quiet --shards 2 --index "$T/$name-sh" "$corpus" || fail "$name: index --shards 2"
    [ -f "$T/$name-sh/XAPIANDB" ] && [ -d "$T/$name-sh/shard-1" ] && [ -d "$T/$name-sh/shard-2" ] ||
        fail "$name: no shard layout"
    local s1 s2
    s1=$(serve "$T/$name-sh/shard-1") || fail "$name: cannot start xapian-tcpsrv"
    s2=$(serve "$T/$name-sh/shard-2") || fail "$name: cannot start xapian-tcpsrv"
    REMOTE="tcp://127.0.0.1:${s1%% *},tcp://127.0.0.1:${s2%% *}"
    same "$name: local stub vs one index" "$T/$name-one" "$T/$name-sh" "$q"
    same "$name: two remote shards vs one index" "$T/$name-one" "$REMOTE" "$q"
    LAST_PIDS="${s1##* } ${s2##* }"
}

# ---- seed corpus --------------------------------------------------------------
cat >"$T/seed-q.txt" <<'EOF'
低保户要交医保吗
异地就医怎么报销
灵活就业医保会进个人账户吗
新生儿怎么参保
医保断缴有什么影响
门诊费用能报销吗
大病保险报销比例是多少
退休后还要交医保吗
EOF
check_corpus seed "$SRC/corpus/seeds" "$T/seed-q.txt"

# ---- coverage over shards -------------------------------------------------------
# The verdict lines of `wenda coverage --json` (question, verdict, confidence, best
# id): the summary's timing aside, a shard list must judge as one index does.
verdicts() {
    python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    if "summary" in d:
        s = d["summary"]
        print(json.dumps(["summary", s["covered"]["count"], s["partial"]["count"], s["uncovered"]["count"],
                          [g["questions"] for g in s["uncovered_groups"]]], ensure_ascii=False))
    else:
        print(json.dumps([d["question"], d["verdict"], round(d["confidence"], 3),
                          d["best"]["id"] if d["best"] else None], ensure_ascii=False))
'
}
cat "$T/seed-q.txt" >"$T/cov-q.txt"
printf '公积金怎么提取\n怎么提取公积金\n' >>"$T/cov-q.txt"
coverage() { # INDEX
    WENDA_REMOTE_TIMEOUT_MS=5000 "$WENDA" coverage --index "$1" --json "$T/cov-q.txt" | verdicts
}
coverage "$T/seed-one" >"$T/cov-one.txt" || fail "coverage over one index"
grep -q '"covered"' "$T/cov-one.txt" && grep -q '"uncovered"' "$T/cov-one.txt" ||
    fail "coverage: the questions should give both verdicts"
LIST="$T/seed-sh/shard-1,$T/seed-sh/shard-2"
for idx in "$LIST" "$REMOTE" "$T/seed-sh"; do
    coverage "$idx" >"$T/cov-sh.txt" || fail "coverage over $idx: exit $?"
    diff "$T/cov-one.txt" "$T/cov-sh.txt" || fail "coverage over $idx differs from one index"
done
echo "ok: coverage over a shard list, remote shards and a sharded folder judges as one index"

# POST /api/coverage answers the same over remote shards and the sharded folder.
serve_coverage() { # INDEX
    local port log=$T/serve.log
    for _ in $(seq 1 20); do
        port=$((20000 + RANDOM % 40000))
        WENDA_REMOTE_TIMEOUT_MS=5000 setsid "$WENDA" serve --index "$1" --listen "127.0.0.1:$port" >"$log" 2>&1 &
        local pid=$!
        echo "$pid" >>"$PIDFILE"
        for _ in $(seq 1 100); do
            if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=1)" 2>/dev/null; then
                python3 - "$port" "$T/cov-q.txt" <<'PY'
import sys, urllib.request
body = open(sys.argv[2], 'rb').read()
req = urllib.request.Request('http://127.0.0.1:%s/api/coverage' % sys.argv[1], data=body, method='POST')
sys.stdout.write(urllib.request.urlopen(req, timeout=60).read().decode())
PY
                local st=$?
                kill -TERM -- "-$pid" 2>/dev/null
                return $st
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -TERM -- "-$pid" 2>/dev/null
    done
    cat "$log"
    return 1
}
for idx in "$REMOTE" "$T/seed-sh"; do
    serve_coverage "$idx" | verdicts >"$T/cov-api.txt" || fail "POST /api/coverage over $idx"
    diff "$T/cov-one.txt" "$T/cov-api.txt" || fail "POST /api/coverage over $idx differs from one index"
done
echo "ok: POST /api/coverage over remote shards and a sharded folder judges as one index"

# Re-indexing without --shards routes to the same shards: all replaced, none added.
out=$("$WENDA" index --json --index "$T/seed-sh" "$SRC/corpus/seeds") || fail "re-index"
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["added"]==0 and d["replaced"]==d["records"], d' ||
    fail "re-index of a sharded index added records"
echo "ok: re-index routes to the same shards"
# A record can be deleted from a sharded index.
id=$("$WENDA" ask --index "$T/seed-sh" --json -n 1 低保户要交医保吗 | python3 -c 'import json,sys; print(json.load(sys.stdin)["hits"][0]["id"])')
"$WENDA" delete --index "$T/seed-sh" "$id" >/dev/null || fail "delete from a sharded index"
"$WENDA" show --index "$T/seed-sh" "$id" >/dev/null 2>&1 && fail "deleted record still there"
echo "ok: delete finds the record's shard"

# ---- a shard that stops answering --------------------------------------------
victim=${LAST_PIDS%% *}
kill -TERM -- "-$victim" 2>/dev/null
sleep 0.3
start=$(date +%s)
WENDA_REMOTE_TIMEOUT_MS=2000 timeout 30 "$WENDA" ask --index "$REMOTE" 低保户要交医保吗 >"$T/out.txt" 2>"$T/err.txt"
st=$?
took=$(($(date +%s) - start))
[ "$st" -eq 3 ] || { cat "$T/err.txt"; fail "dead shard: exit $st, want 3"; }
grep -q "127.0.0.1" "$T/err.txt" || { cat "$T/err.txt"; fail "dead shard: message does not name the shard"; }
[ "$took" -le 15 ] || fail "dead shard: took ${took}s"
echo "ok: dead shard -> exit 3: $(head -1 "$T/err.txt")"

# ---- insurance corpus (when ../shared/data is there) --------------------------
INS="$SRC/../shared/data/insurance-zhidao-faq/Insurance_zhidao_test"
if [ -f "$INS/corpus.txt" ]; then
    tail -n +2 "$INS/test.txt" | cut -f1 >"$T/ins-q.txt"
    check_corpus insurance "$INS/corpus.txt" "$T/ins-q.txt"
else
    echo "note: $INS absent, insurance comparison skipped"
fi
echo "PASS"
