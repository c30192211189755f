#!/usr/bin/env bash
# Compares the cost of building an instrumented library with this checkout's macro and
# runtime against an earlier commit's: the library rebuilt alone (its sources touched, not
# incremental), the two builds in turn under farm-bench (whole-process medians and the
# ratio this/base, pair by pair).
#
# Usage: scripts/macro-build-ab.sh BASE_COMMIT NAME@VERSION [RUNS]
# The instrumented copy comes from the trial: run `cargo xtask trial --keep NAME@VERSION`
# first (it leaves target/trial/NAME@VERSION/crate/target/borrowscope/workspace).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
base="$1" crate="$2" runs="${3:-5}"
copy="$root/target/trial/$crate/crate/target/borrowscope/workspace"
[ -f "$copy/Cargo.toml" ] || { echo "no instrumented copy of $crate: run cargo xtask trial --keep $crate first" >&2; exit 1; }
command -v farm-bench >/dev/null || { echo "farm-bench is needed to time the builds" >&2; exit 1; }
work="$root/target/macro-build-ab"
mkdir -p "$work"
if [ ! -d "$work/base" ]; then
  git -C "$root" worktree add --detach "$work/base" "$base" >/dev/null
else
  git -C "$work/base" checkout -q --detach "$base"
fi
for side in this base; do
  rm -rf "$work/$side-$crate"
  cp -r "$copy" "$work/$side-$crate"
done
# The copy names BorrowScope's crates by absolute path: point the base side at the worktree.
sed -i "s#path = \"$root/#path = \"$work/base/#" "$work/base-$crate/Cargo.toml"
rebuild="$work/rebuild.sh"
cat > "$rebuild" <<'SCRIPT'
#!/bin/sh
cd "$1" && find src -name '*.rs' -exec touch {} + && CARGO_INCREMENTAL=0 exec cargo build --lib -q 2>/dev/null
SCRIPT
chmod +x "$rebuild"
for side in this base; do
  (cd "$work/$side-$crate" && CARGO_INCREMENTAL=0 cargo build --lib -q 2>/dev/null)
done
farm-bench -n "$runs" --timeout 900 --vs "$rebuild $work/base-$crate" -- "$rebuild" "$work/this-$crate"
