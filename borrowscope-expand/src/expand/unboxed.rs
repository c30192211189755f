//! `*b` of a tracked binding taken by value, as a value or as a method's receiver: a copy out
//! of a reference or a box, or a move out of a box, which a refill (`*b = v`) elsewhere in the
//! function makes a question of the path taken.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Expr;
use syn::spanned::Spanned;

use super::{Copies, Expander, emit};

/// `*b` of a tracked binding by value: a copy out of a reference or a box, or a move out of a
/// box (`Box<T>`, `T` not `Copy`), after which the binding holds nothing to drop, unless the
/// function fills it again (`*b = v`, then "unknown": the path taken decides). The analyzer
/// says which; without it, a probe lets the compiler tell (`emit::unboxed_probe`): where `b`
/// is dereferenced its type is known to the compiler, or `*b` would not compile, so the probe
/// just before it may ask even when the syntax does not tell the type. (`let x = *b;` is
/// recorded by the `let`, from `x`'s type.)
pub(super) fn deref_by_value(exp: &mut Expander<'_>, expr: &mut Expr) {
    let Expr::Unary(u) = expr else { return };
    let Some((ident, guard, copies)) = exp.tracked_path(&u.expr) else { return };
    let Some(record) = unboxed(exp, &ident, &guard, copies, expr.span(), true) else { return };
    *expr = emit::first_then(record, emit::take(expr));
}

/// What `*b` by value (or, when `by_method`, a method's receiver `(*b)`, which may be
/// borrowed) records of a tracked binding `ident`, if anything (`deref_by_value`).
fn unboxed(exp: &Expander<'_>, ident: &syn::Ident, guard: &syn::Ident, copies: Copies, span: Span, certain: bool) -> Option<TokenStream> {
    let refilled = exp.derefs.written.contains(&ident.to_string());
    let site = || exp.site("", &format!("*{ident}"), "move", span);
    match exp.analyzed_use(ident) {
        Some(type_info_schema::UseKind::Move) if certain && !refilled => {
            let site = site();
            Some(quote!(#guard.moved(#site, 0);))
        }
        Some(type_info_schema::UseKind::Move | type_info_schema::UseKind::Unknown) => Some(quote!(#guard.maybe_moved();)),
        // The binding's type is known there: the compiler tells a box from a reference.
        None if !exp.types.is_fresh() && copies != Copies::Yes => Some(emit::unboxed_probe(ident, guard, &site(), certain && !refilled)),
        _ => None,
    }
}

/// The receiver `(*b)` of a method call on a tracked binding `b`: the method may take `self`
/// and move the content out of a box (`(*b).into_inner()`), which the analyzer tells; without
/// it, a box whose content is not `Copy` ends "unknown".
pub(crate) fn deref_receiver(exp: &Expander<'_>, receiver: &Expr) -> Option<TokenStream> {
    let mut inner = receiver;
    while let Expr::Paren(p) = inner {
        inner = &p.expr;
    }
    let Expr::Unary(u) = inner else { return None };
    if !matches!(u.op, syn::UnOp::Deref(_)) {
        return None;
    }
    let (ident, guard, copies) = exp.tracked_path(&u.expr)?;
    if copies == Copies::Yes {
        return None;
    }
    let record = unboxed(exp, &ident, &guard, copies, receiver.span(), exp.types.is_fresh())?;
    Some(quote!({ #record }))
}

/// A use of the binding `guard` guards that gives up its value unless `ident`'s type is
/// `Copy`, where the function may give the binding a value again (`*b = v`): its end is
/// unknown, and a copy records nothing.
pub(crate) fn unknown_unless_copied(ident: &syn::Ident, guard: &syn::Ident, copies: Copies) -> TokenStream {
    match copies {
        Copies::Probe => {
            let probe = emit::probe(emit::Probe::Copy, ident, quote!(passed_on(&#guard)));
            quote!(#probe;)
        }
        _ => quote!(#guard.maybe_moved();),
    }
}
