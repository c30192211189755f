//! Random programs, seeded and reproducible. The generator keeps a model of which variables
//! hold their values (as the borrow checker sees them) so that most programs compile; those
//! that do not are discarded by the driver, never counted.

use crate::program::{Cond, Destructure, Field, Init, Program, Stmt, Ty};

mod rng;
pub use rng::Rng;

/// What a variable holds, as the borrow checker sees it.
#[derive(Clone, PartialEq, Debug)]
enum State {
    Live,
    /// Moved out, or moved on some path only: it may only be assigned again.
    Gone,
    /// Some fields moved out (a `Pair` or a `Tagged`).
    Partial(Vec<Field>),
    /// A box whose content moved out: it may only be filled again (`*v = ..`) or assigned.
    Unboxed,
}

#[derive(Clone, Debug)]
struct Var {
    name: String,
    ty: Ty,
    state: State,
    /// A `ref` binding: it may only be looked at.
    borrowed: bool,
    /// How many loops enclosed its declaration.
    loops: usize,
    /// Declared `let mut`: it may be assigned again, pushed to, popped from.
    mutable: bool,
}

/// The generator's state while it writes one program.
struct Gen<'r> {
    rng: &'r mut Rng,
    id: usize,
    scopes: Vec<Vec<Var>>,
    /// Variables a `match` or `if let` being written reads: not used inside its arms.
    locked: Vec<String>,
    loops: usize,
    names: usize,
    values: usize,
}

/// Writes program number `id`.
pub fn program(rng: &mut Rng, id: usize) -> Program {
    let mut g = Gen { rng, id, scopes: vec![Vec::new()], locked: Vec::new(), loops: 0, names: 0, values: 0 };
    let len = 4 + g.rng.below(8);
    let body = g.block(len, 0);
    Program { id, body }
}

