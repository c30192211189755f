#!/usr/bin/env bash
# What the spool costs a traced program: the tight-loop benchmark (benches/hot-loop),
# instrumented, run with BORROWSCOPE_TRACE set, its events kept in the spool (the default)
# or in ordinary memory (BORROWSCOPE_SPOOL=off), in turn, in both profiles. Prints the
# median over RUNS runs of the loop's time per call (measured by the program) and of the
# whole process's wall time (the trace written at exit included).
# Usage: scripts/spool-cost.sh [RUNS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/../benches/hot-loop"
runs="${1:-5}"
export CARGO_TARGET_DIR="$PWD/target"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%-8s %-7s %14s %12s\n' profile events "ns per call" "wall s"
for profile in debug release; do
  flag=""
  [ "$profile" = release ] && flag="--release"
  # shellcheck disable=SC2086
  cargo build -q $flag --features traced
  exe="target/$profile/borrowscope-hot-loop"
  for i in $(seq "$runs"); do
    for mode in spool memory; do
      spool=on
      [ "$mode" = memory ] && spool=off
      start=$(date +%s.%N)
      ns=$(BORROWSCOPE_TRACE="$dir/trace.json" BORROWSCOPE_SPOOL=$spool "$exe" 3 2>/dev/null | sed -E 's/.* ([0-9.]+) ns per call/\1/')
      end=$(date +%s.%N)
      echo "$ns" >> "$dir/$profile-$mode.ns"
      awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }' >> "$dir/$profile-$mode.wall"
    done
  done
  for mode in memory spool; do
    printf '%-8s %-7s %14s %12s\n' "$profile" "$mode" "$(median < "$dir/$profile-$mode.ns")" "$(median < "$dir/$profile-$mode.wall")"
  done
done
