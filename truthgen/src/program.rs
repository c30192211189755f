//! The generated programs: a small ownership language (values that log their own drops,
//! moves, borrows, patterns, branches, loops, closures, calls between traced functions) and
//! how it is printed as Rust.

use std::fmt::Write;

/// The types a variable can have. Every one but `Int` holds values that log their drops.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ty {
    /// `Noisy`, a value that logs its own drop.
    Noisy,
    /// `Box<Noisy>`.
    Boxed,
    /// `Option<Noisy>`.
    Opt,
    /// `Vec<Noisy>`.
    List,
    /// `Pair { a: Noisy, b: Noisy }`.
    Pair,
    /// `Tagged { item: Noisy, tag: u32 }`: what `..` leaves of it is `Copy`.
    Tagged,
}

impl Ty {
    /// The type as Rust writes it.
    pub fn rust(self) -> &'static str {
        match self {
            Ty::Noisy => "Noisy",
            Ty::Boxed => "Box<Noisy>",
            Ty::Opt => "Option<Noisy>",
            Ty::List => "Vec<Noisy>",
            Ty::Pair => "Pair",
            Ty::Tagged => "Tagged",
        }
    }
}

/// A field of a `Pair` or a `Tagged`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Field {
    /// `Pair::a`.
    A,
    /// `Pair::b`.
    B,
    /// `Tagged::item`.
    Item,
}

impl Field {
    /// The field's name.
    pub fn name(self) -> &'static str {
        match self {
            Field::A => "a",
            Field::B => "b",
            Field::Item => "item",
        }
    }
}

/// A condition on the program's run-time input `k`.
#[derive(Clone, Copy, Debug)]
pub struct Cond {
    /// `k % modulus == equals`.
    pub modulus: u32,
    /// See `modulus`.
    pub equals: u32,
}

/// A value made from nothing or from variables.
#[derive(Clone, Debug)]
pub enum Init {
    /// A new value of the type; the names of the values it makes.
    Fresh(Ty, Vec<String>),
    /// `Pair { a: new(..), ..v }`: a new pair taking `b` from `v`.
    Update(String, String),
    /// `v` (a move).
    Var(String),
    /// `pass(v)`: through a function that is not traced.
    Pass(String),
    /// `give(v)`: through the program's traced function that returns its parameter.
    Give(String),
    /// `v.a`: a field moved out.
    Field(String, Field),
    /// `v.pop()` of a `Vec<Noisy>`.
    Pop(String),
    /// `if cond { a } else { b }`, or (`true`) `match cond { true => a, false => b }`, whose
    /// arms are not blocks.
    Choose(Cond, Box<Init>, Box<Init>, bool),
    /// `v.take()` of an `Option<Noisy>`: the payload moves out through `&mut`, `v` stays.
    TakeOpt(String),
    /// `std::mem::replace(&mut v, new)`: `v`'s old value comes out, `v` keeps living.
    Replace(String, Ty, Vec<String>),
    /// `{ let mut inner: T = init; look(&inner); inner }`: a block whose tail moves out its
    /// own binding.
    Block(String, Ty, Box<Init>),
    /// `match v { Some(a) => a, None => new(..) }` of an `Option<Noisy>`: the payload through
    /// the arm's binding, or a new value.
    MatchOpt(String, String, Vec<String>),
    /// `*v` of a `Box<Noisy>`: the value moves out of its box.
    Unbox(String),
    /// `(*v).itself()`, or `v.itself()` reached by autoderef when the flag is not set: the
    /// value moves out of its box into a method that takes `self`.
    UnboxCall(String, bool),
    /// `v.into_a()` of a `Pair`: a method that takes the pair by value, gives `a` back and
    /// drops `b`.
    IntoA(String),
}

/// A pattern a `let` destructures a `Pair` or a `Tagged` with.
#[derive(Clone, Debug)]
pub enum Destructure {
    /// `let Pair { a: x, b: y } = v;`
    Both(String, String),
    /// `let Pair { a: x, .. } = v;` (or `b`): what stays needs dropping.
    One(Field, String),
    /// `let Tagged { item: x, .. } = v;`: what stays is `Copy`.
    Item(String),
}

