#!/usr/bin/env bash
# Measures what #[trace_borrow] costs at compile time: the macro's corpus (about 75 functions
# and an impl block, tests/corpus.rs) is built as a library twice, once as written (each
# function instrumented with `verbose`) and once with the attribute removed. Dependencies are
# built first; each figure is the median of five rebuilds of the library alone.
# Usage: scripts/compile-cost.sh [debug|release]
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-debug}"
root="$PWD"
work="$root/target/compile-cost"
rm -rf "$work"
for variant in traced plain; do
  mkdir -p "$work/$variant/src"
  cat > "$work/$variant/Cargo.toml" <<TOML
[package]
name = "corpus-$variant"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
borrowscope-macro = { path = "$root/borrowscope-macro" }
borrowscope-runtime = { path = "$root/borrowscope-runtime" }

[workspace]
TOML
  # As a library the test-only helpers are unused: keep warnings, drop `deny(warnings)`.
  sed 's/^#!\[deny(warnings)\]$//' borrowscope-macro/tests/corpus.rs > "$work/$variant/src/lib.rs"
done
# The plain variant: the same source with the attribute taken off.
sed -i 's/\$(#\[borrowscope_macro::trace_borrow(verbose)\] \$item)\*/$($item)*/; s/^    #\[borrowscope_macro::trace_borrow(verbose)\]$//; s/^#\[borrowscope_macro::trace_borrow(verbose)\]$//' "$work/plain/src/lib.rs"
if grep -v "^//!" "$work/plain/src/lib.rs" | grep -q trace_borrow; then
  echo "the plain variant still uses the attribute" >&2
  exit 1
fi
flag=""
[ "$profile" = release ] && flag="--release"
for variant in plain traced; do
  (cd "$work/$variant" && CARGO_TARGET_DIR="$work/target" cargo build -q $flag)
  times=()
  for _ in 1 2 3 4 5; do
    touch "$work/$variant/src/lib.rs"
    start=$(date +%s%N)
    (cd "$work/$variant" && CARGO_TARGET_DIR="$work/target" cargo build -q $flag)
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  echo "$profile $variant: median ${median} ms (runs: ${times[*]} ms)"
done
