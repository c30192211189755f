//! `cargo xtask demo`: the whole toolchain on `examples/demo` in one command.
//! `cargo xtask test`: the tests, after providing what they need beyond Rust.
//! `cargo xtask setup`: only the providing (`scripts/setup.sh`).
//! `cargo xtask trial [CRATE@VERSION ...]`: the real-code trial of `#[trace_borrow]`.
//!
//! The demo runs `cargo borrowscope run` (built in release mode) in the example project, as a
//! user would in theirs: it analyzes the project, builds and runs it instrumented, and
//! writes the trace and its report; the program prints its trace as text and exports it
//! through the runtime's API. `target/demo/` is left with the type-info file, the trace
//! (JSON), the ownership graph (DOT), the Chrome trace and the report to open.
//!
//! For each crate (by default those in `TRIAL_CRATES`), fetches its published source with
//! `cargo vendor` into `target/trial/NAME@VERSION/crate`, builds and runs its tests plainly
//! (timing the run apart from the build), then runs the product on it as a user would:
//! `cargo borrowscope test --all --syntax-only`, and with `--type-info` `cargo borrowscope
//! test --all` (the analysis on the instrumented copy), each followed by a timed run of the
//! copy's unit and integration tests. It prints a table of compile errors, warnings, test
//! results and times, which `TRIAL.md` records, and a second table of what each crate's library
//! costs to build, plain and instrumented in each mode (time and peak memory: `build_cost`).
//! `--full` adds the rest of the broader trial to the default crates; `--keep` leaves each
//! crate's build output (the instrumented copy) in place.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

mod build_cost;
mod crates;
mod rerun;

use crates::{FULL_TRIAL_CRATES, TRIAL_CRATES};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("demo") => {
            setup(false)?;
            demo()
        }
        Some("setup") => setup(true),
        Some("peak-memory") => std::process::exit(build_cost::peak_memory(&args[1..])?),
        Some("test") => {
            setup(true)?;
            test_workspace()
        }
        Some("trial") => {
            let options: Vec<&str> = args[1..].iter().map(String::as_str).filter(|a| a.starts_with("--")).collect();
            let named: Vec<String> = args[1..].iter().filter(|a| !a.starts_with("--")).cloned().collect();
            if let Some(unknown) = options.iter().find(|o| !matches!(**o, "--full" | "--type-info" | "--keep")) {
                bail!("unknown option {unknown}; usage: cargo xtask trial [--full] [--type-info] [--keep] [CRATE@VERSION ...]");
            }
            let crates: Vec<String> = if !named.is_empty() {
                named
            } else if options.contains(&"--full") {
                TRIAL_CRATES.iter().chain(FULL_TRIAL_CRATES).map(|s| s.to_string()).collect()
            } else {
                TRIAL_CRATES.iter().map(|s| s.to_string()).collect()
            };
            trial(&crates, options.contains(&"--type-info"), options.contains(&"--keep"))
        }
        _ => bail!(
            "usage: cargo xtask demo | cargo xtask test | cargo xtask setup | cargo xtask trial [--full] [--type-info] [--keep] [CRATE@VERSION ...]"
        ),
    }
}

/// Provides what the commands need beyond Rust (`scripts/setup.sh`): the standard library's
/// sources, and with `tests` what the browser and DOT tests need.
fn setup(tests: bool) -> Result<()> {
    let root = workspace_root();
    let mut command = Command::new("bash");
    command.arg(root.join("scripts/setup.sh")).current_dir(&root);
    if tests {
        command.arg("--tests");
    }
    if !command.status()?.success() {
        bail!("the set-up is incomplete (see above for what to install)");
    }
    Ok(())
}

/// The tests: the whole workspace, then the runtime with tracking off.
fn test_workspace() -> Result<()> {
    let root = workspace_root();
    for args in [&["test", "--workspace", "--locked"][..], &["test", "-p", "borrowscope-runtime", "--locked", "--no-default-features"]] {
        let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())).args(args).current_dir(&root).status()?;
        if !status.success() {
            bail!("`cargo {}` failed", args.join(" "));
        }
    }
    Ok(())
}

