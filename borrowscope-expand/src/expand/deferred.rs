//! A binding declared without a value (`let x;`): tracked from its first assignment, which
//! `Guard::overwritten` records as its creation (there is no old value to drop).

use quote::quote;
use syn::{Local, Pat, Stmt};

use super::{Copies, Expander, Tracked, copies, emit};
use crate::config::Group;

/// `let x;`: a binding assigned later, perhaps on some paths only. A single name gets a guard
/// that holds no instance until the first assignment (`Guard::overwritten` then records its
/// creation, with no drop before it); a pattern of several names is not tracked.
pub(crate) fn local(exp: &mut Expander<'_>, local: &Local, names: Vec<syn::Ident>) -> (Vec<Stmt>, Vec<Stmt>) {
    let single = matches!(&local.pat, Pat::Ident(p) if p.subpat.is_none())
        || matches!(&local.pat, Pat::Type(t) if matches!(&*t.pat, Pat::Ident(p) if p.subpat.is_none()));
    let tracked = single && exp.has(Group::Ownership) && names.first().is_some_and(|n| exp.config.tracks_name(&n.to_string()));
    let conditional = local.attrs.iter().any(|a| a.path().is_ident("cfg"));
    let (Some(name), true, false) = (names.first(), tracked, conditional) else {
        names.into_iter().for_each(|n| exp.declare(Tracked::untracked(n.to_string())));
        return (Vec::new(), Vec::new());
    };
    let known = exp.position(name.span()).and_then(|(line, column)| exp.types.binding(line, column));
    let kind = known.map_or("let", |b| b.kind.name());
    let site = exp.site(&name.to_string(), "", kind, name.span());
    let guard = exp.ident("g");
    let constructor = exp.guard_constructor(&site);
    // A type written out in full lets a probe ask the compiler, as for a `let` with a value.
    let written = match &local.pat {
        Pat::Type(t) if copies::written_type_copies(&t.ty) == Copies::Probe => Copies::Probe,
        _ => Copies::Unknown,
    };
    let copies = known.and_then(copies::analyzer_copies).unwrap_or(written);
    // Assignments record nothing for a `Copy` binding (nothing to drop), so it would never
    // be created.
    if copies == Copies::Yes {
        exp.declare(Tracked::untracked(name.to_string()));
        return (Vec::new(), Vec::new());
    }
    exp.declare(Tracked { name: name.to_string(), guard: Some(guard.clone()), copies, level: 0 });
    (vec![emit::stmt(quote!(let #guard = #constructor;))], Vec::new())
}
