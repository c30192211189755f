//! A traced item as a whole: a function, or each method of an `impl` block, instrumented
//! (behind the per-call gate where its body may also run as written, and under the
//! attribute's build conditions), with the prologue before its body.

use proc_macro2::TokenStream;
use quote::quote;
use syn::visit_mut::VisitMut;
use syn::{Block, ImplItem, ImplItemFn, Item, ItemFn, Signature, Stmt};

use super::{Expander, channels, gate};
use crate::config::{Conditions, TraceConfig};

/// Expands the attribute on `item`.
pub(crate) fn item(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let config = TraceConfig::parse(attr)?;
    // Any token of the item is the user's: in a crate before edition 2024, the blocks the
    // expansion builds around the user's expressions take its span (`emit::braces`).
    super::emit::set_user_span(item.clone().into_iter().next().map(|token| token.span()));
    match syn::parse2::<Item>(item)? {
        Item::Fn(function) => {
            crate::valid::signature(&function.sig)?;
            crate::valid::attributes(&function.attrs)?;
            let instrumented = instrument_fn(&config, function.clone());
            Ok(conditional(&config.conditions, quote!(#instrumented), quote!(#function)))
        }
        Item::Impl(mut block) => {
            let mut items = Vec::new();
            for impl_item in std::mem::take(&mut block.items) {
                match impl_item {
                    // A const or foreign-ABI method (or one an attribute may make const) is
                    // left as written: it cannot be traced, and the rest of the block still can.
                    ImplItem::Fn(method) if crate::valid::signature(&method.sig).is_ok() && crate::valid::attributes(&method.attrs).is_ok() => {
                        let function = ItemFn {
                            attrs: method.attrs.clone(),
                            vis: method.vis.clone(),
                            sig: method.sig.clone(),
                            block: Box::new(method.block.clone()),
                        };
                        let instrumented = instrument_fn(&config, function);
                        // Built as syntax: the instrumented method is not parsed again.
                        let mut instrumented = ImplItemFn {
                            attrs: instrumented.attrs,
                            vis: instrumented.vis,
                            defaultness: method.defaultness,
                            sig: instrumented.sig,
                            block: *instrumented.block,
                        };
                        match condition(&config.conditions) {
                            None => items.push(ImplItem::Fn(instrumented)),
                            Some(predicate) => {
                                let mut original = method;
                                instrumented.attrs.insert(0, syn::parse_quote!(#[cfg(#predicate)]));
                                original.attrs.insert(0, syn::parse_quote!(#[cfg(not(#predicate))]));
                                items.push(ImplItem::Fn(instrumented));
                                items.push(ImplItem::Fn(original));
                            }
                        }
                    }
                    other => items.push(other),
                }
            }
            block.items = items;
            Ok(quote!(#block))
        }
        other => Err(syn::Error::new_spanned(other, "#[trace_borrow] applies to functions, methods and `impl` blocks")),
    }
}

/// The instrumented item where the build conditions hold, the original elsewhere.
fn conditional(conditions: &Conditions, instrumented: TokenStream, original: TokenStream) -> TokenStream {
    match condition(conditions) {
        None => instrumented,
        Some(predicate) => quote! {
            #[cfg(#predicate)]
            #instrumented
            #[cfg(not(#predicate))]
            #original
        },
    }
}

/// `all(..)` of the attribute's build conditions, `None` when there are none.
fn condition(conditions: &Conditions) -> Option<TokenStream> {
    let mut predicates = Vec::new();
    if conditions.debug_only {
        predicates.push(quote!(debug_assertions));
    }
    if conditions.release_only {
        predicates.push(quote!(not(debug_assertions)));
    }
    for feature in &conditions.features {
        predicates.push(quote!(feature = #feature));
    }
    (!predicates.is_empty()).then(|| quote!(all(#(#predicates),*)))
}

fn instrument_fn(config: &TraceConfig, mut function: ItemFn) -> ItemFn {
    let original = gate::runs_as_written(&function).then(|| function.block.clone());
    Unparen.visit_block_mut(&mut function.block);
    let mut expander = Expander::new(config, function.sig.ident.to_string());
    // An `unsafe fn`'s body may call `unsafe fn`s outside an `unsafe` block (before edition
    // 2024 without a lint).
    expander.unsafe_depth = usize::from(function.sig.unsafety.is_some());
    expander.gated = original.is_some();
    expander.reassigned = super::uses::assigned_names(&function.block);
    expander.derefs = super::places::derefs(&function.block);
    let mut prologue = expander.type_info_prologue(function.sig.ident.span());
    prologue.extend(expander.prologue(&function.sig));
    expander.fn_block = true;
    expander.visit_block_mut(&mut function.block);
    super::attrs::expectations_allowed(&mut function.block);
    // Known once the whole body is expanded: whether each channel's sites were all rewritten.
    prologue.extend(channels::flags(&expander));
    let table = expander.site_table();
    if table.is_none()
        && prologue.is_empty()
        && let Some(original) = original
    {
        // Nothing to record (every hook has a site): the body as written, once, rather than
        // two copies the compiler checks twice.
        function.block = original;
        return function;
    }
    let stmts = std::mem::take(&mut function.block.stmts);
    function.block.stmts = table.into_iter().chain(prologue).chain(stmts).collect();
    if let Some(original) = original {
        // Built as syntax: the instrumented body is not parsed again. The body keeps the
        // user's braces: a function whose last token came from the macro is one the compiler
        // does not lint (combine's method whose `where` bounds `Self` cannot meet lost its
        // `dead_code` warning). The instrumented branch's braces have the user's edition.
        let user = function.block.brace_token;
        let mut instrumented = std::mem::replace(&mut *function.block, Block { brace_token: user, stmts: Vec::new() });
        instrumented.brace_token = super::emit::braces();
        let gate = super::emit::gate(super::emit::active(), instrumented, *original);
        function.block.stmts.push(Stmt::Expr(gate, None));
    }
    function
}

/// Whether a function's return type may hold the value of one of its bindings, so that a
/// returned binding can be linked to the caller's (`Frame`): not `()`, `!`, a reference, a
/// raw pointer or a primitive, and not an `async fn` (whose body runs where it is polled).
pub(super) fn returns_owned(sig: &Signature) -> bool {
    const PRIMITIVES: [&str; 17] =
        ["bool", "char", "str", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32", "f64"];
    let syn::ReturnType::Type(_, ty) = &sig.output else { return false };
    if sig.asyncness.is_some() {
        return false;
    }
    match &**ty {
        syn::Type::Reference(_) | syn::Type::Ptr(_) | syn::Type::Never(_) => false,
        syn::Type::Tuple(t) => !t.elems.is_empty(),
        syn::Type::Path(p) => p.qself.is_some() || !p.path.get_ident().is_some_and(|i| PRIMITIVES.contains(&i.to_string().as_str())),
        _ => true,
    }
}

/// Takes the parentheses off a name (`(x)` is `x` wherever an expression may be): a binding
/// written in parentheses is then used, moved and borrowed as it is without them. Nested items
/// are left as written.
struct Unparen;

impl VisitMut for Unparen {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let inner = match expr {
            syn::Expr::Paren(paren) if paren.attrs.is_empty() => &mut paren.expr,
            // The invisible group a `macro_rules!` fragment makes of an expression.
            syn::Expr::Group(group) if group.attrs.is_empty() => &mut group.expr,
            _ => return,
        };
        // A binding's name, not a path keyword (`(crate)` is not `crate` to the parser).
        if let syn::Expr::Path(path) = &**inner
            && path.qself.is_none()
            && path.path.get_ident().is_some_and(|i| !matches!(i.to_string().as_str(), "crate" | "self" | "super" | "Self"))
        {
            *expr = std::mem::replace(&mut **inner, syn::Expr::Verbatim(TokenStream::new()));
        }
    }

    fn visit_item_mut(&mut self, _: &mut Item) {}
}
