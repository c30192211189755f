//! The story of a variable instance in words: what `cargo borrowscope why` prints and what
//! the report shows for the variable clicked, from this one place so that both say the same.

use std::collections::HashMap;

use super::sources::SourceIndex;
use crate::event::Trace;
use crate::graph::{Borrow, CellBorrow, End, Graph, Move, Share, Variable};
use crate::site::Op;

/// The graph indexed by instance, so that telling every variable's story costs what its
/// story holds, not a pass over the whole trace each.
pub struct Why<'a> {
    trace: &'a Trace,
    graph: &'a Graph,
    sources: &'a SourceIndex,
    shares_to: HashMap<u64, Vec<&'a Share>>,
    shares_from: HashMap<u64, Vec<&'a Share>>,
    borrows_of: HashMap<u64, Vec<&'a Borrow>>,
    borrow_by: HashMap<u64, &'a Borrow>,
    /// The `RefCell` guards and the locks taken by each variable's name (`owner_named`).
    cells_of: HashMap<u64, Vec<&'a CellBorrow>>,
    locks_of: HashMap<u64, Vec<usize>>,
    /// When the lock guard of each instance id was released.
    releases: HashMap<u64, u64>,
    moves_to: HashMap<u64, Vec<&'a Move>>,
    moves_from: HashMap<u64, Vec<&'a Move>>,
    /// The copy events (indices into the trace) out of each instance, and into each.
    copies_from: HashMap<u64, Vec<usize>>,
    copies_to: HashMap<u64, Vec<usize>>,
}

