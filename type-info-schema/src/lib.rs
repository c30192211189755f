//! The type-info file format shared by `borrowscope-analyzer` and `borrowscope-macro`.
#![doc = include_str!("format.md")]
// `cargo borrowscope run --all` adds this crate to the copy of a workspace whose lock file may
// pin an old serde (1.0.100 and later build it): the expansion of an old `serde_derive` names
// `feature = "cargo-clippy"` and defines impls inside constants, which would be printed as
// this crate's warnings in the user's build (see also `model.rs`).
#![allow(unexpected_cfgs)]

mod hash;
mod io;
mod kind;
mod model;
mod site;

pub use hash::{BadContentHash, ContentHash};
pub use io::{ReadError, WriteError};
pub use kind::{InitializerKind, KindGroup, UnknownKindName};
pub use model::{Binding, FileEntry, Generator, Position, ResolvedType, SCHEMA_VERSION, Site, TraitFacts, TypeInfo, Use, UseKind};
pub use site::SiteKind;

/// The environment variable the analyzer sets while rust-analyzer expands the user's code:
/// when it is `1`, `#[trace_borrow]` returns its input untouched, so the positions the
/// analyzer records are those of the code as written.
pub const ANALYZING_ENV: &str = "BORROWSCOPE_ANALYZING";

/// The standard formatting and assertion macros and `vec!`, whose arguments `#[trace_borrow]`
/// instruments like any expression (`println!("{}", v.len())` borrows `v`, `vec![a, b]` moves
/// `a` and `b`). The analyzer records the uses of bindings in the arguments of every macro,
/// keyed by their tokens as written; of any other macro, the expansion only asks whether a
/// binding it names is borrowed or copied there, or moved whenever the statement around the
/// macro runs.
pub const INSTRUMENTED_MACROS: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "format",
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
    "write",
    "writeln",
    "assert",
    "debug_assert",
    "assert_eq",
    "assert_ne",
    "debug_assert_eq",
    "debug_assert_ne",
    "vec",
];

/// The empty file `#[trace_borrow]` creates in `.borrowscope/` when a crate is built before
/// there is any type-info file, and lists as an input of the build. The analyzer deletes it
/// whenever the type-info file next to it is written or found current, and Cargo rebuilds a
/// crate one of whose inputs has disappeared: so the first analysis after a syntax-only
/// build makes the next build use the file.
pub const AWAITING_FILE: &str = "awaiting-type-info";
