#!/usr/bin/env bash
# The HTML report at 10k, 100k and 1M events: the time to export it (Graph::build and
# to_html, in release) and to its first render in headless Chromium (from navigation to the
# first screen drawn), each the median of three runs. Needs chromium, chromium-driver and
# selenium (see .ci/run). Prints a Markdown table for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --locked -p borrowscope-tests --bin report-of-size
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
median() { sort -n | sed -n 2p; }
echo "| events | file size | export (ms) | first render (ms) | scroll to the end and step (ms) |"
echo "|---|---|---|---|---|"
for n in 10000 100000 1000000; do
  exports=(); renders=(); steps=()
  for _ in 1 2 3; do
    line="$(target/release/report-of-size "$n" "$dir/r.html")"
    exports+=("$(sed -E 's/.*exported in ([0-9]+) ms/\1/' <<<"$line")")
    json="$(python3 tests/browser/report.py load "$dir/r.html")"
    renders+=("$(python3 -c 'import json,sys; print(round(json.loads(sys.argv[1])["first_render_ms"]))' "$json")")
    steps+=("$(python3 -c 'import json,sys; print(round(json.loads(sys.argv[1])["scroll_and_step_seconds"] * 1000))' "$json")")
  done
  size="$(du -h "$dir/r.html" | cut -f1)"
  echo "| $n | $size | $(printf '%s\n' "${exports[@]}" | median) | $(printf '%s\n' "${renders[@]}" | median) | $(printf '%s\n' "${steps[@]}" | median) |"
done