/// One statement.
#[derive(Clone, Debug)]
pub enum Stmt {
    /// `let mut name = init;` (a name already in scope is shadowed).
    Let(String, Ty, Init),
    /// `let name;` then `if cond { name = a } else { name = b }`.
    Deferred(String, Ty, Cond, Init, Init),
    /// `name = init;`
    Assign(String, Init),
    /// `consume(v);` (a function that is not traced drops it).
    Consume(String),
    /// `consume(v.a);`
    ConsumeField(String, Field),
    /// `swallow!(v);`, a macro of the crate's own (left as written by `#[trace_borrow]`) that
    /// moves its argument into `consume`; `swallow_if!(cond, v);` with a condition, which
    /// moves it only when the condition holds (`v` is dropped at its scope's end otherwise).
    Swallow(String, Option<Cond>),
    /// `take(v);` (the program's traced function that drops its parameter).
    Take(String),
    /// `drop(v);`
    Drop(String),
    /// `look(&v);`
    Look(String),
    /// `let Pattern = v;`
    Destructure(String, Destructure),
    /// `v.push(w);`
    Push(String, String),
    /// `match v { Some(x) => { .. } None => { .. } }`; by `ref` when the flag is set.
    Match(String, String, bool, Vec<Stmt>, Vec<Stmt>),
    /// `if let Some(x) = v { .. }`; by `ref` when the flag is set; with a condition,
    /// `if let Some(x) = v && cond { .. }`, a chain that may fail after `x` was bound.
    IfLet(String, String, bool, Option<Cond>, Vec<Stmt>),
    /// `if cond { .. } else { .. }`
    If(Cond, Vec<Stmt>, Vec<Stmt>),
    /// `for _ in 0..n { ..; if cond { break } }`: a label on the loop when the flag is set,
    /// and the break is a labelled one from a block inside.
    Loop(u32, Vec<Stmt>, Option<Cond>, bool),
    /// `if cond { return; }`
    ReturnIf(Cond),
    /// `let c = move || consume(v);` then `c();` when the flag is set.
    MoveClosure(String, String, bool),
    /// `let c = || look(&v);` called `n` times.
    RefClosure(String, String, u32),
    /// `(a, b) = (b, a);`: a destructuring assignment that moves both and gives both a value;
    /// `b` declared just before (`let mut b: T = init;`) when the type and value are given.
    Swap(String, String, Option<(Ty, Init)>),
    /// `let _ = v;`, or `_ = v;` when the flag is set: neither moves `v`.
    Discard(String, bool),
    /// `v.a = new(..);`: a field given a new value, the old one (if it is still there)
    /// dropped now; a field moved out before is filled again.
    FieldAssign(String, Field, String),
    /// `match v { Some(x) if cond => { .. } _ => { .. } }`: `x` is bound (and the payload
    /// moved) only when the guard holds; otherwise `v` keeps its value.
    Guarded(String, String, Cond, Vec<Stmt>, Vec<Stmt>),
    /// `while let Some(x) = list.pop() { .. }`.
    WhileLetPop(String, String, Vec<Stmt>),
    /// `for x in list { ..; if cond { break } }`: the list moves into the loop, and what the
    /// loop did not reach is dropped as it ends.
    ForEach(String, String, Vec<Stmt>, Option<Cond>),
    /// `let Some(x) = v else { return; };`: the payload moves into `x`, which lives on in
    /// the enclosing block; `None` leaves the function.
    LetElse(String, String),
    /// `*v = new(..);` of a `Box<Noisy>`: the old content (if it is still there) dropped now;
    /// a box moved out of is filled again.
    BoxRefill(String, String),
    /// `let c = move || consume(v.a);` then `c();` when the flag is set: the closure captures
    /// only the field (a partial move of `v`).
    FieldClosure(String, String, Field, bool),
}

/// A generated program: a traced function `p{id}(k)` over the statements, and its two traced
/// helpers (`take_{id}` drops its parameter, `give_{id}` returns it).
#[derive(Clone, Debug)]
pub struct Program {
    /// Its number, in its function names and variable names.
    pub id: usize,
    /// The statements of `p{id}`.
    pub body: Vec<Stmt>,
}

impl Program {
    /// The program's functions as Rust, with `#[trace_borrow]` on each when `traced`.
    pub fn rust(&self, traced: bool) -> String {
        let attr = if traced { "#[trace_borrow]\n" } else { "" };
        let id = self.id;
        let mut out = String::new();
        let _ = writeln!(out, "{attr}fn take_{id}<T>(taken_{id}: T) {{\n    look(&taken_{id});\n}}\n");
        let _ = writeln!(out, "{attr}fn give_{id}<T>(given_{id}: T) -> T {{\n    given_{id}\n}}\n");
        let _ = writeln!(out, "{attr}fn p{id}(k: u32) {{");
        for stmt in &self.body {
            stmt_rust(&mut out, stmt, id, 1);
        }
        let _ = writeln!(out, "    let _ = k;\n}}");
        out
    }
}

