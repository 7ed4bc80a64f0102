#!/usr/bin/env bash
# Installs the Debian packages wenda needs, only those that are missing.
# Sourced by tools/setup and tools/test; runs apt-get as root (or via sudo).
set -euo pipefail

WENDA_PACKAGES=(
  build-essential cmake pkg-config
  libxapian-dev libicu-dev libjansson-dev libcmocka-dev
  python3-jieba      # jieba/dict.txt: the general word list, read at build time
  libmicrohttpd-dev  # the HTTP service (wenda serve)
  uuid-dev zlib1g-dev  # libxapian's Libs.private: linking the library statically (libwenda.a)
)

# Only the test suite needs these (tools/test installs them).
WENDA_TEST_PACKAGES=(
  xapian-tools       # xapian-check and xapian-tcpsrv, used by the tests
  chromium chromium-driver python3-selenium fonts-wqy-microhei  # the browser tests
  wrk curl           # the service soak smoke (tools/soak)
  clang-format       # tools/format --check: the tree follows .clang-format
)

wenda_install_deps() {
  local missing=()
  for p in "${WENDA_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "wenda: installing ${missing[*]}" >&2
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo=(sudo); else
      echo "wenda: missing packages (${missing[*]}) and not root; install them and retry" >&2
      return 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The fuzzing toolchain (tools/fuzz, and the CI smoke in tools/test): clang
# and, named explicitly, Debian's libFuzzer/sanitizer runtime for clang-14.
WENDA_FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev)

wenda_install_test_deps() {
  local saved=("${WENDA_PACKAGES[@]}") rc=0
  WENDA_PACKAGES=("${WENDA_PACKAGES[@]}" "${WENDA_TEST_PACKAGES[@]}")
  wenda_install_deps || rc=$?
  WENDA_PACKAGES=("${saved[@]}")
  return $rc
}

wenda_install_fuzz_deps() {
  local saved=("${WENDA_PACKAGES[@]}") rc=0
  WENDA_PACKAGES=("${WENDA_FUZZ_PACKAGES[@]}")
  wenda_install_deps || rc=$?
  WENDA_PACKAGES=("${saved[@]}")
  return $rc
}
