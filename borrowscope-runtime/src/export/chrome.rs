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
    let end_of = |end: Option<u64>| end.unwrap_or(graph.last_order + 1);
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
