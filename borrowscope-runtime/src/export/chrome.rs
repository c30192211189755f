//! The trace in Chrome's trace-event format, which Perfetto and chrome://tracing open: one
//! track per thread, a slice per variable lifetime, borrows as slices nested in their owner,
//! and every other event as an instant. Timestamps are positions in the global order.

use std::fmt::Write as _;

use super::json::quote;
use crate::event::Trace;
use crate::graph::{Graph, ValueKind};

/// Renders the trace (and its graph) as a trace-event JSON object.
pub fn to_chrome_trace(trace: &Trace, graph: &Graph) -> String {
    let mut out = String::from("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
    let mut first = true;
    let mut sep = |out: &mut String| {
        if !std::mem::take(&mut first) {
            out.push(',');
        }
    };
    for thread in &trace.threads {
        sep(&mut out);
        let name = thread.name.clone().unwrap_or_else(|| format!("thread {}", thread.index));
        let _ = write!(out, "{{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":{},\"args\":{{\"name\":", thread.index);
        quote(&mut out, &name);
        out.push_str("}}");
    }
    let end_of = |end: Option<u64>| end.unwrap_or(graph.last_order.saturating_add(1));
    for v in &graph.nodes {
        // References are drawn as borrows inside their owner, below.
        if v.kind == ValueKind::Reference {
            continue;
        }
        sep(&mut out);
        let dur = end_of(v.ended_at()).saturating_sub(v.created).max(1);
        let _ = write!(out, "{{\"ph\":\"X\",\"cat\":\"variable\",\"pid\":1,\"tid\":{},\"ts\":{},\"dur\":{dur},\"name\":", v.thread, v.created);
        quote(&mut out, v.name);
        out.push_str(",\"args\":{\"type\":");
        quote(&mut out, v.type_name.unwrap_or("?"));
        let _ = write!(out, ",\"id\":{}}}}}", v.id);
    }
    for b in &graph.borrows {
        let Some(reference) = graph.node(b.borrower) else { continue };
        sep(&mut out);
        let dur = end_of(b.end).saturating_sub(b.start).max(1);
        let _ = write!(out, "{{\"ph\":\"X\",\"cat\":\"borrow\",\"pid\":1,\"tid\":{},\"ts\":{},\"dur\":{dur},\"name\":", reference.thread, b.start);
        let owner = b.owner.and_then(|o| graph.node(o)).map_or("?", |o| o.name);
        quote(&mut out, &format!("{}{} -> {}", if b.mutable { "&mut " } else { "&" }, owner, reference.name));
        out.push('}');
    }
    for event in &trace.events {
        sep(&mut out);
        let _ = write!(out, "{{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"event\",\"pid\":1,\"tid\":{},\"ts\":{},\"name\":", event.thread, event.order);
        quote(&mut out, &format!("{} {}", event.op, event.site.name));
        out.push_str(",\"args\":{\"at\":");
        quote(&mut out, &event.site.to_string());
        out.push_str("}}");
    }
    out.push_str("]}\n");
    out
}

// The scenario must record, so the test needs the `track` feature.
#[cfg(all(test, feature = "track"))]
mod tests {
    use super::*;
    use crate::export::value::{Value, parse};

    fn scenario() -> Trace {
        let session = crate::Session::new();
        session.record(|| {
            let owner = crate::track_new_with_id(1, "owner", "", 5);
            let r = crate::track_borrow_with_id(2, 1, "r", "", false, &owner);
            assert_eq!(*r, 5);
            crate::track_drop_with_id(2, "r", "");
            crate::track_drop_with_id(1, "owner", "");
        });
        session.trace()
    }

    #[test]
    fn the_output_follows_the_trace_event_format() {
        let trace = scenario();
        let text = to_chrome_trace(&trace, &Graph::build(&trace));
        let root = parse(&text).unwrap();
        let events = root.get("traceEvents").and_then(Value::as_array).unwrap();
        let mut slices = Vec::new();
        for event in events {
            let ph = event.get("ph").and_then(Value::as_str).unwrap();
            assert!(["M", "X", "i"].contains(&ph), "unexpected phase {ph}");
            for key in ["pid", "tid"] {
                assert!(event.get(key).and_then(Value::as_u64).is_some(), "{key} missing");
            }
            assert!(event.get("name").and_then(Value::as_str).is_some());
            if ph == "X" {
                let ts = event.get("ts").and_then(Value::as_u64).unwrap();
                let dur = event.get("dur").and_then(Value::as_u64).unwrap();
                slices.push((event.get("cat").and_then(Value::as_str).unwrap().to_owned(), ts, ts + dur));
            }
        }
        // The borrow's slice nests inside its owner's, on the same track.
        let owner = slices.iter().find(|s| s.0 == "variable").unwrap();
        let borrow = slices.iter().find(|s| s.0 == "borrow").unwrap();
        assert!(owner.1 <= borrow.1 && borrow.2 <= owner.2, "{owner:?} does not contain {borrow:?}");
        assert_eq!(events.iter().filter(|e| e.get("ph").and_then(Value::as_str) == Some("i")).count(), 4);
    }
}
