//! The graph as Graphviz DOT: owners, borrows, moves and Rc/Arc clones drawn differently.

use std::fmt::Write as _;

use crate::graph::{End, Graph, ValueKind};

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Renders the graph as a DOT digraph. Variables are nodes (shape by kind, grey once dead);
/// borrows are dashed edges from reference to owner (`&` / `&mut`), moves bold edges, and
/// Rc/Arc clones dotted blue edges labelled with the count after the clone.
pub fn to_dot(graph: &Graph) -> String {
    let mut out = String::from("digraph borrowscope {\n  rankdir=LR;\n  node [fontname=\"monospace\"];\n");
    for v in &graph.nodes {
        let shape = match v.kind {
            ValueKind::Reference => "ellipse",
            ValueKind::Rc | ValueKind::Arc | ValueKind::Weak => "doubleoctagon",
            ValueKind::Box | ValueKind::RawPointer => "component",
            ValueKind::RefCell | ValueKind::Cell | ValueKind::RefCellGuard => "box3d",
            ValueKind::Value => "box",
        };
        let state = match v.end {
            None => "alive".to_owned(),
            Some(End::Dropped(at)) if v.nothing_to_drop().is_some() => format!("out of scope @{at}"),
            Some(End::Dropped(at)) => format!("dropped @{at}"),
            Some(End::MovedOut(at)) => format!("moved @{at}"),
            Some(End::ScopeEnded(at)) => format!("scope end @{at}"),
        };
        let ty = v.type_name.map(|t| format!(": {}", escape(t))).unwrap_or_default();
        let style = if v.end.is_some() { ", style=filled, fillcolor=\"#eeeeee\"" } else { "" };
        let _ = writeln!(
            out,
            "  v{} [shape={shape}, label=\"{}{ty}\\n#{} t{} @{}..{}\"{style}];",
            v.id,
            escape(v.name),
            v.id,
            v.thread,
            v.created,
            escape(&state)
        );
    }
    for b in &graph.borrows {
        // A temporary borrow has no variable of its own to draw.
        if let Some(owner) = b.owner
            && b.borrower != 0
        {
            let label = if b.mutable { "&mut" } else { "&" };
            let _ = writeln!(out, "  v{} -> v{owner} [style=dashed, label=\"{label}\"];", b.borrower);
        }
    }
    for m in &graph.moves {
        if let Some(from) = m.from {
            let _ = writeln!(out, "  v{from} -> v{} [style=bold, label=\"move @{}\"];", m.to, m.at);
        }
    }
    for s in &graph.shares {
        if let Some(from) = s.from {
            let _ = writeln!(out, "  v{from} -> v{} [style=dotted, color=blue, label=\"{} ({})\"];", s.to, s.op, s.count);
        }
    }
    out.push_str("}\n");
    out
}
