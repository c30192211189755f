//! The edition of the crate being compiled, whose rustc the macro runs inside: the blocks the
//! expansion builds around the user's expressions follow it (`expand::emit::braces`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The edition (2015, 2018, 2021, 2024...) of the crate being compiled; `None` when it cannot
/// be told. Found once per process (a rustc compiles one crate): on rustc's command line
/// (`--edition`), else in the package's manifest, the one Cargo names in the environment it
/// gives rustc, with `edition.workspace = true` followed to the workspace's manifest.
pub(crate) fn compiled() -> Option<u32> {
    static EDITION: OnceLock<Option<u32>> = OnceLock::new();
    *EDITION.get_or_init(|| std::fs::read("/proc/self/cmdline").ok().and_then(|line| on_command_line(&line)).or_else(in_manifest))
}

/// `--edition=2021` or `--edition 2021` among NUL-separated arguments.
fn on_command_line(arguments: &[u8]) -> Option<u32> {
    let arguments: Vec<&str> = arguments.split(|&b| b == 0).filter_map(|a| std::str::from_utf8(a).ok()).collect();
    arguments.iter().enumerate().find_map(|(i, argument)| match argument.strip_prefix("--edition") {
        Some(rest) if rest.starts_with('=') => rest[1..].parse().ok(),
        Some("") => arguments.get(i + 1)?.parse().ok(),
        _ => None,
    })
}

fn in_manifest() -> Option<u32> {
    let manifest = std::env::var_os("CARGO_MANIFEST_PATH")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR").map(|dir| Path::new(&dir).join("Cargo.toml")))?;
    let text = std::fs::read_to_string(&manifest).ok()?;
    match edition_in(&text, "package")? {
        Edition::Year(year) => Some(year),
        Edition::Inherited => {
            let mut dir = manifest.parent()?.parent();
            while let Some(at) = dir {
                if let Ok(text) = std::fs::read_to_string(at.join("Cargo.toml"))
                    && text.contains("[workspace")
                {
                    return match edition_in(&text, "workspace.package")? {
                        Edition::Year(year) => Some(year),
                        Edition::Inherited => None,
                    };
                }
                dir = at.parent();
            }
            None
        }
    }
}

#[derive(Debug, PartialEq)]
enum Edition {
    Year(u32),
    Inherited,
}

/// The `edition` of the manifest's `[table]`: 2015, Cargo's default, when the table has none;
/// `None` when there is no such table.
fn edition_in(text: &str, table: &str) -> Option<Edition> {
    let header = format!("[{table}]");
    let mut lines = text.lines().map(str::trim).skip_while(|line| *line != header);
    lines.next()?;
    for line in lines.take_while(|line| !line.starts_with('[')) {
        let Some(value) = line.strip_prefix("edition") else { continue };
        let value = value.trim_start();
        // `edition.workspace = true` or `edition = { workspace = true }`.
        if value.contains("workspace") {
            return Some(Edition::Inherited);
        }
        let year = value.strip_prefix('=')?.trim().trim_matches(|c| c == '"' || c == '\'');
        return year.parse().ok().map(Edition::Year);
    }
    Some(Edition::Year(2015))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edition_is_read_from_the_command_line_or_the_manifest() {
        assert_eq!(on_command_line(b"rustc\0--crate-name\0shapes\0--edition=2021\0src/lib.rs"), Some(2021));
        assert_eq!(on_command_line(b"rustc\0--edition\x002018\0src/lib.rs"), Some(2018));
        assert_eq!(on_command_line(b"target/debug/deps/tests-1234\0--nocapture"), None);
        assert_eq!(edition_in("[package]\nname = \"a\"\nedition = \"2021\"\n", "package"), Some(Edition::Year(2021)));
        assert_eq!(edition_in("[package]\nname = \"a\"\n\n[dependencies]\nedition = \"x\"\n", "package"), Some(Edition::Year(2015)));
        assert_eq!(edition_in("[package]\nedition.workspace = true\n", "package"), Some(Edition::Inherited));
        assert_eq!(edition_in("[package]\nedition = { workspace = true }\n", "package"), Some(Edition::Inherited));
        assert_eq!(edition_in("[workspace.package]\nedition = \"2024\"\n", "workspace.package"), Some(Edition::Year(2024)));
        assert_eq!(edition_in("[workspace]\nmembers = []\n", "package"), None);
        // This crate's tests run under Cargo, whose manifest inherits the workspace's 2024.
        assert_eq!(in_manifest(), Some(2024));
    }
}
