//! The judge of a generated batch (written by `truthgen`, not compiled as part of it): runs
//! each program on each input in a session of its own and prints one line per verdict.

use std::sync::Mutex;

use borrowscope_runtime::{Event, Op, Session};

/// The names of the values dropped so far, in order.
pub static LOG: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

/// A value that logs its own drop.
pub struct Noisy(pub &'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        LOG.lock().unwrap().push(self.0);
    }
}

pub struct Pair {
    pub a: Noisy,
    pub b: Noisy,
}

impl Pair {
    /// Takes the pair by value and gives its `a` back; `b` is dropped on the way out.
    pub fn into_a(self) -> Noisy {
        self.a
    }
}

pub struct Tagged {
    pub item: Noisy,
    pub tag: u32,
}

impl Noisy {
    /// Takes the value and gives it back: a method that takes `self` by value.
    pub fn itself(self) -> Noisy {
        self
    }
}

pub fn new(name: &'static str) -> Noisy {
    Noisy(name)
}

pub fn pass<T>(value: T) -> T {
    value
}

pub fn consume<T>(value: T) {
    drop(value);
}

pub fn look<T: ?Sized>(value: &T) {
    std::hint::black_box(value);
}

/// How a binding instance really ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fate {
    Drop,
    Move,
}

/// One expected binding instance: name, occurrence, fate, construct, values it drops, ids of
/// the values it was made of, ids of those that moved out of it.
pub type Expect = (&'static str, usize, Fate, &'static str, &'static [&'static str], &'static [u64], &'static [u64]);

/// The last fate recorded for instance `id`.
fn last_fate(events: &[Event], id: u64) -> Option<Op> {
    events
        .iter()
        .filter_map(|e| match e.op {
            Op::Drop | Op::ScopeEnd if e.id == id => Some(e.op),
            Op::Move if e.arg == id => Some(Op::Move),
            _ => None,
        })
        .last()
}

/// Runs program `name` on input `k` and prints its verdicts.
pub fn judge(name: &str, k: u32, run: impl FnOnce(), expected: &[Expect], log: &[&str]) {
    LOG.lock().unwrap().clear();
    let session = Session::new();
    session.record(run);
    let real: Vec<&str> = LOG.lock().unwrap().clone();
    let events = session.events();
    let case = format!("{name}/{k}");
    println!("oracle {case} {}", if real == log { "right" } else { "wrong" });
    if real != log {
        println!("log {case} real={real:?} predicted={log:?}");
        return;
    }
    // Whatever the truth, no two events of the trace may contradict each other.
    let trace = borrowscope_runtime::Trace { events: events.clone(), ..borrowscope_runtime::Trace::default() };
    let contradictions = trace.contradictions();
    for contradiction in &contradictions {
        println!("consistent {case} {} wrong", trace.describe(contradiction).replace('\n', " / "));
    }
    if contradictions.is_empty() {
        println!("consistent {case} right");
    }
    let news = |n: &str| events.iter().filter(|e| e.op == Op::New && e.site.name == n).map(|e| e.id).collect::<Vec<u64>>();
    let mut ids: Vec<(u64, usize)> = Vec::new();
    for (index, (binding, occurrence, real, construct, _, _, _)) in expected.iter().enumerate() {
        let made = news(binding);
        let expected_count = expected.iter().filter(|e| e.0 == *binding).count();
        if *occurrence == 0 && made.len() > expected_count {
            println!("extra {case} {construct} {binding} made={} real={expected_count} wrong", made.len());
        }
        let Some(&id) = made.get(*occurrence) else {
            println!("binding {case} {construct} {binding}#{occurrence} untracked");
            continue;
        };
        ids.push((id, index));
        let verdict = match last_fate(&events, id) {
            None => "missing",
            Some(Op::ScopeEnd) => "unknown",
            Some(op) if (op == Op::Drop) == (*real == Fate::Drop) => "right",
            Some(_) => "wrong",
        };
        println!("binding {case} {construct} {binding}#{occurrence} real={real:?} {verdict}");
    }
    // Every recorded drop, mapped to the values the instance held, is a drop the log has, in
    // the same order.
    let mut next = vec![0usize; expected.len()];
    let mut dropped: Vec<&str> = Vec::new();
    for event in events.iter().filter(|e| e.op == Op::Drop) {
        if let Some(&(_, index)) = ids.iter().find(|(id, _)| *id == event.id) {
            if let Some(value) = expected[index].4.get(next[index]) {
                dropped.push(value);
            }
            next[index] += 1;
        }
    }
    let mut rest = real.iter();
    let in_order = dropped.iter().all(|v| rest.any(|l| l == v));
    println!("order {case} {}", if in_order { "right" } else { "wrong" });
    // Every link the trace claims (a move or a receive naming a binding it went to) joins
    // two instances that held the same values: what the destination was made of moved out of
    // the source (all of it, or a part, as a field captured by a closure).
    for event in &events {
        let (to, from) = match event.op {
            Op::Receive => (event.id, event.arg),
            Op::Move if event.id != 0 => (event.id, event.arg),
            _ => continue,
        };
        let find = |id: u64| ids.iter().find(|(i, _)| *i == id).map(|(_, index)| &expected[*index]);
        let (Some(to), Some(from)) = (find(to), find(from)) else { continue };
        let right = to.5.is_empty() == from.6.is_empty() && to.5.iter().all(|id| from.6.contains(id));
        println!("link {case} {}#{}->{}#{} {}", from.0, from.1, to.0, to.1, if right { "right" } else { "wrong" });
    }
}