fn cond_rust(c: Cond) -> String {
    format!("k % {} == {}", c.modulus, c.equals)
}

/// The Rust of a value, in program `id`.
pub fn init_rust(init: &Init, id: usize) -> String {
    match init {
        Init::Fresh(ty, names) => fresh_rust(*ty, names),
        Init::Update(name, from) => format!("Pair {{ a: new(\"{name}\"), ..{from} }}"),
        Init::Var(v) => v.clone(),
        Init::Pass(v) => format!("pass({v})"),
        Init::Give(v) => format!("give_{id}({v})"),
        Init::Field(v, f) => format!("{v}.{}", f.name()),
        Init::Pop(v) => format!("{v}.pop()"),
        Init::Choose(c, a, b, false) => format!("if {} {{ {} }} else {{ {} }}", cond_rust(*c), init_rust(a, id), init_rust(b, id)),
        Init::Choose(c, a, b, true) => format!("match {} {{ true => {}, false => {} }}", cond_rust(*c), init_rust(a, id), init_rust(b, id)),
        Init::TakeOpt(v) => format!("{v}.take()"),
        Init::Replace(v, ty, names) => format!("std::mem::replace(&mut {v}, {})", fresh_rust(*ty, names)),
        Init::Block(inner, ty, init) => format!("{{ let mut {inner}: {} = {}; look(&{inner}); {inner} }}", ty.rust(), init_rust(init, id)),
        Init::MatchOpt(v, a, names) => format!("match {v} {{ Some({a}) => {a}, None => {} }}", fresh_rust(Ty::Noisy, names)),
        Init::Unbox(v) => format!("*{v}"),
        Init::UnboxCall(v, true) => format!("(*{v}).itself()"),
        Init::UnboxCall(v, false) => format!("{v}.itself()"),
        Init::IntoA(v) => format!("{v}.into_a()"),
    }
}

fn fresh_rust(ty: Ty, names: &[String]) -> String {
    let new = |i: usize| format!("new(\"{}\")", names[i]);
    match ty {
        Ty::Noisy => new(0),
        Ty::Boxed => format!("Box::new({})", new(0)),
        Ty::Opt if names.is_empty() => "None".to_owned(),
        Ty::Opt => format!("Some({})", new(0)),
        Ty::List => format!("vec![{}]", (0..names.len()).map(new).collect::<Vec<_>>().join(", ")),
        Ty::Pair => format!("Pair {{ a: {}, b: {} }}", new(0), new(1)),
        Ty::Tagged => format!("Tagged {{ item: {}, tag: 7 }}", new(0)),
    }
}

fn block_rust(out: &mut String, stmts: &[Stmt], id: usize, depth: usize) {
    for stmt in stmts {
        stmt_rust(out, stmt, id, depth);
    }
}

