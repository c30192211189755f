//! The graph of a traced scenario connects, answers the users' questions, and every export
//! is well formed.
#![cfg(feature = "track")]

use std::rc::Rc;

use borrowscope_runtime::*;

/// `owner` is borrowed twice, moved into `moved`; an `Rc` is cloned; everything drops.
fn scenario() -> Session {
    let session = Session::new();
    session.record(|| {
        let owner = track_new_with_id(1, "owner", "", vec![1, 2]);
        let first = track_borrow_with_id(2, 1, "first", "", false, &owner);
        assert_eq!(first.len(), 2);
        track_drop_with_id(2, "first", "");
        let second = track_borrow_with_id(3, 1, "second", "", false, &owner);
        assert_eq!(second[0], 1);
        track_drop_with_id(3, "second", "");
        let moved = track_move_with_id(1, 4, "moved", "", owner);
        let rc = track_rc_new_with_id(5, 0, "rc", "", Rc::new(moved));
        let rc2 = track_rc_clone_with_id(6, 5, "rc2", "", Rc::clone(&rc));
        assert_eq!(Rc::strong_count(&rc2), 2);
        drop(rc2);
        track_drop_with_id(6, "rc2", "");
        drop(rc);
        track_drop_with_id(5, "rc", "");
    });
    session
}

#[test]
fn the_graph_connects_borrows_moves_clones_and_drops() {
    let graph = scenario().graph();
    let names: Vec<_> = graph.nodes.iter().map(|v| (v.id, v.name)).collect();
    assert_eq!(names, [(1, "owner"), (2, "first"), (3, "second"), (4, "moved"), (5, "rc"), (6, "rc2")]);
    // Borrow edges point at their owner and end where the reference drops.
    assert!(graph.borrows.iter().all(|b| b.owner == Some(1)));
    let first = &graph.borrows[0];
    assert_eq!(first.end, graph.node(2).unwrap().ended_at());
    // Who borrows `owner` at the moment `second` was created: only `second`.
    let at = graph.node(3).unwrap().created;
    let borrowers: Vec<_> = graph.borrowers_at(1, at).iter().map(|b| b.borrower).collect();
    assert_eq!(borrowers, [3]);
    // Where `owner` went: into `moved`, and it was not dropped.
    let moves = graph.moves_from(1);
    assert_eq!(moves.len(), 1);
    assert_eq!(moves[0].to, 4);
    assert!(matches!(graph.node(1).unwrap().end, Some(End::MovedOut(_))));
    // Drops land on the right nodes; `moved` itself is never dropped in this scenario.
    assert!(matches!(graph.node(6).unwrap().end, Some(End::Dropped(_))));
    assert!(graph.node(4).unwrap().end.is_none());
    // The Rc clone records its source and the count after it.
    let share = graph.shares.iter().find(|s| s.op == Op::RcClone).unwrap();
    assert_eq!((share.from, share.to, share.count), (Some(5), 6, 2));
    assert_eq!(graph.node(5).unwrap().kind, ValueKind::Rc);
    assert!(graph.node(1).unwrap().lifetime(graph.last_order) > 0);
}

#[test]
fn the_id_forms_of_arc_and_mutable_borrows_connect_in_the_graph() {
    let session = Session::new();
    session.record(|| {
        let arc = track_arc_new_with_id(10, 0, "arc", "", std::sync::Arc::new(1));
        let arc2 = track_arc_clone_with_id(11, 10, "arc2", "", std::sync::Arc::clone(&arc));
        let cell = std::cell::RefCell::new(*arc2);
        *track_refcell_borrow_mut("guard", cell.borrow_mut()) += 1;
        track_refcell_borrow_end("guard");
        let mut value = track_new_with_id(12, "value", "", 5);
        *track_borrow_mut_with_id(13, 12, "m", "", &mut value) += 1;
        track_drop_with_id(13, "m", "");
        assert_eq!((*cell.borrow(), value), (2, 6));
    });
    let graph = session.graph();
    let share = graph.shares.iter().find(|s| s.op == Op::ArcClone).unwrap();
    assert_eq!((share.from, share.to, share.count), (Some(10), 11, 2));
    assert_eq!(graph.node(10).unwrap().kind, ValueKind::Arc);
    let borrow = graph.borrows.iter().find(|b| b.borrower == 13).unwrap();
    assert!(borrow.mutable && borrow.owner == Some(12) && borrow.end.is_some());
    let guard = graph.cell_borrows.iter().find(|b| b.name == "guard").unwrap();
    assert!(guard.mutable && !guard.failed && guard.end.is_some());
}

#[test]
fn name_based_drops_and_moves_resolve_to_the_latest_variable_of_that_name() {
    let session = Session::new();
    session.record(|| {
        let x = track_new("x", 1);
        let x2 = track_new("x", 2);
        track_drop("x");
        let y = track_move("x", "y", x);
        assert_eq!(x2 + y, 3);
    });
    let graph = session.graph();
    let xs: Vec<_> = graph.named("x").collect();
    assert_eq!(xs.len(), 2);
    assert!(matches!(xs[1].end, Some(End::Dropped(_))), "the inner x is dropped first");
    assert!(matches!(xs[0].end, Some(End::MovedOut(_))), "then the outer x is moved into y");
}

