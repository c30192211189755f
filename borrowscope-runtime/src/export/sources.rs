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
    files: BTreeMap<&'static str, Option<Source>>,
}

#[derive(Debug, Clone)]
struct Source {
    path: PathBuf,
    text: String,
    /// For each line, the byte range in `text` of the name of the function whose body
    /// holds it.
    functions: Vec<Option<(usize, usize)>>,
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
            let source = find(file, roots).map(|(path, text)| Source { path, functions: functions(&text), text });
            files.insert(file, source);
        }
        SourceIndex { files }
    }

    /// The files named, in order, with their text where it was read.
    pub fn files(&self) -> impl Iterator<Item = (&'static str, Option<&str>)> + '_ {
        self.files.iter().map(|(name, found)| (*name, found.as_ref().map(|source| source.text.as_str())))
    }

    /// Where the file named `file` was found.
    pub fn path(&self, file: &str) -> Option<&Path> {
        self.files.get(file)?.as_ref().map(|source| source.path.as_path())
    }

    /// The text of `file`, if it was read.
    pub fn text(&self, file: &str) -> Option<&str> {
        self.files.get(file)?.as_ref().map(|source| source.text.as_str())
    }

    /// The name of the function whose body holds line `line` (1-based) of `file` (see
    /// [`functions`]). `None` when the file was not read or no function encloses the line.
    pub fn function_at(&self, file: &str, line: u32) -> Option<&str> {
        let source = self.files.get(file)?.as_ref()?;
        let (start, end) = (*source.functions.get((line as usize).checked_sub(1)?)?)?;
        Some(&source.text[start..end])
    }
}

/// For each line of `text`, the byte range of the name of the function that holds it, read
/// from the layout of the code as rustfmt writes it: a function's lines are its `fn` line,
/// then every line indented more, or as much without starting with `}`, up to its closing
/// `}` at its own indentation. A function nested in another holds its own lines only: the
/// lines after its closing brace are the outer one's again. A function whose braces close
/// on its `fn` line holds that line alone; a declaration without a body (`fn f();`) none.
fn functions(text: &str) -> Vec<Option<(usize, usize)>> {
    // Read on the code alone: `fn` or a brace in a string or a comment is not code.
    let masked = code_only(text);
    let indent = |l: &str| l.len() - l.trim_start().len();
    // The functions open at the current line: their indentation, their name, whether their
    // body's brace was seen, and the first line of theirs in `out`.
    let mut open: Vec<(usize, (usize, usize), bool, usize)> = Vec::new();
    let mut out: Vec<Option<(usize, usize)>> = Vec::new();
    let mut offset = 0;
    for line in masked.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let code = line.trim_end_matches(['\n', '\r']);
        let trimmed = code.trim();
        let enclosing = |open: &[(usize, (usize, usize), bool, usize)]| open.last().map(|f| f.1);
        if trimmed.is_empty() {
            out.push(enclosing(&open));
            continue;
        }
        let own = indent(code);
        while open.last().is_some_and(|f| own < f.0) {
            open.pop();
        }
        let (opens, closes) = (code.matches('{').count(), code.matches('}').count());
        if let Some(name) = fn_name(code) {
            let at = start + (name.as_ptr() as usize - code.as_ptr() as usize);
            let range = (at, at + name.len());
            if opens == 0 && trimmed.ends_with(';') {
                // A declaration without a body (`fn len(&self) -> usize;`).
                out.push(enclosing(&open));
            } else {
                out.push(Some(range));
                // A body that closes on its own line holds that line alone.
                if opens == 0 || opens > closes {
                    open.push((own, range, opens > 0, out.len() - 1));
                }
            }
            continue;
        }
        if let Some(top) = open.last_mut()
            && !top.2
        {
            if opens > 0 {
                top.2 = true;
            } else if trimmed.ends_with(';') {
                // A declaration whose signature took several lines: none of them is a body.
                let first = top.3;
                open.pop();
                let outer = enclosing(&open);
                out[first..].iter_mut().for_each(|name| *name = outer);
                out.push(outer);
                continue;
            }
        }
        out.push(enclosing(&open));
        if trimmed.starts_with('}') && open.last().is_some_and(|f| f.0 == own) {
            open.pop();
        }
    }
    out
}

