#!/usr/bin/env bash
# Screenshots of the demo's report for the README (docs/report*.png): runs the demo (`cargo
# xtask demo`, which is `cargo borrowscope run` on examples/demo) and photographs its report
# in headless Chromium (Debian's chromium and chromium-driver, selenium; see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo xtask demo > /dev/null
mkdir -p docs
report="$PWD/target/demo/report.html"
python3 tests/browser/report.py screenshot "$report" docs/report.png
# The Arc `total` selected, with the step-through part way through the run (event 33).
python3 tests/browser/report.py screenshot "$report" docs/report-variable.png 3 33
