//! The type-info phase: the analyzer's `.borrowscope/type-info.json`, read once per compiler
//! process, and the entries of the file being expanded, looked up by the exact position
//! `proc_macro::Span` reports.
//!
//! A source file whose content hash differs from the one recorded is stale: its entries are
//! ignored (the expansion falls back to syntax) and the user is told once per file how to
//! refresh it, as a warning, or as an error when `BORROWSCOPE_STRICT=1` (for CI). A file that
//! cannot be read (corrupt, another schema version) is treated the same way.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use type_info_schema::{Binding, ContentHash, FileEntry, Site, SiteKind, TypeInfo};

/// Where to find the type-info file instead of walking up from the crate's manifest.
pub(crate) const TYPE_INFO_ENV: &str = "BORROWSCOPE_TYPE_INFO";
/// When `1`, a stale or unreadable type-info file is a compile error rather than a warning.
pub(crate) const STRICT_ENV: &str = "BORROWSCOPE_STRICT";

/// The loaded file: its content, the workspace root its paths are relative to, and where
/// it is (for rebuild tracking and messages).
pub(crate) struct Loaded {
    info: TypeInfo,
    root: PathBuf,
    pub(crate) path: PathBuf,
}

/// What the type-info file says about one source file.
pub(crate) enum FileTypes {
    /// No type-info file: syntax only. `awaiting` is the marker to track so that the first
    /// analysis makes Cargo rebuild (see [`type_info_schema::AWAITING_FILE`]), when it could
    /// be created.
    Absent { awaiting: Option<&'static Path> },
    /// No type information for this source file (outside a real expansion, or the file has
    /// no entry for it): syntax only, nothing to say. `tracked` is the type-info file when
    /// there is one, so that an analysis that adds the entry makes Cargo rebuild.
    None { tracked: Option<&'static Path> },
    /// Usable entries for this file.
    Fresh(&'static FileEntry, &'static Loaded),
    /// The file or its entry cannot be used; the message says why and what to do. `tracked`
    /// is the type-info file when it exists, read or not: a rebuild must follow it whatever
    /// state it is in, so that a corrupt file replaced by a good one is seen at once.
    Unusable { message: String, tracked: Option<&'static Path> },
}

/// The type-info file, or why it could not be read (`None` when there is none at all).
fn loaded() -> &'static Result<Option<Loaded>, (PathBuf, String)> {
    static LOADED: OnceLock<Result<Option<Loaded>, (PathBuf, String)>> = OnceLock::new();
    LOADED.get_or_init(|| {
        let path = match std::env::var_os(TYPE_INFO_ENV) {
            Some(path) => PathBuf::from(path),
            None => {
                let manifest = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_default();
                let found = manifest.ancestors().map(|dir| dir.join(".borrowscope/type-info.json")).find(|p| p.is_file());
                match found {
                    Some(path) => path,
                    None => return Ok(None),
                }
            }
        };
        let root = path.parent().and_then(Path::parent).unwrap_or(Path::new("")).to_owned();
        match TypeInfo::read(&path) {
            Ok(info) => Ok(Some(Loaded { info, root, path })),
            Err(err) => Err((path, err.to_string())),
        }
    })
}

/// `path` with each `..` taking away the folder before it and each `.` left out, as the file
/// system would resolve it without links: a module a test target reaches by `#[path =
/// "../src/m.rs"]` is `tests/../src/m.rs` to the compiler and `src/m.rs` to the analyzer.
pub(crate) fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if matches!(out.components().next_back(), Some(std::path::Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The entries for the source file `file` (an absolute path, as `Span::local_file` gives).
pub(crate) fn for_file(file: &Path) -> FileTypes {
    let loaded = match loaded() {
        Ok(Some(loaded)) => loaded,
        Ok(None) => return FileTypes::Absent { awaiting: awaiting() },
        Err((path, message)) => {
            let message = format!("{message} (from {}); using syntax only", path.display());
            let tracked = path.is_file().then_some(path.as_path());
            return FileTypes::Unusable { message, tracked };
        }
    };
    let untyped = FileTypes::None { tracked: Some(&loaded.path) };
    let file = lexical(file);
    let Ok(relative) = file.strip_prefix(&loaded.root) else { return untyped };
    let key = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
    let Some(entry) = loaded.info.file(&key) else { return untyped };
    if !hash_matches(&file, entry) {
        let message = format!(
            "{key} changed since {} was written, so its type information is ignored and syntax is used instead; re-run `borrowscope-analyzer` to refresh it",
            loaded.path.display()
        );
        return FileTypes::Unusable { message, tracked: Some(&loaded.path) };
    }
    FileTypes::Fresh(entry, loaded)
}

/// The marker in the `.borrowscope/` folder where the analyzer would write the file (at the
/// workspace root: the nearest folder from the crate up whose manifest has a `[workspace]`
/// table, or the crate's own), created once per process; `None` when it cannot be created
/// (a read-only source tree), and then a later analysis is seen from the next edit on.
fn awaiting() -> Option<&'static Path> {
    static AWAITING: OnceLock<Option<PathBuf>> = OnceLock::new();
    AWAITING
        .get_or_init(|| {
            let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
            if managed_by_cargo(&manifest) {
                return None;
            }
            let is_root =
                |dir: &&Path| std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|text| text.lines().any(|line| line.trim() == "[workspace]"));
            let root = manifest.ancestors().find(is_root).unwrap_or(&manifest);
            let folder = root.join(".borrowscope");
            let marker = folder.join(type_info_schema::AWAITING_FILE);
            if !marker.is_file() {
                std::fs::create_dir_all(&folder).ok()?;
                let file = std::fs::File::create(&marker).ok()?;
                // Made during this build, the marker would look newer than the build's
                // output, and Cargo would rebuild once more for nothing; only its deletion
                // is news.
                let _ = file.set_modified(std::time::SystemTime::UNIX_EPOCH);
            }
            Some(marker)
        })
        .as_deref()
}

/// Whether a crate's folder is one Cargo owns and a build must not write into: a registry
/// or git dependency's sources, or a package being verified by `cargo package`/`publish`
/// (`<target>/package/<name>-<version>`, the target folder holding `CACHEDIR.TAG`).
fn managed_by_cargo(manifest: &Path) -> bool {
    let names: Vec<String> = manifest.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let registry = names.windows(2).any(|w| (w[0] == "registry" && w[1] == "src") || (w[0] == "git" && w[1] == "checkouts"));
    let packaged = manifest.parent().is_some_and(|p| p.ends_with("package") && p.parent().is_some_and(|t| t.join("CACHEDIR.TAG").is_file()));
    registry || packaged
}

/// Whether the file on disk still has the hash recorded for it (computed once per file).
fn hash_matches(file: &Path, entry: &FileEntry) -> bool {
    static CHECKED: Mutex<Option<HashMap<PathBuf, bool>>> = Mutex::new(None);
    let mut checked = CHECKED.lock().unwrap_or_else(PoisonError::into_inner);
    let checked = checked.get_or_insert_with(HashMap::new);
    *checked.entry(file.to_owned()).or_insert_with(|| std::fs::read(file).is_ok_and(|bytes| ContentHash::of(&bytes) == entry.hash))
}

/// Whether the message about `key` still has to be shown: once per file per process.
pub(crate) fn first_notice(key: &str) -> bool {
    static SHOWN: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    SHOWN.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert_with(HashSet::new).insert(key.to_owned())
}

/// Whether stale or unreadable files are errors (`BORROWSCOPE_STRICT=1`).
pub(crate) fn strict() -> bool {
    std::env::var_os(STRICT_ENV).is_some_and(|v| v == "1")
}

impl FileTypes {
    /// Whether the analyzer's entries for the file are there and current: a use it did not
    /// record is then one it found nothing to say about.
    pub(crate) fn is_fresh(&self) -> bool {
        matches!(self, FileTypes::Fresh(..))
    }

    /// The binding recorded at this position, if the entries are usable.
    pub(crate) fn binding(&self, line: u32, column: u32) -> Option<&'static Binding> {
        match self {
            FileTypes::Fresh(entry, _) => entry.binding_at(line, column),
            _ => None,
        }
    }

    /// The site of `kind` recorded at this position, if the entries are usable.
    pub(crate) fn site(&self, line: u32, column: u32, kind: SiteKind) -> Option<&'static Site> {
        match self {
            FileTypes::Fresh(entry, _) => entry.site_at(line, column, kind),
            _ => None,
        }
    }

