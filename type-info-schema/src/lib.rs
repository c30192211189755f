//! The type-info file format shared by `borrowscope-analyzer` and `borrowscope-macro`.
#![doc = include_str!("format.md")]

mod hash;
mod io;
mod kind;
mod model;
mod site;

pub use hash::{BadContentHash, ContentHash};
pub use io::{ReadError, WriteError};
pub use kind::{InitializerKind, KindGroup, UnknownKindName};
pub use model::{
    Binding, FileEntry, Generator, Position, ResolvedType, SCHEMA_VERSION, Site, TraitFacts, TypeInfo,
};
pub use site::SiteKind;

/// The environment variable the analyzer sets while rust-analyzer expands the user's code:
/// when it is `1`, `#[trace_borrow]` returns its input untouched, so the positions the
/// analyzer records are those of the code as written.
pub const ANALYZING_ENV: &str = "BORROWSCOPE_ANALYZING";
