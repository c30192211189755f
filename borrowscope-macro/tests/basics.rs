//! First behaviour checks: instrumented functions return what they returned before, and
//! record creation, borrows, moves and drops in the real order.

use std::rc::Rc;

use borrowscope_macro::trace_borrow;
use borrowscope_runtime::{Op, Session};

/// Runs `f` in a session; returns its value and the events as `op name` lines.
fn run<R>(f: impl FnOnce() -> R) -> (R, Vec<String>) {
    let session = Session::new();
    let value = session.record(f);
    let lines = session.events().iter().map(|e| format!("{} {}", e.op, e.site.name).trim_end().to_owned()).collect();
    (value, lines)
}

#[trace_borrow(quiet)]
fn ownership() -> usize {
    let data = vec![1, 2, 3];
    let r = &data;
    let n = r.len();
    let moved = data;
    n + moved.len()
}

#[test]
fn lets_borrows_moves_and_drops() {
    let (value, events) = run(ownership);
    assert_eq!(value, 6);
    assert_eq!(
        events,
        // `moved.len()` is its last use, a method call: without type information the macro
        // cannot tell whether it took `moved` by value, so its end is `scope_end`, never a
        // guessed drop. `data` was moved, so it is not dropped at all. Nor can it tell whether
        // `n` (made by a method call) is `Copy` where it is used by value: `scope_end` too.
        ["new data", "new r", "borrow r", "new n", "move moved", "new moved", "scope_end moved", "scope_end n", "drop r"].map(String::from)
    );
}

