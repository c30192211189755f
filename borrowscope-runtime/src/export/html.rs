//! The HTML report: one self-contained page (no network: the script, the style and the
//! data are inline) with a timeline of every variable instance, grouped by thread and
//! function (lifelines, borrows on the owner's row, moves as arrows, `Rc`/`Arc` strong
//! counts as step lines), the traced source beside it, a step-through over the global event
//! order with what is alive at each step, and the questions a user asks of one variable
//! (who borrows it now, where its value went, why it is still alive, which clones share its
//! allocation). It shows what the trace says and nothing more: an end that is unknown is
//! shown as unknown.
//!
//! The trace is embedded as JSON in a `<script type="application/json">` element, events as
//! arrays as in the JSON export:
//!
//! ```text
//! { "ops": [op names], "op_groups": [each op's group], "op_instance_arg": [whether each
//!   op's arg is an instance], "threads": [[index, name]], "files": [[file, text or null]],
//!   "fns": [function names], "sites": [[name, detail, file, line, column, kind, fn]],
//!   "events": [[op, thread, site, id, arg, count]],   // by global order
//!   "vars": [[id, name, type, kind, thread, created, end, ended_at, site, nothing to drop]],
//!            // end: 0 alive, 1 dropped, 2 moved, 3 scope end; why a drop dropped nothing
//!            // (a number, a reference...: `Variable::nothing_to_drop`) or null
//!   "why": [[each var's story in words, as `cargo borrowscope why` prints it]] or null,
//!   "borrows": [[borrower, owner, mutable, start, end, macro or method or null, by a method]],
//!   "moves": [[from, to, at]],
//!   "shares": [[from, to, op, count, at]], "cells": [[guard, name, mutable, start, end, failed]],
//!   "summary": "...", "note": "..." or null }
//! ```
//!
//! Indexes that do not apply are -1. Only the rows on screen are drawn, so a trace of a
//! million events stays responsive.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use super::json::quote;
use super::sources::SourceIndex;
use crate::event::Trace;
use crate::graph::{End, Graph, ValueKind};
use crate::site::Op;

const STYLE: &str = include_str!("report/report.css");
const SCRIPT: &str = include_str!("report/report.js");

/// `text` with the characters HTML gives a meaning to escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Renders the trace and its graph as one HTML page, with the source files the trace names
/// embedded where they can be read from the current folder, the running program's, or a
/// folder above either.
pub fn to_html(trace: &Trace, graph: &Graph) -> String {
    // The folder it runs in, and the program's own (`target/debug/app` sits inside the
    // workspace whose relative paths `file!()` gave).
    let roots: Vec<PathBuf> = std::env::current_dir().into_iter().chain(std::env::current_exe()).collect();
    to_html_with_sources(trace, graph, &SourceIndex::read(trace, &roots))
}

