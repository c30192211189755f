//! Where the expansion is: the source file, for the type-info file's entries about it, and a
//! span's file, line and column, for the table of sites.

use proc_macro2::Span;

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
