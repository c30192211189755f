//! `run` and `test`: the whole workflow in one command. Analyze (skipped when nothing
//! changed), build and run with tracing on, then write the report of each trace under
//! `target/borrowscope/`; Ctrl-C reaches the program, and the command ends as it did. With
//! `--all` the workspace is not edited: its instrumented copy (`copy.rs`) is analyzed, built
//! and run in its place, and the trace's columns are mapped back to the user's lines.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, ExitCode};

use anyhow::{Context, bail};
use borrowscope_runtime::{CallSite, SourceIndex};

use crate::copy::{Columns, Plan, refresh};
use crate::read::{contradictions_note, load, write_report};
use crate::{Build, Features, Scope, Targets};

/// The program `run` runs: a binary or an example (cargo's choice when neither is named).
pub(crate) struct Program {
    pub(crate) bin: Option<String>,
    pub(crate) example: Option<String>,
}

/// `run`: `cargo run` with tracing on.
pub(crate) fn run(program: Program, package: Option<String>, build: &Build, scope: &Scope, args: Vec<String>) -> anyhow::Result<ExitCode> {
    let mut cargo = vec!["run".to_owned()];
    if let Some(bin) = program.bin {
        cargo.extend(["--bin".to_owned(), bin]);
    }
    if let Some(example) = program.example {
        cargo.extend(["--example".to_owned(), example]);
    }
    if let Some(package) = &package {
        cargo.extend(["--package".to_owned(), package.clone()]);
    }
    cargo.extend(build.cargo_args());
    if !args.is_empty() {
        cargo.push("--".to_owned());
        cargo.extend(args);
    }
    let owner = package.or_else(current_package);
    workflow(&cargo, "trace.json", scope, &build.analysis_features(owner.as_deref()))
}

/// `test`: `cargo test` with tracing on, a trace per test program.
pub(crate) fn test(
    testname: Option<String>,
    package: Option<String>,
    no_fail_fast: bool,
    targets: &Targets,
    build: &Build,
    scope: &Scope,
    args: Vec<String>,
) -> anyhow::Result<ExitCode> {
    let mut cargo = vec!["test".to_owned()];
    if no_fail_fast {
        cargo.push("--no-fail-fast".to_owned());
    }
    if let Some(package) = &package {
        cargo.extend(["--package".to_owned(), package.clone()]);
    }
    cargo.extend(targets.cargo_args());
    cargo.extend(build.cargo_args());
    if let Some(name) = testname {
        cargo.push(name);
    }
    if !args.is_empty() {
        cargo.push("--".to_owned());
        cargo.extend(args);
    }
    // Each test program is a process of its own, with a trace of its own.
    let owner = package.or_else(current_package);
    workflow(&cargo, "test-{exe}-{pid}.json", scope, &build.analysis_features(owner.as_deref()))
}

/// The package cargo builds here when no `-p` names one, whose features a bare `--features`
/// names: the nearest manifest's, when it has a `[package]` (none in a virtual workspace's
/// root, where cargo takes only `PACKAGE/FEATURE`).
fn current_package() -> Option<String> {
    let text = std::fs::read_to_string(nearest_manifest().ok()?).ok()?;
    let manifest: toml_edit::DocumentMut = text.parse().ok()?;
    manifest.get("package")?.get("name")?.as_str().map(str::to_owned)
}

impl Build {
    /// The options as cargo takes them.
    fn cargo_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        let features = self.feature_list();
        if !features.is_empty() {
            args.extend(["--features".to_owned(), features.join(",")]);
        }
        if self.all_features {
            args.push("--all-features".to_owned());
        }
        if self.no_default_features {
            args.push("--no-default-features".to_owned());
        }
        if self.release {
            args.push("--release".to_owned());
        }
        args
    }

    /// Each feature named, however the user separated them.
    fn feature_list(&self) -> Vec<String> {
        self.features.iter().flat_map(|f| f.split(|c: char| c == ',' || c.is_whitespace())).filter(|f| !f.is_empty()).map(str::to_owned).collect()
    }

    /// The features for the analysis, which reads the whole workspace from its root: a
    /// feature named bare belongs to `package` (the one `-p` selected, or the current
    /// folder's), as cargo reads it, and is named `PACKAGE/FEATURE` there.
    fn analysis_features(&self, package: Option<&str>) -> Features {
        let features = self
            .feature_list()
            .into_iter()
            .map(|f| match package {
                Some(package) if !f.contains('/') => format!("{package}/{f}"),
                _ => f,
            })
            .collect();
        Features { features, all: self.all_features, no_default: self.no_default_features }
    }
}