fn stmt_rust(out: &mut String, stmt: &Stmt, id: usize, depth: usize) {
    let pad = "    ".repeat(depth);
    let close = format!("{pad}}}");
    match stmt {
        Stmt::Let(name, ty, init) => {
            let _ = writeln!(out, "{pad}let mut {name}: {} = {};", ty.rust(), init_rust(init, id));
        }
        Stmt::Deferred(name, ty, c, a, b) => {
            let _ = writeln!(out, "{pad}let {name}: {};", ty.rust());
            let _ = writeln!(out, "{pad}if {} {{ {name} = {}; }} else {{ {name} = {}; }}", cond_rust(*c), init_rust(a, id), init_rust(b, id));
        }
        Stmt::Assign(name, init) => {
            let _ = writeln!(out, "{pad}{name} = {};", init_rust(init, id));
        }
        Stmt::Consume(v) => {
            let _ = writeln!(out, "{pad}consume({v});");
        }
        Stmt::ConsumeField(v, f) => {
            let _ = writeln!(out, "{pad}consume({v}.{});", f.name());
        }
        Stmt::Swallow(v, None) => {
            let _ = writeln!(out, "{pad}swallow!({v});");
        }
        Stmt::Swallow(v, Some(c)) => {
            let _ = writeln!(out, "{pad}swallow_if!({}, {v});", cond_rust(*c));
        }
        Stmt::Take(v) => {
            let _ = writeln!(out, "{pad}take_{id}({v});");
        }
        Stmt::Drop(v) => {
            let _ = writeln!(out, "{pad}drop({v});");
        }
        Stmt::Look(v) => {
            let _ = writeln!(out, "{pad}look(&{v});");
        }
        Stmt::Destructure(v, d) => {
            let pattern = match d {
                Destructure::Both(x, y) => format!("Pair {{ a: {x}, b: {y} }}"),
                Destructure::One(f, x) => format!("Pair {{ {}: {x}, .. }}", f.name()),
                Destructure::Item(x) => format!("Tagged {{ item: {x}, .. }}"),
            };
            let _ = writeln!(out, "{pad}let {pattern} = {v};");
        }
        Stmt::Push(list, v) => {
            let _ = writeln!(out, "{pad}{list}.push({v});");
        }
        Stmt::Match(v, x, by_ref, some, none) => {
            let r = if *by_ref { "ref " } else { "" };
            let _ = writeln!(out, "{pad}match {v} {{");
            let _ = writeln!(out, "{pad}    Some({r}{x}) => {{");
            block_rust(out, some, id, depth + 2);
            let _ = writeln!(out, "{pad}    }}\n{pad}    None => {{");
            block_rust(out, none, id, depth + 2);
            let _ = writeln!(out, "{pad}    }}\n{close}");
        }
        Stmt::IfLet(v, x, by_ref, chained, body) => {
            let r = if *by_ref { "ref " } else { "" };
            let chain = chained.map(|c| format!("\n{pad}    && {}\n{pad}", cond_rust(c))).unwrap_or_else(|| " ".to_owned());
            let _ = writeln!(out, "{pad}if let Some({r}{x}) = {v}{chain}{{");
            block_rust(out, body, id, depth + 1);
            let _ = writeln!(out, "{close}");
        }
        Stmt::If(c, then, els) => {
            let _ = writeln!(out, "{pad}if {} {{", cond_rust(*c));
            block_rust(out, then, id, depth + 1);
            let _ = writeln!(out, "{pad}}} else {{");
            block_rust(out, els, id, depth + 1);
            let _ = writeln!(out, "{close}");
        }
        Stmt::Loop(n, body, brk, labelled) => {
            let label = if *labelled { "'outer: " } else { "" };
            let _ = writeln!(out, "{pad}{label}for _ in 0..{n} {{");
            block_rust(out, body, id, depth + 1);
            if let Some(c) = brk {
                let target = if *labelled { " 'outer" } else { "" };
                let _ = writeln!(out, "{pad}    if {} {{ break{target}; }}", cond_rust(*c));
            }
            let _ = writeln!(out, "{close}");
        }
        Stmt::ReturnIf(c) => {
            let _ = writeln!(out, "{pad}if {} {{ return; }}", cond_rust(*c));
        }
        Stmt::MoveClosure(c, v, called) => {
            let _ = writeln!(out, "{pad}let {c} = move || consume({v});");
            if *called {
                let _ = writeln!(out, "{pad}{c}();");
            }
        }
        Stmt::RefClosure(c, v, calls) => {
            let _ = writeln!(out, "{pad}let {c} = || look(&{v});");
            for _ in 0..*calls {
                let _ = writeln!(out, "{pad}{c}();");
            }
        }
        Stmt::Swap(a, b, made) => {
            if let Some((ty, init)) = made {
                let _ = writeln!(out, "{pad}let mut {b}: {} = {};", ty.rust(), init_rust(init, id));
            }
            let _ = writeln!(out, "{pad}({a}, {b}) = ({b}, {a});");
        }
        Stmt::Discard(v, assigned) => {
            let _ = writeln!(out, "{pad}{}_ = {v};", if *assigned { "" } else { "let " });
        }
        Stmt::FieldAssign(v, f, value) => {
            let _ = writeln!(out, "{pad}{v}.{} = new(\"{value}\");", f.name());
        }
        Stmt::FieldClosure(c, v, f, called) => {
            let _ = writeln!(out, "{pad}let {c} = move || consume({v}.{});", f.name());
            if *called {
                let _ = writeln!(out, "{pad}{c}();");
            }
        }
        Stmt::BoxRefill(v, value) => {
            let _ = writeln!(out, "{pad}*{v} = new(\"{value}\");");
        }
        Stmt::WhileLetPop(list, x, body) => {
            let _ = writeln!(out, "{pad}while let Some({x}) = {list}.pop() {{");
            block_rust(out, body, id, depth + 1);
            let _ = writeln!(out, "{close}");
        }
        Stmt::ForEach(list, x, body, brk) => {
            let _ = writeln!(out, "{pad}for {x} in {list} {{");
            block_rust(out, body, id, depth + 1);
            if let Some(c) = brk {
                let _ = writeln!(out, "{pad}    if {} {{ break; }}", cond_rust(*c));
            }
            let _ = writeln!(out, "{close}");
        }
        Stmt::LetElse(v, x) => {
            let _ = writeln!(out, "{pad}let Some({x}) = {v} else {{ return; }};");
        }
        Stmt::Guarded(v, x, c, some, other) => {
            let _ = writeln!(out, "{pad}match {v} {{");
            let _ = writeln!(out, "{pad}    Some({x}) if {} => {{", cond_rust(*c));
            block_rust(out, some, id, depth + 2);
            let _ = writeln!(out, "{pad}    }}\n{pad}    _ => {{");
            block_rust(out, other, id, depth + 2);
            let _ = writeln!(out, "{pad}    }}\n{close}");
        }
    }
}

