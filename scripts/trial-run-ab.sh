#!/usr/bin/env bash
# Times a trial crate's test run, plain against instrumented, as `cargo xtask trial` times
# it (`cargo test --tests`, the instrumented copy's spool left for the command to convert),
# alternating under farm-bench: whole-process medians and the ratio instrumented/plain.
#
# Usage: scripts/trial-run-ab.sh NAME@VERSION [RUNS]
# The crate and its instrumented copy come from the trial: run `cargo xtask trial
# [--type-info] --keep NAME@VERSION` first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
crate="$1" runs="${2:-10}"
dir="$root/target/trial/$crate/crate"
copy="$dir/target/borrowscope/workspace/Cargo.toml"
[ -f "$copy" ] || { echo "no instrumented copy of $crate: run cargo xtask trial --keep $crate first" >&2; exit 1; }
command -v farm-bench >/dev/null || { echo "farm-bench is needed to time the runs" >&2; exit 1; }
work="$root/target/trial-run-ab"
mkdir -p "$work/traces"
cat > "$work/plain.sh" <<SCRIPT
#!/bin/sh
cd "$dir" && exec cargo test -q --no-fail-fast --tests >/dev/null 2>&1
SCRIPT
cat > "$work/traced.sh" <<SCRIPT
#!/bin/sh
rm -f "$work"/traces/*.spool
cd "$dir" && BORROWSCOPE_TRACE="$work/traces/test-{exe}-{pid}.json" BORROWSCOPE_LEAVE_SPOOL=1 exec cargo test -q --no-fail-fast --tests --manifest-path "$copy" >/dev/null 2>&1
SCRIPT
chmod +x "$work/plain.sh" "$work/traced.sh"
# Built once, so that the runs time the tests alone.
(cd "$dir" && cargo test -q --no-run >/dev/null 2>&1 && cargo test -q --no-run --manifest-path "$copy" >/dev/null 2>&1)
farm-bench -n "$runs" --timeout 600 --vs "$work/plain.sh" -- "$work/traced.sh"
rm -f "$work"/traces/*.spool
