#!/usr/bin/env bash
# test_install.sh BUILD_DIR SOURCE_DIR [EXTRA_CFLAGS]
# Installs the build into a scratch prefix, checks that headers, both
# libraries, wenda.pc and the binary are in place, then builds the example
# program against the installed library with pkg-config alone (shared, and
# static) and has it answer a question from an index the installed binary
# built.
set -euo pipefail
BUILD=$1
SRC=$2
EXTRA=${3:-}
PREFIX=$(mktemp -d /tmp/wenda-install-XXXXXX)
trap 'rm -rf "$PREFIX"' EXIT

cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null
for f in bin/wenda include/wenda/search.h include/wenda/analyzer.h include/wenda/index.h include/wenda/record.h include/wenda/coverage.h include/wenda/discover.h share/man/man1/wenda.1 share/bash-completion/completions/wenda share/zsh/site-functions/_wenda; do
  [ -e "$PREFIX/$f" ] || { echo "missing after install: $f" >&2; exit 1; }
done
PC=$(find "$PREFIX" -name wenda.pc | head -1)
[ -n "$PC" ] || { echo "missing after install: wenda.pc" >&2; exit 1; }
LIBDIR=$(dirname "$(dirname "$PC")")
[ -e "$LIBDIR/libwenda.so" ] && [ -e "$LIBDIR/libwenda.a" ] ||
  { echo "missing after install: libwenda.so / libwenda.a in $LIBDIR" >&2; exit 1; }

export PKG_CONFIG_PATH=$(dirname "$PC")
CC=${CC:-cc}
# Copy the example out of the tree: only the installed files may be used.
cp "$SRC/tools/examples/ask.c" "$PREFIX/ask.c"
# shellcheck disable=SC2046,SC2086
$CC -std=c11 -Wall -Wextra -Wpedantic -Werror $EXTRA -o "$PREFIX/ask" "$PREFIX/ask.c" \
  $(pkg-config --cflags --libs wenda)
# shellcheck disable=SC2046,SC2086
$CC -std=c11 -Wall -Wextra -Werror $EXTRA -o "$PREFIX/ask-static" "$PREFIX/ask.c" \
  $(pkg-config --cflags wenda) "$LIBDIR/libwenda.a" \
  $(pkg-config --static --libs wenda | sed 's/-lwenda//')

"$PREFIX/bin/wenda" index --index "$PREFIX/index" "$SRC/corpus/seeds" >/dev/null
for exe in ask ask-static; do
  out=$(LD_LIBRARY_PATH=$LIBDIR "$PREFIX/$exe" "$PREFIX/index" 低保户要交医保吗)
  head -n 2 <<<"$out" # a here-string: no pipe for head to close early under pipefail
  grep -q '^1\. .*低保户' <<<"$out" || { echo "$exe: unexpected answer" >&2; exit 1; }
done
# The shared library exports the wd_ API and nothing of the Xapian shim.
# The example's own Makefile: pkg-config alone, and the library found at run
# time without LD_LIBRARY_PATH although the prefix is not a system one.
mkdir "$PREFIX/example"
cp "$SRC/tools/examples/Makefile" "$SRC/tools/examples/ask.c" "$PREFIX/example/"
CFLAGS="-std=c11 -Wall -Wextra -O2 $EXTRA" LDFLAGS="$EXTRA" make -s -C "$PREFIX/example" >/dev/null
out=$(env -u LD_LIBRARY_PATH "$PREFIX/example/ask" "$PREFIX/index" 低保户要交医保吗)
grep -q '^1\. .*低保户' <<<"$out" || { echo "example built by its Makefile: unexpected answer" >&2; exit 1; }
syms=$(nm -D --defined-only "$LIBDIR/libwenda.so")
if grep -q ' xc_' <<<"$syms"; then
  echo "libwenda.so exports xc_ symbols" >&2; exit 1
fi
echo "install test ok"
