//! The ownership graph, built from events on demand: variables with their lifetimes,
//! borrows with their owners and intervals, moves, Rc/Arc clones with their counts, and
//! RefCell borrows with their state; and the questions users ask of it.

use std::collections::HashMap;

use crate::event::{Event, Trace};
use crate::site::{CallSite, Op};

/// The site kind of a lock's or `RefCell`'s guard taken by instrumented code: its acquisition
/// carries the guard's instance id, which its release shares; it is a variable only if a
/// binding holds it (whose creation then follows), not as a temporary of its statement
/// (`cell.borrow_mut().push(x)`).
pub(crate) const GUARD_TAKEN: &str = "guard_taken";

/// The site kind of a borrow a method call takes of its receiver; the site is named by the
/// method.
pub(crate) const RECEIVER: &str = "receiver";

/// What kind of value a variable holds, as far as the events tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A plain value.
    Value,
    /// A `&` or `&mut` reference.
    Reference,
    /// An `Rc`.
    Rc,
    /// An `Arc`.
    Arc,
    /// An `rc::Weak` or `sync::Weak`.
    Weak,
    /// A `Box` (also pinned).
    Box,
    /// A `RefCell`.
    RefCell,
    /// A `Ref` or `RefMut` guard.
    RefCellGuard,
    /// Another cell: `Cell`, `OnceCell`, `OnceLock`, `MaybeUninit`.
    Cell,
    /// A raw pointer.
    RawPointer,
}

/// How a variable's life ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Dropped at this point in the global order.
    Dropped(u64),
    /// Moved out (into another variable) at this point.
    MovedOut(u64),
    /// Its scope ended here after a use that may have moved it: dropped here, unless that
    /// use moved it earlier.
    ScopeEnded(u64),
}

/// A variable instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// The instance id.
    pub id: u64,
    /// The variable's name.
    pub name: &'static str,
    /// Its type, when recorded.
    pub type_name: Option<&'static str>,
    /// What it holds.
    pub kind: ValueKind,
    /// Where it was created.
    pub site: &'static CallSite,
    /// The thread it was created on.
    pub thread: u32,
    /// When it was created (global order).
    pub created: u64,
    /// How and when it ended; `None` while it is alive.
    pub end: Option<End>,
}

impl Variable {
    /// When the variable stopped being usable, or `None` while it is alive.
    pub fn ended_at(&self) -> Option<u64> {
        self.end.map(|e| match e {
            End::Dropped(at) | End::MovedOut(at) | End::ScopeEnded(at) => at,
        })
    }

    /// How many events of global order it lived for (up to `now` if still alive).
    pub fn lifetime(&self, now: u64) -> u64 {
        self.ended_at().unwrap_or(now).saturating_sub(self.created)
    }

    /// Whether it was alive at `order`.
    pub fn alive_at(&self, order: u64) -> bool {
        self.created <= order && self.ended_at().is_none_or(|end| order < end)
    }

    /// Why its end, recorded as a drop, dropped nothing, when its type says so: a number,
    /// `bool`, `char`, `()`, a reference (what it borrows stays with its owner), a raw pointer
    /// or a function pointer. `None` for any other type, or none recorded: what those drop is
    /// not told by their names. (The trace records a binding's end as a drop whatever its
    /// type; for these the words say that its scope ended.)
    pub fn nothing_to_drop(&self) -> Option<String> {
        let ty = self.type_name?;
        const SCALARS: [&str; 18] =
            ["i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32", "f64", "bool", "char", "()", "!"];
        if ty.starts_with('&') {
            Some("a reference has nothing to drop; what it borrows stays with its owner".to_owned())
        } else if ty.starts_with("*const ") || ty.starts_with("*mut ") {
            Some("a raw pointer has nothing to drop".to_owned())
        } else if ty.starts_with("fn(") || ty.starts_with("unsafe fn(") || ty.starts_with("extern ") {
            Some("a function pointer has nothing to drop".to_owned())
        } else if SCALARS.contains(&ty) {
            Some(format!("a `{ty}` has nothing to drop"))
        } else {
            None
        }
    }
}

