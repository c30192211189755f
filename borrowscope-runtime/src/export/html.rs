//! A self-contained HTML report that a person reads in a browser: a summary, every variable
//! with a bar showing its lifetime in the global order, the borrows, moves, `Rc`/`Arc` shares
//! and `RefCell` borrows between them, and the full event list. No script, no external file:
//! the page is one file that opens anywhere.

use std::fmt::Write as _;

use crate::event::Trace;
use crate::graph::{End, Graph, ValueKind};

/// `text` with the characters HTML gives a meaning to escaped (names and types come from
/// the user's program: `Vec<T>`, `&'a str`, anything in a string label).
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

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse;margin-bottom:2em}th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}\
th{background:#f3f3f3}code,td.m{font-family:ui-monospace,monospace;font-size:90%}\
.bar{position:relative;width:320px;height:10px;background:#f4f4f4}\
.bar span{position:absolute;top:0;height:10px;background:#4a7fd0}.bar span.ended{background:#9aa}\
.alive{color:#0a6}.failed{color:#c22;font-weight:bold}";

/// Renders the trace and its graph as one HTML page.
pub fn to_html(trace: &Trace, graph: &Graph) -> String {
    let mut out = String::with_capacity(4096 + trace.events.len() * 160);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>BorrowScope report</title><style>");
    out.push_str(STYLE);
    out.push_str("</style></head><body>\n<h1>BorrowScope report</h1>\n");
    let _ = writeln!(
        out,
        "<p>{} events on {} threads, {} variables, {} borrows, {} moves, {} shares, {} RefCell borrows.{}</p>",
        trace.events.len(),
        trace.threads.len(),
        graph.nodes.len(),
        graph.borrows.len(),
        graph.moves.len(),
        graph.shares.len(),
        graph.cell_borrows.len(),
        trace.note().map(|note| format!(" <b>{}.</b>", escape(&note))).unwrap_or_default()
    );
    let name_of = |id: Option<u64>| -> String {
        id.and_then(|id| graph.node(id)).map_or_else(|| "?".to_owned(), |v| format!("{} #{}", escape(v.name), v.id))
    };
    let span = (graph.last_order + 1).max(1) as f64;

    out.push_str("<h2>Variables</h2>\n<table><tr><th>#</th><th>name</th><th>type</th><th>kind</th><th>thread</th><th>created at</th><th>lifetime</th><th>end</th></tr>\n");
    for v in &graph.nodes {
        let end = v.ended_at();
        let left = v.created as f64 / span * 100.0;
        let width = ((end.unwrap_or(graph.last_order + 1).saturating_sub(v.created)).max(1) as f64 / span * 100.0).min(100.0 - left);
        let state = match v.end {
            None => "<span class=\"alive\">alive</span>".to_owned(),
            Some(End::Dropped(at)) => format!("dropped @{at}"),
            Some(End::MovedOut(at)) => format!("moved @{at}"),
            Some(End::ScopeEnded(at)) => format!("scope end @{at}"),
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"m\">{}</td><td class=\"m\">{}</td><td>{}</td><td>t{}</td><td class=\"m\">{} @{}</td><td><div class=\"bar\"><span{} style=\"left:{left:.2}%;width:{width:.2}%\"></span></div></td><td>{state}</td></tr>",
            v.id,
            escape(v.name),
            escape(v.type_name.unwrap_or("")),
            kind_name(v.kind),
            v.thread,
            escape(&v.site.to_string()),
            v.created,
            if end.is_some() { " class=\"ended\"" } else { "" },
        );
    }
    out.push_str("</table>\n");

    out.push_str("<h2>Borrows</h2>\n<table><tr><th>reference</th><th>owner</th><th>kind</th><th>from</th><th>until</th></tr>\n");
    for b in &graph.borrows {
        let until = match (b.borrower, b.end) {
            (0, _) => "the end of its statement".to_owned(),
            (_, Some(end)) => end.to_string(),
            (_, None) => "<span class=\"alive\">alive</span>".to_owned(),
        };
        let kind = if b.mutable { "&amp;mut" } else { "&amp;" };
        let borrower = if b.borrower == 0 { "a temporary".to_owned() } else { name_of(Some(b.borrower)) };
        let _ = writeln!(out, "<tr><td class=\"m\">{borrower}</td><td class=\"m\">{}</td><td>{kind}</td><td>{}</td><td>{until}</td></tr>", name_of(b.owner), b.start);
    }
    out.push_str("</table>\n<h2>Moves</h2>\n<table><tr><th>from</th><th>to</th><th>at</th></tr>\n");
    for m in &graph.moves {
        let to = if m.to == 0 { "a call or expression".to_owned() } else { name_of(Some(m.to)) };
        let _ = writeln!(out, "<tr><td class=\"m\">{}</td><td class=\"m\">{to}</td><td>{}</td></tr>", name_of(m.from), m.at);
    }
    out.push_str("</table>\n<h2>Shared pointers</h2>\n<table><tr><th>from</th><th>to</th><th>operation</th><th>count after</th><th>at</th></tr>\n");
    for s in &graph.shares {
        let _ = writeln!(out, "<tr><td class=\"m\">{}</td><td class=\"m\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", name_of(s.from), name_of(Some(s.to)), s.op, s.count, s.at);
    }
    out.push_str("</table>\n<h2>RefCell borrows</h2>\n<table><tr><th>guard</th><th>cell</th><th>kind</th><th>from</th><th>until</th></tr>\n");
    for c in &graph.cell_borrows {
        let until = match (c.failed, c.end) {
            (true, _) => "<span class=\"failed\">failed: already borrowed</span>".to_owned(),
            (false, _) if c.guard == 0 => "the end of its statement".to_owned(),
            (false, Some(end)) => end.to_string(),
            (false, None) => "<span class=\"alive\">alive</span>".to_owned(),
        };
        let kind = if c.mutable { "borrow_mut" } else { "borrow" };
        let guard = if c.guard == 0 { "a temporary".to_owned() } else { name_of(Some(c.guard)) };
        let _ = writeln!(out, "<tr><td class=\"m\">{guard}</td><td class=\"m\">{}</td><td>{kind}</td><td>{}</td><td>{until}</td></tr>", escape(c.name), c.start);
    }
    out.push_str("</table>\n<h2>Events</h2>\n<table><tr><th>order</th><th>thread</th><th>operation</th><th>name</th><th>detail</th><th>id</th><th>arg</th><th>count</th><th>type</th><th>where</th><th>kind</th></tr>\n");
    for e in &trace.events {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>t{}</td><td>{}</td><td class=\"m\">{}</td><td class=\"m\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"m\">{}</td><td class=\"m\">{}</td><td>{}</td></tr>",
            e.order,
            e.thread,
            e.op,
            escape(e.site.name),
            escape(e.site.detail),
            e.id,
            e.arg,
            e.count,
            escape(e.type_name.unwrap_or("")),
            escape(&e.site.to_string()),
            escape(e.site.kind),
        );
    }
    out.push_str("</table>\n</body></html>\n");
    out
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
    use super::*;
    use crate::Session;
    use std::rc::Rc;

    fn report() -> String {
        let session = Session::new();
        session.record(|| {
            let a = crate::track_new("a<script>", vec![1]);
            let r = crate::track_borrow("r", &a);
            let _ = r.len();
            crate::track_drop("r");
            let shared = crate::track_rc_new("shared", Rc::new(1));
            let _clone = crate::track_rc_clone("clone", Rc::clone(&shared));
            crate::track_drop("a<script>");
        });
        let trace = session.trace();
        to_html(&trace, &Graph::build(&trace))
    }

    #[test]
    fn the_report_lists_variables_borrows_shares_and_events() {
        let html = report();
        assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
        assert!(html.contains("alloc::vec::Vec&lt;i32&gt;"), "types are escaped: {html}");
        assert!(html.contains("a&lt;script&gt;") && !html.contains("<script>"), "names are escaped");
        for section in ["<h2>Variables</h2>", "<h2>Borrows</h2>", "<h2>Moves</h2>", "<h2>Shared pointers</h2>", "<h2>Events</h2>"] {
            assert!(html.contains(section), "{section}");
        }
        assert!(html.contains("<td>&amp;</td>"), "the borrow of a by r");
        assert!(html.contains("<td>rc_clone</td><td>2</td>"), "the clone with its count: {html}");
        assert_eq!(html.matches("<tr>").count(), html.matches("</tr>").count());
        assert_eq!(html.matches("<table>").count(), html.matches("</table>").count());
    }
}
