#!/usr/bin/env bash
# Builds and runs a traced program whose lock file pins the oldest versions that
# cargo-borrowscope/src/versions.rs (OLDEST) says BorrowScope's crates build with: the crates
# `cargo borrowscope run --all` adds to the copy of a user's workspace. Run it after raising
# or adding a dependency of type-info-schema, borrowscope-expand, borrowscope-macro or
# borrowscope-runtime. Usage: scripts/oldest-versions.sh (needs crates.io).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cat > "$work/Cargo.toml" <<TOML
[package]
name = "oldest"
version = "0.1.0"
edition = "2021"

[dependencies]
borrowscope-macro = { path = "$root/borrowscope-macro" }
borrowscope-runtime = { path = "$root/borrowscope-runtime" }
serde = { version = "=1.0.100", features = ["derive"] }
serde_derive = "=1.0.100"
serde_json = "=1.0.40"
xxhash-rust = "=0.8.5"
syn = { version = "=2.0.82", features = ["full"] }
quote = "=1.0.35"
proc-macro2 = "=1.0.83"
libc = "=0.2.60"

[workspace]
TOML
cat > "$work/src/main.rs" <<'RUST'
#[borrowscope_macro::trace_borrow]
fn main() {
    let s = String::from("kept");
    let t = s;
    println!("{t}");
}
RUST
cd "$work"
cargo generate-lockfile --quiet
# Warnings from BorrowScope's crates would be printed in the user's build: none allowed.
RUSTFLAGS="" cargo build --quiet --message-format short 2>&1 | tee build.log
if grep -q '^\(warning\|error\)' build.log; then
    echo "oldest-versions: BorrowScope's crates do not build cleanly with the pinned versions" >&2
    exit 1
fi
test "$(cargo run --quiet)" = kept
echo "oldest-versions: BorrowScope's crates build and run with the versions of OLDEST in cargo-borrowscope/src/versions.rs"