impl<'a> Why<'a> {
    /// Indexes `graph`, built from `trace`, whose sources are `sources`.
    pub fn new(trace: &'a Trace, graph: &'a Graph, sources: &'a SourceIndex) -> Why<'a> {
        let mut why = Why {
            trace,
            graph,
            sources,
            shares_to: HashMap::new(),
            shares_from: HashMap::new(),
            borrows_of: HashMap::new(),
            borrow_by: HashMap::new(),
            cells_of: HashMap::new(),
            locks_of: HashMap::new(),
            releases: HashMap::new(),
            moves_to: HashMap::new(),
            moves_from: HashMap::new(),
            copies_from: HashMap::new(),
            copies_to: HashMap::new(),
        };
        for s in &graph.shares {
            why.shares_to.entry(s.to).or_default().push(s);
            if let Some(from) = s.from {
                why.shares_from.entry(from).or_default().push(s);
            }
        }
        for b in &graph.borrows {
            if let Some(owner) = b.owner {
                why.borrows_of.entry(owner).or_default().push(b);
            }
            why.borrow_by.entry(b.borrower).or_insert(b);
        }
        let mut named: HashMap<(&str, u32), Vec<&Variable>> = HashMap::new();
        for v in &graph.nodes {
            named.entry((v.name, v.thread)).or_default().push(v);
        }
        for c in &graph.cell_borrows {
            if let Some(owner) = owner_named(trace, &named, c.name, c.start) {
                why.cells_of.entry(owner).or_default().push(c);
            }
        }
        for (i, e) in trace.events.iter().enumerate() {
            if e.op == Op::Lock {
                if let Some(owner) = owner_named(trace, &named, e.site.name, e.order) {
                    why.locks_of.entry(owner).or_default().push(i);
                }
            } else if e.op == Op::LockRelease && e.id != 0 {
                why.releases.entry(e.id).or_insert(e.order);
            } else if e.op == Op::Copy && e.arg != 0 {
                why.copies_from.entry(e.arg).or_default().push(i);
                if e.id != 0 {
                    why.copies_to.entry(e.id).or_default().push(i);
                }
            }
        }
        for m in &graph.moves {
            why.moves_to.entry(m.to).or_default().push(m);
            if let Some(from) = m.from {
                why.moves_from.entry(from).or_default().push(m);
            }
        }
        why
    }

    fn label(&self, id: u64) -> String {
        self.graph.node(id).map_or_else(|| format!("#{id}"), |v| format!("{} #{}", v.name, v.id))
    }

    /// ` (file:line:column)` of the event at `order`, or nothing.
    fn at(&self, order: u64) -> String {
        let events = &self.trace.events;
        match events.binary_search_by_key(&order, |e| e.order) {
            Ok(i) => format!(" ({}:{}:{})", events[i].site.file, events[i].site.line, events[i].site.column),
            Err(_) => String::new(),
        }
    }

    /// Whether the event at `order` is a closure's or `async` block's capture (its site's
    /// kind): the value moved into what captured it, which holds it among others.
    fn captured_at(&self, order: u64) -> bool {
        let events = &self.trace.events;
        events.binary_search_by_key(&order, |e| e.order).is_ok_and(|i| events[i].site.kind == "capture")
    }

    /// The story of `v`: a heading (`name #id: type`), then one sentence per line.
    pub fn lines(&self, v: &Variable) -> Vec<String> {
        let mut out = vec![format!("{} #{}: {}", v.name, v.id, v.type_name.unwrap_or("type not recorded"))];
        let function = self.sources.function_at(v.site.file, v.site.line).map(|f| format!(" in fn {f}")).unwrap_or_default();
        let thread =
            self.trace.threads.iter().find(|t| t.index == v.thread).and_then(|t| t.name.clone()).map(|n| format!(" ({n})")).unwrap_or_default();
        out.push(format!(
            "created at event {}, {}:{}:{}{function}, on thread {}{thread}",
            v.created, v.site.file, v.site.line, v.site.column, v.thread
        ));
        for s in self.shares_to.get(&v.id).into_iter().flatten() {
            out.push(match s.from {
                Some(from) => format!("made by {} of {} at event {} (count {} after)", s.op, self.label(from), s.at, s.count),
                None if matches!(s.op, Op::RcNew | Op::ArcNew) => format!("made by {} at event {} (count {})", s.op, s.at, s.count),
                None => format!("made by {} at event {} from a pointer the trace does not name (count {} after)", s.op, s.at, s.count),
            });
        }
        for b in self.borrows_of.get(&v.id).into_iter().flatten() {
            let kind = if b.mutable { "mutably" } else { "shared" };
            if let Some(method) = b.by_method {
                // Ended as the call returned where its result cannot hold the borrow; otherwise
                // how long the result keeps it is not recorded, and no end is said.
                let until = b.end.map(|end| format!(" until the call returned at event {end}")).unwrap_or_default();
                out.push(format!("borrowed {kind} by `{method}` at event {}{}{until}", b.start, self.at(b.start)));
                continue;
            }
            let until = match (b.borrower, b.end) {
                (0, _) => "the end of its statement".to_owned(),
                (_, Some(end)) => format!("event {end}"),
                (_, None) => "the end of the trace".to_owned(),
            };
            let who = match (b.borrower, b.by_macro) {
                (0, Some(name)) => format!("`{name}`"),
                (0, None) => "a temporary".to_owned(),
                (borrower, _) => self.label(borrower),
            };
            out.push(format!("borrowed {kind} by {who} from event {}{} until {until}", b.start, self.at(b.start)));
        }
        if let Some(b) = self.borrow_by.get(&v.id) {
            let kind = if b.mutable { "mutably" } else { "shared" };
            out.push(format!("borrows {} {kind} from event {}", b.owner.map_or_else(|| "an unnamed value".to_owned(), |o| self.label(o)), b.start));
        }
        // RefCell guards taken from it, and locks of it, by its name.
        for c in self.cells_of.get(&v.id).into_iter().flatten() {
            let kind = if c.mutable { "borrow_mut" } else { "borrow" };
            let guard = match c.guard {
                0 => "a guard".to_owned(),
                id if self.graph.node(id).is_none() => "a temporary guard".to_owned(),
                id => self.label(id),
            };
            let until = match (c.failed, c.guard, c.end) {
                (true, _, _) => "failed: it was already borrowed".to_owned(),
                (false, 0, _) => "(its release is not recorded)".to_owned(),
                (false, _, Some(end)) => format!("until its release at event {end}"),
                (false, _, None) => "until the end of the trace".to_owned(),
            };
            out.push(format!("RefCell {kind} by {guard} at event {}{} {until}", c.start, self.at(c.start)));
        }
        for &i in self.locks_of.get(&v.id).into_iter().flatten() {
            let e = &self.trace.events[i];
            let until = match self.releases.get(&e.id) {
                Some(&end) if e.id != 0 => format!(" until its release at event {end}"),
                _ if e.id != 0 => " until the end of the trace".to_owned(),
                _ => " (its release is not recorded)".to_owned(),
            };
            out.push(format!("locked on thread {} at event {} ({}:{}:{}){until}", e.thread, e.order, e.site.file, e.site.line, e.site.column));
        }
        for m in self.moves_to.get(&v.id).into_iter().flatten() {
            let from = m.from.map_or_else(|| "an expression".to_owned(), |f| self.label(f));
            out.push(if self.captured_at(m.at) {
                format!("captured {from} by value at event {}{}", m.at, self.at(m.at))
            } else {
                format!("its value came from {from} at event {}{}", m.at, self.at(m.at))
            });
        }
        for m in self.moves_from.get(&v.id).into_iter().flatten() {
            let at = format!("at event {}{}", m.at, self.at(m.at));
            out.push(match (m.to, self.captured_at(m.at)) {
                (0, true) => format!("captured by value by a closure or `async` block {at}"),
                (0, false) => format!("moved into a call or an expression {at}"),
                (to, true) => format!("moved into {}, which captured it by value, {at}", self.label(to)),
                (to, false) => format!("moved into {} {at}", self.label(to)),
            });
        }
        for &i in self.copies_to.get(&v.id).into_iter().flatten() {
            let e = &self.trace.events[i];
            out.push(format!("its value was copied from {} at event {}{}", self.label(e.arg), e.order, self.at(e.order)));
        }
        // Copies out, one line per destination and place: a copy in a loop is one line.
        let mut copies: Vec<(u64, &str, u32, u32, Vec<u64>)> = Vec::new();
        for &i in self.copies_from.get(&v.id).into_iter().flatten() {
            let e = &self.trace.events[i];
            let key = (e.id, e.site.file, e.site.line, e.site.column);
            match copies.iter_mut().find(|c| (c.0, c.1, c.2, c.3) == key) {
                Some(c) => c.4.push(e.order),
                None => copies.push((key.0, key.1, key.2, key.3, vec![e.order])),
            }
        }
        for (to, file, line, column, orders) in copies {
            let to = if to == 0 { "an expression or a call".to_owned() } else { self.label(to) };
            out.push(match orders.as_slice() {
                [one] => format!("copied into {to} at event {one} ({file}:{line}:{column})"),
                [first, .., last] => format!("copied into {to} at {file}:{line}:{column}, {} times (events {first} to {last})", orders.len()),
                [] => continue,
            });
        }
        for s in self.shares_from.get(&v.id).into_iter().flatten() {
            out.push(format!("shares its allocation with {} ({} at event {}, count {} after)", self.label(s.to), s.op, s.at, s.count));
        }
        out.push(match v.end {
            Some(End::Dropped(order)) => match v.nothing_to_drop() {
                Some(why) => format!("went out of scope at event {order}{}: {why}", self.at(order)),
                None => format!("dropped at event {order}{}", self.at(order)),
            },
            Some(End::MovedOut(order)) => format!("its life as {} ended when it was moved out at event {order}", v.name),
            Some(End::ScopeEnded(order)) => format!(
                "its scope ended at event {order}{} after a use that may have moved it: dropped there unless that use moved it (unknown)",
                self.at(order)
            ),
            None => "still alive when the trace was written: no drop, move or scope end was recorded, so its scope had not ended (the program exited or exported the trace first)".to_owned(),
        });
        out
    }
}

/// The variable a guard or a lock taken at `order` from the receiver `name` (a binding, or a
/// field of one: `leaf.parent`) was taken through: of the variables named as the receiver's
/// root alive then on that event's thread, the one made last (the innermost, as Rust
/// resolves the name).
fn owner_named(trace: &Trace, named: &HashMap<(&str, u32), Vec<&Variable>>, name: &str, order: u64) -> Option<u64> {
    let name = name.split('.').next().unwrap_or(name);
    let i = trace.events.binary_search_by_key(&order, |e| e.order).ok()?;
    let thread = trace.events[i].thread;
    named.get(&(name, thread))?.iter().rev().find(|v| v.alive_at(order)).map(|v| v.id)
}

// Recording needs the `track` feature (on by default).
#[cfg(all(test, feature = "track"))]
mod tests {
    use crate::__private::event_at as event;
    use crate::graph::Graph;
    use crate::site::{CallSite, Op, Site, Sites};

