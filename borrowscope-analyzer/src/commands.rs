//! `cargo borrowscope` subcommands that read traces (`show`, `report`, `why`, `dot`,
//! `chrome`) and the whole workflow in one command (`run`, `test`: analyze, build and run
//! with tracing on, write the trace and its report under `target/borrowscope/`).

use std::path::{Path, PathBuf};
use std::process::{Command as Process, ExitCode};

use anyhow::{Context, bail};
use borrowscope_runtime::{End, Graph, Op, SourceIndex, Trace, from_json};
use clap::{Parser, Subcommand};

/// What the trace-reading and workflow subcommands take.
#[derive(Parser, Debug)]
#[command(name = "cargo borrowscope", bin_name = "cargo borrowscope", version)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Prints a trace as text, one event per line, optionally filtered.
    Show {
        /// The trace (JSON, as BORROWSCOPE_TRACE or export_json writes it).
        trace: PathBuf,
        /// Only events about variables with this name.
        #[arg(long)]
        var: Option<String>,
        /// Only events of this thread (its index, as `t0` or `0`).
        #[arg(long)]
        thread: Option<String>,
        /// Only events in this function (found in the source files when they can be read).
        #[arg(long = "fn")]
        function: Option<String>,
        /// Only these operations, comma-separated (`new,drop,borrow`).
        #[arg(long, value_delimiter = ',')]
        op: Vec<String>,
    },
    /// Writes the HTML report of a trace.
    Report {
        /// The trace.
        trace: PathBuf,
        /// Where to write it (default: the trace's path with `.html`).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Tells the story of a variable in words: its lifetime, borrows, moves and shares.
    Why {
        /// The variable's name.
        name: String,
        /// The trace.
        trace: PathBuf,
    },
    /// Writes the ownership graph as Graphviz DOT (to standard output without `-o`).
    Dot {
        /// The trace.
        trace: PathBuf,
        /// Where to write it.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Writes the trace as Chrome trace-event JSON, for Perfetto (to standard output
    /// without `-o`).
    Chrome {
        /// The trace.
        trace: PathBuf,
        /// Where to write it.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Analyzes the workspace (skipped when unchanged), runs a binary with tracing on, and
    /// writes its trace and report under target/borrowscope/.
    Run {
        /// The binary to run, when the package has several.
        #[arg(long)]
        bin: Option<String>,
        /// The package to run, in a workspace of several.
        #[arg(long, short)]
        package: Option<String>,
        /// Build in release mode.
        #[arg(long)]
        release: bool,
        /// Arguments for the program.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Analyzes the workspace (skipped when unchanged), runs the tests with tracing on, and
    /// writes a trace and a report per test program under target/borrowscope/.
    Test {
        /// Only tests whose name contains this.
        testname: Option<String>,
        /// The package to test, in a workspace of several.
        #[arg(long, short)]
        package: Option<String>,
        /// Arguments for the test programs.
        #[arg(last = true)]
        args: Vec<String>,
    },
}

/// The subcommands this module answers.
pub(crate) const NAMES: &[&str] = &["show", "report", "why", "dot", "chrome", "run", "test"];

pub(crate) fn main(argv: Vec<String>) -> ExitCode {
    let cli = Cli::parse_from(argv);
    match run(cli.command) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Show { trace, var, thread, function, op } => {
            let (loaded, sources) = load(&trace)?;
            let thread = thread
                .map(|t| t.trim_start_matches('t').parse::<u32>().with_context(|| format!("--thread {t}: give a thread index, such as 0 or t0")))
                .transpose()?;
            for name in &op {
                if !Op::ALL.iter().any(|o| o.name() == name) {
                    bail!("--op {name}: no such operation; the operations are {}", Op::ALL.iter().map(|o| o.name()).collect::<Vec<_>>().join(", "));
                }
            }
            if let Some(note) = loaded.note() {
                println!("# {note}");
            }
            let mut shown = 0;
            for event in &loaded.events {
                let keep = var.as_deref().is_none_or(|v| event.site.name == v)
                    && thread.is_none_or(|t| event.thread == t)
                    && (op.is_empty() || op.iter().any(|o| o == event.op.name()))
                    && function.as_deref().is_none_or(|f| sources.function_at(event.site.file, event.site.line) == Some(f));
                if keep {
                    println!("{event}");
                    shown += 1;
                }
            }
            if shown == 0 {
                eprintln!("no event matches (the trace has {} events)", loaded.events.len());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { trace, output } => {
            let (loaded, sources) = load(&trace)?;
            let output = output.unwrap_or_else(|| trace.with_extension("html"));
            write_report(&loaded, &sources, &output)?;
            eprintln!("wrote {}", output.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Why { name, trace } => {
            let (loaded, sources) = load(&trace)?;
            print!("{}", why(&name, &loaded, &sources)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Dot { trace, output } => {
            let (loaded, _) = load(&trace)?;
            emit(&borrowscope_runtime::to_dot(&Graph::build(&loaded)), output.as_deref())
        }
        Command::Chrome { trace, output } => {
            let (loaded, _) = load(&trace)?;
            emit(&borrowscope_runtime::to_chrome_trace(&loaded, &Graph::build(&loaded)), output.as_deref())
        }
        Command::Run { bin, package, release, args } => {
            let mut cargo = vec!["run".to_owned()];
            if let Some(bin) = bin {
                cargo.extend(["--bin".to_owned(), bin]);
            }
            if let Some(package) = package {
                cargo.extend(["--package".to_owned(), package]);
            }
            if release {
                cargo.push("--release".to_owned());
            }
            if !args.is_empty() {
                cargo.push("--".to_owned());
                cargo.extend(args);
            }
            workflow(&cargo, "trace.json")
        }
        Command::Test { testname, package, args } => {
            let mut cargo = vec!["test".to_owned()];
            if let Some(package) = package {
                cargo.extend(["--package".to_owned(), package]);
            }
            if let Some(name) = testname {
                cargo.push(name);
            }
            if !args.is_empty() {
                cargo.push("--".to_owned());
                cargo.extend(args);
            }
            // Each test program is a process of its own, with a trace of its own.
            workflow(&cargo, "test-{exe}-{pid}.json")
        }
    }
}

/// Reads a trace, with one clear error naming the file and what to do when it is not one;
/// and the source files its sites name, looked for from the current folder and the trace's.
///
/// A run that crashed or was killed leaves no trace but a spool beside it (`trace.json.spool`):
/// that is read instead, and how the run ended is said on stderr.
fn load(path: &Path) -> anyhow::Result<(Trace, SourceIndex)> {
    let spool = borrowscope_runtime::spool_path(path);
    let read_from = if !path.exists() && spool.exists() { spool.as_path() } else { path };
    let bytes = std::fs::read(read_from).with_context(|| format!("cannot read {}", path.display()))?;
    let record = format!("record one with BORROWSCOPE_TRACE={} or `cargo borrowscope run`", path.display());
    if bytes.starts_with(&borrowscope_runtime::SPOOL_MAGIC) {
        let trace =
            borrowscope_runtime::from_spool(&bytes).map_err(|err| anyhow::anyhow!("{} cannot be read ({err}): {record}", read_from.display()))?;
        eprintln!("cargo borrowscope: reading {}, what the run left", read_from.display());
        return Ok(with_sources(trace, path));
    }
    let Ok(text) = String::from_utf8(bytes) else {
        bail!("{} is not a BorrowScope trace (it is not text): {record}", path.display());
    };
    let trace = from_json(&text).map_err(|err| {
        let message = match err {
            borrowscope_runtime::Error::SerializationError(message) => message,
            other => other.to_string(),
        };
        if message.contains("unsupported trace version") {
            anyhow::anyhow!(
                "{} was written by another version of BorrowScope ({message}): record it again with this version ({record})",
                path.display()
            )
        } else if message.contains("truncated") {
            anyhow::anyhow!(
                "{} is truncated ({message}): the program that wrote it may have been stopped before it finished; {record}",
                path.display()
            )
        } else {
            anyhow::anyhow!("{} is not a BorrowScope trace ({message}): {record}", path.display())
        }
    })?;
    Ok(with_sources(trace, path))
}

/// The trace with the source files its sites name, looked for from the current folder and
/// the trace's.
fn with_sources(trace: Trace, path: &Path) -> (Trace, SourceIndex) {
    if let Some(ending) = trace.ending() {
        for line in ending.lines() {
            eprintln!("cargo borrowscope: {line}");
        }
    }
    let mut roots: Vec<PathBuf> = std::env::current_dir().into_iter().collect();
    if let Some(parent) = path.parent() {
        roots.push(std::path::absolute(parent).unwrap_or_else(|_| parent.to_owned()));
    }
    let sources = SourceIndex::read(&trace, &roots);
    (trace, sources)
}

fn write_report(trace: &Trace, sources: &SourceIndex, output: &Path) -> anyhow::Result<()> {
    let html = borrowscope_runtime::to_html_with_sources(trace, &Graph::build(trace), sources);
    std::fs::write(output, html).with_context(|| format!("cannot write {}", output.display()))
}

fn emit(text: &str, output: Option<&Path>) -> anyhow::Result<ExitCode> {
    match output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The story of every instance of `name`, in words.
fn why(name: &str, trace: &Trace, sources: &SourceIndex) -> anyhow::Result<String> {
    let graph = Graph::build(trace);
    let instances: Vec<_> = graph.named(name).collect();
    if instances.is_empty() {
        let mut names: Vec<&str> = graph.nodes.iter().map(|v| v.name).collect();
        names.sort_unstable();
        names.dedup();
        bail!("no variable named `{name}` in the trace; its variables are: {}", names.join(", "));
    }
    let label = |id: u64| graph.node(id).map_or_else(|| format!("#{id}"), |v| format!("{} #{}", v.name, v.id));
    let at = |order: u64| {
        trace.events.iter().find(|e| e.order == order).map_or_else(String::new, |e| format!(" ({}:{}:{})", e.site.file, e.site.line, e.site.column))
    };
    let mut out = String::new();
    for v in instances {
        let function = sources.function_at(v.site.file, v.site.line).map(|f| format!(" in fn {f}")).unwrap_or_default();
        let thread = trace.threads.iter().find(|t| t.index == v.thread).and_then(|t| t.name.clone()).map(|n| format!(" ({n})")).unwrap_or_default();
        out.push_str(&format!("{} #{}: {}\n", v.name, v.id, v.type_name.unwrap_or("type not recorded")));
        out.push_str(&format!(
            "  created at event {}, {}:{}:{}{function}, on thread {}{thread}\n",
            v.created, v.site.file, v.site.line, v.site.column, v.thread
        ));
        for s in graph.shares.iter().filter(|s| s.to == v.id) {
            match s.from {
                Some(from) => out.push_str(&format!("  made by {} of {} at event {} (count {} after)\n", s.op, label(from), s.at, s.count)),
                None => out.push_str(&format!("  made by {} at event {} (count {})\n", s.op, s.at, s.count)),
            }
        }
        let borrows: Vec<_> = graph.borrows.iter().filter(|b| b.owner == Some(v.id)).collect();
        for b in &borrows {
            let kind = if b.mutable { "mutably" } else { "shared" };
            let until = match (b.borrower, b.end) {
                (0, _) => "the end of its statement".to_owned(),
                (_, Some(end)) => format!("event {end}"),
                (_, None) => "the end of the trace".to_owned(),
            };
            let who = if b.borrower == 0 { "a temporary".to_owned() } else { label(b.borrower) };
            out.push_str(&format!("  borrowed {kind} by {who} from event {}{} until {until}\n", b.start, at(b.start)));
        }
        if let Some(b) = graph.borrows.iter().find(|b| b.borrower == v.id) {
            let kind = if b.mutable { "mutably" } else { "shared" };
            out.push_str(&format!("  borrows {} {kind} from event {}\n", b.owner.map_or_else(|| "an unnamed value".to_owned(), label), b.start));
        }
        // RefCell guards taken from it, and locks of it, by name while it lived.
        for c in graph.cell_borrows.iter().filter(|c| c.name == v.name && v.alive_at(c.start)) {
            let kind = if c.mutable { "borrow_mut" } else { "borrow" };
            let guard = if c.guard == 0 { "a temporary guard".to_owned() } else { label(c.guard) };
            let until = match (c.failed, c.guard, c.end) {
                (true, _, _) => "failed: it was already borrowed".to_owned(),
                (false, 0, _) => "until the end of its statement".to_owned(),
                (false, _, Some(end)) => format!("until event {end}"),
                (false, _, None) => "until the end of the trace".to_owned(),
            };
            out.push_str(&format!("  RefCell {kind} by {guard} at event {}{} {until}\n", c.start, at(c.start)));
        }
        for e in trace.events.iter().filter(|e| e.op == Op::Lock && e.site.name == v.name && v.alive_at(e.order)) {
            out.push_str(&format!("  locked on thread {} at event {} ({}:{}:{})\n", e.thread, e.order, e.site.file, e.site.line, e.site.column));
        }
        for m in graph.moves.iter().filter(|m| m.to == v.id) {
            out.push_str(&format!(
                "  its value came from {} at event {}{}\n",
                m.from.map_or_else(|| "an expression".to_owned(), label),
                m.at,
                at(m.at)
            ));
        }
        for m in graph.moves_from(v.id) {
            let to = if m.to == 0 { "a call or an expression".to_owned() } else { label(m.to) };
            out.push_str(&format!("  moved into {to} at event {}{}\n", m.at, at(m.at)));
        }
        for s in graph.shares.iter().filter(|s| s.from == Some(v.id)) {
            out.push_str(&format!("  shares its allocation with {} ({} at event {}, count {} after)\n", label(s.to), s.op, s.at, s.count));
        }
        match v.end {
            Some(End::Dropped(order)) => out.push_str(&format!("  dropped at event {order}{}\n", at(order))),
            Some(End::MovedOut(order)) => out.push_str(&format!("  its life as {} ended when it was moved out at event {order}\n", v.name)),
            Some(End::ScopeEnded(order)) => out.push_str(&format!(
                "  its scope ended at event {order}{} after a use that may have moved it: dropped there unless that use moved it (unknown)\n",
                at(order)
            )),
            None => out.push_str(
                "  still alive when the trace was written: no drop, move or scope end was recorded, so its scope had not ended (the program exited or exported the trace first)\n",
            ),
        }
    }
    Ok(out)
}

/// Analyze, build and run (`cargo run` or `cargo test`) with tracing on, then write the
/// report of each trace written; the program's exit status is the command's.
fn workflow(cargo_args: &[String], trace_name: &str) -> anyhow::Result<ExitCode> {
    let root = workspace_root()?;
    let analyzed = crate::cli::analyze_quietly(&root);
    if let Err(err) = &analyzed {
        eprintln!("cargo borrowscope: the analysis failed ({err:#}); building with syntax only");
    }
    let folder = target_dir(&root)?.join("borrowscope");
    std::fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
    let started = std::time::SystemTime::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut child =
        Process::new(cargo).args(cargo_args).env(borrowscope_runtime::TRACE_ENV, folder.join(trace_name)).spawn().context("running cargo")?;
    let status = {
        let _passing = signals::PassThrough::to(child.id());
        child.wait().context("waiting for cargo")?
    };
    // A run that crashed or was killed left a spool instead of its trace: the trace is
    // written from it (saying how the run ended), and the spool removed.
    for spool in std::fs::read_dir(&folder).into_iter().flatten().flatten().map(|e| e.path()) {
        let Some(trace) = spool.to_str().and_then(|s| s.strip_suffix(".spool")).map(PathBuf::from) else { continue };
        if trace.exists() || !std::fs::metadata(&spool).and_then(|m| m.modified()).is_ok_and(|m| m >= started) {
            continue;
        }
        match std::fs::read(&spool).map_err(borrowscope_runtime::Error::from).and_then(|b| borrowscope_runtime::from_spool(&b)) {
            Ok(left) => {
                std::fs::write(&trace, borrowscope_runtime::to_json(&left)).with_context(|| format!("cannot write {}", trace.display()))?;
                let _ = std::fs::remove_file(&spool);
            }
            Err(err) => eprintln!("cargo borrowscope: {} cannot be read ({err}); it is left as it is", spool.display()),
        }
    }
    let mut traces: Vec<PathBuf> = std::fs::read_dir(&folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| std::fs::metadata(p).and_then(|m| m.modified()).is_ok_and(|m| m >= started))
        .collect();
    traces.sort();
    if traces.is_empty() {
        eprintln!(
            "cargo borrowscope: no trace was written: nothing traced ran (put #[trace_borrow] on the functions to trace, with borrowscope-runtime as a dependency)"
        );
    }
    for trace in &traces {
        let (loaded, _) = load(trace)?;
        let sources = SourceIndex::read(&loaded, std::slice::from_ref(&root));
        let report =
            if trace.file_name().is_some_and(|n| n == "trace.json") { trace.with_file_name("report.html") } else { trace.with_extension("html") };
        write_report(&loaded, &sources, &report)?;
        eprintln!("cargo borrowscope: trace  {}", trace.display());
        eprintln!("cargo borrowscope: report {} ({} events; open it in a browser)", report.display(), loaded.events.len());
        if let Some(note) = loaded.note() {
            eprintln!("cargo borrowscope: {note}");
        }
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
