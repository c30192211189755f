//! The bindings of `for`, `while let`, `if let` and `match` arm patterns and closure
//! parameters: each gets a drop guard first in the body it is in scope for, and is tracked
//! there like a `let` binding. Also a function's parameters, guarded before its body.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{FnArg, Pat, Signature, Stmt};

use super::attrs::with_cfgs;
use super::runs::Run;
use super::{Copies, Expander, Tracked, copies, emit};
use crate::config::Group;

/// The bindings a `for`, `while let`, `if let` or `match` arm pattern introduces, tracked
/// like `let` bindings: for each, the statements that put its guard first in the body it is
/// in scope for (`new` is recorded when the body starts; the guard's drop at the body's end
/// records the binding's drop, or a use that moves it disarms the guard), and the binding
/// to declare while the body is expanded. Bindings the options leave out hide outer ones of
/// the same name without being tracked.
pub(crate) fn pattern_guards(exp: &mut Expander<'_>, pat: &Pat) -> (Vec<Stmt>, Vec<Tracked>) {
    guards(exp, pat, false)
}

/// `pattern_guards` for a pattern that takes a value a linked receive took: `x` in
/// `for x in rx`, `Ok(x)` in `while let Ok(x) = rx.recv()`. When that `x` is one plain name
/// (`message` tells), it binds the whole message and claims what the receive took.
pub(crate) fn received_guards(exp: &mut Expander<'_>, pat: &Pat, message: fn(&Pat) -> bool) -> (Vec<Stmt>, Vec<Tracked>) {
    guards(exp, pat, message(pat))
}

/// Whether a pattern is one plain name (no `ref`, no `@`).
pub(crate) fn plain_name(pat: &Pat) -> bool {
    matches!(pat, Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none())
}

/// Whether a pattern is `Ok(name)` with one plain name.
pub(crate) fn ok_of_plain_name(pat: &Pat) -> bool {
    matches!(pat, Pat::TupleStruct(t) if t.qself.is_none() && t.path.is_ident("Ok") && t.elems.len() == 1 && t.elems.first().is_some_and(plain_name))
}

