//! Expressions that must stay exactly as written: a constant that Rust promotes to a
//! `'static` value where it is borrowed (`&[]`, `[].iter()`, `[X; N]`), and an aggregate
//! through which a `let` extends the life of a borrowed temporary (`let h = H { r: &f() }`).
//! Passing either through a runtime call would end its life at the end of the statement and
//! turn code that compiled into code that does not (E0716, E0515), so the macro records no
//! event for them.

use syn::Expr;

use super::Expander;

/// Whether the aggregate, range or cast `expr` must not be passed through a runtime call.
pub(crate) fn keep_as_written(exp: &Expander<'_>, expr: &Expr) -> bool {
    (exp.borrowed > 0 && constant(exp, expr)) || borrows_temporary(expr)
}

/// Whether `expr` may be a constant expression: made only of literals, paths that are not
/// local bindings (consts, unit structs and variants, functions), aggregates, constructor
/// calls (`Some(..)`, `Frame(..)`), casts, operators, ranges and borrows of these. Erring
/// towards "constant" only leaves an event out; the other way breaks the build.
fn constant(exp: &Expander<'_>, expr: &Expr) -> bool {
    match expr {
        Expr::Lit(_) => true,
        Expr::Path(p) => p.qself.is_some() || p.path.get_ident().is_none_or(|i| !exp.is_local(&i.to_string())),
        Expr::Array(a) => a.elems.iter().all(|e| constant(exp, e)),
        Expr::Tuple(t) => t.elems.iter().all(|e| constant(exp, e)),
        Expr::Struct(s) => s.fields.iter().all(|f| constant(exp, &f.expr)) && s.rest.as_deref().is_none_or(|r| constant(exp, r)),
        Expr::Repeat(r) => constant(exp, &r.expr),
        Expr::Cast(c) => constant(exp, &c.expr),
        Expr::Unary(u) => !matches!(u.op, syn::UnOp::Deref(_)) && constant(exp, &u.expr),
        Expr::Binary(b) => constant(exp, &b.left) && constant(exp, &b.right),
        Expr::Range(r) => r.start.as_deref().is_none_or(|e| constant(exp, e)) && r.end.as_deref().is_none_or(|e| constant(exp, e)),
        Expr::Reference(r) => constant(exp, &r.expr),
        Expr::Field(f) => constant(exp, &f.base),
        Expr::Paren(p) => constant(exp, &p.expr),
        Expr::Group(g) => constant(exp, &g.expr),
        Expr::Call(c) => constructor(&c.func) && c.args.iter().all(|a| constant(exp, a)),
        _ => false,
    }
}

/// A call that may construct a value rather than run a function: a path whose last segment
/// is capitalised (`Some`, `Ok`, `Poll::Ready`, a tuple struct).
fn constructor(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    p.path.segments.last().is_some_and(|s| s.ident.to_string().starts_with(|c: char| c.is_ascii_uppercase()))
}

/// Whether `expr`, through the operands a `let` extends (aggregate fields and elements,
/// casts, parentheses, borrows), borrows a temporary: `&String::new()`, `&vec![..]`.
fn borrows_temporary(expr: &Expr) -> bool {
    match expr {
        Expr::Reference(r) => !place(&r.expr) || borrows_temporary(&r.expr),
        Expr::Array(a) => a.elems.iter().any(borrows_temporary),
        Expr::Tuple(t) => t.elems.iter().any(borrows_temporary),
        Expr::Struct(s) => s.fields.iter().any(|f| borrows_temporary(&f.expr)),
        Expr::Repeat(r) => borrows_temporary(&r.expr),
        Expr::Range(r) => r.start.as_deref().is_some_and(borrows_temporary) || r.end.as_deref().is_some_and(borrows_temporary),
        Expr::Cast(c) => borrows_temporary(&c.expr),
        Expr::Paren(p) => borrows_temporary(&p.expr),
        Expr::Group(g) => borrows_temporary(&g.expr),
        _ => false,
    }
}

/// A place that is not a temporary: a path, or a field of one.
fn place(expr: &Expr) -> bool {
    match expr {
        Expr::Path(_) => true,
        Expr::Field(f) => place(&f.base),
        Expr::Paren(p) => place(&p.expr),
        _ => false,
    }
}
