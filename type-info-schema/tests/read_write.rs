//! Reading, writing and looking up type-info files, including every read error.

use std::fs;
use std::path::Path;

use type_info_schema::{
    Binding, ContentHash, FileEntry, InitializerKind, ReadError, ResolvedType, SCHEMA_VERSION, Site, SiteKind, TraitFacts, TypeInfo, WriteError,
};

fn binding(line: u32, column: u32, name: &str, kind: InitializerKind) -> Binding {
    Binding {
        line,
        column,
        name: name.to_owned(),
        ty: ResolvedType::Known("i32".to_owned()),
        declared_type: None,
        kind,
        factory: None,
        function: "demo::main".to_owned(),
        traits: Some(TraitFacts { copy: true, clone: true, send: true, sync: true, needs_drop: false }),
    }
}

fn sample() -> TypeInfo {
    let mut info = TypeInfo::new("borrowscope-analyzer", "0.1.0");
    let mut entry = FileEntry::new(ContentHash::of(b"fn main() { let x = 1; let x = x; }"));
    // Two bindings with the same name on one line: only the column tells them apart.
    entry.bindings.push(binding(1, 29, "x", InitializerKind::CopyFrom));
    entry.bindings.push(binding(1, 17, "x", InitializerKind::Literal));
    entry.sites.push(Site { line: 1, column: 5, kind: SiteKind::StaticRead, target: "demo::COUNTER".to_owned(), function: "demo::main".to_owned() });
    info.files.insert("src/main.rs".to_owned(), entry);
    info
}

fn read_text(text: &str) -> Result<TypeInfo, ReadError> {
    TypeInfo::from_json(text.as_bytes(), Path::new(".borrowscope/type-info.json"))
}

#[test]
fn lookups_tell_apart_two_bindings_with_the_same_name_on_one_line() {
    let info = read_text(&sample().to_json().unwrap()).unwrap();
    let entry = info.file("src/main.rs").unwrap();
    assert_eq!(entry.binding_at(1, 17).unwrap().kind, InitializerKind::Literal);
    assert_eq!(entry.binding_at(1, 29).unwrap().kind, InitializerKind::CopyFrom);
    assert!(entry.binding_at(1, 18).is_none());
    assert!(entry.binding_at(2, 17).is_none());
    assert_eq!(entry.sites_at(1, 5).len(), 1);
    assert!(entry.site_at(1, 5, SiteKind::StaticWrite).is_none());
    assert!(info.file("src/lib.rs").is_none());
}

#[test]
fn writing_is_deterministic_and_sorted_whatever_the_insertion_order() {
    let a = sample();
    let mut b = sample();
    b.files.get_mut("src/main.rs").unwrap().bindings.reverse();
    assert_eq!(a.to_json().unwrap(), b.to_json().unwrap());
    let text = a.to_json().unwrap();
    assert!(text.find("\"column\": 17").unwrap() < text.find("\"column\": 29").unwrap());
    assert!(text.ends_with("}\n"));
}

#[test]
fn write_replaces_the_file_atomically_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("type-info.json");
    fs::write(&path, "old").unwrap();
    sample().write(&path).unwrap();
    let mut expected = sample();
    expected.normalize();
    assert_eq!(TypeInfo::read(&path).unwrap(), expected);
    let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["type-info.json"]);
}

#[test]
fn writing_into_a_missing_folder_says_what_to_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-folder/type-info.json");
    let err = sample().write(&path).unwrap_err();
    assert!(matches!(err, WriteError::Io { .. }));
    assert!(err.to_string().contains("check that the folder exists and is writable"), "{err}");
}

#[test]
fn absolute_paths_and_duplicate_positions_are_refused_on_write() {
    let mut info = sample();
    let entry = info.files.remove("src/main.rs").unwrap();
    info.files.insert("/home/me/demo/src/main.rs".to_owned(), entry.clone());
    let err = info.to_json().unwrap_err();
    assert!(err.to_string().contains("not a workspace-relative path"), "{err}");

    let mut info = sample();
    let entry = info.files.get_mut("src/main.rs").unwrap();
    entry.bindings.push(binding(1, 17, "y", InitializerKind::Literal));
    let err = info.to_json().unwrap_err();
    assert!(err.to_string().contains("two bindings at line 1, column 17"), "{err}");
}

