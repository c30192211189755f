//! Struct, tuple, array, repeat, range and cast expressions: their operands are by-value
//! uses, and each is recorded as created (passed through the runtime) unless it may be a
//! constant Rust promotes or an aggregate through which a `let` extends a temporary
//! (`keep`, decided by `promote` on the expression as written).

use quote::quote;
use syn::Expr;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};

use super::emit::{self, pass};
use super::{Expander, uses, vocabulary};
use crate::config::Group;

/// A struct literal: its fields are by-value uses; the value is recorded as created unless it may
/// be a promoted constant.
pub(crate) fn struct_literal(exp: &mut Expander<'_>, expr: &mut Expr, keep: bool) {
    let Expr::Struct(s) = expr else { return };
    visit_mut::visit_expr_struct_mut(exp, s);
    for field in &mut s.fields {
        uses::by_value(exp, &mut field.expr);
        // `S { x }` prints only the member: a rewritten value needs `x: ..`.
        if !matches!(field.expr, Expr::Path(_)) {
            field.colon_token.get_or_insert_with(Default::default);
        }
    }
    // `S { a, ..base }` takes the fields not written out of `base`.
    if let Some(base) = &s.rest
        && exp.has(Group::Ownership)
        && let Some(record) = super::partial::destructured(exp, base, None, super::first_token(base))
    {
        exp.before_statement(record);
    }
    if exp.has(Group::Expressions) && s.rest.is_none() && !keep {
        let name = s.path.segments.last().map(|seg| seg.ident.to_string()).unwrap_or_default();
        let site = exp.site(&name, "", "struct", s.path.span());
        pass(expr, site, vocabulary::STRUCT_CREATE, 0);
    }
}

/// A tuple: its elements are by-value uses; recorded with its length.
pub(crate) fn tuple(exp: &mut Expander<'_>, expr: &mut Expr, keep: bool) {
    let Expr::Tuple(t) = expr else { return };
    // What a literal recorded as written holds has no type expected of it either.
    for element in &mut t.elems {
        exp.no_type_expected = !keep;
        exp.visit_expr_mut(element);
    }
    t.elems.iter_mut().for_each(|e| uses::by_value(exp, e));
    let len = t.elems.len() as u64;
    if exp.has(Group::Expressions) && len > 0 && !keep {
        let site = exp.site("", "", "tuple", t.span());
        pass(expr, site, vocabulary::TUPLE_CREATE, len);
    }
}

/// An array literal: its elements are by-value uses; recorded with its length.
pub(crate) fn array(exp: &mut Expander<'_>, expr: &mut Expr, keep: bool) {
    let Expr::Array(a) = expr else { return };
    for element in &mut a.elems {
        exp.no_type_expected = !keep;
        exp.visit_expr_mut(element);
    }
    for (index, element) in a.elems.iter_mut().enumerate() {
        let was_block = matches!(element, Expr::Block(_));
        uses::by_value(exp, element);
        // Each element after the first is coerced to the elements' common type so far, which
        // Rust widens where a later one needs it (`[&[b'"'], hashes]`, ron's parser: `&[u8; 1]`
        // and `&[u8]` make `&[u8]`). A block the expansion put there would demand the type so
        // far of its value; out of its reach, the element takes part in the widening.
        if index > 0 && (emit::is_runtime_call(element) || !was_block && matches!(element, Expr::Block(_))) {
            *element = emit::without_expectation(emit::take(element));
        }
    }
    let len = a.elems.len() as u64;
    if exp.has(Group::Expressions) && !keep {
        let site = exp.site("", "", "array", a.span());
        pass(expr, site, vocabulary::ARRAY_CREATE, len);
    }
}

