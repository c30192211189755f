#!/usr/bin/env bash
# What each construct of the expansion costs the compiler: the instrumented copy of a trial
# crate's library expanded (`-Zunpretty=expanded`), then compiled again with one construct
# taken out at a time (scripts/expansion-variants.py), each count the instructions rustc
# executes (cachegrind) with the library's own command line.
#
# Usage: scripts/expansion-shares.sh NAME@VERSION [VARIANT...]
# Run `cargo xtask trial --keep [--type-info] NAME@VERSION` and then
# `scripts/build-instructions.sh NAME@VERSION` first: this reads the rustc command the latter
# leaves in target/build-instructions/instrumented/run.sh. Without VARIANTs, the list of
# TRIAL.md's "Where the rest of the build goes". The expanded source is compiled with
# RUSTC_BOOTSTRAP=1 (it names the compiler's internal features); a measuring tool only.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
crate="${1:?usage: scripts/expansion-shares.sh NAME@VERSION [VARIANT...]}"
shift
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(as-written as-written-bare one-table no-guards no-binds no-uses no-events no-frames no-spans)
copy="$root/target/trial/$crate/crate/target/borrowscope/workspace"
command_file="$root/target/build-instructions/instrumented/run.sh"
[ -f "$copy/Cargo.toml" ] || { echo "no instrumented copy of $crate: run cargo xtask trial --keep $crate first" >&2; exit 1; }
crate_name="$(echo "${crate%@*}" | tr - _)"
grep -q -- "--crate-name $crate_name " "$command_file" 2>/dev/null \
  || { echo "no rustc command for $crate: run scripts/build-instructions.sh $crate first" >&2; exit 1; }
grep -q ' src/lib.rs ' "$command_file" || { echo "the library's root is not src/lib.rs; this script expects it there" >&2; exit 1; }
work="$root/target/expansion-shares/$crate"
rm -rf "$work" && mkdir -p "$work"

# The expansion as one file, with the features its internal paths need.
find "$copy/src" -name '*.rs' -exec touch {} +
(cd "$copy" && RUSTC_BOOTSTRAP=1 CARGO_INCREMENTAL=0 cargo rustc -q --lib -- -Zunpretty=expanded > "$work/expanded.rs" 2> "$work/expand.log") \
  || { echo "expanding $crate failed: $work/expand.log" >&2; exit 1; }
features="prelude_import, coverage_attribute, structural_match, derive_eq_internals, core_intrinsics, trivial_clone, panic_internals"
features+=", fmt_internals, fmt_helpers_for_derive, rustc_attrs, derive_clone_copy_internals, hint_must_use, format_args_nl, allocator_api"
features+=", clone_to_uninit, thread_local, never_type, thread_local_internals, libstd_sys_internals, std_internals"
sed -i "1s/.*/#![feature($features)]#![allow(internal_features, unused_features)]/" "$work/expanded.rs"

count() {
  local name="$1" file="$2" out="$work/$1"
  mkdir -p "$out"
  sed "s#^exec env #exec env RUSTC_BOOTSTRAP=1 #; s#--cachegrind-out-file=[^ ]*#--cachegrind-out-file=$out/cachegrind.out#; s#--out-dir [^ ]*#--out-dir $out#; s# src/lib.rs # $file #" \
    "$command_file" > "$out/run.sh"
  (cd "$copy" && bash "$out/run.sh" -Awarnings > "$out/log" 2>&1) || true
  local errors instructions
  errors="$(grep -c '^error' "$out/log" || true)"
  instructions="$(grep -E 'I[[:space:]]+refs' "$out/log" | awk '{gsub(",", "", $NF); printf "%.3f", $NF / 1e9}')"
  if [ "$errors" != 0 ]; then
    echo "$name: $errors compile errors ($out/log), not counted"
  else
    echo "$name: ${instructions} G"
  fi
}

count expanded "$work/expanded.rs"
for variant in "${variants[@]}"; do
  python3 "$root/scripts/expansion-variants.py" "$work/expanded.rs" "$variant" "$work/$variant.rs"
  count "$variant" "$work/$variant.rs"
done
