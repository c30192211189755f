//! Assignments: `x = v` (the old value's drop once `v` is computed, or just after the
//! assignment where the binding's `let` left its type to it), destructuring assignments and
//! the places they write.

use quote::quote;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, Stmt};

use super::emit;
use super::places::{inside_place, place_written};
use super::syntax::{assigns_a_place, destructures};
use super::{Expander, uses};
use crate::config::Group;

/// `x = v`: the old value's drop once `v` is computed, and places written.
pub(super) fn assign(exp: &mut Expander<'_>, expr: &mut Expr) {
    let Expr::Assign(a) = expr else { return };
    // The left side is a place (or a destructuring pattern): never rewritten, only
    // noted when it is a declared static or union field.
    // The right side is the old value's last chance to be used: `b = b.header(h)` and
    // `head = Some(Box::new(Node { next: head }))` move it.
    let assigned: Vec<String> = uses::assignee_names(&a.left).iter().map(|i| i.to_string()).collect();
    // A destructuring assignment (`(x, _) = pair`) takes a place on its right apart as a
    // `let` pattern would: it moves only what is assigned, so the place stays a place, and
    // what it gives up is recorded before the assignment.
    let destructuring = destructures(&a.left);
    let mut taken_apart = None;
    uses::with_values_replaced(exp, &assigned, true, |exp| {
        exp.visit_expr_mut(&mut a.right);
        match &*a.right {
            Expr::Path(_) if destructuring && assigns_a_place(&a.left) && exp.has(Group::Ownership) => {
                taken_apart = super::partial::destructured(exp, &a.right, None, super::first_token(&a.right));
            }
            Expr::Path(_) if destructuring => {}
            Expr::Field(_) if destructuring => super::partial::field_taken_apart(exp, &a.right),
            _ => uses::by_value(exp, &mut a.right),
        }
    });
    // `x = v` over a tracked binding: its old value drops once `v` is computed. A
    // `Copy` one has nothing to drop.
    if let Some((guard, copies)) = assigned_binding(exp, &a.left)
        && copies != super::Copies::Yes
        && exp.has(Group::Ownership)
    {
        let name = uses::assignee_names(&a.left).first().map(|n| n.to_string()).unwrap_or_default();
        let site = exp.site(&name, "", "assign", a.left.span());
        if let (true, Expr::Path(left)) = (exp.open_types.contains(&name), &*a.left)
            && let Some(name_ident) = left.path.get_ident().cloned()
        {
            // `prev = match prev { None => Some(e), Some(p) => .. p.offset .. }` (combine's
            // `slice_parse_mode`): the right side learns the rest of `prev`'s type from the
            // place, as its expected type, which a call around it would hide. Recorded once
            // assigned, the type taken from the new value.
            let record = emit::stmt(quote!(#guard.overwritten_by(#site, &#name_ident);));
            let assignment = emit::take(expr);
            *expr = super::tail_block(vec![emit::stmt(quote!(#assignment;)), record], syn::parse_quote!(()));
            return;
        }
        *a.right = emit::assigned(&guard, &site, emit::take(&mut a.right));
    }
    if !destructuring {
        inside_place(exp, &mut a.left);
        place_written(exp, &a.left);
        // `x.f = v`: a field moved out is filled again, and `x` then holds a value to drop.
        // The field's pointer only gives its type: built in a branch that never runs, it
        // calls no `Deref` the path goes through (`guard.f` on a lock's guard).
        if let Some(guard) = super::places::refilled_binding(exp, &a.left)
            && exp.has(Group::Ownership)
        {
            let field = &a.left;
            let refilled = emit::stmt(quote!(#guard.refilled(if true { ::core::ptr::null() } else { &raw const #field });));
            let assignment = emit::take(expr);
            *expr = super::tail_block(vec![Stmt::Expr(assignment, Some(Default::default())), refilled], Expr::Verbatim(quote!(())));
        } else if let Some((ident, guard)) = super::places::refilled_box(exp, &a.left)
            && exp.has(Group::Ownership)
        {
            // `*b = v` where the function also takes `*b` by value: a box's content moved
            // out is filled again, which `b`'s type tells.
            let refilled = emit::stmt(emit::refilled_box_probe(&ident, &guard));
            let assignment = emit::take(expr);
            *expr = super::tail_block(vec![Stmt::Expr(assignment, Some(Default::default())), refilled], Expr::Verbatim(quote!(())));
        }
        return;
    }
    inside_assignee(exp, &mut a.left);
    // Each tracked binding the assignment gives a value: its old value, if it still held
    // one, dropped, and a new instance, as `x = v` records them.
    let overwritten: Vec<Stmt> = if exp.has(Group::Ownership) {
        uses::assignee_names(&a.left)
            .iter()
            .filter_map(|name| match exp.tracked(&name.to_string()) {
                Some((guard, copies)) if copies != super::Copies::Yes => {
                    let site = exp.site(&name.to_string(), "", "assign", name.span());
                    Some(emit::stmt(quote!(#guard.overwritten_by(#site, &#name);)))
                }
                _ => None,
            })
            .collect()
    } else {
        Vec::new()
    };
    if taken_apart.is_some() || !overwritten.is_empty() {
        let assignment = emit::take(expr);
        let mut stmts: Vec<Stmt> = taken_apart.into_iter().collect();
        stmts.push(Stmt::Expr(assignment, Some(Default::default())));
        stmts.extend(overwritten);
        *expr = super::tail_block(stmts, Expr::Verbatim(quote!(())));
    }
}

/// The places a destructuring assignment's left side writes, each expanded as a place (an
/// index's operand, a call that yields a place) and noted if it is a static or a union's field.
fn inside_assignee(exp: &mut Expander<'_>, left: &mut Expr) {
    match left {
        Expr::Tuple(t) => t.elems.iter_mut().for_each(|e| inside_assignee(exp, e)),
        Expr::Array(a) => a.elems.iter_mut().for_each(|e| inside_assignee(exp, e)),
        Expr::Call(c) => c.args.iter_mut().for_each(|e| inside_assignee(exp, e)),
        Expr::Struct(s) => s.fields.iter_mut().for_each(|f| inside_assignee(exp, &mut f.expr)),
        Expr::Paren(p) => inside_assignee(exp, &mut p.expr),
        Expr::Infer(_) | Expr::Range(_) => {}
        place => {
            inside_place(exp, place);
            place_written(exp, place);
        }
    }
}

/// The tracked binding a plain `x = ..` assigns to.
fn assigned_binding(exp: &Expander<'_>, left: &Expr) -> Option<(syn::Ident, super::Copies)> {
    let Expr::Path(p) = left else { return None };
    exp.tracked(&p.path.get_ident()?.to_string())
}
