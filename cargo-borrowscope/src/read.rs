//! The subcommands that read a trace (or the spool a crash left): `show`, `why`, `report`,
//! `dot` and `chrome`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use borrowscope_runtime::{End, Graph, Op, SourceIndex, Trace, from_json};

/// `show`: the trace as text, one event per line, filtered.
pub(crate) fn show(trace: &Path, var: Option<&str>, thread: Option<&str>, function: Option<&str>, op: &[String]) -> anyhow::Result<ExitCode> {
    let (loaded, sources) = load(trace)?;
    let thread = thread
        .map(|t| t.trim_start_matches('t').parse::<u32>().with_context(|| format!("--thread {t}: give a thread index, such as 0 or t0")))
        .transpose()?;
    for name in op {
        if !Op::ALL.iter().any(|o| o.name() == name) {
            bail!("--op {name}: no such operation; the operations are {}", Op::ALL.iter().map(|o| o.name()).collect::<Vec<_>>().join(", "));
        }
    }
    if let Some(note) = loaded.note() {
        println!("# {note}");
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
