//! The crate documentation's example file parses, round-trips and describes its example source.

use type_info_schema::{ContentHash, InitializerKind, Position, SiteKind, TypeInfo, UseKind};

const FORMAT: &str = include_str!("../src/format.md");

/// The body of the first fenced block in the format doc whose info string is `fence`.
fn block(fence: &str) -> &'static str {
    let open = format!("```{fence}\n");
    let start = FORMAT.find(&open).unwrap_or_else(|| panic!("no ```{fence} block")) + open.len();
    let len = FORMAT[start..].find("```\n").expect("unclosed block");
    &FORMAT[start..start + len]
}

#[test]
fn the_documented_example_parses_and_round_trips_byte_for_byte() {
    let json = block("json");
    let info = TypeInfo::from_json(json.as_bytes(), "format.md".as_ref()).unwrap();
    assert_eq!(info.to_json().unwrap(), json, "the doc's example is not in canonical form");
}

#[test]
fn the_documented_example_describes_the_documented_source() {
    let source = block("rust,no_run");
    let info = TypeInfo::from_json(block("json").as_bytes(), "format.md".as_ref()).unwrap();
    let entry = info.file("src/main.rs").unwrap();
    assert_eq!(entry.hash, ContentHash::of(source.as_bytes()));
    for binding in &entry.bindings {
        let (line, column) = (binding.line as usize, binding.column as usize);
        let text: String = source.lines().nth(line - 1).unwrap().chars().skip(column - 1).collect();
        assert!(text.starts_with(&binding.name), "{} is not at {line}:{column}", binding.name);
    }
    let shared = entry.binding_at(6, 9).unwrap();
    assert_eq!((shared.name.as_str(), shared.kind), ("shared", InitializerKind::RcNew));
    let receiver = entry.use_at(7, 17).unwrap();
    assert_eq!((receiver.name.as_str(), receiver.kind), ("shared", UseKind::SharedBorrow));
    let text: String = source.lines().nth(6).unwrap().chars().skip(16).collect();
    assert!(text.starts_with("shared.clone()"), "the use is not at 7:17");
    let clone = entry.site_at(7, 24, SiteKind::RcClone).unwrap();
    let offset = source.find("clone").unwrap();
    assert_eq!(Position::from_byte_offset(source, offset), Some(clone.position()));
}