impl Targets {
    /// The selection as cargo takes it.
    fn cargo_args(&self) -> Vec<String> {
        let flags = [("--lib", self.lib), ("--bins", self.bins), ("--tests", self.tests), ("--examples", self.examples), ("--doc", self.doc)];
        let mut args: Vec<String> = flags.iter().filter(|(_, on)| *on).map(|(flag, _)| (*flag).to_owned()).collect();
        for (flag, names) in [("--bin", &self.bin), ("--test", &self.test), ("--example", &self.example)] {
            for name in names {
                args.extend([flag.to_owned(), name.clone()]);
            }
        }
        args
    }
}

/// Analyzes the workspace at `root` for the build, quietly.
#[cfg(feature = "analyzer")]
fn analyze(root: &Path, features: &Features) -> anyhow::Result<()> {
    crate::analyze::analyze_quietly(root, features)
}

#[cfg(not(feature = "analyzer"))]
fn analyze(_: &Path, _: &Features) -> anyhow::Result<()> {
    bail!("this cargo-borrowscope was built without the analyzer (--no-default-features)")
}

/// Analyze, build and run (`cargo run` or `cargo test`) with tracing on, then write the
/// report of each trace written; the program's exit status is the command's.
fn workflow(cargo_args: &[String], trace_name: &str, scope: &Scope, features: &Features) -> anyhow::Result<ExitCode> {
    let root = workspace_root()?;
    // With --all, Cargo's own word for the target folder (its configuration included): the
    // copy goes there, and it is not copied.
    let workspace = if scope.all { Some(crate::copy::workspace(&root)?) } else { None };
    let target = match &workspace {
        Some(workspace) => workspace.target.clone(),
        None => target_dir(&root)?,
    };
    let mut cargo_args = cargo_args.to_vec();
    // With --all: the copy is what is analyzed and built; Cargo runs in the user's folder
    // (so the program's working directory is theirs) on the copy's manifest for that folder.
    let (analyzed_root, columns) = if let Some(workspace) = &workspace {
        let copied = refresh(&Plan { root: &root, workspace, patterns: &scope.trace })?;
        eprintln!(
            "cargo borrowscope: {} functions and impl blocks traced in the copy at {} ({} files updated)",
            copied.items,
            copied.root.display(),
            copied.written
        );
        if copied.lock_copied {
            crate::versions::keep_users_versions(&root, &copied.root)?;
        }
        if copied.items == 0 && !scope.trace.is_empty() {
            eprintln!("cargo borrowscope: no item matches --trace {}", scope.trace.join(" --trace "));
        }
        let manifest = nearest_manifest()
            .ok()
            .and_then(|nearest| copied.of(&root, &nearest))
            .filter(|m| m.is_file())
            .unwrap_or_else(|| copied.root.join("Cargo.toml"));
        cargo_args.splice(1..1, ["--manifest-path".to_owned(), manifest.display().to_string()]);
        (copied.root, copied.columns)
    } else {
        (root.clone(), Columns::default())
    };
    let analyzed = if scope.syntax_only {
        // No type-info file in the copy: the macro finds none (and the build that used one
        // sees it gone).
        let folder = analyzed_root.join(".borrowscope");
        if folder.exists() {
            std::fs::remove_dir_all(&folder).with_context(|| format!("cannot remove {}", folder.display()))?;
        }
        Ok(())
    } else {
        analyze(&analyzed_root, features)
    };
    if let Err(err) = &analyzed {
        eprintln!("cargo borrowscope: the analysis failed ({err:#}); building with syntax only");
    }
    let folder = target.join("borrowscope");
    std::fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
    let started = std::time::SystemTime::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // Each traced program leaves its spool at a normal exit, turned into its trace below on
    // every core, rather than writing the JSON as it exits.
    let mut command = Process::new(cargo);
    command.args(&cargo_args).env(borrowscope_runtime::TRACE_ENV, folder.join(trace_name)).env(borrowscope_runtime::LEAVE_SPOOL_ENV, "1");
    stack::room_for_traced_frames(&mut command);
    let mut child = command.spawn().context("running cargo")?;
    let status = {
        let _passing = signals::PassThrough::to(child.id());
        child.wait().context("waiting for cargo")?
    };
    // The traces written, and the spools left instead: by a normal exit (the program leaves
    // its spool, see above) or a crash or a kill (the trace then says how the run ended).
    let recent = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).is_ok_and(|m| m >= started);
    // (A spool of this run wins over a trace an earlier run left under the same name.)
    let mut traces: Vec<(PathBuf, bool)> = Vec::new();
    for path in std::fs::read_dir(&folder).into_iter().flatten().flatten().map(|e| e.path()) {
        if path.extension().is_some_and(|e| e == "json") && recent(&path) {
            traces.push((path, false));
        } else if let Some(trace) = path.to_str().and_then(|s| s.strip_suffix(".spool")).map(PathBuf::from)
            && recent(&path)
        {
            traces.push((trace, true));
        }
    }
    traces.sort();
    // Spools sort after their own trace's name: a trace and a spool of one name, the spool.
    traces.dedup_by(|later, earlier| {
        let same = later.0 == earlier.0;
        if same {
            earlier.1 |= later.1;
        }
        same
    });
    if traces.is_empty() && scope.all {
        // Nothing may have run at all: a build that failed ends with no trace either.
        let failed = match status.code() {
            Some(code) if code != 0 => format!(" (cargo failed with exit status {code}: see its messages above)"),
            _ => String::new(),
        };
        eprintln!("cargo borrowscope: no trace was written: no traced function recorded an event{failed}");
    } else if traces.is_empty() {
        eprintln!(
            "cargo borrowscope: no trace was written: nothing traced ran (put #[trace_borrow] on the functions to trace, with borrowscope-runtime as a dependency)"
        );
    }
    // Each trace's report, on as many threads as there are processors (a test run writes one
    // per test program); the messages in the traces' order.
    let finished: Vec<std::sync::Mutex<Option<anyhow::Result<String>>>> = traces.iter().map(|_| std::sync::Mutex::new(None)).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(traces.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((trace, spooled)) = traces.get(i) else { break };
                    let result = finish(trace, *spooled, &columns, &root);
                    *finished[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                }
            });
        }
    });
    for slot in finished {
        let messages = slot.into_inner().unwrap_or_else(|e| e.into_inner()).context("a report was not written")??;
        eprint!("{messages}");
    }
    if workspace.is_some()
        && let Some(note) = crate::versions::moved_note(&root, &analyzed_root)
    {
        eprintln!("{note}");
    }
    // A program ended by a signal ends this command by the same signal, so that the shell
    // (and a script checking `$?`) sees what it would have seen without BorrowScope.
    signals::end_like(&status);
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}

