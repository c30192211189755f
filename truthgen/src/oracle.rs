//! The oracle: runs a generated program in a model of Rust's ownership rules (moves, partial
//! moves, drop order at scope ends, early exits, reassignment) and says, for one input, what
//! the program's drop log will be and how each binding instance really ends. The plain build's
//! drop log must equal the one predicted here, or the program is not judged: the oracle is
//! itself checked against the values' own drop logs.

use std::collections::HashMap;

use crate::program::{Cond, Destructure, Field, Init, Program, Stmt, Ty};
use loops::Step;

/// A value: leaves that log their drop, and the containers around them. A `None` slot was
/// moved out.
#[derive(Clone, Debug)]
enum Val {
    Noisy(Leaf),
    Boxed(Box<Val>),
    Opt(Option<Box<Val>>),
    List(Vec<Val>),
    Pair(Option<Box<Val>>, Option<Box<Val>>),
    Tagged(Option<Box<Val>>),
    /// A `move` closure and what it captured (taken when it is called).
    Closure(Option<Box<Val>>),
    /// A `Copy` value, a reference or a closure that borrows: nothing to drop.
    Plain,
}

#[derive(Clone, Debug)]
struct Leaf {
    name: String,
    id: u64,
}

impl Val {
    /// The leaves in drop order.
    fn leaves(&self, out: &mut Vec<Leaf>) {
        match self {
            Val::Noisy(leaf) => out.push(leaf.clone()),
            Val::Boxed(v) => v.leaves(out),
            Val::Opt(v) | Val::Tagged(v) | Val::Closure(v) => {
                if let Some(v) = v {
                    v.leaves(out);
                }
            }
            Val::List(items) => items.iter().for_each(|v| v.leaves(out)),
            Val::Pair(a, b) => {
                for v in [a, b].into_iter().flatten() {
                    v.leaves(out);
                }
            }
            Val::Plain => {}
        }
    }

    /// Whether a part that needs dropping is left: a struct whose fields all moved out is
    /// not (what remains is `Copy`).
    fn holds_drop(&self) -> bool {
        !matches!(self, Val::Pair(None, None) | Val::Tagged(None))
    }
}

/// How a binding instance really ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fate {
    /// Its value (or what stayed of it) was dropped where it lived.
    Drop,
    /// Everything of it that needs dropping moved out.
    Move,
}

/// One binding instance, in the order instances of its name were made.
#[derive(Clone, Debug)]
pub struct Instance {
    /// The binding's name.
    pub name: String,
    /// How many instances of that name were made before it.
    pub occurrence: usize,
    /// How it really ended.
    pub fate: Fate,
    /// What ended it: the construct its fate is judged under.
    pub construct: &'static str,
    /// The values it dropped (where its fate is a drop).
    pub dropped: Vec<String>,
    /// The ids of the values it was made with, and of those that moved out of it.
    pub made_of: Vec<u64>,
    /// The ids of the values that moved out of it.
    pub moved: Vec<u64>,
}

/// What one run of a program does.
#[derive(Clone, Debug)]
pub struct Run {
    /// The values' drop log.
    pub log: Vec<String>,
    /// Every binding instance made, in order.
    pub instances: Vec<Instance>,
}

struct Binding {
    name: String,
    /// Its current instance (none yet for `let x;` before its first assignment).
    instance: Option<usize>,
    slot: Option<Val>,
    /// How its value left it (when the slot is empty or holds no part that needs dropping).
    left_by: &'static str,
    /// `drop(x)`: its value was dropped, not moved.
    dropped_now: bool,
}

enum Flow {
    Normal,
    Return,
}

struct Machine<'p> {
    program: &'p Program,
    k: u32,
    log: Vec<String>,
    instances: Vec<Instance>,
    counts: HashMap<String, usize>,
    scopes: Vec<Vec<Binding>>,
    next_id: u64,
    /// The program did what Rust forbids (the generator's model of the borrow checker is
    /// rough): rustc rejects it, and there is nothing to predict.
    stuck: bool,
}