/// Renders the trace and its graph as one HTML page, embedding the sources of `sources`.
pub fn to_html_with_sources(trace: &Trace, graph: &Graph, sources: &SourceIndex) -> String {
    let data = data(trace, graph, sources);
    let mut out = String::with_capacity(data.len() + SCRIPT.len() + STYLE.len() + 4096);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>BorrowScope report</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style></head><body>\n<header><h1>BorrowScope report</h1><span id=\"summary\">");
    out.push_str(&escape(&summary(trace, graph)));
    out.push_str("</span>");
    if let Some(ending) = trace.ending() {
        // How a run that did not finish ended, and where each thread was.
        let lines: Vec<String> = ending.lines().map(escape).collect();
        let _ = write!(out, "<div id=\"ending\">{}</div>", lines.join("<br>"));
    }
    if let Some(note) = trace.note() {
        let _ = write!(out, "<div id=\"note\">{}.</div>", escape(&note));
    }
    out.push_str(concat!(
        "<div id=\"filters\"><label>thread <select id=\"f-thread\"><option value=\"\">all</option></select></label>",
        "<label>function <select id=\"f-fn\"><option value=\"\">all</option></select></label>",
        "<label>variable <input id=\"f-name\" type=\"text\" placeholder=\"name\" size=\"12\"></label>",
        "<label>events <select id=\"f-group\"><option value=\"\">all groups</option></select></label>",
        "<span class=\"legend\"><span style=\"background:#90cdf4\"></span>lifeline<span style=\"background:#68d391\"></span>alive at the end",
        "<span style=\"background:#cbd5e0\"></span>scope end (unknown)<span style=\"background:#38a169\"></span>&amp; borrow",
        "<span style=\"background:#f56565\"></span>&amp;mut borrow<span style=\"background:#dd6b20\"></span>move<span style=\"background:#6b46c1\"></span>strong count</span></div>",
        "</header>\n<main><div id=\"left\"><div id=\"zoom\">timeline <button id=\"zoom-in\">+</button><button id=\"zoom-out\">\u{2212}</button>",
        "<button id=\"zoom-fit\">fit</button> (ctrl+wheel zooms, shift+wheel pans; click a row to ask about it)</div>",
        "<canvas id=\"axis\"></canvas><div id=\"scroller\"><canvas id=\"timeline\"></canvas><div id=\"spacer\"></div></div></div>",
        "<div id=\"right\"><div id=\"details\">Click a variable in the timeline to see who borrows it, where its value went and why it is alive.</div>",
        "<div id=\"live\"></div><div id=\"sourcebox\"><div id=\"sourcehead\"></div><div id=\"source\"></div></div></div></main>\n",
        "<footer><button id=\"prev\">\u{25C0}</button><input id=\"slider\" type=\"range\" min=\"0\" value=\"0\"><button id=\"next\">\u{25B6}</button>",
        "<span id=\"steptext\"></span></footer><div id=\"tip\"></div>\n",
    ));
    out.push_str("<script type=\"application/json\" id=\"data\">");
    out.push_str(&data);
    out.push_str("</script>\n<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body></html>\n");
    out
}

fn summary(trace: &Trace, graph: &Graph) -> String {
    format!(
        "{} events on {} threads, {} variable instances, {} borrows, {} moves, {} shares, {} RefCell borrows",
        trace.events.len(),
        trace.threads.len(),
        graph.nodes.len(),
        graph.borrows.len(),
        graph.moves.len(),
        graph.shares.len(),
        graph.cell_borrows.len()
    )
}

/// The page's data, as JSON safe inside a `<script>` element.
/// The most variables whose stories in words the page embeds.
pub(crate) const WHY_LIMIT: usize = 20_000;