fn guards(exp: &mut Expander<'_>, pat: &Pat, received: bool) -> (Vec<Stmt>, Vec<Tracked>) {
    let (made, tracked) = made_guards(exp, pat, received);
    let mut stmts = Vec::new();
    let mut run = Run::default();
    for ((guard, constructor, bind), copy_row) in made {
        match copy_row {
            Some(row) => run.push(guard.clone(), row, stmts.len()),
            None => run.close(exp, &mut stmts),
        }
        stmts.push(emit::stmt(quote!(let #guard = #constructor;)));
        stmts.push(bind);
    }
    run.close(exp, &mut stmts);
    (stmts, tracked)
}

/// The guards of the names a `let` in a chain binds (`if let Some(s) = a && s.ok()`), each
/// a guard's name and constructor, made in the chain before the `let` (so that it drops after
/// the binding, wherever the chain fails or the body ends); the statements that bind them,
/// run in the chain where the `let` matched; and the bindings, tracked in the body.
pub(crate) fn chained_guards(exp: &mut Expander<'_>, pat: &Pat) -> (Vec<(syn::Ident, TokenStream)>, Vec<Stmt>, Vec<Tracked>) {
    let (made, tracked) = made_guards(exp, pat, false);
    let (declared, binds) = made.into_iter().map(|((guard, constructor, bind), _)| ((guard, constructor), bind)).unzip();
    (declared, binds, tracked)
}

/// For each name `pat` binds that is tracked: its guard's name, the guard's constructor and
/// the statement that binds it to the name's value, and its site's row when the analyzer
/// says its drop runs no code (for `runs`).
#[allow(clippy::type_complexity)]
fn made_guards(exp: &mut Expander<'_>, pat: &Pat, received: bool) -> (Vec<((syn::Ident, TokenStream, Stmt), Option<u32>)>, Vec<Tracked>) {
    let mut made = Vec::new();
    let mut tracked = Vec::new();
    // Declared inside the body: only the body's statements can use it later.
    let level = exp.later.len() + 1;
    for name in binding_names(exp, pat) {
        let text = name.to_string();
        if !exp.has(Group::Ownership) || !exp.config.tracks_name(&text) {
            tracked.push(Tracked { level, ..Tracked::untracked(text) });
            continue;
        }
        let guard = exp.ident("g");
        let known = exp.position(name.span()).and_then(|(line, column)| exp.types.binding(line, column));
        let kind = known.map_or("pattern", |b| b.kind.name());
        let site = exp.site(&text, "", kind, name.span());
        let copy_row = super::runs::member_row(exp, known, &guard);
        let constructor = exp.guard_constructor(&site);
        let bind = if received { emit::stmt(quote!(#guard.bind_received(&#name);)) } else { emit::stmt(quote!(#guard.bind(&#name);)) };
        let copies = known.and_then(copies::analyzer_copies).unwrap_or(Copies::Unknown);
        made.push(((guard.clone(), constructor, bind), copy_row));
        tracked.push(Tracked { name: text, guard: Some(guard), copies, level });
    }
    (made, tracked)
}

/// The identifiers a pattern surely binds: without a `ref`, `mut` or `@`, a capitalised
/// name (`None`, `MAX`, `Empty`) is a unit variant or a constant being matched, as Rust's
/// naming conventions have it, not a new binding, unless the analyzer lists one there.
fn binding_names(exp: &Expander<'_>, pat: &Pat) -> Vec<syn::Ident> {
    let_names(exp, pat).0
}

/// Records the creation of each parameter bound by a plain identifier. Parameters drop after
/// the body, which a guard declared in the body cannot follow, so only their creation is
/// recorded; their names are in scope for borrows and moves.
pub(crate) fn parameters(exp: &mut Expander<'_>, sig: &Signature) -> Vec<Stmt> {
    let mut stmts = Vec::new();
    let mut run = Run::default();
    let mut numbered = true;
    let function = exp.fn_name().to_owned();
    for (index, typed) in sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(typed) => Some(typed),
            FnArg::Receiver(_) => None,
        })
        .enumerate()
    {
        let names = let_names(exp, &typed.pat).0;
        // A parameter under `cfg` exists only in the builds its predicate selects, and so do
        // its guard and creation. From it on, which argument of the call a parameter receives
        // depends on the build: none is linked to its caller's argument.
        let cfgs: Vec<syn::Attribute> = typed.attrs.iter().filter(|a| a.path().is_ident("cfg")).cloned().collect();
        numbered &= cfgs.is_empty();
        // A by-value parameter of a function that runs when called (not an `async fn`, whose
        // parameters are bound when it is first polled) receives its caller's argument.
        let receives = numbered && matches!(&*typed.pat, Pat::Ident(_)) && !matches!(&*typed.ty, syn::Type::Reference(_)) && sig.asyncness.is_none();
        // A single-name parameter's type is written out in the signature.
        let written = match (&*typed.pat, names.len()) {
            (Pat::Ident(_), 1) => copies::written_type_copies(&typed.ty),
            _ => Copies::Unknown,
        };
        for name in names {
            let text = name.to_string();
            if !exp.config.tracks_name(&text) {
                exp.declare(Tracked::untracked(text));
                continue;
            }
            // Like a `let` binding's: its guard, declared before the body's first statement,
            // drops after every local of the body, as the parameter itself does.
            let guard = exp.ident("g");
            let known = exp.position(name.span()).and_then(|(line, column)| exp.types.binding(line, column));
            let site = exp.site(&text, "", "param", name.span());
            let constructor = exp.guard_constructor(&site);
            match super::runs::member_row(exp, known, &guard) {
                Some(row) if cfgs.is_empty() => run.push(guard.clone(), row, stmts.len()),
                _ => run.close(exp, &mut stmts),
            }
            stmts.push(with_cfgs(emit::stmt(quote!(let #guard = #constructor;)), &cfgs));
            if receives {
                let index = index as u32;
                stmts.push(emit::stmt(quote!(#guard.bind_argument(&#name, &#function, #index);)));
            } else {
                stmts.push(with_cfgs(emit::stmt(quote!(#guard.bind(&#name);)), &cfgs));
            }
            let copies = known.and_then(copies::analyzer_copies).unwrap_or(written);
            // Later statements do not refer to the guard of a parameter that may not exist.
            exp.declare(Tracked { name: text, guard: Some(guard).filter(|_| cfgs.is_empty()), copies, level: 0 });
        }
    }
    run.close(exp, &mut stmts);
    stmts
}

/// The identifiers a pattern (a `let`'s, a parameter's, an arm's) binds, in order, and apart
/// from them the capitalised names it may match rather than bind: without `ref`, `mut` or
/// `@`, a name such as `PhantomData` in `let S { f1: PhantomData, f2 } = s;` is a unit
/// struct, a unit variant or a constant, as Rust's naming conventions have it, and taking a
/// reference to it as a value may not compile (`&PhantomData` has no type to infer). Such a
/// name is a binding only where the analyzer lists one at its position.
pub(crate) fn let_names(exp: &Expander<'_>, pat: &Pat) -> (Vec<syn::Ident>, Vec<syn::Ident>) {
    let (mut names, mut matched) = (Vec::new(), Vec::new());
    identifiers(pat, &mut |p| {
        let constant_like =
            p.by_ref.is_none() && p.mutability.is_none() && p.subpat.is_none() && p.ident.to_string().starts_with(|c: char| c.is_uppercase());
        let listed = || exp.position(p.ident.span()).and_then(|(line, column)| exp.types.binding(line, column)).is_some();
        if constant_like && !listed() { matched.push(p.ident.clone()) } else { names.push(p.ident.clone()) }
    });
    (names, matched)
}

/// The identifiers a pattern binds, in order.
pub(crate) fn pattern_names(pat: &Pat) -> Vec<syn::Ident> {
    let mut names = Vec::new();
    identifiers(pat, &mut |p| names.push(p.ident.clone()));
    names
}

/// Calls `f` on each identifier pattern in `pat`, in order (of an `|` pattern, the first
/// alternative's: every alternative binds the same names).
pub(crate) fn identifiers(pat: &Pat, f: &mut impl FnMut(&syn::PatIdent)) {
    match pat {
        Pat::Ident(p) => {
            f(p);
            if let Some((_, sub)) = &p.subpat {
                identifiers(sub, f);
            }
        }
        Pat::Tuple(p) => p.elems.iter().for_each(|e| identifiers(e, f)),
        Pat::TupleStruct(p) => p.elems.iter().for_each(|e| identifiers(e, f)),
        Pat::Struct(p) => p.fields.iter().for_each(|field| identifiers(&field.pat, f)),
        Pat::Slice(p) => p.elems.iter().for_each(|e| identifiers(e, f)),
        Pat::Or(p) => {
            if let Some(first) = p.cases.first() {
                identifiers(first, f);
            }
        }
        Pat::Reference(p) => identifiers(&p.pat, f),
        Pat::Type(p) => identifiers(&p.pat, f),
        Pat::Paren(p) => identifiers(&p.pat, f),
        _ => {}
    }
}
