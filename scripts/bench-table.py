#!/usr/bin/env python3
"""Prints the runtime's per-event benchmark results as a Markdown table.

Reads criterion's estimates under target/criterion after
`cargo bench -p borrowscope-runtime --bench recording`; the ratio column divides each
case by the mean of the two baseline runs (a thread-local Vec of 24-byte events).
"""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")


def mean_ns(group: str, bench: str) -> float:
    path = root / group / bench / "new" / "estimates.json"
    return json.loads(path.read_text())["mean"]["point_estimate"]


CASES = ["no_recording", "macro_new", "macro_event", "track_new", "track_borrow", "track_drop", "mixed"]
print("| case | 1 thread | 2 threads | 8 threads |")
print("|---|---|---|---|")
rows = {}
for threads in (1, 2, 8):
    group = f"per_event_{threads}_threads"
    base = (mean_ns(group, "baseline_thread_local_vec_24b") + mean_ns(group, "baseline_thread_local_vec_24b_again")) / 2
    rows.setdefault("baseline (thread-local Vec, 24 B)", []).append(f"{base:.2f} ns")
    for case in CASES:
        value = mean_ns(group, case)
        rows.setdefault(case, []).append(f"{value:.2f} ns ({value / base:.2f}x)")
for name, cells in rows.items():
    print(f"| {name} | " + " | ".join(cells) + " |")
export = root / "export" / "json_250k_events" / "new"
if export.exists():
    seconds = json.loads((export / "estimates.json").read_text())["mean"]["point_estimate"] / 1e9
    size = json.loads((export / "benchmark.json").read_text())["throughput"]["Bytes"]
    print(f"\nJSON export: {size / seconds / 1e6:.0f} MB/s ({size} bytes in {seconds * 1e3:.1f} ms)")
