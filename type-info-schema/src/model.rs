//! The types of the type-info file: the whole file, one source file's entry, bindings,
//! sites, resolved types and trait facts, with lookups by position.
//!
//! The derives come from `serde_derive` itself, not through serde's `derive` feature: Cargo
//! unifies features, and `cargo borrowscope run --all` adds this crate to the copy of a
//! user's workspace, where serde with `derive` on would export derive macros that the user's
//! `#[macro_use] extern crate serde;` then brings in, shadowing theirs (bincode 1.3.3's tests
//! got an "unused `#[macro_use]`" warning). They may be an old `serde_derive` (see the crate's
//! root), whose expansion defines impls inside constants.
#![allow(non_local_definitions)]

use std::collections::BTreeMap;

use serde_derive::{Deserialize, Serialize};

use crate::hash::ContentHash;
use crate::kind::InitializerKind;
use crate::site::SiteKind;

/// The version of the format this build reads and writes. Bumped on any incompatible
/// change; a reader refuses every other version.
pub const SCHEMA_VERSION: u32 = 5;

/// A whole `.borrowscope/type-info.json` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeInfo {
    /// Always [`SCHEMA_VERSION`] in a file this build reads or writes.
    pub schema_version: u32,
    /// The program that wrote the file.
    pub generator: Generator,
    /// Source files by path relative to the workspace root, with forward slashes.
    pub files: BTreeMap<String, FileEntry>,
}

/// The program that wrote a type-info file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generator {
    /// Its name, e.g. `borrowscope-analyzer`.
    pub name: String,
    /// Its version, e.g. `0.1.0`.
    pub version: String,
}

/// What is known about one source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// The hash of the file's bytes as analyzed. When the file on disk hashes differently the
    /// entry is stale and the macro ignores it.
    pub hash: ContentHash,
    /// The bindings in the file, sorted by position, at most one per position.
    pub bindings: Vec<Binding>,
    /// The expression sites in the file, sorted by position and kind.
    pub sites: Vec<Site>,
    /// Uses of local bindings whose kind syntax cannot tell, sorted by position; omitted
    /// when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<Use>,
}

/// A position as `proc_macro::Span::line()` and `proc_macro::Span::column()` report it:
/// both 1-based, the column counted in characters (not bytes) from the start of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl Position {
    /// The position of the byte at `offset` in `text`, where `offset` is on a character
    /// boundary (as rust-analyzer's text ranges are). Returns `None` if it is not, or is past
    /// the end. Lines end at `\n`; a `\r` before it counts as a character of the line, as
    /// it does for rustc.
    pub fn from_byte_offset(text: &str, offset: usize) -> Option<Position> {
        if offset > text.len() || !text.is_char_boundary(offset) {
            return None;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let column = before[line_start..].chars().count() + 1;
        Some(Position { line: u32::try_from(line).ok()?, column: u32::try_from(column).ok()? })
    }
}

/// A binding: one identifier introduced by a pattern (`let`, parameters, closure parameters,
/// `for`, `match`, `if let`, destructuring).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Binding {
    /// 1-based line of the identifier.
    pub line: u32,
    /// 1-based column of the identifier, in characters.
    pub column: u32,
    /// The identifier.
    pub name: String,
    /// The binding's type, alias-transparent (`Rc<i32>` for `MyRc<i32>`).
    #[serde(rename = "type")]
    pub ty: ResolvedType,
    /// The type as the user wrote it, when that differs from `ty` (an alias such as
    /// `MyRc<i32>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_type: Option<String>,
    /// How the binding got its value.
    pub kind: InitializerKind,
    /// The path of the user function or method that made the value, when the binding's
    /// initializer calls one returning a `Box`, `Rc` or `Arc` (`kind` is then `box_new`,
    /// `rc_new` or `arc_new`): `demo::make_rc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factory: Option<String>,
    /// The path of the enclosing function, e.g. `demo::shapes::Circle::area`.
    pub function: String,
    /// What the type implements; `None` when the type is unknown.
    pub traits: Option<TraitFacts>,
}

impl Binding {
    /// The binding's position.
    pub fn position(&self) -> Position {
        Position { line: self.line, column: self.column }
    }
}

