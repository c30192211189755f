//! Attributes the expansion carries over: a statement's `cfg`s onto the statements generated
//! for it, and any expression's outer attributes.

use syn::{Expr, Stmt};

/// The `cfg` attributes of a statement.
pub(super) fn statement_cfgs(stmt: &mut Stmt) -> Vec<syn::Attribute> {
    let attrs: &[syn::Attribute] = match stmt {
        Stmt::Local(local) => &local.attrs,
        Stmt::Expr(expr, _) => attrs_mut(expr).map_or(&[], |a| &a[..]),
        Stmt::Macro(mac) => &mac.attrs,
        Stmt::Item(_) => &[],
    };
    attrs.iter().filter(|a| a.path().is_ident("cfg")).cloned().collect()
}

/// A generated statement under the same `cfg`s as the user's statement it belongs to.
pub(super) fn with_cfgs(mut stmt: Stmt, cfgs: &[syn::Attribute]) -> Stmt {
    if cfgs.is_empty() {
        return stmt;
    }
    match &mut stmt {
        Stmt::Local(local) => local.attrs.extend(cfgs.iter().cloned()),
        // Generated tokens: the attributes go before them.
        Stmt::Expr(Expr::Verbatim(tokens), _) => *tokens = quote::quote!(#(#cfgs)* #tokens),
        Stmt::Expr(expr, _) => {
            if let Some(attrs) = attrs_mut(expr) {
                attrs.extend(cfgs.iter().cloned());
            }
        }
        Stmt::Macro(mac) => mac.attrs.extend(cfgs.iter().cloned()),
        Stmt::Item(_) => {}
    }
    stmt
}

/// The outer attributes of an expression.
pub(crate) fn attrs_mut(expr: &mut Expr) -> Option<&mut Vec<syn::Attribute>> {
    macro_rules! each {
        ($($variant:ident),*) => {
            match expr {
                $(Expr::$variant(e) => Some(&mut e.attrs),)*
                _ => None,
            }
        };
    }
    each!(
        Array, Assign, Async, Await, Binary, Block, Break, Call, Cast, Closure, Const, Continue, Field, ForLoop, Group, If, Index, Infer, Let, Lit,
        Loop, Macro, Match, MethodCall, Paren, Path, Range, RawAddr, Reference, Repeat, Return, Struct, Try, TryBlock, Tuple, Unary, Unsafe, While,
        Yield
    )
}
