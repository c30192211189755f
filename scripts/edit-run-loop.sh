#!/usr/bin/env bash
# The edit-run loop of `cargo borrowscope run --all` / `test --all` against plain `cargo run`
# / `cargo test`: after an edit of one file, how long until the program has run (or the
# tests have), whole command, median of RUNS (default 5), with the analysis and with
# `--syntax-only`. Two projects: a small binary
# (written here) and semver 1.0.26's test suite (fetched with `cargo vendor`). Each timed
# command follows its own edit (a comment appended to one file), so that each builds
# incrementally from a changed source, as in the loop a user is in; each project is warmed
# up by one run of each command first.
#
#   bash scripts/edit-run-loop.sh [RUNS]
set -euo pipefail
runs="${1:-5}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --release --locked --quiet -p cargo-borrowscope --bin cargo-borrowscope --manifest-path "$repo/Cargo.toml"
target="${CARGO_TARGET_DIR:-$repo/target}"
cli="$target/release/cargo-borrowscope"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unset CARGO_TARGET_DIR BORROWSCOPE_TRACE

# Seconds taken by a command (its output discarded, its exit status ignored: a run --all of
# a program exits with the program's status).
seconds() {
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null 2>&1 < /dev/null || true
  end=$(date +%s%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'
}

median() {
  sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# loop NAME FILE PLAIN... -- TRACED...: times each after an edit of FILE, RUNS times.
loop() {
  local name="$1" file="$2"
  shift 2
  local plain=() traced=()
  while [ "$1" != "--" ]; do plain+=("$1"); shift; done
  shift
  traced=("$@")
  "${plain[@]}" > /dev/null 2>&1 < /dev/null || true
  "${traced[@]}" > /dev/null 2>&1 < /dev/null || true
  local p=() t=()
  for i in $(seq "$runs"); do
    printf '\n// edit %s plain\n' "$i" >> "$file"
    p+=("$(seconds "${plain[@]}")")
    printf '\n// edit %s traced\n' "$i" >> "$file"
    t+=("$(seconds "${traced[@]}")")
  done
  local pm tm
  pm=$(printf '%s\n' "${p[@]}" | median)
  tm=$(printf '%s\n' "${t[@]}" | median)
  printf '%s: plain %.2f s, cargo borrowscope %.2f s (%.2fx); plain runs: %s; traced runs: %s\n' \
    "$name" "$pm" "$tm" "$(awk -v a="$tm" -v b="$pm" 'BEGIN { print a / b }')" "${p[*]}" "${t[*]}"
}

# A small binary, edited in a module of its own.
app="$work/bank"
mkdir -p "$app/src"
printf '[package]\nname = "bank"\nversion = "0.1.0"\nedition = "2024"\n\n[dependencies]\n' > "$app/Cargo.toml"
cat > "$app/src/accounts.rs" <<'EOF'
pub struct Account {
    pub owner: String,
    pub balance: i64,
}

impl Account {
    pub fn deposit(&mut self, amount: i64) {
        self.balance += amount;
    }
}

pub fn total(accounts: &[Account]) -> i64 {
    accounts.iter().map(|account| account.balance).sum()
}
EOF
cat > "$app/src/main.rs" <<'EOF'
mod accounts;

use accounts::{Account, total};

fn main() {
    let mut accounts = Vec::new();
    for i in 0..100 {
        let mut account = Account { owner: format!("owner {i}"), balance: i };
        account.deposit(5);
        accounts.push(account);
    }
    println!("{} {}", accounts[0].owner, total(&accounts));
}
EOF
(cd "$app" && loop "small binary (cargo run)" src/accounts.rs cargo run -- "$cli" borrowscope run --all)
(cd "$app" && loop "small binary (cargo run), --syntax-only" src/accounts.rs cargo run -- "$cli" borrowscope run --all --syntax-only)

# semver's own test suite.
fetch="$work/fetch"
mkdir -p "$fetch/src"
printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\nsemver = "=1.0.26"\n\n[workspace]\n' > "$fetch/Cargo.toml"
: > "$fetch/src/lib.rs"
(cd "$fetch" && cargo vendor --versioned-dirs vendor > /dev/null 2>&1)
crate="$work/semver"
cp -r "$fetch/vendor/semver-1.0.26" "$crate"
rm -f "$crate/.cargo-checksum.json"
printf '\n[workspace]\n' >> "$crate/Cargo.toml"
(cd "$crate" && loop "semver 1.0.26 tests (cargo test)" src/parse.rs cargo test -- "$cli" borrowscope test --all)
(cd "$crate" && loop "semver 1.0.26 tests (cargo test), --syntax-only" src/parse.rs cargo test -- "$cli" borrowscope test --all --syntax-only)