/// A resolved type, or the reason it could not be resolved. Unresolved types are data, not
/// errors: the macro falls back to syntax for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ResolvedType {
    /// The type, rendered as rust-analyzer displays it (`Vec<String>`).
    Known(String),
    /// The type could not be resolved.
    Unknown {
        /// Why, e.g. "the file has a syntax error" or "std sources were not available".
        unknown: String,
    },
}

/// What a binding's type implements. `needs_drop` is `std::mem::needs_drop`: whether
/// dropping a value runs any code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraitFacts {
    /// The type implements `Copy`: `let y = x;` copies.
    pub copy: bool,
    /// The type implements `Clone`.
    pub clone: bool,
    /// The type implements `Send`.
    pub send: bool,
    /// The type implements `Sync`.
    pub sync: bool,
    /// Dropping a value of the type runs code.
    pub needs_drop: bool,
}

/// An expression site whose meaning syntax alone cannot tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// 1-based line of the token that names the operation (see [`SiteKind`]).
    pub line: u32,
    /// 1-based column of that token, in characters.
    pub column: u32,
    /// What the expression is.
    pub kind: SiteKind,
    /// What it acts on: the callee's path for calls, the static's or const's path, the union
    /// and field as `Union.field`, the receiver's type for clones and locks.
    pub target: String,
    /// The path of the enclosing function.
    pub function: String,
}

/// A use of a local binding whose kind syntax cannot tell. Two sorts today, told apart by
/// their position:
/// - a binding that is a method call's receiver, keyed by the binding's name there
///   (`w.into_inner()` moves `w`, `v.len()` borrows it), decided by the resolved method's
///   `self` access and the receiver's adjustments;
/// - a binding a closure or `async` block captures, keyed by the closure's first token (`|`,
///   `move`, `async`), one use per captured binding, from rust-analyzer's capture analysis
///   (a `move` closure that uses only `a.0` captures that place, not `a`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Use {
    /// 1-based line of the binding's name at the use.
    pub line: u32,
    /// 1-based column of that name, in characters.
    pub column: u32,
    /// The binding's name.
    pub name: String,
    /// What the use does to the binding's value.
    pub kind: UseKind,
    /// Why the kind is [`UseKind::Unknown`]; omitted otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For a method call's receiver that the call borrows: the call's result cannot hold that
    /// borrow (its type has no reference, no lifetime and no type left generic: `len()`,
    /// `push(..)`), so the borrow ends when the call returns. Omitted when false (the result
    /// may keep the borrow, as `iter()` or `get(..)` do, or the call never returns).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ends_with_call: bool,
    /// For a borrowing receiver: the call never returns (its type is `!`, as a parser's
    /// `self.fail(..)`), so nothing may be evaluated after it. Omitted when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub never_returns: bool,
}

impl Use {
    /// The use's position.
    pub fn position(&self) -> Position {
        Position { line: self.line, column: self.column }
    }
}

/// What a use does to a binding's value, in snake_case in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UseKind {
    /// The value moves out of the binding (a method taking `self` by value, on a type that
    /// is not `Copy`); the binding is not dropped where it lives.
    Move,
    /// Some parts of the value move out (bound by value by a pattern, or a field used by
    /// value), and a part that needs dropping stays: the binding is still dropped where it
    /// lives, for what stays.
    PartialMove,
    /// A copy of the value is taken (by-value `self` on a `Copy` type); the binding stays.
    Copy,
    /// The value is borrowed (`&self`, or autoref'd `&`); the binding stays.
    SharedBorrow,
    /// The value is borrowed mutably (`&mut self`); the binding stays.
    MutableBorrow,
    /// The analyzer could not tell (see `reason`).
    Unknown,
}

