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
}
