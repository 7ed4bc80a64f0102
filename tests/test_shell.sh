#!/usr/bin/env bash
# test_shell.sh - the shell conventions of the wenda binary:
#  - wenda(1), as `wenda help --man` writes it and the build installs it, renders
#    with `man -l` without a warning and documents every command (skipped without man);
#  - the bash completion script loads (`complete -p wenda`) and completes commands,
#    options, and record ids after `show` from a real index;
#  - a mistyped command or option gets "did you mean";
#  - columns line up by display width (a CJK character is two columns), --explain names
#    fields instead of index prefixes and leaves out rows of weight 0, plurals agree;
#  - on a terminal, wrapped snippet lines keep their indent.
# Usage: test_shell.sh WENDA_BIN BUILD_TOOLS_DIR SOURCE_DIR
set -u
W=$1 DOCS=$2 SRC=$3
fail() { echo "FAIL: $*"; exit 1; }
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT

# The man page.
"$W" help --man > "$T/wenda.1" || fail "help --man exited $?"
cmp -s "$T/wenda.1" "$DOCS/wenda.1" || fail "the built wenda.1 differs from help --man"
for c in ask index reindex delete info show segment dict eval serve coverage export completion; do
    grep -q "^\.SS \"wenda $c\"" "$T/wenda.1" || fail "wenda.1 has no section for $c"
done
if command -v man >/dev/null; then
    warn=$(MANWIDTH=80 man --warnings -l "$T/wenda.1" 2>&1 >/dev/null)
    [ -z "$warn" ] || fail "man -l warns: $warn"
    MANWIDTH=80 man -l "$T/wenda.1" 2>/dev/null | grep -q "wenda export" || fail "man -l shows no export"
else
    echo "note: man not installed; the rendering check was skipped"
fi

# Bash completion.
"$W" completion bash > "$T/wenda.bash" || fail "completion bash exited $?"
cmp -s "$T/wenda.bash" "$DOCS/wenda.bash" || fail "the built wenda.bash differs"
bash -c "source '$T/wenda.bash' && complete -p wenda" | grep -q -- "-F _wenda wenda" ||
    fail "complete -p wenda after sourcing"
"$W" index --quiet --index "$T/idx" "$SRC/corpus/seeds" || fail "index exited $?"
mkdir -p "$T/bin" && ln -s "$W" "$T/bin/wenda"
out=$(PATH="$T/bin:$PATH" bash -c "
source '$T/wenda.bash'
COMP_WORDS=(wenda exp); COMP_CWORD=1; _wenda; echo \"cmd: \${COMPREPLY[*]}\"
COMP_WORDS=(wenda ask --js); COMP_CWORD=2; _wenda; echo \"opt: \${COMPREPLY[*]}\"
COMP_WORDS=(wenda show --index '$T/idx' '000_e31b320f51b19bad#2'); COMP_CWORD=4; _wenda
echo \"ids: \${COMPREPLY[*]}\"")
echo "$out" | grep -qx "cmd: export" || fail "command completion: $out"
echo "$out" | grep -qx "opt: --json" || fail "option completion: $out"
echo "$out" | grep -q "^ids: 000_e31b320f51b19bad#2 000_e31b320f51b19bad#20" || fail "id completion: $out"
"$W" completion --ids "nothing-like-this" --index "$T/idx" >/dev/null; [ $? = 1 ] || fail "--ids without a match must exit 1"
"$W" completion fish >/dev/null 2>&1; [ $? = 2 ] || fail "completion fish must be a usage error"
"$W" completion zsh | head -1 | grep -q "^#compdef wenda" || fail "zsh script header"

# Did you mean.
err=$("$W" aks 2>&1); [ $? = 2 ] || fail "wenda aks must exit 2"
echo "$err" | grep -q "did you mean 'ask'" || fail "wenda aks: $err"
err=$("$W" ask --josn 低保 2>&1); [ $? = 2 ] || fail "--josn must exit 2"
echo "$err" | grep -q "did you mean '--json'" || fail "--josn: $err"
err=$("$W" zzzzzz 2>&1); echo "$err" | grep -q "did you mean" && fail "no suggestion expected: $err"
# Columns by display width: in `segment --offsets` and `dict check` the column after the
# word is at the same display column on every row.
aligned() { python3 -c '
import sys, unicodedata
def w(s): return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
cols = set()
for line in sys.stdin:
    line = line.rstrip("\n")
    word = line.split()[int(sys.argv[1])]
    i = line.index(word) + len(word)
    j = i + len(line[i:]) - len(line[i:].lstrip(" "))
    if sys.argv[2] == "end":  # a right-aligned column: where it ends
        j += len(line[j:].split()[0])
    cols.add(w(line[:j]))
sys.exit(0 if len(cols) == 1 else 1)' "$1" "$2"; }
"$W" segment --offsets 低保户要交医保吗abc | aligned 1 end || fail "segment --offsets columns"
"$W" dict check 灵活就业医保ok | aligned 0 start || fail "dict check columns"
# --explain: field names, no prefixes, no zero rows.
ex=$("$W" ask --index "$T/idx" --explain -n 1 低保户要交医保吗)
echo "$ex" | grep -qE '^ +[^ ]+ +question +[0-9.]+$' || fail "--explain names no question field: $ex"
echo "$ex" | grep -qE '^ +XB|^ +S[^ ]* +[0-9]' && fail "--explain shows index prefixes: $ex"
echo "$ex" | grep -qE ' 0\.0000$' && fail "--explain lists rows of weight 0: $ex"
# Plurals.
printf '{"question": "测试问题", "answer": "一个答案"}\n' > "$T/one.jsonl"
"$W" index --index "$T/one" "$T/one.jsonl" | grep -q "^indexed 1 record from 1 file" || fail "plural of 1 record"
# Wrapped snippet lines keep their indent (on a terminal of 40 columns; skipped without script).
if command -v script >/dev/null; then
    w=$(script -qc "COLUMNS=40 '$W' ask --color never --index '$T/idx' -n 1 低保户要交医保吗" /dev/null |
        tr -d '\r' | sed -n '2,/confidence/p' | sed '$d')
    [ "$(printf '%s\n' "$w" | wc -l)" -ge 3 ] || fail "the snippet is not wrapped at 40 columns: $w"
    printf '%s\n' "$w" | grep -qv '^   [^ ]' && fail "a wrapped snippet line lost its indent: $w"
    # not wrapped when the output is not a terminal
    [ "$("$W" ask --index "$T/idx" -n 1 低保户要交医保吗 | sed -n 2p | cut -c1-3)" = "   " ] ||
        fail "the snippet line"
    [ "$("$W" ask --index "$T/idx" -n 1 低保户要交医保吗 | sed -n 3p | grep -c confidence)" = 1 ] ||
        fail "a snippet wrapped though the output is no terminal"
else
    echo "note: script not installed; the wrapping check was skipped"
fi
echo "ok"
