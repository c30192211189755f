#!/usr/bin/env bash
# Provides what BorrowScope's commands need beyond Rust itself, and says what to do where it
# cannot. Run by `cargo xtask demo` (rust-src) and `cargo xtask test` (all of it, with
# --tests); idempotent, quick when everything is there.
#
# - rust-src, the standard library's sources the analyzer reads: `rustup component add
#   rust-src`, or where rustup cannot download, Debian's package (scripts/provide-rust-src.sh).
# - with --tests: Chromium and its WebDriver (the report's browser tests), selenium (their
#   driver), Graphviz (the DOT export's rendering check), from apt where there is apt and we
#   may install (root, or sudo without a password).
set -euo pipefail
cd "$(dirname "$0")/.."
tests=false
[ "${1:-}" = "--tests" ] && tests=true

missing=()

sysroot="$(rustc --print sysroot)"
library="$sysroot/lib/rustlib/src/rust/library"
if [ ! -f "$library/std/src/lib.rs" ]; then
  if command -v rustup >/dev/null 2>&1 && rustup component add rust-src >/dev/null 2>&1 && [ -f "$library/std/src/lib.rs" ]; then
    echo "setup: rust-src installed with rustup"
  elif command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 && scripts/provide-rust-src.sh; then
    echo "setup: rust-src provided from Debian's package"
  else
    missing+=("the standard library's sources: run \`rustup component add rust-src\` (the analyzer reads them)")
  fi
fi

# Runs apt-get as root, or through sudo without a password; false when neither can.
apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  local run=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || return 1
    run=(sudo -n)
  fi
  "${run[@]}" apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get install -y -qq "$@" >/dev/null
}

if $tests; then
  if ! command -v dot >/dev/null 2>&1; then
    apt_install graphviz || echo "setup: Graphviz is not installed; the DOT export's rendering check is skipped without it"
  fi
  if ! command -v chromedriver >/dev/null 2>&1 || ! { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; }; then
    if apt_install chromium chromium-driver; then
      echo "setup: Chromium and its WebDriver installed"
    else
      missing+=("headless Chromium and its WebDriver, for the report's browser tests: install Debian's or Ubuntu's \`chromium\` and \`chromium-driver\` (or your system's Chromium and a matching chromedriver on PATH)")
    fi
  fi
  if ! python3 -c 'import selenium' 2>/dev/null; then
    python3 -m pip install --quiet selenium 2>/dev/null \
      || apt_install python3-selenium \
      || python3 -m pip install --quiet --user --break-system-packages selenium 2>/dev/null \
      || missing+=("selenium for python3, which drives Chromium in the browser tests: \`python3 -m pip install selenium\` or \`apt-get install python3-selenium\`")
  fi
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: some of what is needed could not be installed here:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi
echo "setup: everything needed is here"
