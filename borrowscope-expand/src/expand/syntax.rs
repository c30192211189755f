//! Questions and rewrites of syntax alone, that know nothing of the bindings tracked:
//! parentheses taken off, a block built around a tail, an expression's text and first token,
//! and what an assignment's left side or a block's value is.

use syn::{Block, Expr, Stmt};

use super::emit;

/// `expr` without the parentheses around it, for a block's tail: `|_| (0..10)` gated or with
/// its parameters tracked has its body in a block, where the user's parentheses would be
/// reported again, as "unnecessary parentheses around block return value", a warning the
/// crate as written does not have (itertools' tests). A block's tail never needs them; where
/// it starts like a statement (`({ a } <= b)`), syn's printer writes them back.
pub(crate) fn without_parens(mut expr: Expr) -> Expr {
    while let Expr::Paren(paren) = expr {
        if !paren.attrs.is_empty() {
            return Expr::Paren(paren);
        }
        expr = *paren.expr;
    }
    expr
}

/// `without_parens` of a borrowed expression.
pub(crate) fn without_parens_ref(mut expr: &Expr) -> &Expr {
    while let Expr::Paren(paren) = expr
        && paren.attrs.is_empty()
    {
        expr = &paren.expr;
    }
    expr
}

/// `{ stmts.. tail }`, built as syntax rather than parsed from tokens: a tail that starts
/// with a block (`{ .. } + r`, `match x { .. }.len()`) would parse as a statement of its
/// own, and syn's printer adds the parentheses it needs.
pub(crate) fn tail_block(stmts: Vec<Stmt>, tail: Expr) -> Expr {
    let mut stmts = stmts;
    stmts.push(Stmt::Expr(without_parens(tail), None));
    Expr::Block(syn::ExprBlock { attrs: Vec::new(), label: None, block: Block { brace_token: emit::braces(), stmts } })
}

/// Whether a block's value is a closure or an `async` block written as its last expression.
pub(crate) fn ends_in_closure(block: &syn::ExprBlock) -> bool {
    matches!(block.block.stmts.last(), Some(syn::Stmt::Expr(Expr::Closure(_) | Expr::Async(_), None)))
}

/// Whether an assignment's left side destructures the value (a tuple, an array, a struct or
/// tuple struct, `_`) rather than naming one place.
pub(crate) fn destructures(left: &Expr) -> bool {
    match left {
        Expr::Tuple(_) | Expr::Array(_) | Expr::Struct(_) | Expr::Call(_) | Expr::Infer(_) => true,
        Expr::Paren(p) => destructures(&p.expr),
        _ => false,
    }
}

/// Whether the left side of a destructuring assignment assigns some part to a place, rather
/// than only skipping parts with `_` and `..`.
pub(crate) fn assigns_a_place(left: &Expr) -> bool {
    match left {
        Expr::Infer(_) => false,
        Expr::Range(r) => r.start.is_some() || r.end.is_some(),
        Expr::Paren(p) => assigns_a_place(&p.expr),
        Expr::Tuple(t) => t.elems.iter().any(assigns_a_place),
        Expr::Array(a) => a.elems.iter().any(assigns_a_place),
        Expr::Call(c) => c.args.iter().any(assigns_a_place),
        Expr::Struct(s) => s.fields.iter().any(|f| assigns_a_place(&f.expr)),
        _ => true,
    }
}

/// The source text of a pattern or expression, for event labels.
pub(crate) fn text(node: &impl quote::ToTokens) -> String {
    node.to_token_stream().to_string()
}

/// The span of an expression's first token (the leading `::` of a path that has one), by
/// which the analyzer keys a call's site.
pub(crate) fn first_token(expr: &Expr) -> proc_macro2::Span {
    match expr {
        Expr::Path(p) => match (&p.path.leading_colon, p.path.segments.first()) {
            (Some(colon), _) => colon.spans[0],
            (None, Some(segment)) => segment.ident.span(),
            (None, None) => syn::spanned::Spanned::span(expr),
        },
        _ => syn::spanned::Spanned::span(expr),
    }
}