    /// Records `events` in a session of their own and gives the trace's first order, its
    /// graph and, for each instance of `ids`, the lines `why` tells of it.
    fn told(events: impl FnOnce(), ids: &[u64]) -> (u64, Graph, Vec<Vec<String>>) {
        let session = crate::Session::new();
        session.record(events);
        let trace = session.trace();
        let graph = Graph::build(&trace);
        let sources = super::SourceIndex::read(&trace, &[]);
        let why = super::Why::new(&trace, &graph, &sources);
        let lines = ids.iter().map(|id| why.lines(graph.nodes.iter().find(|v| v.id == *id).unwrap())).collect();
        (trace.events[0].order, graph, lines)
    }

    /// The tests' sites, by hand: one table, each site its own row.
    const ROWS: [CallSite; 13] = [V, LEN, ITER, A, B, SUM, CELL, TAKEN, HELD, CAPTURED, SHOW, COUNT, SEEN];
    static SITES: Sites = Sites::prepared(&ROWS);

    /// The row of `SITES` that holds `site`.
    fn at(site: CallSite) -> Site {
        (&SITES, ROWS.iter().position(|row| *row == site).expect("a site of SITES") as u32)
    }

    const V: CallSite = CallSite::new("v", "src/main.rs", 2, 9, "vec");
    const LEN: CallSite = CallSite { detail: "v", ..CallSite::new("len", "src/main.rs", 3, 7, "receiver") };
    const ITER: CallSite = CallSite { detail: "v", ..CallSite::new("iter", "src/main.rs", 4, 7, "receiver") };