impl Gen<'_> {
    fn name(&mut self, prefix: &str) -> String {
        self.names += 1;
        format!("{prefix}{}_{}", self.id, self.names)
    }

    fn value_names(&mut self, n: usize) -> Vec<String> {
        (0..n)
            .map(|_| {
                self.values += 1;
                format!("n{}", self.values)
            })
            .collect()
    }

    fn cond(&mut self) -> Cond {
        let modulus = 2 + self.rng.below(2) as u32;
        Cond { modulus, equals: self.rng.below(modulus as usize) as u32 }
    }

    fn ty(&mut self) -> Ty {
        [Ty::Noisy, Ty::Noisy, Ty::Boxed, Ty::Opt, Ty::List, Ty::Pair, Ty::Pair, Ty::Tagged][self.rng.below(8)]
    }

    fn fresh(&mut self, ty: Ty) -> Init {
        let count = match ty {
            Ty::Pair => 2,
            Ty::Opt if self.rng.chance(20) => 0,
            Ty::List => self.rng.below(3),
            _ => 1,
        };
        Init::Fresh(ty, self.value_names(count))
    }

    fn declare(&mut self, name: String, ty: Ty, borrowed: bool) {
        self.declare_as(name, ty, borrowed, false);
    }

    fn declare_as(&mut self, name: String, ty: Ty, borrowed: bool, mutable: bool) {
        let loops = self.loops;
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(Var { name, ty, state: State::Live, borrowed, loops, mutable });
        }
    }

    /// The visible variables (the innermost of each name).
    fn visible(&self) -> Vec<Var> {
        let mut seen: Vec<Var> = Vec::new();
        for var in self.scopes.iter().rev().flatten().rev() {
            if !seen.iter().any(|v| v.name == var.name) {
                seen.push(var.clone());
            }
        }
        seen.into_iter().rev().filter(|v| !self.locked.contains(&v.name)).collect()
    }

    fn var_mut(&mut self, name: &str) -> Option<&mut Var> {
        self.scopes.iter_mut().rev().flat_map(|s| s.iter_mut().rev()).find(|v| v.name == name)
    }

    fn set(&mut self, name: &str, state: State) {
        if let Some(v) = self.var_mut(name) {
            v.state = state;
        }
    }

    /// A live variable that may be moved here (declared inside the current loop), of the
    /// type `ty` if given.
    fn movable(&mut self, ty: Option<Ty>) -> Option<Var> {
        let loops = self.loops;
        let found: Vec<Var> = self
            .visible()
            .into_iter()
            .filter(|v| v.state == State::Live && !v.borrowed && (v.loops == loops || v.mutable) && ty.is_none_or(|t| t == v.ty))
            .collect();
        (!found.is_empty()).then(|| found[self.rng.below(found.len())].clone())
    }

    fn live(&mut self, pred: impl Fn(&Var) -> bool) -> Option<Var> {
        let found: Vec<Var> = self.visible().into_iter().filter(|v| pred(v)).collect();
        (!found.is_empty()).then(|| found[self.rng.below(found.len())].clone())
    }

    /// A `Pair` or `Tagged` declared in the current loop, live or moved out of in part: its
    /// name, the fields moved out of it, and the fields left in it.
    fn field_owner(&mut self) -> Option<(String, Vec<Field>, Vec<Field>)> {
        let loops = self.loops;
        let owner = self.live(|v| {
            matches!(v.ty, Ty::Pair | Ty::Tagged) && !v.borrowed && v.loops == loops && matches!(v.state, State::Live | State::Partial(_))
        })?;
        let moved = match &owner.state {
            State::Partial(m) => m.clone(),
            _ => Vec::new(),
        };
        let fields = if owner.ty == Ty::Pair { vec![Field::A, Field::B] } else { vec![Field::Item] };
        let left = fields.into_iter().filter(|f| !moved.contains(f)).collect();
        Some((owner.name, moved, left))
    }

    /// Notes field `f` moved out of `owner`, besides those `moved` before.
    fn moved_too(&mut self, owner: &str, mut moved: Vec<Field>, f: Field) {
        moved.push(f);
        self.set(owner, State::Partial(moved));
    }

    /// A value of type `ty`: fresh, or moved from a variable (recording the move).
    fn init(&mut self, ty: Ty, depth: usize) -> Init {
        let pick = self.rng.below(10);
        if pick == 3 && depth < 2 && self.rng.chance(50) {
            // A block that makes its own binding and gives it out.
            let inner = self.name("b");
            let init = self.init(ty, depth + 1);
            return Init::Block(inner, ty, Box::new(init));
        }
        if pick == 2
            && self.rng.chance(50)
            && let Some(v) = self.live(|v| v.ty == ty && v.state == State::Live && v.mutable && !v.borrowed)
        {
            let Init::Fresh(_, names) = self.fresh(ty) else { unreachable!("fresh makes a fresh value") };
            return Init::Replace(v.name, ty, names);
        }
        if ty == Ty::Opt
            && pick <= 1
            && let Some(v) = self.live(|v| v.ty == Ty::Opt && v.state == State::Live && v.mutable && !v.borrowed)
        {
            return Init::TakeOpt(v.name);
        }
        if pick < 4 {
            return self.fresh(ty);
        }
        if pick == 9 && depth < 2 {
            let c = self.cond();
            // Each branch moves what it moves: afterwards, both are gone.
            let snapshot = self.scopes.clone();
            let a = self.init(ty, depth + 1);
            let after_a = self.scopes.clone();
            self.scopes = snapshot;
            let b = self.init(ty, depth + 1);
            self.merge(&after_a);
            let arms = self.rng.chance(50);
            return Init::Choose(c, Box::new(a), Box::new(b), arms);
        }
        if ty == Ty::Noisy && (pick == 5 || pick == 7) {
            let loops = self.loops;
            if let Some(v) = self.live(|v| v.ty == Ty::Opt && v.state == State::Live && !v.borrowed && v.loops == loops) {
                self.set(&v.name, State::Gone);
                let a = self.name("a");
                let names = self.value_names(1);
                return Init::MatchOpt(v.name, a, names);
            }
        }
        if ty == Ty::Noisy && (pick == 4 || pick == 6) {
            let loops = self.loops;
            if let Some(v) = self.live(|v| v.ty == Ty::Boxed && v.state == State::Live && !v.borrowed && v.loops == loops) {
                self.set(&v.name, State::Unboxed);
                return match self.rng.below(3) {
                    0 => Init::Unbox(v.name),
                    explicit => Init::UnboxCall(v.name, explicit == 1),
                };
            }
        }
        if ty == Ty::Noisy && (pick == 5 || pick == 8) && self.rng.chance(40) {
            let loops = self.loops;
            if let Some(v) = self.live(|v| v.ty == Ty::Pair && v.state == State::Live && !v.borrowed && v.loops == loops) {
                self.set(&v.name, State::Gone);
                return Init::IntoA(v.name);
            }
        }
        if ty == Ty::Noisy
            && pick == 8
            && let Some((owner, moved, left)) = self.field_owner()
            && !left.is_empty()
        {
            let f = left[self.rng.below(left.len())];
            self.moved_too(&owner, moved, f);
            return Init::Field(owner, f);
        }
        if ty == Ty::Opt
            && pick == 7
            && let Some(list) = self.live(|v| v.ty == Ty::List && v.state == State::Live && v.mutable)
        {
            return Init::Pop(list.name);
        }
        if ty == Ty::Pair && pick == 6 {
            let loops = self.loops;
            let base = self.live(|v| {
                v.ty == Ty::Pair && !v.borrowed && v.loops == loops && matches!(&v.state, State::Live)
                    || matches!(&v.state, State::Partial(m) if m == &[Field::A] && v.ty == Ty::Pair && v.loops == loops)
            });
            if let Some(base) = base {
                let mut moved = match &base.state {
                    State::Partial(m) => m.clone(),
                    _ => Vec::new(),
                };
                moved.push(Field::B);
                self.set(&base.name, State::Partial(moved));
                let name = self.value_names(1).remove(0);
                return Init::Update(name, base.name);
            }
        }
        match self.movable(Some(ty)) {
            Some(v) => {
                self.set(&v.name, State::Gone);
                match self.rng.below(3) {
                    0 => Init::Var(v.name),
                    1 => Init::Pass(v.name),
                    _ => Init::Give(v.name),
                }
            }
            None => self.fresh(ty),
        }
    }

    /// After two branches: a variable gone or changed on either is gone.
    fn merge(&mut self, other: &[Vec<Var>]) {
        for (scope, theirs) in self.scopes.iter_mut().zip(other) {
            for (mine, their) in scope.iter_mut().zip(theirs) {
                if mine.state != their.state {
                    mine.state = State::Gone;
                }
            }
        }
    }

    fn block(&mut self, len: usize, depth: usize) -> Vec<Stmt> {
        let mut out = Vec::new();
        for _ in 0..len {
            if let Some(stmt) = self.stmt(depth) {
                out.push(stmt);
            }
        }
        out
    }

    /// A nested block in a scope of its own.
    fn nested(&mut self, depth: usize, bound: Option<(String, Ty, bool)>) -> Vec<Stmt> {
        self.scopes.push(Vec::new());
        if let Some((name, ty, borrowed)) = bound {
            self.declare(name, ty, borrowed);
        }
        let len = 1 + self.rng.below(3);
        let stmts = self.block(len, depth + 1);
        self.scopes.pop();
        stmts
    }

    fn stmt(&mut self, depth: usize) -> Option<Stmt> {
        let nest = depth < 2;
        match self.rng.below(33) {
            0..=4 => {
                let ty = self.ty();
                let init = self.init(ty, 0);
                // Now and then a name already in scope: shadowing.
                let name = match self.visible().into_iter().rfind(|v| v.ty == ty && !v.borrowed) {
                    Some(v) if self.rng.chance(25) => v.name,
                    _ => self.name("v"),
                };
                self.declare_as(name.clone(), ty, false, true);
                Some(Stmt::Let(name, ty, init))
            }
            5 => {
                let ty = self.ty();
                let c = self.cond();
                let snapshot = self.scopes.clone();
                let a = self.init(ty, 1);
                let after_a = self.scopes.clone();
                self.scopes = snapshot;
                let b = self.init(ty, 1);
                self.merge(&after_a);
                let name = self.name("d");
                self.declare(name.clone(), ty, false);
                Some(Stmt::Deferred(name, ty, c, a, b))
            }
            6 | 7 => {
                let target = self.live(|v| !v.borrowed && v.mutable)?;
                // The old value is dropped, or consumed by the right side.
                let init = if target.state == State::Live && self.rng.chance(50) && target.loops == self.loops {
                    self.set(&target.name, State::Gone);
                    match self.rng.below(3) {
                        0 => Init::Pass(target.name.clone()),
                        1 => Init::Give(target.name.clone()),
                        _ if target.ty == Ty::Pair => {
                            let name = self.value_names(1).remove(0);
                            Init::Update(name, target.name.clone())
                        }
                        _ => Init::Pass(target.name.clone()),
                    }
                } else {
                    self.init(target.ty, 0)
                };
                self.set(&target.name, State::Live);
                Some(Stmt::Assign(target.name, init))
            }
            8 => {
                let v = self.movable(None)?;
                self.set(&v.name, State::Gone);
                Some(match self.rng.below(5) {
                    0 => Stmt::Consume(v.name),
                    1 => Stmt::Take(v.name),
                    2 => Stmt::Swallow(v.name, None),
                    3 => Stmt::Swallow(v.name, Some(self.cond())),
                    _ => Stmt::Drop(v.name),
                })
            }
            9 => {
                let v = self.live(|v| v.state == State::Live)?;
                Some(Stmt::Look(v.name))
            }
            10 => {
                let loops = self.loops;
                let v = self.live(|v| matches!(v.ty, Ty::Pair | Ty::Tagged) && v.state == State::Live && !v.borrowed && v.loops == loops)?;
                let d = match (v.ty, self.rng.below(3)) {
                    (Ty::Tagged, _) => Destructure::Item(self.name("x")),
                    (_, 0) => Destructure::Both(self.name("x"), self.name("y")),
                    (_, 1) => Destructure::One(Field::A, self.name("x")),
                    _ => Destructure::One(Field::B, self.name("x")),
                };
                match &d {
                    Destructure::Both(x, y) => {
                        self.set(&v.name, State::Gone);
                        self.declare(x.clone(), Ty::Noisy, false);
                        self.declare(y.clone(), Ty::Noisy, false);
                    }
                    Destructure::One(f, x) => {
                        self.set(&v.name, State::Partial(vec![*f]));
                        self.declare(x.clone(), Ty::Noisy, false);
                    }
                    Destructure::Item(x) => {
                        self.set(&v.name, State::Partial(vec![Field::Item]));
                        self.declare(x.clone(), Ty::Noisy, false);
                    }
                }
                Some(Stmt::Destructure(v.name, d))
            }
            11 => {
                let (owner, moved, left) = self.field_owner()?;
                let f = *left.first()?;
                self.moved_too(&owner, moved, f);
                Some(Stmt::ConsumeField(owner, f))
            }
            12 => {
                let list = self.live(|v| v.ty == Ty::List && v.state == State::Live && v.mutable)?;
                let item = self.movable(Some(Ty::Noisy))?;
                self.set(&item.name, State::Gone);
                Some(Stmt::Push(list.name, item.name))
            }
            13 | 14 if nest => {
                let loops = self.loops;
                let v = self.live(|v| v.ty == Ty::Opt && v.state == State::Live && !v.borrowed && v.loops == loops)?;
                let by_ref = self.rng.chance(35);
                let x = self.name("x");
                self.locked.push(v.name.clone());
                let stmt = if self.rng.chance(30) {
                    // Half of them a `let` chain, which may fail after `x` was bound.
                    let chained = self.rng.chance(50).then(|| self.cond());
                    let snapshot = self.scopes.clone();
                    let body = self.nested(depth, Some((x.clone(), Ty::Noisy, by_ref)));
                    self.merge(&snapshot);
                    Stmt::IfLet(v.name.clone(), x, by_ref, chained, body)
                } else {
                    let snapshot = self.scopes.clone();
                    let some = self.nested(depth, Some((x.clone(), Ty::Noisy, by_ref)));
                    let after_some = self.scopes.clone();
                    self.scopes = snapshot;
                    let none = self.nested(depth, None);
                    self.merge(&after_some);
                    Stmt::Match(v.name.clone(), x, by_ref, some, none)
                };
                self.locked.pop();
                if !by_ref {
                    self.set(&v.name, State::Gone);
                }
                Some(stmt)
            }
            15 | 16 if nest => {
                let c = self.cond();
                let snapshot = self.scopes.clone();
                let then = self.nested(depth, None);
                let after_then = self.scopes.clone();
                self.scopes = snapshot;
                let els = self.nested(depth, None);
                self.merge(&after_then);
                Some(Stmt::If(c, then, els))
            }
            17 if nest => {
                let before = self.scopes.clone();
                self.loops += 1;
                let mut body = self.nested(depth, None);
                self.loops -= 1;
                self.settle_loop(&before, &mut body);
                let n = self.rng.below(4) as u32;
                let brk = self.rng.chance(50).then(|| self.cond());
                Some(Stmt::Loop(n, body, brk, self.rng.chance(30)))
            }
            18 => Some(Stmt::ReturnIf(self.cond())),
            19 if self.rng.chance(30) => {
                let (owner, moved, left) = self.field_owner()?;
                let f = *left.get(self.rng.below(left.len().max(1)))?;
                self.moved_too(&owner, moved, f);
                let c = self.name("c");
                Some(Stmt::FieldClosure(c, owner, f, self.rng.chance(60)))
            }
            19 => {
                let v = self.movable(None)?;
                self.set(&v.name, State::Gone);
                let c = self.name("c");
                Some(Stmt::MoveClosure(c, v.name, self.rng.chance(75)))
            }
            20 => {
                let v = self.live(|v| v.state == State::Live && !v.borrowed)?;
                let c = self.name("c");
                Some(Stmt::RefClosure(c, v.name, self.rng.below(3) as u32))
            }
            21..=23 => {
                let swappable: Vec<Var> = self.visible().into_iter().filter(|v| v.state == State::Live && v.mutable && !v.borrowed).collect();
                let pairs: Vec<(String, String)> = swappable
                    .iter()
                    .enumerate()
                    .flat_map(|(i, v)| swappable[i + 1..].iter().filter(|w| w.ty == v.ty).map(|w| (v.name.clone(), w.name.clone())))
                    .collect();
                if !pairs.is_empty() && self.rng.chance(60) {
                    let (a, b) = pairs[self.rng.below(pairs.len())].clone();
                    return Some(Stmt::Swap(a, b, None));
                }
                // Swapped with a variable made for it.
                if !swappable.is_empty() && self.rng.chance(60) {
                    let a = swappable[self.rng.below(swappable.len())].clone();
                    let init = self.fresh(a.ty);
                    let b = self.name("w");
                    self.declare_as(b.clone(), a.ty, false, true);
                    return Some(Stmt::Swap(a.name, b, Some((a.ty, init))));
                }
                let v = self.live(|v| v.state == State::Live)?;
                Some(Stmt::Discard(v.name, self.rng.chance(50)))
            }
            24 => {
                let v = self.live(|v| {
                    matches!(v.ty, Ty::Pair | Ty::Tagged) && v.mutable && !v.borrowed && matches!(v.state, State::Live | State::Partial(_))
                })?;
                let fields = if v.ty == Ty::Pair { vec![Field::A, Field::B] } else { vec![Field::Item] };
                let f = fields[self.rng.below(fields.len())];
                if let State::Partial(moved) = &v.state {
                    let left: Vec<Field> = moved.iter().copied().filter(|m| *m != f).collect();
                    self.set(&v.name, if left.is_empty() { State::Live } else { State::Partial(left) });
                }
                let value = self.value_names(1).remove(0);
                Some(Stmt::FieldAssign(v.name, f, value))
            }
            25 | 26 if nest => {
                let loops = self.loops;
                let v = self.live(|v| v.ty == Ty::Opt && v.state == State::Live && !v.borrowed && v.loops == loops)?;
                let x = self.name("x");
                let c = self.cond();
                self.locked.push(v.name.clone());
                let snapshot = self.scopes.clone();
                let some = self.nested(depth, Some((x.clone(), Ty::Noisy, false)));
                let after_some = self.scopes.clone();
                self.scopes = snapshot;
                let other = self.nested(depth, None);
                self.merge(&after_some);
                self.locked.pop();
                self.set(&v.name, State::Gone);
                Some(Stmt::Guarded(v.name, x, c, some, other))
            }
            30 | 31 if nest => {
                let loops = self.loops;
                let list = self.live(|v| v.ty == Ty::List && v.state == State::Live && !v.borrowed && v.loops == loops)?;
                self.set(&list.name, State::Gone);
                let x = self.name("x");
                let before = self.scopes.clone();
                self.loops += 1;
                let mut body = self.nested(depth, Some((x.clone(), Ty::Noisy, false)));
                self.loops -= 1;
                self.settle_loop(&before, &mut body);
                let brk = self.rng.chance(50).then(|| self.cond());
                Some(Stmt::ForEach(list.name, x, body, brk))
            }
            32 => {
                let loops = self.loops;
                let v = self.live(|v| v.ty == Ty::Opt && v.state == State::Live && !v.borrowed && v.loops == loops)?;
                self.set(&v.name, State::Gone);
                let x = self.name("x");
                self.declare(x.clone(), Ty::Noisy, false);
                Some(Stmt::LetElse(v.name, x))
            }
            29 => {
                let v = self.live(|v| v.ty == Ty::Boxed && v.mutable && !v.borrowed && matches!(v.state, State::Live | State::Unboxed))?;
                self.set(&v.name, State::Live);
                let value = self.value_names(1).remove(0);
                Some(Stmt::BoxRefill(v.name, value))
            }
            27 | 28 if nest => {
                let list = self.live(|v| v.ty == Ty::List && v.state == State::Live && v.mutable && !v.borrowed)?;
                let x = self.name("x");
                let before = self.scopes.clone();
                self.locked.push(list.name.clone());
                self.loops += 1;
                let mut body = self.nested(depth, Some((x.clone(), Ty::Noisy, false)));
                self.loops -= 1;
                self.locked.pop();
                self.settle_loop(&before, &mut body);
                Some(Stmt::WhileLetPop(list.name, x, body))
            }
            _ => None,
        }
    }

    /// After a loop's body: a variable from outside the loop moved in it is given a value
    /// again before the next iteration (`archive.push(cur); cur = next;`).
    fn settle_loop(&mut self, before: &[Vec<Var>], body: &mut Vec<Stmt>) {
        for (scope, old) in self.scopes.clone().iter().zip(before) {
            for (var, was) in scope.iter().zip(old) {
                if var.state != was.state && was.state == State::Live && var.mutable {
                    let init = self.fresh(var.ty);
                    body.push(Stmt::Assign(var.name.clone(), init));
                    self.set(&var.name, State::Live);
                } else if var.state != was.state {
                    // Filled again in the loop, which may not run: as the borrow checker
                    // sees it, maybe not filled.
                    self.set(&var.name, State::Gone);
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "generate_tests.rs"]
mod tests;