/// Stacks for traced code, whose debug frames are two to three times the size (see
/// [`TRACED_MIN_STACK`](borrowscope_runtime::TRACED_MIN_STACK)): a test that keeps a 1 MiB array
/// in libtest's 2 MiB threads overflows traced (simd-adler32's), and so would a `main` close to
/// its limit. The program's threads and its main thread get four times the room they would
/// have.
mod stack {
    /// How much more room the main thread gets (its threads get
    /// [`TRACED_MIN_STACK`](borrowscope_runtime::TRACED_MIN_STACK), four times std's default).
    const FACTOR: u64 = 4;

    /// Sets `RUST_MIN_STACK` for `command` (unless the user set it: theirs stands), which
    /// std's threads and libtest's take as their size, and raises this process's soft limit
    /// of the main thread's stack, which `command` and the program inherit (within the hard
    /// limit; an unlimited one stays unlimited).
    pub(super) fn room_for_traced_frames(command: &mut std::process::Command) {
        if std::env::var_os("RUST_MIN_STACK").is_none() {
            command.env("RUST_MIN_STACK", borrowscope_runtime::TRACED_MIN_STACK.to_string());
        }
        #[cfg(unix)]
        raise_main_stack_limit();
    }

    #[cfg(unix)]
    fn raise_main_stack_limit() {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: `limit` is a valid `rlimit` to fill.
        if unsafe { libc::getrlimit(libc::RLIMIT_STACK, &mut limit) } != 0 || limit.rlim_cur == libc::RLIM_INFINITY {
            return;
        }
        let wanted = limit.rlim_cur.saturating_mul(FACTOR as libc::rlim_t);
        let raised = if limit.rlim_max == libc::RLIM_INFINITY { wanted } else { wanted.min(limit.rlim_max) };
        if raised > limit.rlim_cur {
            limit.rlim_cur = raised;
            // SAFETY: a valid `rlimit`; a failure leaves the limit as it was.
            unsafe { libc::setrlimit(libc::RLIMIT_STACK, &limit) };
        }
    }
}