fn demo() -> Result<()> {
    let root = workspace_root();
    let project = root.join("examples/demo");
    let out = root.join("target/demo");
    std::fs::create_dir_all(&out)?;
    // The user's path: `cargo borrowscope run` in the project (analysis, build, traced run,
    // trace and report under the project's target/borrowscope/), the CLI built in release.
    let status = Command::new("cargo")
        .args(["build", "--release", "--quiet", "--locked", "-p", "cargo-borrowscope", "--bin", "cargo-borrowscope"])
        .current_dir(&root)
        .status()?;
    if !status.success() {
        bail!("building cargo-borrowscope failed");
    }
    let build = root.join("target/demo-build");
    let status = Command::new(target_dir(&root).join("release/cargo-borrowscope"))
        .args(["borrowscope", "run", "--"])
        .arg(&out)
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", &build)
        .env_remove("BORROWSCOPE_TRACE")
        .status()?;
    if !status.success() {
        bail!("`cargo borrowscope run` failed on {}", project.display());
    }
    // The program also exports through the runtime's API into target/demo; the report of
    // the user's path (with the source embedded) replaces its own.
    std::fs::copy(project.join(".borrowscope/type-info.json"), out.join("type-info.json"))?;
    std::fs::copy(build.join("borrowscope/report.html"), out.join("report.html"))?;
    for file in ["type-info.json", "trace.json", "graph.dot", "trace.chrome.json", "report.html"] {
        let path = out.join(file);
        let size = std::fs::metadata(&path).with_context(|| format!("{} was not written", path.display()))?.len();
        eprintln!("demo: wrote {} ({size} bytes)", path.display());
    }
    eprintln!("demo: open {} in a browser", out.join("report.html").display());
    Ok(())
}

/// Where Cargo builds the workspace: `CARGO_TARGET_DIR` when set, else `target/`.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |dir| root.join(PathBuf::from(dir)))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_owned()
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Result<(bool, String)> {
    let output = Command::new(program).args(args).current_dir(dir).output().with_context(|| format!("running {program}"))?;
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Ok((output.status.success(), text))
}