#[test]
fn a_missing_file_says_to_run_the_analyzer() {
    let dir = tempfile::tempdir().unwrap();
    let err = TypeInfo::read(&dir.path().join("type-info.json")).unwrap_err();
    assert!(matches!(err, ReadError::Missing { .. }));
    assert!(err.to_string().contains("run `borrowscope-analyzer`"), "{err}");
}

#[test]
fn a_file_that_is_not_json_says_where() {
    let err = read_text("schema_version = 1\n").unwrap_err();
    let ReadError::NotJson { line, column, .. } = &err else { panic!("{err:?}") };
    assert_eq!((*line, *column), (1, 1));
    assert!(err.to_string().contains("re-run `borrowscope-analyzer`"), "{err}");
}

#[test]
fn a_truncated_file_is_reported_as_truncated() {
    let text = sample().to_json().unwrap();
    for cut in [0, 1, text.len() / 2, text.len() - 2] {
        let err = read_text(&text[..cut]).unwrap_err();
        assert!(matches!(err, ReadError::Truncated { .. }), "cut at {cut}: {err:?}");
        assert!(err.to_string().contains("truncated"), "{err}");
    }
}

#[test]
fn older_and_newer_schema_versions_are_refused_with_the_direction() {
    let text = sample().to_json().unwrap();
    let newer = text.replace(&format!("\"schema_version\": {SCHEMA_VERSION}"), "\"schema_version\": 99");
    let err = read_text(&newer).unwrap_err();
    assert!(matches!(err, ReadError::UnsupportedVersion { found: 99, .. }), "{err:?}");
    assert!(err.to_string().contains("the file is newer"), "{err}");
    let older = text.replace(&format!("\"schema_version\": {SCHEMA_VERSION}"), "\"schema_version\": 0");
    let err = read_text(&older).unwrap_err();
    assert!(err.to_string().contains("the file is older"), "{err}");
    // A version mismatch wins over any other difference in the document.
    let other = SCHEMA_VERSION + 1;
    let err = read_text(&format!(r#"{{"schema_version": {other}, "something": "else"}}"#)).unwrap_err();
    assert!(matches!(err, ReadError::UnsupportedVersion { found, .. } if found == u64::from(other)), "{err:?}");
}

#[test]
fn an_unknown_kind_names_the_kind_and_the_entry() {
    let text = sample().to_json().unwrap().replace("\"literal\"", "\"rc_new_v2\"");
    let err = read_text(&text).unwrap_err();
    let ReadError::UnknownKind { what, name, source_file, line, column, .. } = &err else { panic!("{err:?}") };
    assert_eq!((*what, name.as_str(), source_file.as_str(), *line, *column), ("initializer kind", "rc_new_v2", "src/main.rs", 1, 17));
    let text = sample().to_json().unwrap().replace("\"static_read\"", "\"static_peek\"");
    let err = read_text(&text).unwrap_err();
    assert!(matches!(&err, ReadError::UnknownKind { what: "site kind", .. }), "{err:?}");
}

#[test]
fn json_of_the_wrong_shape_is_invalid_with_a_reason() {
    for (text, reason) in [
        ("[1, 2]", "not a JSON object"),
        (r#"{"files": {}}"#, "no `schema_version`"),
        (r#"{"schema_version": "1"}"#, "not a number"),
        (r#"{"schema_version": 5, "generator": {"name": "x", "version": "1"}}"#, "missing field `files`"),
        (
            r#"{"schema_version": 5, "generator": {"name": "x", "version": "1"}, "files": {"a.rs": {"hash": "md5:1", "bindings": [], "sites": []}}}"#,
            "not a content hash",
        ),
    ] {
        let err = read_text(text).unwrap_err();
        assert!(matches!(err, ReadError::Invalid { .. }), "{text}: {err:?}");
        assert!(err.to_string().contains(reason), "{text}: {err}");
    }
}