/// Signals while `cargo borrowscope run` or `test` waits for the program.
mod signals {
    #[cfg(unix)]
    static CHILD: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

    /// While alive: Ctrl-C and Ctrl-\ (which the terminal sends to the program too) are
    /// ignored here, so that the trace and report are still written once the program has
    /// ended; SIGTERM and SIGHUP (sent to this command alone, by `timeout` or `kill`) are
    /// passed on to the program.
    pub(super) struct PassThrough(#[cfg(unix)] Vec<(libc::c_int, libc::sighandler_t)>);

    impl PassThrough {
        pub(super) fn to(child: u32) -> PassThrough {
            #[cfg(unix)]
            {
                CHILD.store(child as i32, std::sync::atomic::Ordering::Release);
                let pass = forward as extern "C" fn(libc::c_int) as libc::sighandler_t;
                let actions = [(libc::SIGINT, libc::SIG_IGN), (libc::SIGQUIT, libc::SIG_IGN), (libc::SIGTERM, pass), (libc::SIGHUP, pass)];
                // SAFETY: installing plain handlers; `forward` only calls `kill`.
                PassThrough(actions.iter().map(|&(signal, action)| (signal, unsafe { libc::signal(signal, action) })).collect())
            }
            #[cfg(not(unix))]
            {
                let _ = child;
                PassThrough()
            }
        }
    }

    #[cfg(unix)]
    extern "C" fn forward(signal: libc::c_int) {
        let child = CHILD.load(std::sync::atomic::Ordering::Acquire);
        if child > 0 {
            // SAFETY: async-signal-safe.
            unsafe { libc::kill(child, signal) };
        }
    }

    impl Drop for PassThrough {
        fn drop(&mut self) {
            #[cfg(unix)]
            for &(signal, previous) in &self.0 {
                // SAFETY: putting back what was there.
                unsafe { libc::signal(signal, previous) };
            }
        }
    }

    /// Ends this process by the signal that ended `status`'s process, if one did.
    pub(super) fn end_like(status: &std::process::ExitStatus) {
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            if let Some(signal) = status.signal() {
                use std::io::Write as _;
                let _ = std::io::stdout().flush();
                let _ = std::io::stderr().flush();
                // SAFETY: the default action of the signal, then the signal.
                unsafe {
                    libc::signal(signal, libc::SIG_DFL);
                    libc::raise(signal);
                }
            }
        }
        #[cfg(not(unix))]
        let _ = status;
    }
}