/// Fetches `name@version`'s published source into `dir/source`.
fn fetch(work: &Path, name: &str, version: &str) -> Result<PathBuf> {
    let fetcher = work.join("fetch");
    std::fs::create_dir_all(fetcher.join("src"))?;
    std::fs::write(
        fetcher.join("Cargo.toml"),
        format!("[package]\nname = \"fetch\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\n{name} = \"={version}\"\n\n[workspace]\n"),
    )?;
    std::fs::write(fetcher.join("src/lib.rs"), "")?;
    let (ok, log) = run(&fetcher, "cargo", &["vendor", "--versioned-dirs", "vendor"])?;
    if !ok {
        bail!("cargo vendor failed for {name}@{version}:\n{log}");
    }
    Ok(fetcher.join("vendor").join(format!("{name}-{version}")))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if entry.file_name() != ".cargo-checksum.json" {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// The `.rs` files of a crate's source (its size, for the table).
fn rust_files(dir: &Path) -> usize {
    let mut files = 0;
    let mut stack = vec![dir.to_owned()];
    while let Some(path) = stack.pop() {
        for entry in std::fs::read_dir(&path).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if entry.file_name() != "target" {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                files += 1;
            }
        }
    }
    files
}

/// A published crate's manifest has no `[workspace]`: one makes it a workspace of its own
/// (not a member of the fetcher's).
fn own_workspace(dir: &Path) -> Result<()> {
    let mut manifest = std::fs::read_to_string(dir.join("Cargo.toml"))?;
    if !manifest.contains("\n[workspace]") {
        manifest.push_str("\n[workspace]\n");
        std::fs::write(dir.join("Cargo.toml"), manifest)?;
    }
    Ok(())
}

/// Passed and failed tests, summed over the `test result:` lines, and the compile errors.
#[derive(Debug, Default)]
struct Outcome {
    built: bool,
    errors: usize,
    /// Compiler warnings (not Cargo's notes about the manifest, nor the summary lines).
    warnings: usize,
    passed: usize,
    failed: usize,
    /// Tests that failed beside the others and passed run alone (counted as passed).
    alone: Vec<String>,
    /// The events of the traces the instrumented tests wrote, checked for contradictions.
    events: usize,
    /// Each contradiction found in those traces, described (`Trace::contradictions`).
    contradictions: Vec<String>,
    /// The variable instances those traces created, and how many of them ended "unknown"
    /// (`scope_end`: neither a drop nor a move could be told).
    instances: usize,
    unknown: usize,
}

impl Outcome {
    /// Counts the failures that passed alone as passed.
    fn with_alone(mut self, alone: Vec<String>) -> Outcome {
        self.failed -= alone.len().min(self.failed);
        self.passed += alone.len();
        self.alone = alone;
        self
    }

    /// " (1 of them only alone: select2::main)", or nothing.
    fn alone_text(&self) -> String {
        if self.alone.is_empty() { String::new() } else { format!(" ({} of them only alone: {})", self.alone.len(), self.alone.join(", ")) }
    }
}

/// The baseline: builds the crate's tests (`cargo test --no-run`), then runs them and times
/// the run of the unit and integration tests alone, so the time compares test execution and
/// not compilation. Errors and warnings are counted in the build's output, test results in
/// the runs' (doctests included).
fn baseline(dir: &Path) -> Result<(Outcome, f64)> {
    let (built, build_log) = run(dir, "cargo", &["test", "--no-fail-fast", "--no-run"])?;
    // Where not every target builds (nom 7.1.3 names examples its package leaves out), the
    // unit and integration tests are built on their own, with their warnings, so that the
    // timed run only runs them.
    let tests_build_log = if built { String::new() } else { run(dir, "cargo", &["test", "--no-fail-fast", "--tests", "--no-run"])?.1 };
    let started = std::time::Instant::now();
    let (_, tests_log) = run(dir, "cargo", &["test", "--no-fail-fast", "--tests"])?;
    let seconds = started.elapsed().as_secs_f64();
    // Doctests are compiled when they run: counted, but not in the time. (A crate without a
    // library has none, and says so with an error that is not a test failure.)
    let (_, doc_log) = run(dir, "cargo", &["test", "--no-fail-fast", "--doc"])?;
    // The doctests' compile warnings are counted as the product's run counts them.
    let run_log = format!("{tests_log}{doc_log}");
    let alone = rerun::passing_alone(dir, &run_log, &[], &[])?;
    Ok((outcome(built, &format!("{build_log}{tests_build_log}{doc_log}"), &run_log).with_alone(alone), seconds))
}

/// The product on the crate: `cargo borrowscope test --all` (with `--syntax-only`, or with
/// the analysis), which copies, instruments, analyzes, builds and runs every test program,
/// doctests included, and writes their traces and reports. Then the instrumented unit and
/// integration tests are run again in the copy, timed as the baseline's are (the build and
/// the reports are not in the time). The outcome, the time and the log.
///
/// `as_baseline`: for a crate whose targets do not all build as published (nom 7.1.3 names
/// examples its package leaves out, so `cargo test` stops before any test), the product runs
/// the baseline's two selections instead, `--tests` then `--doc`.
fn traced(dir: &Path, cli: &Path, syntax_only: bool, as_baseline: bool) -> Result<(Outcome, f64, String)> {
    let mut args = vec!["borrowscope", "test", "--all", "--no-fail-fast"];
    if syntax_only {
        args.push("--syntax-only");
    }
    // The traces of an earlier run (the other mode) are not this run's.
    let written = dir.join("target/borrowscope");
    for old in std::fs::read_dir(&written).into_iter().flatten().flatten().map(|e| e.path()) {
        if old.file_name().is_some_and(|n| n.to_string_lossy().starts_with("test-")) {
            std::fs::remove_file(old)?;
        }
    }
    let (built, log) = if as_baseline {
        let (tests_built, tests_log) = run(dir, &cli.display().to_string(), &[&args[..], &["--tests"]].concat())?;
        let (_, doc_log) = run(dir, &cli.display().to_string(), &[&args[..], &["--doc"]].concat())?;
        (tests_built, format!("{tests_log}{doc_log}"))
    } else {
        run(dir, &cli.display().to_string(), &args)?
    };
    let (events, contradictions, (instances, unknown)) = contradictions(&written)?;
    let copy = dir.join("target/borrowscope/workspace/Cargo.toml").display().to_string();
    let traces = dir.join("target/borrowscope/timed");
    std::fs::create_dir_all(&traces)?;
    let trace = traces.join("test-{exe}-{pid}.json").display().to_string();
    let stack = borrowscope_runtime::TRACED_MIN_STACK.to_string();
    let timed = |args: &[&str]| -> Result<(bool, String)> {
        // As `cargo borrowscope test` runs them: each test program leaves its spool at exit,
        // which the command turns into the JSON trace after the run (not in the time).
        // With the stack the product gives traced threads (simd-adler32's tests overflow
        // libtest's 2 MiB traced).
        let output = Command::new("cargo")
            .args(args)
            .current_dir(dir)
            .env("BORROWSCOPE_TRACE", &trace)
            .env("BORROWSCOPE_LEAVE_SPOOL", "1")
            .env("RUST_MIN_STACK", &stack)
            .output()?;
        Ok((output.status.success(), format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))))
    };
    timed(&["test", "--no-fail-fast", "--no-run", "--manifest-path", &copy])?;
    let started = std::time::Instant::now();
    timed(&["test", "--no-fail-fast", "--tests", "--manifest-path", &copy])?;
    let seconds = started.elapsed().as_secs_f64();
    // The spools the timed run left (32 MiB for a program that fills the event cap).
    for spool in std::fs::read_dir(&traces)?.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "spool")) {
        std::fs::remove_file(spool)?;
    }
    // A failing test makes the command fail; what was built and what passed is in the log.
    let built = built || log.contains("test result:");
    let env = [("BORROWSCOPE_TRACE", trace.as_str()), ("BORROWSCOPE_LEAVE_SPOOL", "1"), ("RUST_MIN_STACK", stack.as_str())];
    let alone = rerun::passing_alone(dir, &log, &["--manifest-path", &copy], &env)?;
    let mut outcome = outcome(built, &log, &log).with_alone(alone);
    outcome.events = events;
    outcome.instances = instances;
    outcome.unknown = unknown;
    outcome.contradictions = contradictions;
    Ok((outcome, seconds, log))
}