    /// A method's borrow of its receiver ends where the trace ends it (the call returned, its
    /// result holding no borrow); one whose result may keep it has no end said.
    #[test]
    fn a_method_borrow_ends_as_its_call_returns_where_the_trace_says_so() {
        let events = || {
            event(at(V), Op::New, 41, 0);
            event(at(LEN), Op::Borrow, 0, 41);
            event(at(LEN), Op::BorrowEnd, 0, 41);
            event(at(ITER), Op::Borrow, 0, 41);
            event(at(V), Op::Drop, 41, 0);
        };
        let (first, graph, told) = told(events, &[41]);
        let ends: Vec<_> = graph.borrows.iter().map(|b| (b.by_method, b.end.is_some())).collect();
        assert_eq!(ends, [(Some("len"), true), (Some("iter"), false)]);
        let lines = &told[0];
        let len = format!("borrowed shared by `len` at event {} (src/main.rs:3:7) until the call returned at event {}", first + 1, first + 2);
        assert!(lines.contains(&len), "{lines:?}");
        let iter = format!("borrowed shared by `iter` at event {} (src/main.rs:4:7)", first + 3);
        assert!(lines.contains(&iter), "{lines:?}");
    }

    const A: CallSite = CallSite::new("a", "src/main.rs", 2, 9, "literal");
    const B: CallSite = CallSite { detail: "a", ..CallSite::new("b", "src/main.rs", 3, 9, "copy") };
    const SUM: CallSite = CallSite { detail: "a", ..CallSite::new("", "src/main.rs", 5, 13, "move") };

    /// Copies out of a binding are told one line per destination and place (a copy in a loop
    /// once, with how many times), and the binding a copy made says where its value came from.
    #[test]
    fn copies_are_told_by_destination_and_place() {
        let events = || {
            event(at(A), Op::New, 51, 0);
            event(at(B), Op::New, 52, 0);
            event(at(B), Op::Copy, 52, 51);
            for _ in 0..3 {
                event(at(SUM), Op::Copy, 0, 51);
            }
            event(at(B), Op::Drop, 52, 0);
            event(at(A), Op::Drop, 51, 0);
        };
        let (first, _, told) = told(events, &[51, 52]);
        let (a, b) = (&told[0], &told[1]);
        let into_b = format!("copied into b #52 at event {} (src/main.rs:3:9)", first + 2);
        assert!(a.contains(&into_b), "{a:?}");
        let into_sum = format!("copied into an expression or a call at src/main.rs:5:13, 3 times (events {} to {})", first + 3, first + 5);
        assert!(a.contains(&into_sum), "{a:?}");
        assert!(b.contains(&format!("its value was copied from a #51 at event {} (src/main.rs:3:9)", first + 2)), "{b:?}");
    }