struct Loud(&'static str, std::rc::Rc<std::cell::RefCell<Vec<String>>>);

impl Drop for Loud {
    fn drop(&mut self) {
        self.1.borrow_mut().push(format!("drop {}", self.0));
    }
}

#[trace_borrow(quiet)]
fn early_return(log: Rc<std::cell::RefCell<Vec<String>>>, stop: bool) -> u8 {
    let a = Loud("a", Rc::clone(&log));
    let b = Loud("b", Rc::clone(&log));
    if stop {
        return 1;
    }
    // Its type written out, the compiler can tell at `drop(c)` that it is not `Copy`.
    let c: Loud = Loud("c", Rc::clone(&log));
    drop(c);
    let _ = (&a, &b);
    2
}

#[test]
fn drops_follow_the_real_order_on_early_return() {
    for stop in [true, false] {
        let log = Rc::new(std::cell::RefCell::new(Vec::new()));
        let (value, events) = run(|| early_return(Rc::clone(&log), stop));
        assert_eq!(value, if stop { 1 } else { 2 });
        let drops: Vec<_> = events.iter().filter(|e| e.starts_with("drop")).cloned().collect();
        // The recorded drops are in the order the values really dropped: `c` where it was
        // passed to `drop`, then `b` and `a` at the return, then the parameters, after the
        // body's locals and in reverse order.
        let locals: Vec<_> = drops.iter().filter(|d| !matches!(d.as_str(), "drop stop" | "drop log")).cloned().collect();
        assert_eq!(locals, *log.borrow(), "stop={stop}");
        assert_eq!(drops[drops.len() - 2..], ["drop stop".to_owned(), "drop log".to_owned()], "stop={stop}");
        if !stop {
            // The last borrows are `(&a, &b)`, after `drop(c)`.
            let last = |name: &str| events.iter().rposition(|e| e == name).unwrap();
            assert!(last("drop c") < last("borrow"), "`drop(c)` drops it there: {events:?}");
            assert!(!events.contains(&"move".to_owned()), "{events:?}");
        }
    }
}

#[trace_borrow]
fn everything(n: u32) -> Result<u32, String> {
    let shared = Rc::new(n);
    let other = Rc::clone(&shared);
    let mut total = 0;
    for i in 0..n {
        if i % 2 == 0 {
            total += i;
        } else {
            continue;
        }
    }
    let label = match total {
        0 => "zero",
        _ => "some",
    };
    let parsed: u32 = "7".parse::<u32>().map_err(|e| e.to_string())?;
    let point = (total, parsed);
    Ok(point.0 + point.1 + *other + label.len() as u32)
}

#[test]
fn the_standard_preset_records_control_flow_and_pointers() {
    let (value, events) = run(|| everything(4));
    assert_eq!(value, Ok(2 + 7 + 4 + 4));
    for expected in ["rc_new shared", "rc_clone other", "loop_enter", "loop_iteration", "branch", "continue", "match_arm", "try", "tuple_create"] {
        assert!(events.iter().any(|e| e.starts_with(expected)), "missing {expected}: {events:#?}");
    }
    let session = Session::new();
    session.record(|| everything(3)).unwrap();
    let events = session.events();
    let clone = events.iter().find(|e| e.op == Op::RcClone).unwrap();
    let new = events.iter().find(|e| e.op == Op::RcNew).unwrap();
    assert_eq!((clone.arg, clone.count), (new.id, 2), "the clone names its source and the count");
}

type MyRc<T> = Rc<T>;

fn make_shared() -> std::sync::Arc<String> {
    std::sync::Arc::new(String::from("made"))
}

#[trace_borrow(only = "ownership, pointers")]
fn aliases_factories_and_method_clones() -> usize {
    let a = MyRc::new(1);
    let b = a.clone();
    let c = make_shared();
    let d = c.clone();
    let e = std::sync::Arc::clone(&d);
    Rc::strong_count(&b) + std::sync::Arc::strong_count(&e)
}

#[test]
fn the_type_at_the_binding_site_classifies_aliases_factories_and_method_clones() {
    let session = Session::new();
    assert_eq!(session.record(aliases_factories_and_method_clones), 5);
    let events = session.events();
    let id_of = |name: &str| events.iter().find(|e| e.op == Op::New && e.site.name == name).unwrap().id;
    let pointer = |name: &str| {
        let id = id_of(name);
        let e = events.iter().find(|e| e.id == id && e.op != Op::New && e.op != Op::Drop).unwrap();
        (e.op, e.arg, e.count)
    };
    assert_eq!(pointer("b"), (Op::RcClone, id_of("a"), 2), "a method-syntax clone of an Rc, with its count");
    assert_eq!(pointer("d"), (Op::ArcClone, id_of("c"), 2));
    assert_eq!(pointer("e").0, Op::ArcClone);
    assert_eq!(pointer("e").1, id_of("d"));
    // An alias's constructor and a factory are classified in the graph from their types.
    let graph = session.graph();
    let kind = |name: &str| graph.named(name).next().unwrap().kind;
    assert_eq!(kind("a"), borrowscope_runtime::ValueKind::Rc);
    assert_eq!(kind("c"), borrowscope_runtime::ValueKind::Arc);
}

#[trace_borrow(only = "ownership, methods, pointers")]
fn threads_channels_locks() -> (usize, String) {
    let total = std::sync::Arc::new(std::sync::Mutex::new(0usize));
    let (tx, rx) = std::sync::mpsc::channel();
    let worker_total = std::sync::Arc::clone(&total);
    let handle = std::thread::spawn(move || {
        *worker_total.lock().unwrap() += 1;
        tx.send(5usize).unwrap();
    });
    let received = rx.recv().unwrap();
    handle.join().unwrap();
    let guard = total.lock().unwrap();
    let cell = std::cell::RefCell::new(received);
    let doubled = *cell.borrow() * 2;
    let path = std::path::Path::new("a");
    let joined = path.join("b");
    (*guard + doubled, joined.display().to_string())
}

#[test]
fn thread_channel_lock_and_refcell_events_follow_the_receivers_type() {
    let session = Session::new();
    let value = session.record(threads_channels_locks);
    assert_eq!(value, (11, std::path::Path::new("a").join("b").display().to_string()));
    let events = session.events();
    let count = |op: Op| events.iter().filter(|e| e.op == op).count();
    assert_eq!(count(Op::Channel), 1);
    assert_eq!(count(Op::ThreadSpawn), 1);
    assert_eq!(count(Op::ChannelRecv), 1);
    assert_eq!(count(Op::ThreadJoin), 1, "Path::join is not a thread join");
    assert_eq!(count(Op::Lock), 1, "the main thread's lock (the spawned thread records nothing)");
    assert_eq!(count(Op::RefCellBorrow), 1);
    // The spawn names the thread it started, and the join comes after the receive.
    let order = |op: Op| events.iter().find(|e| e.op == op).unwrap().order;
    assert!(order(Op::ThreadSpawn) < order(Op::ChannelRecv) && order(Op::ChannelRecv) < order(Op::ThreadJoin));
    assert_ne!(events.iter().find(|e| e.op == Op::ThreadSpawn).unwrap().arg, 0);
}

// The spacing is the test: rustfmt would remove it.
#[rustfmt::skip]
#[trace_borrow(quiet)]
fn located() -> u8 {
    let   spaced = 3u8; // `spaced` starts at column 11
    spaced
}

#[test]
fn call_sites_carry_the_users_file_line_and_column() {
    let session = Session::new();
    session.record(located);
    let new = session.events().into_iter().find(|e| e.op == Op::New).unwrap();
    let source = include_str!("basics.rs");
    let line = source.lines().position(|l| l.contains("let   spaced")).unwrap() as u32 + 1;
    assert_eq!((new.site.file, new.site.line, new.site.column), (file!(), line, 11));
}

fn takes(v: &[i32]) -> usize {
    v.len()
}

#[trace_borrow]
fn temporaries() -> usize {
    let v = vec![1, 2];
    let n = takes(&v);
    let cell = std::cell::RefCell::new(3);
    let m = *cell.borrow();
    n + m + v.len()
}

#[test]
fn borrows_and_guards_of_temporaries_are_not_variables() {
    let session = Session::new();
    assert_eq!(session.record(temporaries), 7);
    let graph = session.graph();
    assert!(graph.node(0).is_none(), "no variable #0: {:?}", graph.nodes);
    let v = graph.named("v").next().unwrap().id;
    let temporary = graph.borrows.iter().find(|b| b.owner == Some(v)).unwrap();
    assert_eq!(temporary.borrower, 0);
    // Known to exist where it was taken, and not claimed alive after.
    assert_eq!(graph.borrowers_at(v, temporary.start).len(), 1);
    assert!(graph.borrowers_at(v, temporary.start + 1).is_empty());
    // The report's variables are the graph's: no row for an instance #0, and the borrow
    // of the temporary is there with borrower 0.
    let report = borrowscope_runtime::to_html(&session.trace(), &graph);
    let vars = &report[report.find("\"vars\":[").unwrap()..];
    let vars = &vars[..vars.find("],\"borrows\"").unwrap()];
    assert!(!vars.contains("[0,"), "{vars}");
    let borrows = &report[report.find("\"borrows\":[").unwrap()..];
    assert!(borrows.starts_with(&format!("\"borrows\":[[0,{v},0,")) || borrows.contains(&format!("[0,{v},0,")), "{borrows:.200}");
}

#[trace_borrow]
fn reassigned(log: Rc<std::cell::RefCell<Vec<String>>>) {
    let mut a = Loud("first", Rc::clone(&log));
    let _ = &a;
    a = Loud("second", Rc::clone(&log));
    let _ = &a;
}

#[test]
fn assigning_over_a_binding_drops_its_old_value_there_and_starts_a_new_instance() {
    let log = Rc::new(std::cell::RefCell::new(Vec::new()));
    let session = Session::new();
    session.record(|| reassigned(Rc::clone(&log)));
    assert_eq!(*log.borrow(), ["drop first", "drop second"]);
    let events = session.events();
    let a: Vec<_> = events.iter().filter(|e| e.site.name == "a" && matches!(e.op, Op::New | Op::Drop)).map(|e| (e.op, e.id)).collect();
    let (first, second) = (a[0].1, a[2].1);
    assert_ne!(first, second, "the new value is a new instance");
    assert_eq!(a, [(Op::New, first), (Op::Drop, first), (Op::New, second), (Op::Drop, second)]);
    // The trace stays consistent: nothing is dropped twice.
    let graph = session.graph();
    assert_eq!(graph.named("a").count(), 2);
}

#[trace_borrow]
fn spawns_anywhere() -> usize {
    let mut handles = Vec::new();
    for i in 0..2 {
        handles.push(std::thread::spawn(move || i));
    }
    let mut total = 0;
    std::thread::scope(|s| {
        s.spawn(|| total += 1);
    });
    for handle in handles {
        total += handle.join().unwrap();
    }
    total
}

#[test]
fn spawns_are_recorded_wherever_they_are_written() {
    let session = Session::new();
    assert_eq!(session.record(spawns_anywhere), 2);
    let spawns = session.events().iter().filter(|e| e.op == Op::ThreadSpawn).count();
    assert_eq!(spawns, 3, "two `thread::spawn`s pushed into a Vec and one scoped spawn");
}
