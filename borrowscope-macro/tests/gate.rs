//! The per-call gate: once no event can be kept (the process-wide recorder's cap reached and
//! no session entered), a traced function runs its body as written; a session, or room made
//! in the recorder, turns instrumentation back on. One test in a process of its own, since it
//! fills the process-wide recorder.

use borrowscope_macro::trace_borrow;
use borrowscope_runtime::{__private, Op, Session, reset, set_max_events, trace};

#[trace_borrow]
fn work(n: u64) -> u64 {
    let doubled = n * 2;
    let values = vec![doubled, 1];
    values.iter().sum()
}

/// Makes a closure while tracing is on and calls it past the cap: from then on each call
/// runs the closure's body as written (its own gate).
#[trace_borrow]
fn weigh_all(items: &[u64]) -> u64 {
    let weigh = |x: u64| {
        let tripled = x * 3;
        std::hint::black_box(tripled)
    };
    items.iter().map(|&x| weigh(x)).sum()
}

/// Not traced: makes room in the recorder again while `count_steps` is past its cap.
fn make_room_at(i: u64, at: u64) {
    if i == at {
        reset();
    }
}

/// A loop entered with room left that runs on past the cap: its iterations run as written
/// once no event can be kept (the per-iteration gate), instrumented again once there is room.
#[trace_borrow]
fn count_steps(limit: u64, room_at: u64) -> u64 {
    let mut total = 0;
    let mut i = 0;
    while i < limit {
        let step = i % 7;
        total += step;
        make_room_at(i, room_at);
        i += 1;
    }
    total
}

/// Not traced: takes its argument.
fn consume(text: String) -> usize {
    text.len()
}

/// A loop whose last iteration moves a binding declared outside it, and returns: run as
/// written past the cap, that move is not seen, so the binding's end must be unknown.
#[trace_borrow]
fn last_takes(limit: u64, room_at: u64) -> usize {
    let kept = String::from("kept");
    let mut i = 0;
    while i < limit {
        make_room_at(i, room_at);
        if i + 1 == limit {
            return consume(kept);
        }
        i += 1;
    }
    0
}

/// A loop that gives a binding declared outside it a new value in every iteration, run on
/// past the cap: an iteration run as written replaces the value unseen, so nothing more may
/// be recorded of the binding, even once there is room again.
#[trace_borrow]
fn refill(limit: u64, room_at: u64) -> usize {
    let mut held = String::from("first");
    let mut i = 0;
    while i < limit {
        make_room_at(i, room_at);
        held = format!("{i}");
        i += 1;
    }
    held.len()
}

#[test]
fn a_full_recorder_makes_traced_functions_run_as_written() {
    set_max_events(20);
    assert!(__private::active(), "room left: instrumented");
    for i in 0..100 {
        assert_eq!(work(i), i * 2 + 1);
    }
    assert!(!__private::active(), "the cap was reached and no session is entered");
    let full = trace();
    assert_eq!(full.events.len(), 20);
    // Events of the call that found the recorder full are counted; later calls record none.
    let dropped = full.dropped;
    assert!(dropped > 0);
    assert_eq!(work(7), 15);
    assert_eq!(trace().dropped, dropped, "a call through the gate records nothing");

    // A session entered anywhere opens the gate: its recorder has room.
    let session = Session::new();
    assert_eq!(session.record(|| work(3)), 7);
    assert!(session.events().iter().any(|e| e.op == Op::New && e.site.name == "doubled"));
    assert!(!__private::active(), "closed again once the session is left");

    // Room in the process-wide recorder opens it too.
    reset();
    assert!(__private::active());
    assert_eq!(work(2), 5);
    assert!(trace().events.iter().any(|e| e.op == Op::New && e.site.name == "values"));

    // A closure made with room left, called on past the cap: the same results, and the
    // events of its calls before the cap are there.
    reset();
    set_max_events(40);
    let items: Vec<u64> = (0..500).collect();
    assert_eq!(weigh_all(&items), items.iter().map(|x| x * 3).sum::<u64>());
    assert!(!__private::active());
    assert!(trace().events.iter().any(|e| e.op == Op::New && e.site.name == "tripled"));
    assert_eq!(weigh_all(&items[..3]), 9);

    // A loop past the cap, given room again in iteration 300: the same result, and from
    // iteration 301 on each iteration is recorded again, numbered as it really is (the
    // iterations run as written were counted).
    reset();
    set_max_events(50);
    assert_eq!(count_steps(400, 300), (0..400).map(|i| i % 7).sum::<u64>());
    let events = trace().events;
    let iterations: Vec<u64> = events.iter().filter(|e| e.op == Op::LoopIteration).map(|e| e.arg).collect();
    assert!(!iterations.is_empty(), "the iterations after the room was made are recorded");
    assert_eq!(iterations, (301..301 + iterations.len() as u64).collect::<Vec<_>>());
    let steps = events.iter().filter(|e| e.op == Op::New && e.site.name == "step").count();
    // (The cap may cut the last iteration short.)
    assert!(
        steps == iterations.len() || steps + 1 == iterations.len(),
        "each recorded iteration records its `step`: {steps} of {}",
        iterations.len()
    );
    // Nothing is recorded for a value it did not see made: every drop is of a value made
    // in the events kept.
    let made: std::collections::HashSet<u64> = events.iter().filter(|e| e.op == Op::New).map(|e| e.id).collect();
    assert!(events.iter().filter(|e| e.op == Op::Drop).all(|e| made.contains(&e.id)));

    // The last iteration runs as written (the gate was closed as it began), makes room, and
    // moves `kept` out: the guard, which did not see the move, ends it as unknown when the
    // function returns, with room to record, never as a drop.
    reset();
    set_max_events(50);
    assert_eq!(last_takes(400, 399), 4);
    let events = trace().events;
    let kept: Vec<Op> = events.iter().filter(|e| e.site.name == "kept").map(|e| e.op).collect();
    assert_eq!(kept, vec![Op::ScopeEnd], "{events:#?}");

    // A loop past the cap that assigns `held` in every iteration, given room again in
    // iteration 300: its iterations ran as written (numbered from 301 when recorded again),
    // and none of `held`'s events names the value made before the cap for a later one: its
    // guard forgot it.
    reset();
    set_max_events(50);
    assert_eq!(refill(400, 300), 3);
    let events = trace().events;
    let iterations: Vec<u64> = events.iter().filter(|e| e.op == Op::LoopIteration).map(|e| e.arg).collect();
    assert_eq!(iterations.first(), Some(&301), "{events:#?}");
    let held: Vec<Op> = events.iter().filter(|e| e.site.name == "held").map(|e| e.op).collect();
    assert_eq!(held, Vec::<Op>::new(), "{events:#?}");
}
