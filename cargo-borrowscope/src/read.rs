//! The subcommands that read a trace (or the spool a crash left): `show`, `why`, `report`,
//! `dot` and `chrome`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use borrowscope_runtime::{Graph, Op, SourceIndex, Trace, Why, from_json};

/// `show`: the trace as text, one event per line, filtered.
pub(crate) fn show(
    trace: &Path,
    var: Option<&str>,
    thread: Option<&str>,
    test: Option<&str>,
    function: Option<&str>,
    op: &[String],
) -> anyhow::Result<ExitCode> {
    let (loaded, sources) = load(trace)?;
    let mut thread = thread
        .map(|t| t.trim_start_matches('t').parse::<u32>().with_context(|| format!("--thread {t}: give a thread index, such as 0 or t0")))
        .transpose()?;
    if let Some(test) = test {
        thread = Some(test_thread(&loaded, test)?);
    }
    for name in op {
        if !Op::ALL.iter().any(|o| o.name() == name) {
            bail!("--op {name}: no such operation; the operations are {}", Op::ALL.iter().map(|o| o.name()).collect::<Vec<_>>().join(", "));
        }
    }
    if let Some(note) = loaded.note() {
        println!("# {note}");
    }
    if let Some(note) = contradictions_note(&loaded) {
        note.lines().for_each(|line| println!("# {line}"));
    }
    let mut shown = 0;
    for event in &loaded.events {
        let keep = var.is_none_or(|v| event.site.name == v)
            && thread.is_none_or(|t| event.thread == t)
            && (op.is_empty() || op.iter().any(|o| o == event.op.name()))
            && function.is_none_or(|f| sources.function_at(event.site.file, event.site.line) == Some(f));
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

/// The thread a test ran on: the one named `test`, or else the only one whose name ends with
/// `::test`.
fn test_thread(trace: &Trace, test: &str) -> anyhow::Result<u32> {
    let named = |exact: bool| -> Vec<u32> {
        trace
            .threads
            .iter()
            .filter(|t| t.name.as_deref().is_some_and(|n| if exact { n == test } else { n.ends_with(&format!("::{test}")) }))
            .map(|t| t.index)
            .collect()
    };
    let (exact, suffix) = (named(true), named(false));
    match (exact.as_slice(), suffix.as_slice()) {
        ([one], _) | ([], [one]) => Ok(*one),
        ([], []) => {
            let tests: Vec<&str> = trace.threads.iter().filter_map(|t| t.name.as_deref()).filter(|n| *n != "main").collect();
            if tests.is_empty() {
                bail!("--test {test}: no thread of this trace is named after a test (a trace of `cargo borrowscope test` has them)");
            }
            bail!("--test {test}: no test of that name ran in this trace; the tests are {}", tests.join(", "))
        }
        _ => bail!("--test {test}: several tests have that name; give the whole path (such as `tests::{test}`)"),
    }
}

/// `report`: the HTML report, beside the trace unless told where.
pub(crate) fn report(trace: &Path, output: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let (loaded, sources) = load(trace)?;
    let output = output.unwrap_or_else(|| trace.with_extension("html"));
    write_report(&loaded, &sources, &output)?;
    eprintln!("wrote {}", output.display());
    Ok(ExitCode::SUCCESS)
}

/// `why`: the story of a variable in words.
pub(crate) fn why_command(name: &str, trace: &Path) -> anyhow::Result<ExitCode> {
    let (loaded, sources) = load(trace)?;
    print!("{}", why(name, &loaded, &sources)?);
    Ok(ExitCode::SUCCESS)
}

/// `dot`: the ownership graph as Graphviz DOT.
pub(crate) fn dot(trace: &Path, output: Option<&Path>) -> anyhow::Result<ExitCode> {
    let (loaded, _) = load(trace)?;
    emit(&borrowscope_runtime::to_dot(&Graph::build(&loaded)), output)
}

/// `chrome`: the trace as Chrome trace-event JSON.
pub(crate) fn chrome(trace: &Path, output: Option<&Path>) -> anyhow::Result<ExitCode> {
    let (loaded, _) = load(trace)?;
    emit(&borrowscope_runtime::to_chrome_trace(&loaded, &Graph::build(&loaded)), output)
}

/// Reads a trace, with one clear error naming the file and what to do when it is not one;
/// and the source files its sites name, looked for from the current folder and the trace's.
///
/// A run that crashed or was killed leaves no trace but a spool beside it (`trace.json.spool`):
/// that is read instead, and how the run ended is said on stderr.
/// What to tell a reader of a trace whose events contradict each other (a value used after
/// it was dropped, say): that this is BorrowScope's fault, not their program's, and the
/// first such pair. `None` for a trace without any.
pub(crate) fn contradictions_note(trace: &Trace) -> Option<String> {
    let found = trace.contradictions();
    let first = found.first()?;
    let places = if found.len() == 1 { "one place".to_owned() } else { format!("{} places", found.len()) };
    Some(format!(
        "this trace contradicts itself in {places}, which is a bug in BorrowScope, not in your program (please report it \
         with the program); the first: {}",
        trace.describe(first)
    ))
}

pub(crate) fn load(path: &Path) -> anyhow::Result<(Trace, SourceIndex)> {
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

pub(crate) fn write_report(trace: &Trace, sources: &SourceIndex, output: &Path) -> anyhow::Result<()> {
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

/// The story of every instance of `name`, in words: the runtime's `Why`, which the report
/// shows too.
fn why(name: &str, trace: &Trace, sources: &SourceIndex) -> anyhow::Result<String> {
    let graph = Graph::build(trace);
    let instances: Vec<_> = graph.named(name).collect();
    if instances.is_empty() {
        let mut names: Vec<&str> = graph.nodes.iter().map(|v| v.name).collect();
        names.sort_unstable();
        names.dedup();
        bail!("no variable named `{name}` in the trace; its variables are: {}", names.join(", "));
    }
    let why = Why::new(trace, &graph, sources);
    let mut out = String::new();
    for v in instances {
        for (i, line) in why.lines(v).iter().enumerate() {
            out.push_str(if i == 0 { "" } else { "  " });
            out.push_str(line);
            out.push('\n');
        }
    }
    Ok(out)
}