/// A borrow: `borrower` refers to `owner` from `start` until `end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Borrow {
    /// The reference's instance; 0 for a temporary (`f(&x)`), which lives until the end of
    /// its statement: its `end` stays `None`, and it is never counted alive later, unless a
    /// `borrow_end` ends it (a method call whose result cannot hold it).
    pub borrower: u64,
    /// The borrowed variable, when known.
    pub owner: Option<u64>,
    /// `&mut` rather than `&`.
    pub mutable: bool,
    /// When the borrow started.
    pub start: u64,
    /// When it ended (the reference or the owner went away); `None` while alive.
    pub end: Option<u64>,
    /// The macro that took a temporary borrow (`println!`, `assert_eq!`), when one did.
    pub by_macro: Option<&'static str>,
    /// The method whose call borrowed its receiver (`lend` in `library.lend(..)`), when one
    /// did: the borrow lasts the call, and longer if its result borrows from the receiver.
    /// Where the result cannot (the analyzer's types), a `borrow_end` ends it as the call
    /// returns; otherwise its `end` stays `None`.
    pub by_method: Option<&'static str>,
}

/// A move from one variable into another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// The source instance, when known.
    pub from: Option<u64>,
    /// The destination instance (0: into a call or an expression).
    pub to: u64,
    /// When.
    pub at: u64,
}

/// An `Rc`/`Arc` (or `Weak`) made from another: a clone, a downgrade or an upgrade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    /// The pointer it was made from, when known.
    pub from: Option<u64>,
    /// The new pointer.
    pub to: u64,
    /// The operation: `RcClone`, `ArcClone`, `RcDowngrade`, `ArcDowngrade`, `WeakClone`,
    /// `WeakUpgrade`, or `RcNew`/`ArcNew` for the first pointer.
    pub op: Op,
    /// The strong (or for weak operations, weak) count right after.
    pub count: u64,
    /// When.
    pub at: u64,
}

/// A `RefCell` borrow (`Ref` or `RefMut`), or an attempt that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellBorrow {
    /// The guard's instance: a binding's, or a temporary guard's (`c.borrow().len()`, no
    /// variable, whose release the trace records too); 0 for a guard the trace does not
    /// follow (kept by a binding it does not know, or passed on): its `end` stays `None`.
    pub guard: u64,
    /// The guard's name (or for failures, the name at the failing call).
    pub name: &'static str,
    /// `borrow_mut` rather than `borrow`.
    pub mutable: bool,
    /// When it started (or failed).
    pub start: u64,
    /// When it ended; `None` while alive or for failures.
    pub end: Option<u64>,
    /// The attempt failed because of a live borrow.
    pub failed: bool,
}

/// The ownership graph of a trace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    /// Every variable instance, in order of creation.
    pub nodes: Vec<Variable>,
    /// Every borrow.
    pub borrows: Vec<Borrow>,
    /// Every move.
    pub moves: Vec<Move>,
    /// Every Rc/Arc/Weak creation from another pointer, with counts.
    pub shares: Vec<Share>,
    /// Every RefCell borrow and failed attempt.
    pub cell_borrows: Vec<CellBorrow>,
    /// The global order of the last event (the "now" of still-alive variables).
    pub last_order: u64,
    index: HashMap<u64, usize>,
    /// The borrows not ended yet, under each instance whose end ends them (the reference
    /// and the owner), so that ending one costs no scan of every borrow.
    open: HashMap<u64, Vec<usize>>,
    /// The same for RefCell borrows, under their guard.
    open_cells: HashMap<u64, Vec<usize>>,
    /// The moves into a call or an expression, under the instance moved, for the binding
    /// that receives it later to name as the destination (an instance moves once).
    undirected: HashMap<u64, usize>,
    /// The instances whose value was received from a binding the trace names (a traced
    /// call's returned binding): a pointer among them was moved, not made.
    received: std::collections::HashSet<u64>,
    /// The guards that are variables only through their `RefCell` borrow event (the
    /// manual API's): their release is their end. A guard a binding holds ends with the
    /// binding's own drop, the event after its release.
    /// Variables first seen as a move's or copy's destination, before their creation: the
    /// site of that event names what was moved (a closure's capture names the captured
    /// binding), so their creation, if the trace holds it, names them.
    provisional: std::collections::HashSet<u64>,
    cell_guards: std::collections::HashSet<u64>,
}