fn data(trace: &Trace, graph: &Graph, sources: &SourceIndex) -> String {
    let mut out = String::with_capacity(trace.events.len() * 28 + 4096);
    // Positions in the page are indexes into the events; a trace read back from a file
    // whose orders are not 0, 1, 2.. is mapped onto them.
    let dense = trace.events.iter().enumerate().all(|(i, e)| e.order == i as u64);
    let positions: HashMap<u64, i64> =
        if dense { HashMap::new() } else { trace.events.iter().enumerate().map(|(i, e)| (e.order, i as i64)).collect() };
    let at = |order: u64| -> i64 { if dense { order as i64 } else { positions.get(&order).copied().unwrap_or(-1) } };
    let maybe = |order: Option<u64>| order.map_or(-1, at);
    let id = |id: Option<u64>| id.map_or(-1, |i| i as i64);

    out.push_str("{\"ops\":[");
    for (i, op) in Op::ALL.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        quote(&mut out, op.name());
    }
    // Each operation's group and whether its `arg` is an instance, from the runtime's one
    // table of operations, so that the page never keeps a copy of its own.
    out.push_str("],\"op_groups\":[");
    for (i, op) in Op::ALL.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        quote(&mut out, op.group().name());
    }
    out.push_str("],\"op_instance_arg\":[");
    for (i, op) in Op::ALL.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(if op.arg_is_instance() { "true" } else { "false" });
    }
    out.push_str("],\"threads\":[");
    for (i, t) in trace.threads.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "[{},", t.index);
        match &t.name {
            Some(name) => quote(&mut out, name),
            None => out.push_str("null"),
        }
        out.push(']');
    }
    // Files, functions and sites, each written once and referred to by index.
    let mut file_index: HashMap<&str, usize> = HashMap::new();
    out.push_str("],\"files\":[");
    for (i, (file, text)) in sources.files().enumerate() {
        if i > 0 {
            out.push(',');
        }
        file_index.insert(file, i);
        out.push('[');
        quote(&mut out, file);
        out.push(',');
        match text {
            Some(text) => quote(&mut out, text),
            None => out.push_str("null"),
        }
        out.push(']');
    }
    let mut site_index: HashMap<*const crate::site::CallSite, usize> = HashMap::new();
    let mut sites = Vec::new();
    let mut fns: Vec<&str> = Vec::new();
    let mut fn_index: HashMap<&str, usize> = HashMap::new();
    let mut site_rows = String::new();
    for event in &trace.events {
        let site = event.site;
        if site_index.contains_key(&(site as *const _)) {
            continue;
        }
        site_index.insert(site, sites.len());
        sites.push(site);
        let function = sources.function_at(site.file, site.line).map(|name| {
            let next = fns.len();
            *fn_index.entry(name).or_insert_with(|| {
                fns.push(name);
                next
            })
        });
        site_rows.push(if sites.len() > 1 { ',' } else { '[' });
        site_rows.push('[');
        quote(&mut site_rows, site.name);
        site_rows.push(',');
        quote(&mut site_rows, site.detail);
        let file = file_index.get(site.file).map_or(-1, |&i| i as i64);
        let _ = write!(site_rows, ",{file},{},{},", site.line, site.column);
        quote(&mut site_rows, site.kind);
        let _ = write!(site_rows, ",{}]", function.map_or(-1, |i| i as i64));
    }
    if sites.is_empty() {
        site_rows.push('[');
    }
    site_rows.push(']');
    out.push_str("],\"fns\":[");
    for (i, name) in fns.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        quote(&mut out, name);
    }
    out.push_str("],\"sites\":");
    out.push_str(&site_rows);
    out.push_str(",\"events\":[");
    for (i, e) in trace.events.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let site = site_index[&(e.site as *const _)];
        let _ = write!(out, "[{},{},{site},{},{},{}]", e.op as u8, e.thread, e.id, e.arg, e.count);
    }
    out.push_str("],\"vars\":[");
    for (i, v) in graph.nodes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "[{},", v.id);
        quote(&mut out, v.name);
        out.push(',');
        match v.type_name {
            Some(ty) => quote(&mut out, ty),
            None => out.push_str("null"),
        }
        out.push(',');
        quote(&mut out, kind_name(v.kind));
        let (end, ended) = match v.end {
            None => (0, None),
            Some(End::Dropped(at)) => (1, Some(at)),
            Some(End::MovedOut(at)) => (2, Some(at)),
            Some(End::ScopeEnded(at)) => (3, Some(at)),
        };
        let site = site_index.get(&(v.site as *const _)).map_or(-1, |&i| i as i64);
        let _ = write!(out, ",{},{},{end},{},{site},", v.thread, at(v.created), maybe(ended));
        match v.nothing_to_drop() {
            Some(why) => quote(&mut out, &why),
            None => out.push_str("null"),
        }
        out.push(']');
    }
    // Each variable's story in words, the same sentences `cargo borrowscope why` prints;
    // above `WHY_LIMIT` variables the page would grow by hundreds of bytes a variable, so it
    // says where to get them instead.
    if graph.nodes.len() <= WHY_LIMIT {
        let why = super::why::Why::new(trace, graph, sources);
        out.push_str("],\"why\":[");
        for (i, v) in graph.nodes.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('[');
            for (j, line) in why.lines(v).iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                quote(&mut out, line);
            }
            out.push(']');
        }
        out.push(']');
    } else {
        out.push_str("],\"why\":null");
    }
    out.push_str(",\"borrows\":[");
    for (i, b) in graph.borrows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "[{},{},{},{},{},", b.borrower, id(b.owner), u8::from(b.mutable), at(b.start), maybe(b.end));
        match b.by_macro.or(b.by_method) {
            Some(name) => quote(&mut out, name),
            None => out.push_str("null"),
        }
        let _ = write!(out, ",{}]", u8::from(b.by_method.is_some()));
    }
    out.push_str("],\"moves\":[");
    for (i, m) in graph.moves.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "[{},{},{}]", id(m.from), m.to, at(m.at));
    }
    out.push_str("],\"shares\":[");
    for (i, s) in graph.shares.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "[{},{},{},{},{}]", id(s.from), s.to, s.op as u8, s.count, at(s.at));
    }
    out.push_str("],\"cells\":[");
    for (i, c) in graph.cell_borrows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "[{},", c.guard);
        quote(&mut out, c.name);
        let _ = write!(out, ",{},{},{},{}]", u8::from(c.mutable), at(c.start), maybe(c.end), u8::from(c.failed));
    }
    out.push_str("],\"summary\":");
    quote(&mut out, &summary(trace, graph));
    out.push_str(",\"note\":");
    match trace.note() {
        Some(note) => quote(&mut out, &note),
        None => out.push_str("null"),
    }
    out.push('}');
    // Inside a <script> element, `</script>` or `<!--` in a name or a source file would end
    // or change it; every `<` is in a JSON string, where `\u003c` is the same text.
    out.replace('<', "\\u003c")
}

