#!/usr/bin/env bash
# test_qrels_long.sh - tools/qrels-long, the long versions of the answer-confidence sets.
#
#  - every question of a set comes out between an opening and a closing, its answers and
#    class unchanged, comments and blank lines kept, `@` references resolved to their text
#    (a TSV column by its header name, a side of a q1[SEP]q2 pair);
#  - the same input gives the same output (the wrapping is chosen by a hash);
#  - a set whose references cannot be read is left out with a note, exit 0; a malformed
#    line is an error naming the file and line, exit 1; no -o is a usage error, exit 2;
#  - the repository's own sets all come out, line for line, when ../shared/data is there.
#
# Usage: test_qrels_long.sh SOURCE_DIR. Exit 77 (skip) without python3.
set -u
SRC=${1:?source dir}
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
TOOL=$SRC/tools/qrels-long
T=$(mktemp -d /tmp/wenda-qrels-long-XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$T/q/confidence/x" "$T/data/d"
printf 'question\tanswer\n低保户要交医保吗\t要交\n' >"$T/data/d/corpus.txt"
printf '医保断缴怎么办？[SEP]断缴了怎么补\t1\n' >"$T/data/d/pairs.txt"
printf '# a comment\n\n医保断缴了卡里的钱还在吗\tr1,r2\tin\n@d/corpus.txt:2:question\tr3\tin\n' \
    >"$T/q/confidence/x/dev.tsv"
printf '公积金怎么提取？\t\tfar\n@d/pairs.txt:1:q1\t\tnear\n' >"$T/q/confidence/x/test.tsv"

"$TOOL" --qrels "$T/q" --data "$T/data" -o "$T/out" 2>"$T/err" || fail "exit $?: $(cat "$T/err")"
D=$T/out/confidence/x
[ -f "$D/dev.tsv" ] && [ -f "$D/test.tsv" ] || fail "sets not written"
[ "$(sed -n 1p "$D/dev.tsv")" = "# a comment" ] || fail "comment not kept"
[ -z "$(sed -n 2p "$D/dev.tsv")" ] || fail "blank line not kept"
check() { # FILE LINE CORE ANSWERS CLASS
    local line q rest
    line=$(sed -n "$2p" "$1")
    q=${line%%$'\t'*}
    rest=${line#*$'\t'}
    [ "$rest" = "$4"$'\t'"$5" ] || fail "$1:$2: answers and class changed: $line"
    case $q in
    ?*"$3"?*) ;;
    *) fail "$1:$2: '$q' does not tell '$3' between an opening and a closing" ;;
    esac
}
check "$D/dev.tsv" 3 医保断缴了卡里的钱还在吗 r1,r2 in
check "$D/dev.tsv" 4 低保户要交医保吗 r3 in
check "$D/test.tsv" 1 公积金怎么提取 "" far
check "$D/test.tsv" 2 医保断缴怎么办 "" near
grep -q '@' "$D"/*.tsv && fail "a reference was left unresolved"

"$TOOL" --qrels "$T/q" --data "$T/data" -o "$T/again" 2>/dev/null || fail "second run"
diff -r "$T/out" "$T/again" >/dev/null || fail "two runs differ"

"$TOOL" --qrels "$T/q" --data "$T/none" -o "$T/left" 2>"$T/err" || fail "missing data: exit $?"
grep -q 'x: left out' "$T/err" || fail "no note for a set left out: $(cat "$T/err")"
[ -e "$T/left/confidence/x" ] && fail "a set left out was written"

printf 'no tab here\n' >"$T/q/confidence/x/test.tsv"
"$TOOL" --qrels "$T/q" --data "$T/data" -o "$T/bad" 2>"$T/err"
[ $? -eq 1 ] || fail "a malformed line must exit 1"
grep -q 'test.tsv:1' "$T/err" || fail "the error must name the file and line: $(cat "$T/err")"
"$TOOL" >/dev/null 2>&1
[ $? -eq 2 ] || fail "no -o must exit 2"

DATA=${WENDA_DATA:-$SRC/../shared/data}
if [ -d "$DATA/insurance-zhidao-faq" ]; then
    "$TOOL" --data "$DATA" -o "$T/repo" 2>"$T/err" || fail "repository sets: $(cat "$T/err")"
    for f in "$SRC"/corpus/qrels/confidence/*/*.tsv; do
        b=$(basename "$(dirname "$f")")
        o=$T/repo/confidence/$b/$(basename "$f")
        [ "$(wc -l <"$f")" = "$(wc -l <"$o")" ] || fail "$o: not line for line"
        [ "$(cut -f2- "$f")" = "$(cut -f2- "$o")" ] || fail "$o: answers or classes changed"
    done
fi
echo "PASS"
