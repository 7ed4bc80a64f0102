#!/bin/sh
# The `wenda coverage --format html` page renders in headless Chromium:
# index the seed corpus, write the page, take a screenshot, check it is a
# non-trivial PNG. Exit 77 (CTest SKIP) when no Chromium is installed.
# usage: html_screenshot.sh WENDA_BIN SEEDS_DIR
set -eu
bin=$1 seeds=$2
browser=
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
[ -n "$browser" ] || { echo "no chromium: skipped"; exit 77; }
dir=$(mktemp -d /tmp/wenda-cov-html-XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$bin" index --index "$dir/index" "$seeds" >/dev/null
printf '医保断缴了卡里的钱还在吗\n公积金怎么提取\n低保户要交医保吗\n怎么提取公积金\n' >"$dir/q.txt"
"$bin" coverage --index "$dir/index" --format html -o "$dir/report.html" "$dir/q.txt"
grep -q '<table id=questions>' "$dir/report.html"
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --user-data-dir="$dir/profile" --window-size=1200,1400 \
    --screenshot="$dir/shot.png" "file://$dir/report.html" >/dev/null 2>&1 || true
[ -s "$dir/shot.png" ] || { echo "no screenshot written"; exit 1; }
# PNG signature, and a page with content is well over 20 kB.
head -c 8 "$dir/shot.png" | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'
size=$(wc -c <"$dir/shot.png")
[ "$size" -gt 20000 ] || { echo "screenshot too small ($size bytes): blank page?"; exit 1; }
if [ -n "${WENDA_KEEP_SCREENSHOT:-}" ]; then cp "$dir/shot.png" "$WENDA_KEEP_SCREENSHOT"; fi
echo "screenshot ok ($size bytes)"