    /// What the use of a binding at this position does, if the entries are usable.
    pub(crate) fn use_kind(&self, line: u32, column: u32) -> Option<type_info_schema::UseKind> {
        match self {
            FileTypes::Fresh(entry, _) => entry.use_at(line, column).map(|u| u.kind),
            _ => None,
        }
    }

    /// Whether the borrow of a receiver at this position ends when the call returns (its
    /// result cannot hold it), if the entries are usable.
    pub(crate) fn ends_with_call(&self, line: u32, column: u32) -> bool {
        match self {
            FileTypes::Fresh(entry, _) => entry.use_at(line, column).is_some_and(|u| u.ends_with_call),
            _ => false,
        }
    }

    /// Whether the call whose receiver is used at this position never returns.
    pub(crate) fn never_returns(&self, line: u32, column: u32) -> bool {
        match self {
            FileTypes::Fresh(entry, _) => entry.use_at(line, column).is_some_and(|u| u.never_returns),
            _ => false,
        }
    }

    /// The uses keyed at this position (a closure's captures), if the entries are usable.
    pub(crate) fn uses(&self, line: u32, column: u32) -> &'static [type_info_schema::Use] {
        match self {
            FileTypes::Fresh(entry, _) => entry.uses_at(line, column),
            _ => &[],
        }
    }

    /// Every site of `kind` in the file whose target is `target`, if the entries are usable.
    pub(crate) fn count_sites(&self, kind: SiteKind, target: &str) -> usize {
        match self {
            FileTypes::Fresh(entry, _) => entry.sites.iter().filter(|s| s.kind == kind && s.target == target).count(),
            _ => 0,
        }
    }

    /// The sites at this position, if the entries are usable.
    pub(crate) fn sites(&self, line: u32, column: u32) -> &'static [Site] {
        match self {
            FileTypes::Fresh(entry, _) => entry.sites_at(line, column),
            _ => &[],
        }
    }

    /// The file to track for rebuilds: the type-info file if there is one (usable or not),
    /// the marker that the analyzer deletes if there is none.
    pub(crate) fn tracked(&self) -> Option<&'static Path> {
        match self {
            FileTypes::Fresh(_, loaded) => Some(&loaded.path),
            FileTypes::Unusable { tracked, .. } | FileTypes::None { tracked } => *tracked,
            FileTypes::Absent { awaiting } => *awaiting,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn a_path_through_a_parent_folder_is_the_file_it_reaches() {
        // As a test target's `#[path = "../src/lexical/mod.rs"]` module names its files.
        assert_eq!(super::lexical(Path::new("/ws/tests/../src/lexical/math.rs")), Path::new("/ws/src/lexical/math.rs"));
        assert_eq!(super::lexical(Path::new("tests/./../src/m.rs")), Path::new("src/m.rs"));
        // Nothing before a `..` to take away: it stays.
        assert_eq!(super::lexical(Path::new("../shared/m.rs")), Path::new("../shared/m.rs"));
    }
}
