#!/usr/bin/env bash
# test_shards_partial.sh - a shard that stops answering, on the real binary.
#
# Two xapian-tcpsrv processes on loopback serve the two shards of the seed corpus.
# After one of them is killed:
#  - `wenda ask --json` exits 3 with {"error": {"code": "network", ...}} naming
#    tcp://127.0.0.1:PORT, within the timeout (+5 s: a hang guard, not a speed test);
#    the same over a stub file listing the remotes;
#  - `wenda ask --allow-partial --json` exits 0 with "partial": true,
#    "missing_shards": [that shard] and exactly the hits of the live shard alone;
#  - `wenda serve` answers 503 {"error": {"code": "shard_unavailable"}} naming the
#    shard, and `wenda serve --allow-partial` 200 with partial/missing_shards;
#  - once the shard server is back, the partial service uses it again;
#  - a shard that hangs (its server stopped with SIGSTOP: connections accepted,
#    never answered): no request costs more than one --timeout (x1.75: a bound
#    that the old behaviour, two timeouts and more, fails), the strict service
#    answers 503 naming it, the partial one (4 threads) 200 partial to 4 clients at once,
#    and both take the shard back once it answers again.
#
# Usage: test_shards_partial.sh WENDA_BIN SOURCE_DIR. Exit 77 (skip) without xapian-tcpsrv.
set -u
WENDA=${1:?wenda binary}
SRC=${2:?source dir}
command -v xapian-tcpsrv >/dev/null || { echo "SKIP: xapian-tcpsrv not installed (xapian-tools)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }

T=$(mktemp -d /tmp/wenda-partial-XXXXXX)
PIDFILE=$T/servers.pids
: >"$PIDFILE"
cleanup() {
    while read -r p; do kill -TERM -- "-$p" 2>/dev/null; done <"$PIDFILE"
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
unset WENDA_DICT WENDA_INDEX WENDA_REMOTE_TIMEOUT_MS
TIMEOUT_MS=4000

# xapian-tcpsrv on loopback in its own process group: serve DB [PORT] -> "port pid".
serve() {
    local db=$1 want=${2:-} port
    for _ in $(seq 1 20); do
        port=${want:-$((20000 + RANDOM % 40000))}
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
        [ -n "$want" ] && sleep 0.5 # the same port again: wait for it to be free
    done
    return 1
}

# `wenda serve` in the background: wserve NAME ARGS... -> its port in $T/NAME.port.
wserve() {
    local name=$1
    shift
    setsid "$WENDA" serve --listen 127.0.0.1:0 --threads "${THREADS:-2}" "$@" >"$T/$name.out" 2>"$T/$name.err" &
    echo "$!" >>"$PIDFILE"
    for _ in $(seq 1 100); do
        local port
        port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/$name.out")
        if [ -n "$port" ]; then
            echo "$port" >"$T/$name.port"
            return 0
        fi
        sleep 0.1
    done
    cat "$T/$name.err"
    return 1
}

# GET http://127.0.0.1:PORT/api/search?q=Q -> prints "STATUS BODY".
http() {
    python3 - "$1" "$2" <<'EOF'
import sys, urllib.request, urllib.parse, urllib.error
url = "http://127.0.0.1:%s/api/search?n=10&q=%s" % (sys.argv[1], urllib.parse.quote(sys.argv[2]))
try:
    r = urllib.request.urlopen(url, timeout=60)
    print(r.status, r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
EOF
}

hits() { # ranks, ids and scores of `wenda ask --json` lines
    python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    print([(h["rank"], h["id"], "%.6f" % h["score"]) for h in d["hits"]])
'
}

Q=低保户要交医保吗
"$WENDA" index --quiet --shards 2 --index "$T/kb" "$SRC/corpus/seeds" || fail "index --shards 2"
s1=$(serve "$T/kb/shard-1") || fail "cannot start xapian-tcpsrv"
s2=$(serve "$T/kb/shard-2") || fail "cannot start xapian-tcpsrv"
P1=${s1%% *} P2=${s2%% *}
LIVE=tcp://127.0.0.1:$P1 DEAD=tcp://127.0.0.1:$P2
REMOTE=$LIVE,$DEAD
printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$P1" "$P2" >"$T/remote.stub"

"$WENDA" ask --index "$REMOTE" --json -n 10 "$Q" >"$T/full.json" || fail "ask over two live shards"
"$WENDA" ask --index "$LIVE" --json -n 10 "$Q" | hits >"$T/live-alone.txt" || fail "ask over one shard"
wserve strict --index "$REMOTE" --timeout $TIMEOUT_MS || fail "wenda serve"
THREADS=4 wserve partial --index "$REMOTE" --timeout $TIMEOUT_MS --allow-partial || fail "wenda serve --allow-partial"
for name in strict partial; do
    out=$(http "$(cat "$T/$name.port")" "$Q")
    [ "${out%% *}" = 200 ] || fail "$name service before the kill: ${out:0:300}"
done
echo "ok: two live shards, CLI and services answer"

# ---- kill shard 2 -------------------------------------------------------------
kill -TERM -- "-${s2##* }" 2>/dev/null
sleep 0.3
limit=$((TIMEOUT_MS / 1000 + 5))
for index in "$REMOTE" "$T/remote.stub"; do
    start=$(date +%s%N)
    timeout 60 "$WENDA" ask --index "$index" --json --timeout $TIMEOUT_MS "$Q" >"$T/out.json" 2>"$T/err.json"
    st=$?
    took_ms=$((($(date +%s%N) - start) / 1000000))
    [ "$st" -eq 3 ] || { cat "$T/err.json"; fail "dead shard ($index): exit $st, want 3"; }
    python3 - "$T/err.json" "$DEAD" <<'EOF' || fail "dead shard ($index): bad error document"
import json, sys
d = json.load(open(sys.argv[1]))
e = d["error"]
assert e["code"] == "network", e
assert sys.argv[2] in e["message"] and "not answering" in e["message"], e
EOF
    [ "$took_ms" -lt $((limit * 1000)) ] || fail "dead shard ($index): took ${took_ms} ms (limit ${limit} s)"
    echo "ok: dead shard over $(basename "$index") -> exit 3 in ${took_ms} ms: $(head -c 160 "$T/err.json")"
done

"$WENDA" ask --index "$REMOTE" --json --allow-partial -n 10 "$Q" >"$T/partial.json" 2>"$T/err.txt" ||
    { cat "$T/err.txt"; fail "--allow-partial: exit $?"; }
python3 - "$T/partial.json" "$DEAD" <<'EOF' || fail "--allow-partial: bad JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["partial"] is True, d
assert d["missing_shards"] == [sys.argv[2]], d["missing_shards"]
assert d["hits"], "no hits"
EOF
hits <"$T/partial.json" >"$T/partial.txt"
diff -u "$T/live-alone.txt" "$T/partial.txt" || fail "--allow-partial: hits differ from the live shard alone"
grep -q '"partial"' "$T/full.json" && fail "a complete result says partial"
echo "ok: --allow-partial -> exit 0, partial, missing_shards [$DEAD], the live shard's hits"

out=$(http "$(cat "$T/strict.port")" "$Q")
[ "${out%% *}" = 503 ] || fail "service without --allow-partial: want 503, got ${out:0:300}"
echo "${out#* }" | python3 -c '
import json, sys
e = json.load(sys.stdin)["error"]
assert e["code"] == "shard_unavailable" and sys.argv[1] in e["message"], e
' "$DEAD" || fail "service 503: bad error document: ${out:0:300}"
echo "ok: service -> 503 shard_unavailable naming $DEAD"

out=$(http "$(cat "$T/partial.port")" "$Q")
[ "${out%% *}" = 200 ] || fail "service --allow-partial: want 200, got ${out:0:300}"
echo "${out#* }" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["partial"] is True and d["missing_shards"] == [sys.argv[1]], d
' "$DEAD" || fail "service --allow-partial: not marked partial: ${out:0:300}"
echo "ok: service --allow-partial -> 200 partial"

# ---- the shard comes back -----------------------------------------------------
s2=$(serve "$T/kb/shard-2" "$P2") || fail "cannot restart xapian-tcpsrv on port $P2"
sleep 1.2 # the shard watch tries a missing shard every 0.5 s
out=$(http "$(cat "$T/partial.port")" "$Q")
[ "${out%% *}" = 200 ] || fail "after the shard came back: ${out:0:300}"
echo "${out#* }" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert "partial" not in d and d["total"] > 0, d
' || fail "after the shard came back: still partial: ${out:0:300}"
out=$(http "$(cat "$T/strict.port")" "$Q")
[ "${out%% *}" = 200 ] || fail "strict service after the shard came back: ${out:0:300}"
echo "ok: the shard is used again once it is back"

# ---- shard 2 hangs ------------------------------------------------------------
# Each service has a connection open to it (a child of xapian-tcpsrv, in its
# process group): stop them all.
kill -STOP -- "-${s2##* }"
# timed PORT CLIENTS ROUNDS: CLIENTS clients x ROUNDS searches at once -> one line
# per answer: "STATUS MS PARTIAL MISSING-OR-MESSAGE".
timed() {
    python3 - "$1" "$Q" "$2" "$3" <<'EOF'
import json, sys, threading, time, urllib.request, urllib.parse, urllib.error
port, q, clients, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
url = "http://127.0.0.1:%s/api/search?n=10&q=%s" % (port, urllib.parse.quote(q))
out, lock = [], threading.Lock()
def client():
    for _ in range(rounds):
        t0 = time.monotonic()
        try:
            r = urllib.request.urlopen(url, timeout=120)
            st, body = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            st, body = e.code, e.read().decode()
        except Exception as e:
            st, body = 0, json.dumps({"error": {"message": str(e)}})
        ms = int((time.monotonic() - t0) * 1000)
        d = json.loads(body)
        missing = d.get("missing_shards") or [d.get("error", {}).get("message", "-").replace(" ", "_")]
        with lock:
            out.append("%d %d %s %s" % (st, ms, d.get("partial", False), ",".join(missing)))
ts = [threading.Thread(target=client) for _ in range(clients)]
for t in ts: t.start()
for t in ts: t.join()
print("\n".join(out))
EOF
}
bound=$((TIMEOUT_MS * 7 / 4)) # under two timeouts, with room for a loaded machine
timed "$(cat "$T/strict.port")" 1 3 >"$T/strict-hung.txt"
while read -r st ms partial missing; do
    [ "$st" = 503 ] || fail "strict service, hung shard: want 503, got $st"
    case "$missing" in *"$DEAD"*) ;; *) fail "strict service, hung shard: 503 not naming $DEAD: $missing" ;; esac
    [ "$ms" -lt "$bound" ] || fail "strict service, hung shard: an answer took $ms ms (--timeout $TIMEOUT_MS)"
done <"$T/strict-hung.txt"
echo "ok: hung shard, strict service -> 503 naming it, in $(cut -d' ' -f2 "$T/strict-hung.txt" | tr '\n' ' ')ms"
timed "$(cat "$T/partial.port")" 4 3 >"$T/partial-hung.txt"
[ "$(wc -l <"$T/partial-hung.txt")" = 12 ] || fail "partial service, hung shard: not every request answered"
while read -r st ms partial missing; do
    [ "$st" = 200 ] && [ "$partial" = True ] && [ "$missing" = "$DEAD" ] ||
        fail "partial service, hung shard: want 200 partial without $DEAD, got $st $partial $missing"
    [ "$ms" -lt "$bound" ] || fail "partial service, hung shard: an answer took $ms ms (--timeout $TIMEOUT_MS)"
done <"$T/partial-hung.txt"
echo "ok: hung shard, partial service, 4 clients -> 200 partial in $(cut -d' ' -f2 "$T/partial-hung.txt" | sort -n | tr '\n' ' ')ms"

kill -CONT -- "-${s2##* }"
back=
for _ in $(seq 1 60); do # the watch probes every 0.5 s; a hang guard of 30 s
    out=$(http "$(cat "$T/partial.port")" "$Q")
    out2=$(http "$(cat "$T/strict.port")" "$Q")
    if [ "${out%% *}" = 200 ] && [ "${out2%% *}" = 200 ] && ! echo "$out" | grep -q '"partial"'; then
        back=1
        break
    fi
    sleep 0.5
done
[ -n "$back" ] || fail "the hung shard answers again, but the services still leave it out: ${out:0:200}"
echo "ok: the shard is used again once it answers again"
echo "PASS"