impl UseKind {
    /// The kind's snake_case name, as the file writes it.
    pub fn name(self) -> &'static str {
        match self {
            UseKind::Move => "move",
            UseKind::PartialMove => "partial_move",
            UseKind::Copy => "copy",
            UseKind::SharedBorrow => "shared_borrow",
            UseKind::MutableBorrow => "mutable_borrow",
            UseKind::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for UseKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Site {
    /// The site's position.
    pub fn position(&self) -> Position {
        Position { line: self.line, column: self.column }
    }
}

impl TypeInfo {
    /// An empty file written by `generator` at `version`.
    pub fn new(generator: &str, version: &str) -> TypeInfo {
        TypeInfo {
            schema_version: SCHEMA_VERSION,
            generator: Generator { name: generator.to_owned(), version: version.to_owned() },
            files: BTreeMap::new(),
        }
    }

    /// The entry for a workspace-relative path (forward slashes).
    pub fn file(&self, path: &str) -> Option<&FileEntry> {
        self.files.get(path)
    }

    /// Puts every file's bindings and sites in the canonical order, so that equal content
    /// serializes to equal bytes. Writing does this; call it after building a file by hand
    /// if you compare it with one that was read.
    pub fn normalize(&mut self) {
        for entry in self.files.values_mut() {
            entry.normalize();
        }
    }
}

impl FileEntry {
    /// An entry with no bindings and no sites for a file with this hash.
    pub fn new(hash: ContentHash) -> FileEntry {
        FileEntry { hash, bindings: Vec::new(), sites: Vec::new(), uses: Vec::new() }
    }

    /// The binding whose identifier starts at `line`/`column`, in O(log n).
    pub fn binding_at(&self, line: u32, column: u32) -> Option<&Binding> {
        let key = Position { line, column };
        self.bindings.binary_search_by(|b| b.position().cmp(&key)).ok().map(|i| &self.bindings[i])
    }

    /// The sites at `line`/`column` (several when they differ in kind), in O(log n).
    pub fn sites_at(&self, line: u32, column: u32) -> &[Site] {
        let key = Position { line, column };
        let start = self.sites.partition_point(|s| s.position() < key);
        let end = self.sites.partition_point(|s| s.position() <= key);
        &self.sites[start..end]
    }

    /// The use of a binding whose name starts at `line`/`column` (a method receiver), in
    /// O(log n).
    pub fn use_at(&self, line: u32, column: u32) -> Option<&Use> {
        self.uses_at(line, column).first()
    }

    /// The uses keyed at `line`/`column`: a closure's captures, one per binding.
    pub fn uses_at(&self, line: u32, column: u32) -> &[Use] {
        let key = Position { line, column };
        let start = self.uses.partition_point(|u| u.position() < key);
        let end = self.uses.partition_point(|u| u.position() <= key);
        &self.uses[start..end]
    }

    /// The site of `kind` at `line`/`column`.
    pub fn site_at(&self, line: u32, column: u32, kind: SiteKind) -> Option<&Site> {
        self.sites_at(line, column).iter().find(|s| s.kind == kind)
    }

    pub(crate) fn normalize(&mut self) {
        self.bindings.sort_by(|a, b| a.position().cmp(&b.position()).then_with(|| a.name.cmp(&b.name)));
        self.sites.sort_by(|a, b| (a.position(), a.kind, &a.target).cmp(&(b.position(), b.kind, &b.target)));
        self.uses.sort_by(|a, b| (a.position(), &a.name).cmp(&(b.position(), &b.name)));
        self.uses.dedup_by(|a, b| (a.position(), &a.name) == (b.position(), &b.name));
    }

    /// The first position that holds two bindings, which a valid file never has.
    pub(crate) fn duplicate_binding(&self) -> Option<Position> {
        self.bindings.windows(2).find(|pair| pair[0].position() == pair[1].position()).map(|pair| pair[0].position())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_from_one() {
        let text = "fn main() {\n    let x = 1;\n}\n";
        let offset = text.find('x').unwrap();
        assert_eq!(Position::from_byte_offset(text, offset), Some(Position { line: 2, column: 9 }));
        assert_eq!(Position::from_byte_offset(text, 0), Some(Position { line: 1, column: 1 }));
    }

    #[test]
    fn non_ascii_text_before_a_binding_counts_as_one_column_per_character() {
        // "é" is two bytes and "🦀" four, but each is one column for proc_macro.
        let text = "let é = 1; /* 🦀 */ let x = 2;";
        let offset = text.find('x').unwrap();
        assert_eq!(offset, 27);
        assert_eq!(Position::from_byte_offset(text, offset), Some(Position { line: 1, column: 24 }));
    }

    #[test]
    fn offsets_inside_a_character_or_past_the_end_have_no_position() {
        let text = "é";
        assert_eq!(Position::from_byte_offset(text, 1), None);
        assert_eq!(Position::from_byte_offset(text, 3), None);
        assert_eq!(Position::from_byte_offset(text, 2), Some(Position { line: 1, column: 2 }));
    }
}