/// The kind of value a type holds, from its full path as `std::any::type_name` gives it.
fn kind_of_type(ty: &str) -> ValueKind {
    let head = ty.split('<').next().unwrap_or(ty);
    match head {
        "alloc::rc::Rc" => ValueKind::Rc,
        "alloc::sync::Arc" => ValueKind::Arc,
        "alloc::rc::Weak" | "alloc::sync::Weak" => ValueKind::Weak,
        "alloc::boxed::Box" => ValueKind::Box,
        "core::cell::RefCell" => ValueKind::RefCell,
        "core::cell::Ref" | "core::cell::RefMut" => ValueKind::RefCellGuard,
        "core::cell::Cell" | "core::cell::once::OnceCell" | "std::sync::once_lock::OnceLock" | "core::mem::maybe_uninit::MaybeUninit" => {
            ValueKind::Cell
        }
        _ if head.starts_with('&') => ValueKind::Reference,
        _ if head.starts_with("*const") || head.starts_with("*mut") => ValueKind::RawPointer,
        _ => ValueKind::Value,
    }
}

fn kind_of(op: Op) -> Option<ValueKind> {
    Some(match op {
        Op::New | Op::Move | Op::Copy | Op::CowBorrowed | Op::CowOwned => ValueKind::Value,
        Op::Borrow | Op::BorrowMut => ValueKind::Reference,
        Op::RcNew | Op::RcClone => ValueKind::Rc,
        Op::ArcNew | Op::ArcClone => ValueKind::Arc,
        Op::RcDowngrade | Op::ArcDowngrade | Op::WeakNew | Op::WeakClone => ValueKind::Weak,
        Op::BoxNew | Op::BoxPin | Op::BoxFromRaw => ValueKind::Box,
        Op::RefCellNew => ValueKind::RefCell,
        Op::RefCellBorrow | Op::RefCellBorrowMut => ValueKind::RefCellGuard,
        Op::CellNew | Op::OnceCellNew | Op::OnceLockNew | Op::MaybeUninitUninit | Op::MaybeUninitNew => ValueKind::Cell,
        Op::RawPtr | Op::BoxIntoRaw => ValueKind::RawPointer,
        _ => return None,
    })
}

impl Graph {
    /// Builds the graph of a trace.
    pub fn build(trace: &Trace) -> Graph {
        let mut graph = Graph::default();
        for event in &trace.events {
            graph.apply(event);
            graph.last_order = event.order;
        }
        graph
    }

    /// The variable with instance `id`.
    pub fn node(&self, id: u64) -> Option<&Variable> {
        self.index.get(&id).map(|&i| &self.nodes[i])
    }

