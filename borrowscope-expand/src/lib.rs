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
/// the user's tokens unchanged (never a half-rewritten function).
pub fn trace_borrow(attr: TokenStream, item: TokenStream) -> TokenStream {
    match expand(attr, item.clone()) {
        Ok(tokens) => tokens,
        Err(error) => {
            let mut out = error.to_compile_error();
            out.extend(item);
            out
        }
    }
}