/// Maps a trace's columns back (rewriting it when any moved) and writes its report; the
/// messages to print.
/// A trace left as a spool (`spooled`) is read from it, written as JSON, and the spool
/// removed.
fn finish(trace: &Path, spooled: bool, columns: &Columns, root: &Path) -> anyhow::Result<String> {
    let spool = borrowscope_runtime::spool_path(trace);
    let mut loaded = if spooled {
        let bytes = std::fs::read(&spool).with_context(|| format!("cannot read {}", spool.display()))?;
        borrowscope_runtime::from_spool(&bytes).with_context(|| format!("{} cannot be read; it is left as it is", spool.display()))?
    } else {
        load(trace)?.0
    };
    if map_columns(&mut loaded, columns) || spooled {
        std::fs::write(trace, borrowscope_runtime::to_json(&loaded)).with_context(|| format!("cannot write {}", trace.display()))?;
        let _ = std::fs::remove_file(&spool);
    }
    let sources = SourceIndex::read(&loaded, &[root.to_owned()]);
    let report =
        if trace.file_name().is_some_and(|n| n == "trace.json") { trace.with_file_name("report.html") } else { trace.with_extension("html") };
    write_report(&loaded, &sources, &report)?;
    let mut messages = String::new();
    // How a run that crashed or was killed ended, and where each thread was (a trace read
    // from JSON says it as it is loaded).
    if let Some(ending) = loaded.ending().filter(|_| spooled) {
        for line in ending.lines() {
            messages += &format!("cargo borrowscope: {line}\n");
        }
    }
    messages += &format!("cargo borrowscope: trace  {}\n", trace.display());
    messages += &format!("cargo borrowscope: report {} ({} events; open it in a browser)\n", report.display(), loaded.events.len());
    if let Some(note) = loaded.note() {
        messages += &format!("cargo borrowscope: {note}\n");
    }
    if let Some(note) = contradictions_note(&loaded) {
        messages += &format!("cargo borrowscope: {note}\n");
    }
    Ok(messages)
}

/// Puts each site's column back where it is in the user's file (the copy's attributes moved
/// some); whether any moved.
fn map_columns(trace: &mut borrowscope_runtime::Trace, columns: &Columns) -> bool {
    if columns.is_empty() {
        return false;
    }
    let mut mapped: std::collections::HashMap<*const CallSite, &'static CallSite> = std::collections::HashMap::new();
    let mut moved = false;
    for event in &mut trace.events {
        let site = event.site;
        let new = *mapped.entry(site as *const CallSite).or_insert_with(|| {
            let column = columns.original(site.file, site.line, site.column);
            if column == site.column { site } else { Box::leak(Box::new(CallSite { column, ..*site })) }
        });
        moved |= !std::ptr::eq(new, site);
        event.site = new;
    }
    moved
}

/// The manifest of the package the user is in (the nearest from the working directory up).
fn nearest_manifest() -> anyhow::Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Process::new(cargo).args(["locate-project", "--message-format", "plain"]).output().context("running cargo locate-project")?;
    if !output.status.success() {
        bail!("no Cargo project here: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()))
}

fn workspace_root() -> anyhow::Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output =
        Process::new(cargo).args(["locate-project", "--workspace", "--message-format", "plain"]).output().context("running cargo locate-project")?;
    if !output.status.success() {
        bail!("no Cargo project here: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    Ok(manifest.parent().context("the manifest has no folder")?.to_owned())
}

/// Where Cargo builds: `CARGO_TARGET_DIR`, or the workspace's `target/`.
fn target_dir(root: &Path) -> anyhow::Result<PathBuf> {
    Ok(match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => std::path::absolute(PathBuf::from(dir))?,
        None => root.join("target"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_gets_the_options_as_it_takes_them_and_the_analysis_the_packages_features() {
        let build =
            Build { features: vec!["wide, tall".to_owned(), "deep".to_owned()], all_features: false, no_default_features: true, release: true };
        assert_eq!(build.cargo_args(), ["--features", "wide,tall,deep", "--no-default-features", "--release"]);
        let selected = Features { features: vec!["shapes/wide".into(), "shapes/tall".into(), "shapes/deep".into()], all: false, no_default: true };
        assert_eq!(build.analysis_features(Some("shapes")), selected);
        let named = Build { features: vec!["app/extra".to_owned()], ..Build::default() };
        assert_eq!(named.analysis_features(Some("shapes")).features, ["app/extra"], "a feature named with its package stays so");
        assert_eq!(named.analysis_features(None).features, ["app/extra"]);
        let targets = Targets { lib: true, test: vec!["area".to_owned(), "bare".to_owned()], ..Targets::default() };
        assert_eq!(targets.cargo_args(), ["--lib", "--test", "area", "--test", "bare"]);
    }
}