/// Every event of the traces `cargo borrowscope test` wrote in `dir` (`test-*.json`), and
/// each pair of events in them that cannot both be true, described with the trace's name.
fn contradictions(dir: &Path) -> Result<(usize, Vec<String>, (usize, usize))> {
    let mut events = 0;
    let mut found = Vec::new();
    let mut fates = (0, 0);
    for path in std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()) {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if !name.starts_with("test-") || !name.ends_with(".json") {
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        // Every name in a trace is the user's code as written: one that holds the expansion's
        // own (`__BORROWSCOPE_SITES`, `borrowscope_runtime :: __private`) is a lie to the user.
        if let Some(at) = ["__BORROWSCOPE", "__borrowscope", "borrowscope_runtime"].iter().filter_map(|w| text.find(w)).min() {
            let from = text[..at].rfind('"').map_or(at, |q| q + 1);
            let excerpt: String = text[from..].chars().take(120).collect();
            found.push(format!("{name}: a name holds the expansion's code: {excerpt}"));
        }
        let trace = borrowscope_runtime::from_json(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        events += trace.events.len();
        fates.0 += trace.events.iter().filter(|e| e.op == borrowscope_runtime::Op::New).count();
        fates.1 += trace.events.iter().filter(|e| e.op == borrowscope_runtime::Op::ScopeEnd).count();
        found.extend(trace.contradictions().iter().map(|c| format!("{name}: {}", trace.describe(c))));
    }
    Ok((events, found, fates))
}

/// The contradictions of a run's traces, for the end of its log.
fn contradictions_text(outcome: &Outcome) -> String {
    outcome.contradictions.iter().map(|c| format!("\ncontradiction in {c}\n")).collect()
}

/// Counts compile errors and warnings in a build's log and test results in a run's.
fn outcome(built: bool, build_log: &str, run_log: &str) -> Outcome {
    let mut outcome = Outcome { built, ..Outcome::default() };
    let mut seen = std::collections::HashSet::new();
    let mut lines = build_log.lines();
    while let Some(line) = lines.next() {
        // Not the test failures' summaries (`error: test failed, ...`, `error: 2 targets
        // failed:`), which the run's log has.
        let failures = line.starts_with("error: test failed") || line.starts_with("error: ") && line.ends_with(" failed:");
        if line.starts_with("error[") || line.starts_with("error:") && !failures {
            outcome.errors += 1;
        }
        let summary = line.contains(" generated ") || line.ends_with(" emitted");
        // Cargo's own "build failed, waiting for other jobs to finish..." comes or not with
        // the order the jobs end in: not the compiler's.
        let cargo = line.starts_with("warning: build failed");
        if line.starts_with("warning: ") && !line.contains("Cargo.toml:") && !summary && !cargo {
            // Each warning once, by its text and where it is: a target built twice (the
            // library for its tests and for the doctests) repeats its warnings.
            let place = lines.clone().take(3).find(|l| l.trim_start().starts_with("-->")).unwrap_or_default();
            if seen.insert((line, place)) {
                outcome.warnings += 1;
            }
        }
    }
    for line in run_log.lines() {
        if let Some(rest) = line.strip_prefix("test result: ") {
            // "ok. 2 passed; 0 failed; ...": the number before each word.
            let words: Vec<&str> = rest.split(|c: char| c == ';' || c.is_whitespace()).filter(|w| !w.is_empty()).collect();
            let number = |word: &str| -> usize { words.windows(2).find(|w| w[1] == word).and_then(|w| w[0].parse().ok()).unwrap_or(0) };
            outcome.passed += number("passed");
            outcome.failed += number("failed");
        }
    }
    outcome
}

/// `cargo-borrowscope`, built in release mode (a debug build of rust-analyzer's libraries is
/// about 11x slower).
fn cli() -> Result<PathBuf> {
    let root = workspace_root();
    let status = Command::new("cargo")
        .args(["build", "--release", "--locked", "--quiet", "-p", "cargo-borrowscope", "--bin", "cargo-borrowscope"])
        .current_dir(&root)
        .status()?;
    if !status.success() {
        bail!("building cargo-borrowscope failed");
    }
    Ok(target_dir(&root).join("release/cargo-borrowscope"))
}

/// One instrumented run against the baseline, as a table cell, and whether it did worse.
fn cell(base: &Outcome, base_seconds: f64, inst: &Outcome, seconds: f64) -> (String, bool) {
    // Errors the baseline has too (doctests that do not compile plain) are not the
    // instrumentation's.
    let worse = !inst.built
        || inst.errors > base.errors
        || inst.warnings > base.warnings
        || inst.passed < base.passed
        || inst.failed > base.failed
        || !inst.contradictions.is_empty();
    let ratio = if base_seconds > 0.0 { seconds / base_seconds } else { 0.0 };
    let text = format!(
        "{} errors, {} warnings; {} passed{}, {} failed; {seconds:.2} s ({ratio:.2}x); traces: {} events, {} contradictions, {} of {} variables' ends unknown",
        inst.errors,
        inst.warnings,
        inst.passed,
        inst.alone_text(),
        inst.failed,
        inst.events,
        inst.contradictions.len(),
        inst.unknown,
        inst.instances
    );
    (text, worse)
}

/// `keep`: leave each crate's build output (`crate/target`, with the instrumented copy) and its
/// fetched dependencies; without it they are removed once the crate is done (a few GB each:
/// the whole `--full` trial filled the disk), the logs kept.
fn trial(crates: &[String], with_type_info: bool, keep: bool) -> Result<()> {
    let work = workspace_root().join("target/trial");
    let cli = cli()?;
    let mut rows = Vec::new();
    let mut build_rows = Vec::new();
    let mut regressions = Vec::new();
    for spec in crates {
        let (name, version) = spec.split_once('@').with_context(|| format!("{spec}: expected NAME@VERSION"))?;
        let dir = work.join(spec);
        let _ = std::fs::remove_dir_all(&dir);
        // A version that cannot be fetched (yanked, say) is left out, and the others go on.
        let source = match fetch(&dir, name, version) {
            Ok(source) => source,
            Err(err) => {
                let text = err.to_string();
                let reason = text
                    .lines()
                    .map(str::trim)
                    .find(|l| l.contains("yanked"))
                    .or_else(|| text.lines().find(|l| l.starts_with("error")))
                    .unwrap_or_default()
                    .to_owned();
                eprintln!("{spec}: left out: it could not be fetched ({reason})");
                rows.push(format!("| {spec} | | left out: it could not be fetched ({reason}) | | |"));
                continue;
            }
        };
        let project = dir.join("crate");
        copy_dir(&source, &project)?;
        own_workspace(&project)?;
        let files = rust_files(&project);
        let (base, base_seconds) = baseline(&project)?;
        // A crate whose library does not build as published (on this toolchain, say) is
        // left out with a line saying so, and the others go on.
        let plain_build = match build_cost::library_build(&project.join("Cargo.toml")) {
            Ok(cost) => cost,
            Err(err) => {
                let first = err.to_string().lines().find(|l| l.starts_with("error")).unwrap_or_default().to_owned();
                eprintln!("{spec}: left out: its library does not build as published ({first})");
                rows.push(format!("| {spec} | {files} | left out: its library does not build as published ({first}) | | |"));
                if !keep {
                    let _ = std::fs::remove_dir_all(project.join("target"));
                    let _ = std::fs::remove_dir_all(dir.join("fetch"));
                }
                continue;
            }
        };
        let copy = project.join("target/borrowscope/workspace/Cargo.toml");
        let (inst, seconds, log) = traced(&project, &cli, true, !base.built)?;
        let syntax_build = if inst.built { build_cost::library_build(&copy)? } else { None };
        std::fs::write(dir.join("instrumented.log"), format!("{log}{}", contradictions_text(&inst)))?;
        eprintln!("{spec}: baseline {base:?} in {base_seconds:.2} s, instrumented {inst:?} in {seconds:.2} s");
        let (syntax_cell, worse) = cell(&base, base_seconds, &inst, seconds);
        if worse {
            regressions.push(format!("{spec} (see {})", dir.join("instrumented.log").display()));
        }
        let mut typed_cell = String::from("not run");
        let mut typed_build = None;
        if with_type_info {
            let (typed, typed_seconds, log) = traced(&project, &cli, false, !base.built)?;
            std::fs::write(dir.join("type-info.log"), format!("{log}{}", contradictions_text(&typed)))?;
            if log.contains("the analysis failed") {
                bail!("the analyzer failed on {spec} (see {})", dir.join("type-info.log").display());
            }
            eprintln!("{spec}: with type-info {typed:?} in {typed_seconds:.2} s");
            let (text, worse) = cell(&base, base_seconds, &typed, typed_seconds);
            if worse {
                regressions.push(format!("{spec} with type-info (see {})", dir.join("type-info.log").display()));
            }
            typed_cell = text;
            typed_build = if typed.built { build_cost::library_build(&copy)? } else { None };
        }
        if !keep {
            let _ = std::fs::remove_dir_all(project.join("target"));
            let _ = std::fs::remove_dir_all(dir.join("fetch"));
        }
        rows.push(format!(
            "| {spec} | {files} | {} passed{}, {} failed, {} warnings; {base_seconds:.2} s | {syntax_cell} | {typed_cell} |",
            base.passed,
            base.alone_text(),
            base.failed,
            base.warnings
        ));
        let build_cell = |cost: Option<build_cost::Cost>| match (cost, plain_build) {
            (Some(cost), Some(plain)) => cost.against(plain),
            _ => String::from("not measured"),
        };
        build_rows.push(format!(
            "| {spec} | {} | {} | {} |",
            plain_build.map_or_else(|| String::from("no library"), build_cost::Cost::text),
            build_cell(syntax_build),
            if with_type_info { build_cell(typed_build) } else { String::from("not run") }
        ));
    }
    println!("| crate | files | baseline | instrumented, syntax only | instrumented, with type-info |");
    println!("|---|---|---|---|---|");
    rows.iter().for_each(|r| println!("{r}"));
    println!();
    println!("Library builds (`cargo build --lib`, not incremental, every source touched, median of three; peak resident memory):");
    println!();
    println!("| crate | plain | instrumented, syntax only | instrumented, with type-info |");
    println!("|---|---|---|---|");
    build_rows.iter().for_each(|r| println!("{r}"));
    if !regressions.is_empty() {
        bail!("instrumented builds that do worse than their baseline: {}", regressions.join(", "));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// A warning is the compiler's, counted once with its place; Cargo's notes are not.
    #[test]
    fn warnings_are_the_compilers() {
        let log = "warning: build failed, waiting for other jobs to finish...\n\
                   warning: unused variable: `x`\n  --> src/lib.rs:3:9\n\
                   warning: unused variable: `x`\n  --> src/lib.rs:3:9\n\
                   warning: `demo` (lib) generated 1 warning\n\
                   warning: /tmp/demo/Cargo.toml: no edition set\n\
                   error[E0583]: file not found for module `tests`\n";
        let outcome = super::outcome(false, log, "");
        assert_eq!((outcome.warnings, outcome.errors), (1, 1));
    }
}
