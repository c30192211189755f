//! `#[trace_borrow]`: instruments a function, method or `impl` block so that it records its
//! ownership operations into `borrowscope-runtime`.
//!
//! The crate is split by phase: [`config`] parses the attribute's options, [`valid`] refuses
//! what cannot be traced, [`expand`] rewrites bodies (one visitor, one module per construct).
//! When anything is refused, the error is emitted together with the user's code unchanged,
//! never a half-rewritten function.

mod config;
mod expand;
mod valid;

use proc_macro::TokenStream;

/// Records the ownership operations of a function (or of every method of an `impl` block):
/// variable creation, borrows, moves and drops, smart pointers, control flow and more, as the
/// crate README describes. The function behaves exactly as before.
///
/// Options: `quiet`, `verbose`, `skip = "groups"`, `only = "groups"`, `filter = "glob"`,
/// `sample = 0.1`, `debug_only`, `release_only`, `feature = "name"`, `warn`,
/// `ffi = [..]`, `unions = [..]`, `statics = [..]`.
#[proc_macro_attribute]
pub fn trace_borrow(attr: TokenStream, item: TokenStream) -> TokenStream {
    // While borrowscope-analyzer runs, rust-analyzer expands this attribute too; the
    // analyzer needs the positions of the code as written, so the input passes through.
    if std::env::var_os(type_info_schema::ANALYZING_ENV).is_some_and(|v| v == "1") {
        return item;
    }
    let original: proc_macro2::TokenStream = item.clone().into();
    match expand::item(attr.into(), original.clone()) {
        Ok(tokens) => tokens.into(),
        Err(error) => {
            let mut out = error.to_compile_error();
            out.extend(original);
            out.into()
        }
    }
}