/// `text` with every comment and the inside of every string and character literal turned
/// to spaces (line breaks kept, so every byte stays where it was): what is left is code.
fn code_only(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for byte in &mut out[from..to] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    };
    let ident = |i: usize| i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"//") {
            let end = rest.iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| i + p);
            blank(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"/*") {
            let (mut depth, mut j) = (1, i + 2);
            while j < bytes.len() && depth > 0 {
                if bytes[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if bytes[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            blank(&mut out, i, j);
            i = j;
        } else if (bytes[i] == b'r' || rest.starts_with(b"br") || rest.starts_with(b"cr")) && !ident(i) && {
            let after = if bytes[i] == b'r' { i + 1 } else { i + 2 };
            let hashes = bytes[after..].iter().take_while(|&&b| b == b'#').count();
            bytes.get(after + hashes) == Some(&b'"')
        } {
            let after = if bytes[i] == b'r' { i + 1 } else { i + 2 };
            let hashes = bytes[after..].iter().take_while(|&&b| b == b'#').count();
            let open = after + hashes + 1;
            let mut close = vec![b'"'];
            close.extend(std::iter::repeat_n(b'#', hashes));
            let end = bytes[open..].windows(close.len()).position(|w| w == close.as_slice()).map_or(bytes.len(), |p| open + p);
            blank(&mut out, open, end);
            i = (end + close.len()).min(bytes.len());
        } else if bytes[i] == b'"' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            let end = j.min(bytes.len());
            blank(&mut out, i + 1, end);
            i = end + 1;
        } else if bytes[i] == b'\'' {
            // A character literal ('a', '\n', '\u{..}', 'é'), not a lifetime ('a).
            let end = if rest.get(1) == Some(&b'\\') {
                rest.iter().skip(2).position(|&b| b == b'\'').map(|p| i + 2 + p)
            } else {
                let width = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                (rest.get(1 + width) == Some(&b'\'')).then_some(i + 1 + width)
            };
            match end {
                Some(end) => {
                    blank(&mut out, i + 1, end);
                    i = end + 1;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    // Only ASCII bytes were replaced, each whole character by spaces: still UTF-8, but a
    // multi-byte character inside a literal is blanked byte by byte, which is as valid.
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
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
    use super::{fn_name, functions};

    /// The function names `functions` gives line by line.
    fn names(text: &str) -> Vec<Option<&str>> {
        functions(text).into_iter().map(|range| range.map(|(start, end)| &text[start..end])).collect()
    }

    #[test]
    fn a_nested_function_holds_only_its_own_lines() {
        let text = "fn outer() {\n    fn check(m: &[u8]) {\n        m.len();\n    }\n\n    let mut rng = {\n        let seed = 3;\n        seed\n    };\n}\nstruct After;\n";
        let expected = [Some("outer"), Some("check"), Some("check"), Some("check"), Some("outer"), Some("outer"), Some("outer")];
        assert_eq!(names(text)[..7], expected);
        assert_eq!(names(text)[7..], [Some("outer"), Some("outer"), Some("outer"), None]);
    }

    #[test]
    fn code_in_strings_and_comments_is_not_code() {
        let text = "fn tests() {\n    let text = \"fn outer() {\\n\";\n    let raw = r#\"\nfn inner() {\n\"#;\n    let c = '{';\n    /* fn gone() {\n    } */\n    let life: &'static str = \"}\";\n    done();\n}\nfn after() {}\n";
        let names = names(text);
        assert!(names[..names.len() - 2].iter().all(|n| *n == Some("tests")), "{names:?}");
        assert_eq!(names[names.len() - 1], Some("after"));
    }

    #[test]
    fn signatures_one_liners_and_declarations() {
        let text = "pub fn make<Q>(q: &Q) -> u64\nwhere\n    Q: Hash,\n{\n    let state = 1;\n}\nfn one() -> u8 { 1 }\nlet x = 2;\ntrait T {\n    fn declared(&self);\n    fn provided(&self) {\n        go();\n    }\n}\n";
        let expected = [
            Some("make"),
            Some("make"),
            Some("make"),
            Some("make"),
            Some("make"),
            Some("make"),
            Some("one"),
            None,
            None,
            None,
            Some("provided"),
            Some("provided"),
            Some("provided"),
            None,
        ];
        assert_eq!(names(text), expected);
        // A declaration over several lines, then a default method.
        let text = "trait T {\n    fn long(\n        a: u8,\n    ) -> u8;\n    const X: u8;\n    fn f() {\n        go();\n    }\n}\n";
        assert_eq!(names(text), [None, None, None, None, None, Some("f"), Some("f"), Some("f"), None]);
    }

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