/// Runs `program` with input `k` in the model; `None` when it uses a variable that holds no
/// value there (rustc rejects such a program).
pub fn run(program: &Program, k: u32) -> Option<Run> {
    let mut m = Machine { program, k, log: Vec::new(), instances: Vec::new(), counts: HashMap::new(), scopes: Vec::new(), next_id: 0, stuck: false };
    // The parameter `k` lives around the body and is dropped after its locals.
    m.scopes.push(Vec::new());
    m.bind("k".to_owned(), Val::Plain);
    let _ = m.block(&program.body, None);
    m.close_scope("scope end");
    (!m.stuck).then_some(Run { log: m.log, instances: m.instances })
}

/// How a box's content left it, which `*v = ..` may fill again.
const UNBOXED: &str = "moved out of its box";

fn holds(c: Cond, k: u32) -> bool {
    k % c.modulus == c.equals
}

impl Machine<'_> {
    fn instance(&mut self, name: &str, made_of: Vec<u64>) -> usize {
        let count = self.counts.entry(name.to_owned()).or_insert(0);
        let occurrence = *count;
        *count += 1;
        self.instances.push(Instance {
            name: name.to_owned(),
            occurrence,
            fate: Fate::Drop,
            construct: "scope end",
            dropped: Vec::new(),
            made_of,
            moved: Vec::new(),
        });
        self.instances.len() - 1
    }

    fn ids(val: &Val) -> Vec<u64> {
        let mut leaves = Vec::new();
        val.leaves(&mut leaves);
        let mut ids: Vec<u64> = leaves.iter().map(|l| l.id).collect();
        ids.sort_unstable();
        ids
    }

    /// A new binding in the innermost scope, holding `val`.
    fn bind(&mut self, name: String, val: Val) {
        let instance = self.instance(&name, Self::ids(&val));
        let binding = Binding { name, instance: Some(instance), slot: Some(val), left_by: "", dropped_now: false };
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(binding);
        }
    }

    fn binding(&mut self, name: &str) -> &mut Binding {
        let found = self.scopes.iter().rev().flat_map(|s| s.iter().rev()).any(|b| b.name == name);
        if !found {
            self.stuck = true;
            self.scopes.push(vec![Binding { name: name.to_owned(), instance: None, slot: None, left_by: "", dropped_now: false }]);
        }
        self.scopes.iter_mut().rev().flat_map(|s| s.iter_mut().rev()).find(|b| b.name == name).expect("found or made above")
    }

    fn drop_val(&mut self, val: &Val) -> Vec<String> {
        let mut leaves = Vec::new();
        val.leaves(&mut leaves);
        let names: Vec<String> = leaves.into_iter().map(|l| l.name).collect();
        self.log.extend(names.iter().cloned());
        names
    }

    /// Takes a variable's whole value out (a move), noting what moved.
    fn take(&mut self, name: &str, construct: &'static str) -> Val {
        let b = self.binding(name);
        let Some(val) = b.slot.take() else {
            self.stuck = true;
            return Val::Plain;
        };
        b.left_by = construct;
        let instance = b.instance;
        if let Some(i) = instance {
            self.instances[i].moved = Self::ids(&val);
        }
        val
    }

    /// Takes one field out of a `Pair` or a `Tagged` (a partial move).
    fn take_field(&mut self, name: &str, field: Field, construct: &'static str) -> Val {
        let b = self.binding(name);
        b.left_by = construct;
        let part = match (&mut b.slot, field) {
            (Some(Val::Pair(a, _)), Field::A) => a.take(),
            (Some(Val::Pair(_, b)), Field::B) => b.take(),
            (Some(Val::Tagged(item)), Field::Item) => item.take(),
            _ => None,
        };
        match part {
            Some(part) => *part,
            None => {
                self.stuck = true;
                Val::Plain
            }
        }
    }

    /// The end of a binding's current instance: what it still holds is dropped now.
    fn end(&mut self, b: &mut Binding, construct: &'static str) {
        let Some(i) = b.instance.take() else { return };
        match b.slot.take() {
            Some(val) if val.holds_drop() => {
                let dropped = self.drop_val(&val);
                let inst = &mut self.instances[i];
                inst.fate = Fate::Drop;
                inst.construct = if b.left_by.is_empty() { construct } else { b.left_by };
                inst.dropped = dropped;
            }
            _ => {
                let inst = &mut self.instances[i];
                inst.fate = if b.dropped_now { Fate::Drop } else { Fate::Move };
                inst.construct = b.left_by;
            }
        }
    }

    fn close_scope(&mut self, construct: &'static str) {
        let Some(mut scope) = self.scopes.pop() else { return };
        while let Some(mut b) = scope.pop() {
            self.end(&mut b, construct);
        }
    }

    fn fresh(&mut self, ty: Ty, names: &[String]) -> Val {
        let leaf = |i: usize, m: &mut Self| {
            m.next_id += 1;
            Box::new(Val::Noisy(Leaf { name: names[i].clone(), id: m.next_id }))
        };
        match ty {
            Ty::Noisy => *leaf(0, self),
            Ty::Boxed => Val::Boxed(leaf(0, self)),
            Ty::Opt if names.is_empty() => Val::Opt(None),
            Ty::Opt => Val::Opt(Some(leaf(0, self))),
            Ty::List => Val::List((0..names.len()).map(|i| *leaf(i, self)).collect()),
            Ty::Pair => {
                let a = leaf(0, self);
                Val::Pair(Some(a), Some(leaf(1, self)))
            }
            Ty::Tagged => Val::Tagged(Some(leaf(0, self))),
        }
    }

    /// A call of the program's traced `give`: its parameter is made, then returned.
    fn give(&mut self, val: Val) -> Val {
        let name = format!("given_{}", self.program.id);
        let i = self.instance(&name, Self::ids(&val));
        let inst = &mut self.instances[i];
        inst.fate = Fate::Move;
        inst.construct = "returned by a traced function";
        inst.moved = inst.made_of.clone();
        val
    }

    /// A call of the program's traced `take`: its parameter is made, then dropped.
    fn take_call(&mut self, val: Val) {
        let name = format!("taken_{}", self.program.id);
        let i = self.instance(&name, Self::ids(&val));
        let dropped = self.drop_val(&val);
        let inst = &mut self.instances[i];
        inst.construct = "traced parameter";
        inst.dropped = dropped;
    }

    fn eval(&mut self, init: &Init) -> Val {
        match init {
            Init::Fresh(ty, names) => self.fresh(*ty, names),
            Init::Update(name, from) => {
                self.next_id += 1;
                let a = Val::Noisy(Leaf { name: name.clone(), id: self.next_id });
                let b = self.take_field(from, Field::B, "struct update");
                Val::Pair(Some(Box::new(a)), Some(Box::new(b)))
            }
            Init::Var(v) => self.take(v, "moved to a binding"),
            Init::Pass(v) => self.take(v, "moved into a call"),
            Init::Give(v) => {
                let val = self.take(v, "argument of a traced function");
                self.give(val)
            }
            Init::Field(v, f) => self.take_field(v, *f, "field moved out"),
            Init::Pop(list) => match &mut self.binding(list).slot {
                Some(Val::List(items)) => Val::Opt(items.pop().map(Box::new)),
                _ => Val::Opt(None),
            },
            Init::Choose(c, a, b, _) => {
                if holds(*c, self.k) {
                    self.eval(a)
                } else {
                    self.eval(b)
                }
            }
            // The payload leaves through `&mut`; the binding keeps an empty `Option`.
            Init::TakeOpt(v) => match &mut self.binding(v).slot {
                Some(Val::Opt(payload)) => Val::Opt(payload.take()),
                _ => {
                    self.stuck = true;
                    Val::Plain
                }
            },
            // The new value is made first, then the old one comes out in its place.
            Init::Replace(v, ty, names) => {
                let new = self.fresh(*ty, names);
                match self.binding(v).slot.replace(new) {
                    Some(old) => old,
                    None => {
                        self.stuck = true;
                        Val::Plain
                    }
                }
            }
            Init::MatchOpt(v, a, names) => {
                if !matches!(&self.binding(v).slot, Some(Val::Opt(Some(_)))) {
                    return self.fresh(Ty::Noisy, names);
                }
                let inner = match self.take(v, "match") {
                    Val::Opt(Some(inner)) => *inner,
                    other => other,
                };
                self.scopes.push(Vec::new());
                self.bind(a.clone(), inner);
                let out = self.take(a, "match arm value");
                self.close_scope("scope end");
                out
            }
            // `b` is dropped as the method returns `a`.
            Init::IntoA(v) => match self.take(v, "receiver of a method that takes self") {
                Val::Pair(Some(a), b) => {
                    if let Some(b) = b {
                        self.drop_val(&b);
                    }
                    *a
                }
                _ => {
                    self.stuck = true;
                    Val::Plain
                }
            },
            Init::Unbox(v) | Init::UnboxCall(v, _) => match self.take(v, UNBOXED) {
                Val::Boxed(inner) => *inner,
                _ => {
                    self.stuck = true;
                    Val::Plain
                }
            },
            // The block's own binding is made, then moved out by its tail; the block's scope
            // ends with nothing left in it.
            Init::Block(inner, _, init) => {
                let val = self.eval(init);
                self.scopes.push(Vec::new());
                self.bind(inner.clone(), val);
                let out = self.take(inner, "block tail");
                self.close_scope("scope end");
                out
            }
        }
    }

    /// `name = val`: the old value (if still there) is dropped after `val` is computed, and
    /// `val` is a new instance.
    fn assign(&mut self, name: &str, val: Val) {
        self.binding(name);
        let scope = self.scopes.iter().rposition(|s| s.iter().any(|b| b.name == name)).unwrap_or(0);
        let index = self.scopes[scope].iter().rposition(|b| b.name == name).unwrap_or(0);
        let mut b = std::mem::replace(
            &mut self.scopes[scope][index],
            Binding { name: name.to_owned(), instance: None, slot: None, left_by: "", dropped_now: false },
        );
        self.end(&mut b, "reassigned");
        let instance = self.instance(name, Self::ids(&val));
        self.scopes[scope][index] = Binding { name: name.to_owned(), instance: Some(instance), slot: Some(val), left_by: "", dropped_now: false };
    }

    /// Runs a block in a scope of its own, with `bound` (a pattern's binding) in it first.
    fn block(&mut self, stmts: &[Stmt], bound: Option<(String, Val)>) -> Flow {
        self.scopes.push(Vec::new());
        if let Some((name, val)) = bound {
            self.bind(name, val);
        }
        let flow = self.stmts(stmts);
        self.close_scope(match flow {
            Flow::Normal => "scope end",
            Flow::Return => "early return",
        });
        flow
    }

    fn stmts(&mut self, stmts: &[Stmt]) -> Flow {
        for stmt in stmts {
            match self.stmt(stmt) {
                Flow::Normal => {}
                other => return other,
            }
        }
        Flow::Normal
    }

    fn stmt(&mut self, stmt: &Stmt) -> Flow {
        match stmt {
            Stmt::Let(name, _, init) => {
                let val = self.eval(init);
                self.bind(name.clone(), val);
            }
            Stmt::Deferred(name, _, c, a, b) => {
                if let Some(scope) = self.scopes.last_mut() {
                    scope.push(Binding { name: name.clone(), instance: None, slot: None, left_by: "", dropped_now: false });
                }
                let val = if holds(*c, self.k) { self.eval(a) } else { self.eval(b) };
                let instance = self.instance(name, Self::ids(&val));
                let b = self.binding(name);
                b.instance = Some(instance);
                b.slot = Some(val);
            }
            Stmt::Assign(name, init) => {
                let val = self.eval(init);
                self.assign(name, val);
            }
            Stmt::Consume(v) => {
                let val = self.take(v, "moved into a call");
                self.drop_val(&val);
            }
            Stmt::Swallow(v, c) => {
                if c.is_none_or(|c| holds(c, self.k)) {
                    let val = self.take(v, "moved into a macro");
                    self.drop_val(&val);
                }
            }
            Stmt::ConsumeField(v, f) => {
                let val = self.take_field(v, *f, "field moved out");
                self.drop_val(&val);
            }
            Stmt::Take(v) => {
                let val = self.take(v, "argument of a traced function");
                self.take_call(val);
            }
            Stmt::Drop(v) => {
                let val = self.take(v, "drop()");
                let dropped = self.drop_val(&val);
                let b = self.binding(v);
                b.dropped_now = true;
                if let Some(i) = b.instance {
                    self.instances[i].dropped = dropped;
                }
            }
            Stmt::Look(_) | Stmt::Discard(..) => {}
            Stmt::FieldAssign(v, f, value) => self.field_assign(v, *f, value),
            Stmt::BoxRefill(v, value) => self.box_refill(v, value),
            Stmt::WhileLetPop(list, x, body) => return self.while_let_pop(list, x, body),
            Stmt::ForEach(list, x, body, brk) => return self.for_each(list, x, body, *brk),
            Stmt::LetElse(v, x) => return self.let_else(v, x),
            Stmt::Guarded(v, x, c, some, other) => {
                let payload = matches!(&self.binding(v).slot, Some(Val::Opt(Some(_))));
                if !payload || !holds(*c, self.k) {
                    return self.block(other, None);
                }
                let bound = match self.take(v, "match guard held") {
                    Val::Opt(Some(inner)) => *inner,
                    other => other,
                };
                return self.block(some, Some((x.clone(), bound)));
            }
            Stmt::Swap(a, b, made) => {
                if let Some((_, init)) = made {
                    let val = self.eval(init);
                    self.bind(b.clone(), val);
                }
                let from_a = self.take(a, "swapped");
                let from_b = self.take(b, "swapped");
                self.assign(a, from_b);
                self.assign(b, from_a);
            }
            Stmt::Destructure(v, d) => match d {
                Destructure::Both(x, y) => {
                    let a = self.take_field(v, Field::A, "destructured");
                    let b = self.take_field(v, Field::B, "destructured");
                    if let Some(i) = self.binding(v).instance {
                        self.instances[i].moved = [Self::ids(&a), Self::ids(&b)].concat();
                    }
                    self.bind(x.clone(), a);
                    self.bind(y.clone(), b);
                }
                Destructure::One(f, x) => {
                    let part = self.take_field(v, *f, "destructured, the rest stays");
                    self.bind(x.clone(), part);
                }
                Destructure::Item(x) => {
                    let part = self.take_field(v, Field::Item, "destructured, the rest is Copy");
                    if let Some(i) = self.binding(v).instance {
                        self.instances[i].moved = Self::ids(&part);
                    }
                    self.bind(x.clone(), part);
                }
            },
            Stmt::Push(list, v) => {
                let val = self.take(v, "pushed");
                if let Some(Val::List(items)) = &mut self.binding(list).slot {
                    items.push(val);
                }
            }
            Stmt::Match(v, x, by_ref, some, none) => return self.match_opt(v, x, *by_ref, some, none, "match"),
            Stmt::IfLet(v, x, by_ref, None, body) => return self.match_opt(v, x, *by_ref, body, &[], "if let"),
            // The chain binds `x` first; when the condition fails, `x` drops there.
            Stmt::IfLet(v, x, by_ref, Some(c), body) => {
                let body: &[Stmt] = if holds(*c, self.k) { body } else { &[] };
                return self.match_opt(v, x, *by_ref, body, &[], "if let chain");
            }
            Stmt::If(c, then, els) => return if holds(*c, self.k) { self.block(then, None) } else { self.block(els, None) },
            Stmt::Loop(n, body, brk, _) => {
                for _ in 0..*n {
                    match self.iteration(None, body, *brk) {
                        Step::Return => return Flow::Return,
                        Step::Break => break,
                        Step::Next => {}
                    }
                }
            }
            Stmt::ReturnIf(c) => {
                if holds(*c, self.k) {
                    return Flow::Return;
                }
            }
            Stmt::MoveClosure(c, v, called) => {
                let val = self.take(v, "captured by a move closure");
                self.bind(c.clone(), Val::Closure(Some(Box::new(val))));
                if *called {
                    let closure = self.take(c, "called (FnOnce)");
                    if let Val::Closure(Some(val)) = closure {
                        self.drop_val(&val);
                    }
                }
            }
            Stmt::RefClosure(c, _, _) => self.bind(c.clone(), Val::Plain),
            Stmt::FieldClosure(c, v, f, called) => {
                let part = self.take_field(v, *f, "a field captured by a move closure");
                // What moved out of `v` so far, this field with the others.
                if let Some(i) = self.binding(v).instance {
                    let moved = &mut self.instances[i].moved;
                    moved.extend(Self::ids(&part));
                    moved.sort_unstable();
                    moved.dedup();
                }
                self.bind(c.clone(), Val::Closure(Some(Box::new(part))));
                if *called {
                    let closure = self.take(c, "called (FnOnce)");
                    if let Val::Closure(Some(part)) = closure {
                        self.drop_val(&part);
                    }
                }
            }
        }
        Flow::Normal
    }
}

mod loops;
mod matches;
mod refill;

#[cfg(test)]
#[path = "oracle_tests.rs"]
mod tests;