fn kind_name(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Value => "value",
        ValueKind::Reference => "reference",
        ValueKind::Rc => "Rc",
        ValueKind::Arc => "Arc",
        ValueKind::Weak => "Weak",
        ValueKind::Box => "Box",
        ValueKind::RefCell => "RefCell",
        ValueKind::Cell => "cell",
        ValueKind::RefCellGuard => "RefCell guard",
        ValueKind::RawPointer => "raw pointer",
    }
}

#[cfg(all(test, feature = "track"))]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::export::value::{Value, parse};

    fn report() -> (String, Trace, Graph) {
        let session = crate::Session::new();
        session.record(|| {
            let a = crate::track_new("a<script>", vec![1, 2, 3]);
            let r = crate::track_borrow("r", &a);
            let _ = r.len();
            crate::track_drop("r");
            let shared = crate::track_rc_new("shared", Rc::new(1));
            let _clone = crate::track_rc_clone("clone", Rc::clone(&shared));
            crate::track_drop("a<script>");
        });
        let trace = session.trace();
        let graph = Graph::build(&trace);
        (to_html(&trace, &graph), trace, graph)
    }

    fn embedded(html: &str) -> Value {
        let start = html.find("<script type=\"application/json\" id=\"data\">").unwrap();
        let text = &html[start..];
        let text = &text[text.find('>').unwrap() + 1..text.find("</script>").unwrap()];
        parse(text).unwrap()
    }

    #[test]
    fn the_report_is_one_page_with_the_trace_embedded() {
        let (html, trace, graph) = report();
        assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
        assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "nothing is fetched");
        // A name from the program cannot open or close an element.
        assert!(!html.contains("a<script>"), "names are escaped");
        let data = embedded(&html);
        let len = |key: &str| data.get(key).and_then(Value::as_array).map_or(usize::MAX, |a| a.len());
        assert_eq!(len("events"), trace.events.len());
        assert_eq!(len("vars"), graph.nodes.len());
        assert_eq!(len("borrows"), graph.borrows.len());
        assert_eq!(len("shares"), graph.shares.len());
        let names: Vec<&str> = data.get("vars").unwrap().as_array().unwrap().iter().map(|v| v.as_array().unwrap()[1].as_str().unwrap()).collect();
        assert!(names.contains(&"a<script>") && names.contains(&"clone"), "{names:?}");
        // This file is readable from the test's folder: its text is embedded, and the
        // function of each site found in it.
        let files = data.get("files").unwrap().as_array().unwrap();
        assert!(files.iter().any(|f| f.as_array().unwrap()[1].as_str().is_some_and(|t| t.contains("fn report()"))), "the source is embedded");
        let fns = data.get("fns").unwrap().as_array().unwrap();
        assert!(fns.iter().any(|f| f.as_str() == Some("report")), "{fns:?}");
    }

    #[test]
    fn an_unreadable_source_is_said_to_be_missing_not_invented() {
        let (_, trace, graph) = report();
        let html = to_html_with_sources(&trace, &graph, &SourceIndex::read(&trace, &[]));
        let data = embedded(&html);
        let files = data.get("files").unwrap().as_array().unwrap();
        // Read from the test's folder only when the path as written reaches it.
        let readable = std::path::Path::new(files[0].as_array().unwrap()[0].as_str().unwrap()).is_file();
        assert_eq!(files[0].as_array().unwrap()[1].as_str().is_some(), readable);
        assert!(html.contains("not embedded: the file could not be read"), "the page says so");
    }

    #[test]
    fn the_page_takes_each_operation_s_group_and_argument_from_the_runtime_s_table() {
        let (html, _, _) = report();
        let data = embedded(&html);
        let groups = data.get("op_groups").unwrap().as_array().unwrap();
        let instance = data.get("op_instance_arg").unwrap().as_array().unwrap();
        assert_eq!((groups.len(), instance.len()), (Op::ALL.len(), Op::ALL.len()));
        for (i, op) in Op::ALL.iter().enumerate() {
            assert_eq!(groups[i].as_str(), Some(op.group().name()), "{op}");
            assert!(matches!(instance[i], Value::Bool(b) if b == op.arg_is_instance()), "{op}");
        }
        // The failed RefCell borrow names the cell's owner, as every borrow does: the copy
        // the page kept of this list had left it out.
        assert!(Op::RefCellBorrowFailed.arg_is_instance() && Op::Receive.arg_is_instance());
        assert!(!SCRIPT.contains("refcell_borrow|") && !SCRIPT.contains("function group("), "the page keeps no table of its own");
    }

    #[test]
    fn each_variable_s_story_in_words_is_the_one_why_tells() {
        let (html, trace, graph) = report();
        let data = embedded(&html);
        let stories = data.get("why").unwrap().as_array().unwrap();
        // The sources `to_html` finds, from the current folder and the program's.
        let roots: Vec<PathBuf> = std::env::current_dir().into_iter().chain(std::env::current_exe()).collect();
        let sources = SourceIndex::read(&trace, &roots);
        let why = super::super::why::Why::new(&trace, &graph, &sources);
        assert_eq!(stories.len(), graph.nodes.len());
        for (story, v) in stories.iter().zip(&graph.nodes) {
            let lines: Vec<&str> = story.as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
            assert_eq!(lines, why.lines(v), "{}", v.name);
            assert!(lines[0].starts_with(&format!("{} #{}: ", v.name, v.id)));
        }
        // Past the limit the page says where to get them rather than grow without bound.
        let session = crate::Session::new();
        session.record(|| {
            for i in 0..=WHY_LIMIT {
                crate::track_new("many", i);
            }
        });
        let big = session.trace();
        let html = to_html(&big, &Graph::build(&big));
        assert!(matches!(embedded(&html).get("why"), Some(Value::Null)));
        assert!(SCRIPT.contains("not embedded in a report of this many variables"));
    }

    #[test]
    fn a_run_that_crashed_says_so_and_where_each_thread_was() {
        let (_, mut trace, graph) = report();
        trace.ended_by = Some("SIGSEGV".to_owned());
        let html = to_html(&trace, &graph);
        let thread = trace.threads[0].index;
        let last = trace.events.iter().rev().find(|e| e.thread == thread).unwrap();
        assert!(html.contains("<div id=\"ending\">the run ended by SIGSEGV (a crash: an invalid memory access)"), "{}", &html[..3000]);
        assert!(html.contains(&format!("last event on thread {thread} (")), "{}", &html[..3000]);
        assert!(html.contains(&escape(&format!("{} {} at {}", last.op, last.site.name, last.site))), "{}", &html[..3000]);
    }

    #[test]
    fn missing_events_are_noted_on_the_page() {
        let (_, mut trace, graph) = report();
        trace.dropped = 5;
        let html = to_html(&trace, &graph);
        assert!(html.contains("<div id=\"note\">the event cap was reached, so the trace stops there (5 events were dropped;"), "{}", &html[..2000]);
    }
}