#[test]
fn inconsistent_events_are_reported_not_silently_graphed() {
    let session = Session::new();
    session.record(|| {
        track_drop_with_id(42, "ghost", "");
        assert!(matches!(check_events(), Err(Error::InvalidEventSequence(m)) if m.contains("never created")));
    });
    scenario().record(|| assert!(check_events().is_ok()));
}

#[test]
fn json_round_trips_and_is_versioned() {
    let trace = scenario().trace();
    let text = to_json(&trace);
    assert!(text.starts_with("{\"format\":\"borrowscope-trace\",\"version\":1,"));
    let back = from_json(&text).unwrap();
    assert_eq!(back, trace);
    assert_eq!(to_json(&back), text);
    for (broken, needle) in [
        (&text[..text.len() / 2], "truncated"),
        ("{\"format\":\"other\"}", "not a BorrowScope trace"),
        (&*text.replace("\"version\":1", "\"version\":9"), "unsupported trace version"),
    ] {
        let err = from_json(broken).unwrap_err();
        assert!(matches!(err, Error::SerializationError(_)), "{err:?}");
        assert!(err.to_string().contains(needle), "{err}");
    }
}

#[test]
fn export_files_and_their_errors() {
    let dir = tempfile::tempdir().unwrap();
    scenario().record(|| {
        let json = dir.path().join("trace.json");
        export_json(&json).unwrap();
        assert_eq!(from_json(&std::fs::read_to_string(&json).unwrap()).unwrap().events.len(), 10);
        export_dot(dir.path().join("graph.dot")).unwrap();
        export_chrome_trace(dir.path().join("trace.chrome.json")).unwrap();
        assert!(matches!(export_json(dir.path()), Err(Error::ExportError(m)) if m.contains("is a folder")));
        assert!(matches!(export_json(""), Err(Error::ExportError(_))));
        let missing = dir.path().join("no/such/folder/trace.json");
        assert!(matches!(export_json(missing), Err(Error::IoError(_))));
    });
}

#[test]
fn dot_output_renders_with_graphviz_when_it_is_installed() {
    let dot = to_dot(&scenario().graph());
    assert!(dot.contains("v2 -> v1 [style=dashed, label=\"&\"]"), "{dot}");
    assert!(dot.contains("v1 -> v4 [style=bold"), "{dot}");
    assert!(dot.contains("v5 -> v6 [style=dotted, color=blue, label=\"rc_clone (2)\"]"), "{dot}");
    // CI installs Graphviz; on a machine without it the structural checks above still run.
    let Ok(mut child) = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    else {
        eprintln!("graphviz `dot` not found; skipping the rendering check");
        return;
    };
    use std::io::Write;
    child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "dot rejected the graph: {}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("<svg"));
}

#[test]
fn a_capped_recorder_keeps_the_first_events_and_counts_the_rest() {
    let session = Session::with_max_events(100);
    session.record(|| {
        for i in 0..250 {
            track_loop_iteration(1, i, "");
        }
        let summary = summary();
        assert_eq!((summary.events, summary.dropped), (100, 150));
        assert!(summary.to_string().contains("150 dropped by the cap"), "{summary}");
    });
    let trace = session.trace();
    assert_eq!(trace.events.last().unwrap().arg, 99);
    session.reset();
    session.record(|| track_loop_iteration(1, 0, ""));
    assert_eq!((session.trace().events.len(), session.trace().dropped), (1, 0));
}

/// A value moved into a binding before the binding is made, as the branch of `let chosen = if
/// c { a } else { b }` moves `b` as it ends, or a `move` closure takes `label` (the move's
/// site names `label`): the destination is named by its creation, and begins there.
#[test]
fn a_destination_made_after_the_move_is_named_by_its_creation() {
    static MADE: CallSite = CallSite::new("b", "src/main.rs", 5, 9, "let");
    static MOVED: CallSite = CallSite::new("", "src/main.rs", 6, 40, "move");
    static CHOSEN: CallSite = CallSite::new("chosen", "src/main.rs", 6, 9, "let");
    static LABEL: CallSite = CallSite::new("label", "src/main.rs", 7, 9, "let");
    static CAPTURED: CallSite = CallSite::new("label", "src/main.rs", 8, 16, "capture");
    static SHOW: CallSite = CallSite::new("show", "src/main.rs", 8, 9, "closure");
    let event = |order, op, site, id, arg| Event { order, clock: order, thread: 0, op, site, id, arg, count: 0, type_name: None };
    let trace = Trace {
        events: vec![
            event(0, Op::New, &MADE, 4, 0),
            event(1, Op::Move, &MOVED, 5, 4),
            event(2, Op::New, &CHOSEN, 5, 0),
            event(3, Op::New, &LABEL, 6, 0),
            event(4, Op::Move, &CAPTURED, 7, 6),
            event(5, Op::New, &SHOW, 7, 0),
        ],
        ..Trace::default()
    };
    let graph = Graph::build(&trace);
    let chosen: Vec<_> = graph.named("chosen").collect();
    assert_eq!(chosen.len(), 1, "{:?}", graph.nodes);
    assert_eq!((chosen[0].id, chosen[0].created, chosen[0].site.line), (5, 2, 6));
    assert!(graph.nodes.iter().all(|v| !v.name.is_empty()), "{:?}", graph.nodes);
    assert_eq!(graph.moves_from(4)[0].to, 5);
    let names: Vec<_> = graph.nodes.iter().map(|v| (v.id, v.name)).collect();
    assert_eq!(names, [(4, "b"), (5, "chosen"), (6, "label"), (7, "show")]);
}
