//! Where the expansion is: the source file, for the type-info file's entries about it, and a
//! span's file, line and column, for the table of sites; and the statements that tie the
//! expansion to the type-info file.

use proc_macro2::Span;
use quote::format_ident;
use syn::Stmt;

use super::Expander;
use crate::types::FileTypes;

/// What the type-info file says about the file being expanded.
pub(super) fn file_types() -> FileTypes {
    if !proc_macro::is_available() {
        return FileTypes::None { tracked: None };
    }
    match Span::call_site().unwrap().local_file() {
        // Cargo gives rustc paths relative to the workspace root, its working directory.
        Some(file) if file.is_relative() => match std::env::current_dir() {
            Ok(dir) => crate::types::for_file(&dir.join(file)),
            Err(_) => FileTypes::None { tracked: None },
        },
        Some(file) => crate::types::for_file(&file),
        None => FileTypes::None { tracked: None },
    }
}

/// The file (as `file!()` names it, with `a/../` resolved: `tests/../src/m.rs` is
/// `src/m.rs`), line and column of `span`. Inside a real expansion they
/// come from `proc_macro::Span` (1-based line and column, as `line!()`/`column!()` give
/// them); outside one (the snapshot tests) there is no source to point into, and they are
/// empty.
pub(super) fn location(span: Span) -> (String, u32, u32) {
    if proc_macro::is_available() {
        let span = span.unwrap();
        let file = span.file();
        let file = if file.contains("..") || file.contains("./") {
            crate::types::lexical(std::path::Path::new(&file)).to_string_lossy().into_owned()
        } else {
            file
        };
        (file, span.line() as u32, span.column() as u32)
    } else {
        (String::new(), 0, 0)
    }
}

impl Expander<'_> {
    /// The statements that tie the expansion to the type-info file: an `include_bytes!` of it,
    /// so Cargo rebuilds the crate when it changes, and, once per source file, the notice
    /// that the file's entries are stale or unreadable.
    pub(super) fn type_info_prologue(&mut self, span: Span) -> Vec<Stmt> {
        let mut stmts = Vec::new();
        // The macro reads these variables; reading them in the generated code too puts them
        // in rustc's dependency info, so Cargo rebuilds when they change. Once per compiler
        // process (one crate) is enough, the dependency info being the crate's: a `const` item
        // in every function cost hashbrown's build 6% of its instructions. Named by its path:
        // a crate may have no prelude (`#![no_implicit_prelude]`).
        if proc_macro::is_available() && crate::types::first_notice("environment") {
            let (strict, path) = (crate::types::STRICT_ENV, crate::types::TYPE_INFO_ENV);
            stmts.push(syn::parse_quote!(
                const _: [::core::option::Option<&str>; 2] = [option_env!(#strict), option_env!(#path)];
            ));
        }
        // Once per file per compiler process (one crate): any `include_bytes!` puts the file in
        // the crate's dependency info, and one in every function stored the whole file again
        // in the crate's metadata each time (aho-corasick's rlib grew from 10 MB to 940 MB).
        // Even once, a `const` kept the whole file in the metadata (hashbrown's 1.4 MB, twice
        // for a `&[u8]`); in the body of a function that nothing calls, neither generic nor
        // `#[inline]`, it is read and typed, not kept. Its name's underscore keeps `dead_code`
        // quiet without an `allow` that a crate's `forbid` would refuse.
        if let Some(path) = self.types.tracked()
            && crate::types::first_notice(&format!("tracked {}", path.display()))
        {
            let path = path.display().to_string();
            stmts.push(syn::parse_quote!(
                fn _borrowscope_tracked() {
                    let _ = include_bytes!(#path);
                }
            ));
        }
        if let FileTypes::Unusable { message, .. } = &self.types
            && crate::types::first_notice(message)
        {
            let message = message.clone();
            if crate::types::strict() {
                let text = format!("borrowscope: {message} (BORROWSCOPE_STRICT=1 makes this an error)");
                stmts.push(syn::parse_quote_spanned!(span=> compile_error!(#text);));
            } else {
                self.counter += 1;
                let item = format_ident!("__borrowscope_stale{}", self.counter, span = span);
                let note = format!("borrowscope: {message}");
                stmts.push(syn::parse_quote!({
                    #[deprecated(note = #note)]
                    #[allow(non_camel_case_types)]
                    struct #item;
                    let _ = #item;
                }));
            }
        }
        stmts
    }
}