/// How many statements a body has, nested ones included.
pub fn size(stmts: &[Stmt]) -> usize {
    stmts.iter().map(|s| 1 + children(s).iter().map(|c| size(c)).sum::<usize>()).sum()
}

/// The blocks nested in a statement.
fn children(stmt: &Stmt) -> Vec<&Vec<Stmt>> {
    match stmt {
        Stmt::Match(_, _, _, some, none) | Stmt::If(_, some, none) | Stmt::Guarded(_, _, _, some, none) => vec![some, none],
        Stmt::IfLet(_, _, _, _, body) | Stmt::Loop(_, body, _, _) | Stmt::WhileLetPop(_, _, body) | Stmt::ForEach(_, _, body, _) => vec![body],
        _ => Vec::new(),
    }
}

/// Every body made from `stmts` by deleting one statement, at any depth.
pub fn deletions(stmts: &[Stmt]) -> Vec<Vec<Stmt>> {
    let mut out = Vec::new();
    for (i, stmt) in stmts.iter().enumerate() {
        let mut without = stmts.to_vec();
        without.remove(i);
        out.push(without);
        let nested: Vec<Stmt> = match stmt {
            Stmt::Match(v, x, r, some, none) => {
                let mut variants: Vec<Stmt> = deletions(some).into_iter().map(|s| Stmt::Match(v.clone(), x.clone(), *r, s, none.clone())).collect();
                variants.extend(deletions(none).into_iter().map(|n| Stmt::Match(v.clone(), x.clone(), *r, some.clone(), n)));
                variants
            }
            Stmt::If(c, then, els) => {
                let mut variants: Vec<Stmt> = deletions(then).into_iter().map(|t| Stmt::If(*c, t, els.clone())).collect();
                variants.extend(deletions(els).into_iter().map(|e| Stmt::If(*c, then.clone(), e)));
                variants
            }
            Stmt::Guarded(v, x, c, some, other) => {
                let mut variants: Vec<Stmt> =
                    deletions(some).into_iter().map(|s| Stmt::Guarded(v.clone(), x.clone(), *c, s, other.clone())).collect();
                variants.extend(deletions(other).into_iter().map(|o| Stmt::Guarded(v.clone(), x.clone(), *c, some.clone(), o)));
                variants
            }
            Stmt::IfLet(v, x, r, c, body) => deletions(body).into_iter().map(|b| Stmt::IfLet(v.clone(), x.clone(), *r, *c, b)).collect(),
            Stmt::Loop(n, body, brk, l) => deletions(body).into_iter().map(|b| Stmt::Loop(*n, b, *brk, *l)).collect(),
            Stmt::WhileLetPop(list, x, body) => deletions(body).into_iter().map(|b| Stmt::WhileLetPop(list.clone(), x.clone(), b)).collect(),
            Stmt::ForEach(list, x, body, brk) => deletions(body).into_iter().map(|b| Stmt::ForEach(list.clone(), x.clone(), b, *brk)).collect(),
            _ => Vec::new(),
        };
        for variant in nested {
            let mut with = stmts.to_vec();
            with[i] = variant;
            out.push(with);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_at_every_depth_can_be_deleted() {
        let body = vec![
            Stmt::Look("a".into()),
            Stmt::If(Cond { modulus: 2, equals: 0 }, vec![Stmt::Look("b".into()), Stmt::Look("c".into())], vec![Stmt::Look("d".into())]),
        ];
        assert_eq!(size(&body), 5);
        let variants = deletions(&body);
        // The two top-level statements, and the three inside the `if`.
        assert_eq!(variants.len(), 5);
        assert!(variants.iter().all(|v| size(v) < size(&body)));
    }
}
