#!/usr/bin/env python3
"""Measures the analyzer: cold run, no-change re-run and peak memory, next to `cargo check`.

Usage: python3 scripts/analyzer-bench.py
Builds the analyzer in release mode, copies each fixture (and semver 1.0.26, fetched with
`cargo vendor`) into target/analyzer-bench/, and for each: runs the analyzer with no
previous output (cold), runs it again (no change), and runs `cargo check` from a clean
target folder. Prints a Markdown table.
"""
import os
import pathlib
import shutil
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "analyzer-bench"


def timed(cmd, cwd):
    """Wall seconds and the peak RSS (MiB) of one child process."""
    start = time.monotonic()
    child = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - start
    if status != 0:
        raise SystemExit(f"{cmd} failed in {cwd}")
    return wall, usage.ru_maxrss / 1024


def fetch_semver():
    fetch = WORK / "fetch"
    (fetch / "src").mkdir(parents=True, exist_ok=True)
    (fetch / "Cargo.toml").write_text('[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\nsemver = "=1.0.26"\n\n[workspace]\n')
    (fetch / "src" / "lib.rs").write_text("")
    subprocess.run(["cargo", "vendor", "--versioned-dirs", "vendor"], cwd=fetch, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    target = WORK / "semver"
    shutil.copytree(fetch / "vendor" / "semver-1.0.26", target)
    manifest = target / "Cargo.toml"
    manifest.write_text(manifest.read_text() + "\n[workspace]\n")
    return target


def main():
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "borrowscope-analyzer"], cwd=ROOT, check=True)
    analyzer = ROOT / "target" / "release" / "borrowscope-analyzer"
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    projects = []
    for name in ["basic", "sites", "kinds", "workspace"]:
        shutil.copytree(ROOT / "tests" / "fixtures" / name, WORK / name)
        projects.append((f"fixture {name}", WORK / name))
    projects.append(("semver 1.0.26 (crates.io)", fetch_semver()))
    print("| project | analyzer cold | peak memory | no-change re-run | `cargo check` (clean) |")
    print("|---|---|---|---|---|")
    for label, path in projects:
        cold, peak = timed([str(analyzer), "--quiet", str(path)], path)
        again, _ = timed([str(analyzer), "--quiet", str(path)], path)
        env_target = str(WORK / "check-target" / path.name)
        shutil.rmtree(env_target, ignore_errors=True)
        start = time.monotonic()
        subprocess.run(["cargo", "check", "-q"], cwd=path, check=True, env={**os.environ, "CARGO_TARGET_DIR": env_target}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        check = time.monotonic() - start
        print(f"| {label} | {cold:.2f} s | {peak:.0f} MiB | {again:.3f} s | {check:.2f} s |")


if __name__ == "__main__":
    main()