/// `[v; n]`: the length is a constant expression, left as written; the operand is copied or is a
/// constant, which a call would stop being.
pub(crate) fn repeat(exp: &mut Expander<'_>, expr: &mut Expr, keep: bool) {
    let Expr::Repeat(r) = expr else { return };
    // The length is a constant expression: left as written. The operand is copied
    // or is a constant, which a call would stop being.
    exp.borrowing(|exp| exp.visit_expr_mut(&mut r.expr));
    if exp.has(Group::Expressions) && !keep {
        let site = exp.site("", "", "array", r.span());
        let len = &r.len;
        *expr = if matches!(&**len, Expr::Infer(_)) {
            // `[0; _]` (Rust 1.89): the length is the type's, which inference decides; `_`
            // may appear nowhere else.
            emit::pass_array(&site, vocabulary::ARRAY_CREATE, emit::take(expr))
        } else if !emit::records(&r.expr) {
            // An operand that records nothing (`[0u8; 1 << 20]`): the event first, and the
            // array made where the block's value goes. Passed through a call, it would be
            // made in a temporary and copied, a second slot of its size in a debug build's
            // frame (rayon-core's test of a 48 MiB stack, 32 frames of 1 MiB arrays).
            let event = emit::event(&site, vocabulary::ARRAY_CREATE, emit::Number(0), quote!((#len) as u64));
            emit::first_then(quote!(#event;), emit::take(expr))
        } else {
            emit::pass_value(&site, vocabulary::ARRAY_CREATE, emit::Number(0), quote!((#len) as u64), emit::take(expr))
        };
    }
}

/// A range, recorded with its shape (`a..b`, `..=b`...).
pub(crate) fn range(exp: &mut Expander<'_>, expr: &mut Expr, keep: bool) {
    let Expr::Range(r) = expr else { return };
    visit_mut::visit_expr_range_mut(exp, r);
    if exp.has(Group::Expressions) && !keep {
        let kind = match (&r.start, &r.end, &r.limits) {
            (_, _, syn::RangeLimits::Closed(_)) if r.start.is_none() => "RangeToInclusive",
            (_, _, syn::RangeLimits::Closed(_)) => "RangeInclusive",
            (Some(_), Some(_), _) => "Range",
            (Some(_), None, _) => "RangeFrom",
            (None, Some(_), _) => "RangeTo",
            (None, None, _) => "RangeFull",
        };
        let site = exp.site("", kind, "range", r.span());
        pass(expr, site, vocabulary::RANGE, 0);
    }
}

/// `x as T`: a cast to a raw pointer records the pointer, any other the cast.
pub(crate) fn cast(exp: &mut Expander<'_>, expr: &mut Expr, keep: bool) {
    let Expr::Cast(c) = expr else { return };
    // The label and location are the expression as written, taken before rewriting.
    let (from, span) = (super::text(&c.expr), c.span());
    exp.visit_expr_mut(&mut c.expr);
    // The operand is used by value: `g as Box<dyn Trait>` moves `g` (a number cast copies).
    // Made a block, it is kept in parentheses: `{ .. } as T` would start a statement with a
    // block.
    if !keep && exp.has(Group::Ownership) {
        super::uses::by_value(exp, &mut c.expr);
        if matches!(&*c.expr, Expr::Block(_)) {
            let operand = std::mem::replace(&mut *c.expr, Expr::Verbatim(proc_macro2::TokenStream::new()));
            *c.expr = Expr::Paren(syn::ExprParen { attrs: Vec::new(), paren_token: Default::default(), expr: Box::new(operand) });
        }
    }
    let to = super::text(&c.ty);
    if keep {
        // A constant, or a cast of a temporary's address whose life the `let` extends.
    } else if matches!(&*c.ty, syn::Type::Ptr(_)) {
        if exp.has(Group::Unsafe) {
            let site = exp.site(&from, &to, "raw_ptr", span);
            *expr = emit::raw_ptr(&site, emit::take(expr));
        }
    } else if exp.has(Group::Expressions) {
        let site = exp.site("", &to, "cast", span);
        pass(expr, site, vocabulary::TYPE_CAST, 0);
    }
}
