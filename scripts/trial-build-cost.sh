#!/usr/bin/env bash
# What instrumenting costs a trial crate at build time: after `cargo xtask trial --type-info
# --keep NAME@VERSION` has left target/trial/NAME@VERSION/crate (the plain crate) and, in it,
# target/borrowscope/workspace (the instrumented copy `cargo borrowscope test --all` made, with
# its type-info file), rebuilds each one's library alone (`cargo build --lib`, dependencies
# already built, not incremental) three times and prints the median wall time and the peak
# resident memory of the build (GNU time's maximum, which is the crate's own rustc).
# Usage: scripts/trial-build-cost.sh NAME@VERSION
set -euo pipefail
# Whole rebuilds of the crate: incremental reuse would hide what a first build costs.
export CARGO_INCREMENTAL=0
cd "$(dirname "$0")/.."
spec="${1:?usage: scripts/trial-build-cost.sh NAME@VERSION (after cargo xtask trial --type-info --keep NAME@VERSION)}"
dir="target/trial/$spec/crate"
[ -d "$dir/target/borrowscope/workspace" ] || { echo "no $dir/target/borrowscope/workspace: run cargo xtask trial --type-info --keep $spec first" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "GNU time is needed (apt-get install time)" >&2; exit 2; }
median() { sort -n | sed -n 2p; }
for copy in baseline instrumented; do
  if [ "$copy" = baseline ]; then manifest="$dir/Cargo.toml"; src="$dir/src"; else manifest="$dir/target/borrowscope/workspace/Cargo.toml"; src="$dir/target/borrowscope/workspace/src"; fi
  cargo build --lib -q --manifest-path "$manifest" 2>/dev/null
  times=() memory=()
  for _ in 1 2 3; do
    find "$src" -name '*.rs' -exec touch {} +
    out="$( { /usr/bin/time -f '%e %M' cargo build --lib -q --manifest-path "$manifest" 2>&1 >/dev/null; } | tail -1)"
    times+=("${out% *}") memory+=("${out#* }")
  done
  t="$(printf '%s\n' "${times[@]}" | median)"
  m="$(printf '%s\n' "${memory[@]}" | median)"
  printf '%s %s: %s s, %s MiB\n' "$spec" "$copy" "$t" "$((m / 1024))"
done
