#!/usr/bin/env bash
# Counts the instructions rustc executes to build a trial crate's library, plain and
# instrumented: a figure that, unlike a build's time, does not move with the machine's load, so
# that one change to the expansion can be weighed against another in one run each.
#
# Usage: scripts/build-instructions.sh NAME@VERSION
# The crates come from the trial: run `cargo xtask trial --keep [--type-info] NAME@VERSION`
# first (it leaves target/trial/NAME@VERSION/crate, and the instrumented copy under its
# target/borrowscope/workspace). Needs valgrind (Debian's `valgrind` package); each count
# runs rustc under it, about 20 times slower than a build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
crate="${1:?usage: scripts/build-instructions.sh NAME@VERSION}"
plain="$root/target/trial/$crate/crate"
copy="$plain/target/borrowscope/workspace"
[ -f "$copy/Cargo.toml" ] || { echo "no instrumented copy of $crate: run cargo xtask trial --keep $crate first" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is needed to count instructions (apt-get install valgrind)" >&2; exit 1; }
work="$root/target/build-instructions"
mkdir -p "$work"

# The instructions of the library's rustc in DIR: cargo prints the command (with the
# environment it sets), which runs again under cachegrind, writing into a scratch directory.
count() {
  local dir="$1" name="$2" line
  find "$dir/src" -name '*.rs' -exec touch {} +
  rm -rf "${work:?}/$name" && mkdir -p "$work/$name"
  (cd "$dir" && CARGO_INCREMENTAL=0 cargo rustc --lib -vv > "$work/$name/cargo.log" 2>&1) || true
  # The command runs from "Running `" to the backtick that ends its line; a package's
  # description may hold line breaks (memchr's does), quoted in the command.
  python3 - "$work/$name/cargo.log" "$work/$name" > "$work/$name/run.sh" <<'PY' || { echo "cargo printed no rustc command for $dir" >&2; exit 1; }
import shlex, sys, re
log, out = open(sys.argv[1]).read(), sys.argv[2]
start = log.rindex("Running `") + len("Running `")
words = shlex.split(log[start:log.index("`\n", start)])
env = []
while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
    env.append(words.pop(0))
args, skip = [], False
for i, word in enumerate(words):
    if skip:
        skip = False
        continue
    if word == "--out-dir":
        args += ["--out-dir", out]
        skip = True
    elif word.startswith("--error-format") or word.startswith("--json"):
        continue
    else:
        args.append(word)
print("exec env " + " ".join(map(shlex.quote, env + ["CARGO_INCREMENTAL=0", "valgrind", "--tool=cachegrind", "--cache-sim=no",
      "--cachegrind-out-file=" + out + "/cachegrind.out"] + args)))
PY
  (cd "$dir" && bash "$work/$name/run.sh" > "$work/$name/log" 2>&1) || { echo "the build of $dir failed: $work/$name/log" >&2; exit 1; }
  grep -E 'I[[:space:]]+refs' "$work/$name/log" | awk '{gsub(",", "", $NF); print $NF}'
}

plain_count="$(count "$plain" plain)"
copy_count="$(count "$copy" instrumented)"
awk -v p="$plain_count" -v c="$copy_count" -v crate="$crate" 'BEGIN {
  printf "%s library, instructions executed by rustc: plain %.3f G, instrumented %.3f G (%.2fx)\n", crate, p / 1e9, c / 1e9, c / p
}'
