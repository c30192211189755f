//! The source files a trace's call sites name, read when a trace is exported or inspected,
//! and the function each line belongs to. A site's file is what `file!()` gave when the
//! program was built: a path relative to the workspace the crate was built in, or absolute.
//! It is looked for as written, then under each root given and each of its ancestors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::event::Trace;

/// The text of every file a trace names, where it could be read.
#[derive(Debug, Clone, Default)]
pub struct SourceIndex {
    files: BTreeMap<&'static str, Option<(PathBuf, String)>>,
}

impl SourceIndex {
    /// Reads the files the trace's sites name, looking under `roots` (and their ancestors)
    /// for relative paths. A file that cannot be found or read is recorded as unreadable.
    pub fn read(trace: &Trace, roots: &[PathBuf]) -> SourceIndex {
        let mut files = BTreeMap::new();
        for event in &trace.events {
            let file = event.site.file;
            if file.is_empty() || files.contains_key(file) {
                continue;
            }
            files.insert(file, find(file, roots));
        }
        SourceIndex { files }
    }

    /// The files named, in order, with their text where it was read.
    pub fn files(&self) -> impl Iterator<Item = (&'static str, Option<&str>)> + '_ {
        self.files.iter().map(|(name, found)| (*name, found.as_ref().map(|(_, text)| text.as_str())))
    }

    /// Where the file named `file` was found.
    pub fn path(&self, file: &str) -> Option<&Path> {
        self.files.get(file)?.as_ref().map(|(path, _)| path.as_path())
    }

    /// The text of `file`, if it was read.
    pub fn text(&self, file: &str) -> Option<&str> {
        self.files.get(file)?.as_ref().map(|(_, text)| text.as_str())
    }

    /// The name of the function whose body holds line `line` (1-based) of `file`: the
    /// nearest `fn name` at or above it that is indented less than the line (or is the
    /// line itself). `None` when the file was not read or no function encloses the line.
    pub fn function_at(&self, file: &str, line: u32) -> Option<&str> {
        let text = self.text(file)?;
        let lines: Vec<&str> = text.lines().collect();
        let at = (line as usize).checked_sub(1)?;
        let indent = |l: &str| l.len() - l.trim_start().len();
        let own = lines.get(at).map_or(0, |l| indent(l));
        for (index, candidate) in lines.iter().enumerate().take(at + 1).rev() {
            if let Some(name) = fn_name(candidate)
                && (index == at || indent(candidate) < own)
            {
                return Some(name);
            }
        }
        None
    }
}

/// The function a line declares (`fn name`, `pub fn name<T>(..)`, `async fn name`), if any.
fn fn_name(line: &str) -> Option<&str> {
    let code = line.split("//").next().unwrap_or_default();
    let mut rest = code;
    while let Some(at) = rest.find("fn ") {
        let before = rest[..at].chars().last();
        let after = &rest[at + 3..];
        if before.is_none_or(|c| !c.is_alphanumeric() && c != '_') {
            let name: &str = after.trim_start();
            let end = name.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(name.len());
            if end > 0 && !name.starts_with(|c: char| c.is_ascii_digit()) {
                return Some(&name[..end]);
            }
        }
        rest = after;
    }
    None
}

fn find(file: &str, roots: &[PathBuf]) -> Option<(PathBuf, String)> {
    let path = Path::new(file);
    let mut candidates = vec![path.to_owned()];
    if path.is_relative() {
        for root in roots {
            candidates.extend(root.ancestors().map(|dir| dir.join(path)));
        }
    }
    candidates.into_iter().find_map(|candidate| std::fs::read_to_string(&candidate).ok().map(|text| (candidate, text)))
}

#[cfg(test)]
mod tests {
    use super::fn_name;

    #[test]
    fn function_declarations_are_recognised() {
        assert_eq!(fn_name("    pub fn build(orders: &[u8]) -> usize {"), Some("build"));
        assert_eq!(fn_name("async fn fetch<T>()"), Some("fetch"));
        assert_eq!(fn_name("pub(crate) unsafe fn raw()"), Some("raw"));
        assert_eq!(fn_name("let f = |x| x; // fn inside a comment"), None);
        assert_eq!(fn_name("let f: fn(u8) = g;"), None);
        assert_eq!(fn_name("    let defn = 3;"), None);
    }
}