    /// The variables named `name`, in order of creation.
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Variable> + 'a {
        self.nodes.iter().filter(move |v| v.name == name)
    }

    /// The borrows of `owner` alive at `order`: who borrows it at that moment.
    pub fn borrowers_at(&self, owner: u64, order: u64) -> Vec<&Borrow> {
        self.borrows
            .iter()
            .filter(|b| b.owner == Some(owner) && b.start <= order && b.end.is_none_or(|end| order < end))
            // A temporary's end is mostly not recorded: it is known to exist only where it was
            // taken, or until its `borrow_end`.
            .filter(|b| b.borrower != 0 || b.start == order || b.end.is_some())
            .collect()
    }

    /// Where `id` was moved, and to whom.
    pub fn moves_from(&self, id: u64) -> Vec<&Move> {
        self.moves.iter().filter(|m| m.from == Some(id)).collect()
    }

    /// The RefCell borrows that were alive when the failed attempt `failure` was made:
    /// the answer to "who held the borrow when my `borrow_mut` panicked".
    pub fn blocking_borrows(&self, failure: &CellBorrow) -> Vec<&CellBorrow> {
        self.cell_borrows
            .iter()
            .filter(|b| !b.failed && b.guard != 0 && b.start < failure.start && b.end.is_none_or(|end| failure.start < end))
            .collect()
    }

    fn ensure(&mut self, event: &Event, id: u64, mut kind: ValueKind) -> usize {
        // A plain binding whose type is a pointer or a cell (through an alias or from a
        // factory) is classified by its type's name.
        if kind == ValueKind::Value
            && let Some(ty) = event.type_name
        {
            kind = kind_of_type(ty);
        }
        if let Some(&i) = self.index.get(&id) {
            // A binding a value was moved into before it was made (`let x = if c { a } else
            // { b }` moves `a` into `x` as the branch ends, then makes `x`): its creation
            // names it and says when it began.
            let node = &mut self.nodes[i];
            if !matches!(event.op, Op::Move | Op::Copy) && self.provisional.remove(&id) {
                node.name = event.site.name;
                node.site = event.site;
                node.thread = event.thread;
                node.created = event.order;
            }
            if self.nodes[i].kind == ValueKind::Value {
                self.nodes[i].kind = kind;
            }
            if self.nodes[i].type_name.is_none() {
                self.nodes[i].type_name = event.type_name;
            }
            return i;
        }
        self.nodes.push(Variable {
            id,
            name: event.site.name,
            type_name: event.type_name,
            kind,
            site: event.site,
            thread: event.thread,
            created: event.order,
            end: None,
        });
        self.index.insert(id, self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    /// The live variable a name-only event refers to: the most recent one of that name on
    /// the event's thread.
    fn by_name(&self, name: &str, thread: u32) -> Option<u64> {
        self.nodes.iter().rev().find(|v| v.end.is_none() && v.name == name && v.thread == thread).map(|v| v.id)
    }

    fn end(&mut self, id: u64, end: End) {
        let Some(&i) = self.index.get(&id) else { return };
        if self.nodes[i].end.is_some() {
            return;
        }
        self.nodes[i].end = Some(end);
        let at = self.nodes[i].ended_at().unwrap_or_default();
        // A borrow ends when its reference or its owner goes away. A temporary one ended long
        // before, where the trace does not say (or at its `borrow_end`).
        for i in self.open.remove(&id).unwrap_or_default() {
            let borrow = &mut self.borrows[i];
            if borrow.end.is_none() && borrow.borrower != 0 {
                borrow.end = Some(at);
            }
        }
        self.close_cells(id, at);
    }

    /// The `RefCell` borrows of the guard `id` end at `at`.
    fn close_cells(&mut self, id: u64, at: u64) {
        for i in self.open_cells.remove(&id).unwrap_or_default() {
            let borrow = &mut self.cell_borrows[i];
            if borrow.end.is_none() && !borrow.failed {
                borrow.end = Some(at);
            }
        }
    }

    fn apply(&mut self, event: &Event) {
        let order = event.order;
        let arg = (event.arg != 0).then_some(event.arg);
        match event.op {
            Op::Drop => {
                let id = if event.id != 0 { Some(event.id) } else { self.by_name(event.site.name, event.thread) };
                if let Some(id) = id {
                    self.end(id, End::Dropped(order));
                }
            }
            Op::Move | Op::Copy => {
                // The source is named by id, or (seeds' `track_move(from, to, v)`) by name.
                let from = arg.or_else(|| (!event.site.detail.is_empty()).then(|| self.by_name(event.site.detail, event.thread)).flatten());
                // A move into a call or an expression has no destination variable.
                if event.id != 0 {
                    let known = self.index.contains_key(&event.id);
                    self.ensure(event, event.id, ValueKind::Value);
                    if !known {
                        self.provisional.insert(event.id);
                    }
                }
                if event.op == Op::Move {
                    if let Some(from) = from {
                        self.end(from, End::MovedOut(order));
                    }
                    if let (Some(from), 0) = (from, event.id) {
                        self.undirected.insert(from, self.moves.len());
                    }
                    self.moves.push(Move { from, to: event.id, at: order });
                }
            }
            // A binding receives a value moved into a call: returned by a traced callee, a
            // traced callee's parameter, taken from a channel. It is the move's destination,
            // however many events came between.
            Op::Receive => {
                if let Some(index) = arg.and_then(|arg| self.undirected.remove(&arg)) {
                    self.moves[index].to = event.id;
                    if self.moves[index].from.is_some() {
                        self.received.insert(event.id);
                    }
                }
            }
            Op::Borrow | Op::BorrowMut => {
                // A borrow with no binding of its own (an argument, a field) is a temporary,
                // not a variable.
                if event.id != 0 {
                    self.ensure(event, event.id, ValueKind::Reference);
                }
                let mutable = event.op == Op::BorrowMut;
                let index = self.borrows.len();
                for by in [(event.id != 0).then_some(event.id), arg].into_iter().flatten() {
                    self.open.entry(by).or_default().push(index);
                }
                let by_macro = (event.id == 0 && event.site.name.ends_with('!')).then_some(event.site.name);
                let by_method = (event.id == 0 && event.site.kind == RECEIVER).then_some(event.site.name);
                self.borrows.push(Borrow { borrower: event.id, owner: arg, mutable, start: order, end: None, by_macro, by_method });
            }
            // A method's borrow of its receiver ends as the call returns: the latest borrow of
            // the owner by that method still open (calls nest).
            Op::BorrowEnd => {
                let open = arg.and_then(|owner| self.open.get(&owner));
                let borrows = &self.borrows;
                let found = open.and_then(|list| {
                    list.iter().rev().copied().find(|&i| {
                        let b = &borrows[i];
                        b.borrower == 0 && b.end.is_none() && b.by_method == Some(event.site.name)
                    })
                });
                if let Some(i) = found {
                    self.borrows[i].end = Some(order);
                }
            }
            Op::RcNew | Op::ArcNew | Op::RcClone | Op::ArcClone | Op::RcDowngrade | Op::ArcDowngrade | Op::WeakClone => {
                let kind = kind_of(event.op).unwrap_or(ValueKind::Value);
                self.ensure(event, event.id, kind);
                // A new allocation comes from no pointer, whatever a factory's call read.
                let from = arg.filter(|_| !matches!(event.op, Op::RcNew | Op::ArcNew));
                // A pointer a factory returned that is a binding the trace followed out of the
                // call (`member` returned from `join`) was moved, not made: the binding it came
                // from tells how it was made.
                let moved = from.is_none() && self.received.contains(&event.id);
                if !moved {
                    self.shares.push(Share { from, to: event.id, op: event.op, count: event.count, at: order });
                }
            }
            Op::WeakUpgrade => {
                if event.count > 0 {
                    self.ensure(event, event.id, ValueKind::Rc);
                    self.shares.push(Share { from: arg, to: event.id, op: event.op, count: event.count, at: order });
                }
            }
            Op::RefCellBorrow | Op::RefCellBorrowMut => {
                if event.id != 0 {
                    if event.site.kind != GUARD_TAKEN {
                        if !self.index.contains_key(&event.id) {
                            self.cell_guards.insert(event.id);
                        }
                        self.ensure(event, event.id, ValueKind::RefCellGuard);
                    }
                    self.open_cells.entry(event.id).or_default().push(self.cell_borrows.len());
                }
                self.cell_borrows.push(CellBorrow {
                    guard: event.id,
                    name: event.site.name,
                    mutable: event.op == Op::RefCellBorrowMut,
                    start: order,
                    end: None,
                    failed: false,
                });
            }
            Op::RefCellBorrowFailed => self.cell_borrows.push(CellBorrow {
                guard: event.id,
                name: event.site.name,
                mutable: event.site.detail == "mutable",
                start: order,
                end: None,
                failed: true,
            }),
            Op::ScopeEnd => {
                if let Some(&i) = self.index.get(&event.id) {
                    // Possibly moved earlier: the variable is gone, but not surely dropped.
                    if self.nodes[i].end.is_none() {
                        self.end(event.id, End::ScopeEnded(order));
                    }
                }
            }
            Op::RefCellBorrowEnd => {
                let id = if event.id != 0 { Some(event.id) } else { self.by_name(event.site.name, event.thread) };
                if let Some(id) = id {
                    if self.cell_guards.contains(&id) {
                        self.end(id, End::Dropped(order));
                    }
                    self.close_cells(id, order);
                }
            }
            op => {
                if let Some(kind) = kind_of(op)
                    && event.id != 0
                {
                    self.ensure(event, event.id, kind);
                }
            }
        }
    }
}

/// Checks that the events are consistent: every dropped, moved or borrowed instance named
/// by id was created first, and nothing is dropped twice.
pub(crate) fn check(trace: &Trace) -> crate::Result<()> {
    let mut alive: HashMap<u64, bool> = HashMap::new();
    for event in &trace.events {
        let problem = match event.op {
            Op::Drop if event.id != 0 => match alive.get(&event.id) {
                None => Some("is dropped but was never created"),
                Some(false) => Some("is dropped after it was already dropped or moved"),
                Some(true) => {
                    alive.insert(event.id, false);
                    None
                }
            },
            Op::Move if event.arg != 0 => match alive.get(&event.arg) {
                Some(true) => {
                    alive.insert(event.arg, false);
                    None
                }
                _ => Some("is moved from but is not alive"),
            },
            Op::Borrow | Op::BorrowMut if event.arg != 0 && alive.get(&event.arg) != Some(&true) => Some("is borrowed but is not alive"),
            _ => None,
        };
        if let Some(problem) = problem {
            let id = if event.op == Op::Drop { event.id } else { event.arg };
            return Err(crate::Error::InvalidEventSequence(format!(
                "instance #{id} ({}) {problem} (event {} at {})",
                event.site.name, event.order, event.site
            )));
        }
        if event.id != 0 && kind_of(event.op).is_some() {
            alive.entry(event.id).or_insert(true);
        }
    }
    Ok(())
}
