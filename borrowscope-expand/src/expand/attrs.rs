//! Attributes the expansion carries over: a statement's `cfg`s onto the statements generated
//! for it, and any expression's outer attributes; and the lint expectations of the
//! instrumented body.

use syn::visit_mut::VisitMut;
use syn::{Expr, Stmt};

/// Lints that the hooks can keep from firing in the instrumented body: a hook reads every
/// binding it records (`unused_variables`, `unused_assignments`, `unused_mut`) and may take a
/// value it wraps (`unused_must_use`); and the groups that hold them.
const SILENCED_BY_HOOKS: &[&str] = &["unused_variables", "unused_assignments", "unused_mut", "unused_must_use", "unused", "warnings"];

/// `#[expect(unused_variables)]` on a statement of the instrumented body becomes
/// `#[allow(..)]`: the hooks use the variable, the lint does not fire there, and Rust would
/// warn that the expectation is unfulfilled, a warning the user's code does not have. The
/// body as written (the per-call gate's other branch) keeps the expectation, and with it the
/// warning when the user's code does not fulfil it.
pub(super) fn expectations_allowed(block: &mut syn::Block) {
    struct Rewrite;
    impl VisitMut for Rewrite {
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            let syn::Meta::List(list) = &mut attr.meta else { return };
            if !list.path.is_ident("expect") {
                return;
            }
            let parser = syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated;
            let Ok(lints) = list.parse_args_with(parser) else { return };
            let silenced = lints.iter().any(|lint| {
                matches!(lint, syn::Meta::Path(path) if path.get_ident().is_some_and(|name| SILENCED_BY_HOOKS.contains(&name.to_string().as_str())))
            });
            if silenced {
                let span = list.path.segments[0].ident.span();
                list.path = syn::Ident::new("allow", span).into();
            }
        }
    }
    Rewrite.visit_block_mut(block);
}

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
