//! The expansion behind `#[trace_borrow]` (see `borrowscope-macro` for what it records), as
//! a library on `proc_macro2` tokens, so that it can be tested and fuzzed outside a compiler.
//! The proc-macro crate is a thin wrapper around [`trace_borrow`].
//!
//! Split by phase: `config` parses the attribute's options, `valid` refuses what cannot be
//! traced, `types` reads the analyzer's type-info file, `expand` rewrites bodies (one
//! visitor, one module per construct). Outside a real macro expansion (a test, a fuzzer)
//! there is no source position, so no type information is used and locations are emitted
//! as `file!()`, `line!()`, `column!()`.

// `proc_macro::is_available` and, inside an expansion, the spans' real positions.
extern crate proc_macro;

mod config;
mod edition;
mod expand;
mod types;
mod valid;

use proc_macro2::TokenStream;

/// Expands `#[trace_borrow(attr)]` on `item`: the instrumented item, or why it cannot be
/// instrumented (bad options, a `const fn`, not a function or `impl` block, tokens that do
/// not parse as an item).
pub fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    expand::item(attr, item)
}

/// What the attribute emits: the expansion, or the error as a `compile_error!` followed by
/// the user's tokens unchanged (never a half-rewritten function). Should the expansion
/// itself fail (a bug in BorrowScope, which the fuzz tests hunt for), the item is emitted
/// exactly as written, untraced, with a warning asking for a report: a bug of ours must
/// never stop the user's build.
pub fn trace_borrow(attr: TokenStream, item: TokenStream) -> TokenStream {
    let expanded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| expand(attr, item.clone())));
    match expanded {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(error)) => {
            let mut out = error.to_compile_error();
            out.extend(item);
            out
        }
        Err(panic) => {
            let message =
                panic.downcast_ref::<&str>().map(|s| (*s).to_owned()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
            untraced(item, &message)
        }
    }
}

/// `item` as written, with a warning (a deprecated item used in its first function's
/// body: the one warning a proc macro can emit on stable) that it was left untraced.
fn untraced(item: TokenStream, message: &str) -> TokenStream {
    let note = format!(
        "borrowscope: #[trace_borrow] could not instrument this item ({message}); it is compiled as written, \
         untraced. Please report this at https://github.com/borrowscope/borrowscope/issues"
    );
    let warning: syn::Stmt = syn::parse_quote!({
        #[deprecated(note = #note)]
        #[allow(non_camel_case_types)]
        struct __borrowscope_untraced;
        let _ = __borrowscope_untraced;
    });
    let Ok(mut parsed) = syn::parse2::<syn::Item>(item.clone()) else { return item };
    let body = match &mut parsed {
        syn::Item::Fn(function) => Some(&mut *function.block),
        syn::Item::Impl(block) => block.items.iter_mut().find_map(|i| match i {
            syn::ImplItem::Fn(method) => Some(&mut method.block),
            _ => None,
        }),
        _ => None,
    };
    match body {
        Some(body) => {
            body.stmts.insert(0, warning);
            quote::ToTokens::into_token_stream(parsed)
        }
        None => item,
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn an_item_the_expansion_fails_on_is_kept_as_written_with_a_warning() {
        let item = quote!(impl S { const N: u8 = 1; fn f(&self) -> u8 { Self::N } fn g() {} });
        let out = super::untraced(item, "it broke");
        let parsed: syn::ItemImpl = syn::parse2(out).unwrap();
        let syn::ImplItem::Fn(first) = &parsed.items[1] else { panic!("the methods stay in place") };
        let warning = quote::ToTokens::to_token_stream(&first.block.stmts[0]).to_string();
        assert!(warning.contains("deprecated") && warning.contains("it broke") && warning.contains("untraced"), "{warning}");
        assert_eq!(quote::ToTokens::to_token_stream(&first.block.stmts[1]).to_string(), "Self :: N");
        let syn::ImplItem::Fn(second) = &parsed.items[2] else { panic!() };
        assert!(second.block.stmts.is_empty(), "one warning per item");
    }
}