    const CAPTURED: CallSite = CallSite { detail: "move", ..CallSite::new("label", "src/main.rs", 4, 16, "capture") };
    const SHOW: CallSite = CallSite::new("show", "src/main.rs", 4, 9, "closure");

    /// A value a `move` closure captures is told as captured by the closure, which is named
    /// by its own creation after the capture, not as the closure's whole value.
    #[test]
    fn a_capture_by_value_is_told_as_one() {
        let events = || {
            event(at(V), Op::New, 61, 0);
            event(at(CAPTURED), Op::Move, 62, 61);
            event(at(SHOW), Op::New, 62, 0);
            event(at(SHOW), Op::Drop, 62, 0);
        };
        let (first, _, told) = told(events, &[61, 62]);
        let (v, show) = (&told[0], &told[1]);
        let moved = format!("moved into show #62, which captured it by value, at event {} (src/main.rs:4:16)", first + 1);
        assert!(v.contains(&moved), "{v:?}");
        assert!(show.contains(&format!("captured v #61 by value at event {} (src/main.rs:4:16)", first + 1)), "{show:?}");
    }

    const COUNT: CallSite = CallSite::new("count", "src/main.rs", 5, 9, "literal");
    const SEEN: CallSite = CallSite::new("seen", "src/main.rs", 6, 9, "borrow");

    /// A number's or a reference's end is its scope's, where nothing is dropped, and `why`
    /// says so (what a reference borrows stays with its owner); a vector's is a drop.
    #[test]
    fn an_end_that_drops_nothing_is_told_as_the_scope_ending() {
        let events = || {
            crate::emit::new_named(crate::site::at(at(V)), 71, "alloc::vec::Vec<u32>");
            crate::emit::new_named(crate::site::at(at(COUNT)), 72, "u32");
            crate::emit::new_named(crate::site::at(at(SEEN)), 73, "&alloc::vec::Vec<u32>");
            event(at(SEEN), Op::Drop, 73, 0);
            event(at(COUNT), Op::Drop, 72, 0);
            event(at(V), Op::Drop, 71, 0);
        };
        let (first, _, told) = told(events, &[71, 72, 73]);
        assert!(told[0].contains(&format!("dropped at event {} (src/main.rs:2:9)", first + 5)), "{:?}", told[0]);
        let count = format!("went out of scope at event {} (src/main.rs:5:9): a `u32` has nothing to drop", first + 4);
        assert!(told[1].contains(&count), "{:?}", told[1]);
        let seen = format!(
            "went out of scope at event {} (src/main.rs:6:9): a reference has nothing to drop; what it borrows stays with its owner",
            first + 3
        );
        assert!(told[2].contains(&seen), "{:?}", told[2]);
    }

    const CELL: CallSite = CallSite::new("cell", "src/main.rs", 2, 9, "refcell");
    const TAKEN: CallSite = CallSite { detail: "borrow_mut", ..CallSite::new("cell", "src/main.rs", 3, 23, "guard_taken") };
    const HELD: CallSite = CallSite::new("held", "src/main.rs", 3, 9, "refcell_borrow_mut");

    /// A guard a binding holds (`let held = cell.borrow_mut();`) is released and then
    /// dropped: its release ends the cell's borrow, and the binding is said to be dropped at
    /// its own drop event, not at the release before it.
    #[test]
    fn a_bound_guard_is_dropped_at_its_drop_and_releases_its_borrow_before() {
        let events = || {
            event(at(CELL), Op::New, 61, 0);
            event(at(TAKEN), Op::RefCellBorrowMut, 62, 0);
            event(at(HELD), Op::New, 62, 0);
            event(at(HELD), Op::RefCellBorrowEnd, 62, 0);
            event(at(HELD), Op::Drop, 62, 0);
            event(at(CELL), Op::Drop, 61, 0);
        };
        let (first, graph, told) = told(events, &[62]);
        let held = graph.nodes.iter().find(|v| v.id == 62).unwrap();
        assert_eq!(held.end, Some(crate::graph::End::Dropped(first + 4)));
        assert_eq!(graph.cell_borrows.iter().map(|c| c.end).collect::<Vec<_>>(), [Some(first + 3)]);
        let lines = &told[0];
        assert!(lines.contains(&format!("dropped at event {} (src/main.rs:3:9)", first + 4)), "{lines:?}");
    }
}
