#!/usr/bin/env bash
# The tight-loop benchmark (benches/hot-loop): small lookup functions called for every code
# point, built plain and instrumented (#[trace_borrow]), in the debug and release profiles,
# each run the same number of rounds in one go. Prints each build's time per call (the loop
# alone, measured by the program) and its ratio to the plain build of the same profile.
# Usage: scripts/hot-loop.sh [ROUNDS]   (default 10: 22 million calls per build)
set -euo pipefail
cd "$(dirname "$0")/../benches/hot-loop"
rounds="${1:-10}"
export CARGO_TARGET_DIR="$PWD/target"
for profile in debug release; do
  flag=""
  [ "$profile" = release ] && flag="--release"
  for variant in plain traced; do
    features=""
    [ "$variant" = traced ] && features="--features traced"
    # shellcheck disable=SC2086
    cargo build -q $flag $features
    cp "target/$profile/borrowscope-hot-loop" "target/hot-loop-$profile-$variant"
  done
done
printf '%-8s %-7s %12s %8s\n' profile build "ns per call" ratio
for profile in debug release; do
  plain=""
  for variant in plain traced; do
    ns=$("target/hot-loop-$profile-$variant" "$rounds" | sed -E 's/.* ([0-9.]+) ns per call/\1/')
    [ "$variant" = plain ] && plain="$ns"
    ratio=$(awk -v a="$ns" -v b="$plain" 'BEGIN { printf "%.2fx", a / b }')
    printf '%-8s %-7s %12s %8s\n' "$profile" "$variant" "$ns" "$ratio"
  done
done
