//! The analyzer on fixture projects: its type-info file, snapshot-tested.
//!
//! The analyzer is built with optimisation (a debug build of rust-analyzer's libraries is
//! about 11x slower) and run as a user would run it.

use std::path::Path;
use std::process::Command;

use borrowscope_tests::{analyzer, fixture, workspace};

fn run(dir: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(analyzer()).arg(dir).args(extra).output().unwrap()
}

#[test]
fn the_basic_fixture_is_classified_semantically() {
    let dir = fixture("basic");
    let output = run(dir.path(), &["--quiet"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(dir.path().join(".borrowscope/type-info.json")).unwrap();
    insta::assert_snapshot!("basic", text);

    // A re-run with nothing changed does not load the workspace again.
    let again = run(dir.path(), &[]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing changed"), "{}", String::from_utf8_lossy(&again.stderr));

    // Another build of the analyzer (an upgrade, a rebuild) analyzes again, though no source
    // changed: the old file may lack what the new version writes.
    let rebuilt = tempfile::tempdir().unwrap();
    let program = rebuilt.path().join("borrowscope-analyzer");
    std::fs::copy(analyzer(), &program).unwrap();
    let upgraded = Command::new(&program).arg(dir.path()).output().unwrap();
    assert!(upgraded.status.success(), "{}", String::from_utf8_lossy(&upgraded.stderr));
    assert!(!String::from_utf8_lossy(&upgraded.stderr).contains("nothing changed"), "{}", String::from_utf8_lossy(&upgraded.stderr));
    let text_again = std::fs::read_to_string(dir.path().join(".borrowscope/type-info.json")).unwrap();
    assert_eq!(text_again, text, "the same sources give the same file");

    // `--check` passes on the fresh file and fails, naming the file, once a source changes.
    assert!(run(dir.path(), &["--check", "--quiet"]).status.success());
    let main = dir.path().join("src/main.rs");
    let source = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, source.replace("let n = 5;", "let n = 6;")).unwrap();
    let stale = run(dir.path(), &["--check"]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&stale.stderr).contains("src/main.rs"), "{}", String::from_utf8_lossy(&stale.stderr));
}

#[test]
fn a_folder_without_a_manifest_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no Cargo.toml found"), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn the_sites_fixture_reports_every_site_kind() {
    let dir = fixture("sites");
    let output = run(dir.path(), &["--quiet"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let path = dir.path().join(".borrowscope/type-info.json");
    let info = type_info_schema::TypeInfo::read(&path).unwrap();
    let seen: std::collections::BTreeSet<_> = info.file("src/main.rs").unwrap().sites.iter().map(|s| s.kind).collect();
    for kind in type_info_schema::SiteKind::ALL {
        assert!(seen.contains(kind), "no {kind} site");
    }
    insta::assert_snapshot!("sites", std::fs::read_to_string(&path).unwrap());
}

#[test]
fn the_kinds_fixture_classifies_all_78_initializer_kinds() {
    let dir = fixture("kinds");
    let output = run(dir.path(), &["--quiet"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let path = dir.path().join(".borrowscope/type-info.json");
    let info = type_info_schema::TypeInfo::read(&path).unwrap();
    let bindings = &info.file("src/main.rs").unwrap().bindings;
    // Each binding named after a kind (`rc_clone`, `await_`...) has exactly that kind.
    for kind in type_info_schema::InitializerKind::ALL {
        let named: Vec<_> = bindings.iter().filter(|b| b.name.trim_end_matches('_') == kind.name()).collect();
        assert!(!named.is_empty(), "the fixture has no binding named {kind}");
        for binding in named {
            assert_eq!(binding.kind, *kind, "{} at {}:{}", binding.name, binding.line, binding.column);
        }
    }
    insta::assert_snapshot!("kinds", atomics_as_written(&std::fs::read_to_string(&path).unwrap()));
}

/// The file with std's atomics named as written: they are structs in 1.95's own sources
/// (`rustup component add rust-src`) and aliases of `Atomic<T>` in later ones (Debian's
/// `rust-src`), which the analyzer reports as `"type": "Atomic<usize>"` with
/// `"declared_type": "AtomicUsize"`. Either is right for the sources it read.
fn atomics_as_written(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let declared = lines.get(i + 1).and_then(|next| next.trim().strip_prefix("\"declared_type\": \"Atomic"));
        match declared {
            Some(rest) if lines[i].trim().starts_with("\"type\": \"Atomic<") => {
                let indent = &lines[i][..lines[i].len() - lines[i].trim_start().len()];
                out.push(format!("{indent}\"type\": \"Atomic{rest}"));
                i += 2;
            }
            _ => {
                out.push(lines[i].to_owned());
                i += 1;
            }
        }
    }
    out.join("\n") + if text.ends_with('\n') { "\n" } else { "" }
}

#[test]
fn atomics_read_the_same_from_either_std() {
    let alias = "  {\n    \"type\": \"Atomic<usize>\",\n    \"declared_type\": \"AtomicUsize\",\n    \"kind\": \"atomic_new\"\n";
    let written = "  {\n    \"type\": \"AtomicUsize\",\n    \"kind\": \"atomic_new\"\n";
    assert_eq!(atomics_as_written(alias), written);
    assert_eq!(atomics_as_written(written), written);
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_manifest_that_does_not_parse_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[package\nname = ").unwrap();
    let output = run(dir.path(), &["--no-build-scripts"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("cannot load the workspace"), "{}", stderr(&output));
}

#[test]
fn code_with_errors_is_analyzed_as_far_as_it_can_be() {
    let dir = fixture("basic");
    std::fs::write(
        dir.path().join("src/main.rs"),
        "fn main() {\n    let fine = 1u8;\n    let broken = no_such_function();\n    let syntax = (;\n}\n",
    )
    .unwrap();
    let output = run(dir.path(), &["--quiet", "--no-build-scripts"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let info = type_info_schema::TypeInfo::read(&dir.path().join(".borrowscope/type-info.json")).unwrap();
    let bindings = &info.file("src/main.rs").unwrap().bindings;
    let fine = bindings.iter().find(|b| b.name == "fine").unwrap();
    assert_eq!(fine.ty, type_info_schema::ResolvedType::Known("u8".into()));
    let broken = bindings.iter().find(|b| b.name == "broken").unwrap();
    assert!(matches!(broken.ty, type_info_schema::ResolvedType::Unknown { .. }), "{:?}", broken.ty);
    assert!(broken.traits.is_none());
}

#[test]
fn an_unwritable_output_folder_is_a_clear_error() {
    let dir = fixture("basic");
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "").unwrap();
    let output = run(dir.path(), &["--quiet", "--no-build-scripts", "--output", blocker.join("type-info.json").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("cannot create"), "{}", stderr(&output));
}

#[test]
fn a_workspace_with_a_path_dependency_a_build_script_cfg_and_a_derive() {
    let dir = fixture("workspace");
    // Run from a member: the analysis covers the whole workspace, written at its root.
    let output = run(&dir.path().join("app"), &["--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let path = dir.path().join(".borrowscope/type-info.json");
    let info = type_info_schema::TypeInfo::read(&path).unwrap();
    let binding = |file: &str, name: &str| info.file(file).unwrap().bindings.iter().find(|b| b.name == name).unwrap().clone();
    // `util::fast` exists only under the cfg its build script sets.
    assert_eq!(binding("app/src/main.rs", "shared").ty, type_info_schema::ResolvedType::Known("Rc<u32>".into()));
    // `hello_from_derive` exists only once the derive is expanded.
    // It returns an `Arc`: the binding is an `arc_new` that the function made.
    let made = binding("app/src/main.rs", "made");
    assert_eq!((made.kind, made.factory.as_deref()), (type_info_schema::InitializerKind::ArcNew, Some("app::hello_from_derive")));
    assert_eq!(binding("util/src/lib.rs", "value").kind, type_info_schema::InitializerKind::RcNew);
    insta::assert_snapshot!("workspace", std::fs::read_to_string(&path).unwrap());

    // Without build scripts the cfg is unknown, so `fast` is not there to resolve.
    let output = run(dir.path(), &["--quiet", "--no-build-scripts"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let info = type_info_schema::TypeInfo::read(&path).unwrap();
    let shared = info.file("app/src/main.rs").unwrap().bindings.iter().find(|b| b.name == "shared").unwrap().clone();
    assert!(matches!(shared.ty, type_info_schema::ResolvedType::Unknown { .. }), "{:?}", shared.ty);
}

#[test]
fn traced_functions_are_analyzed_as_written() {
    // While the analyzer runs, rust-analyzer expands `#[trace_borrow]` itself; the analyzer
    // asks the macro (BORROWSCOPE_ANALYZING=1) to pass its input through, so the bindings
    // inside traced functions keep their positions and types.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"traced\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\n\
             borrowscope-macro = {{ path = {:?} }}\nborrowscope-runtime = {{ path = {:?} }}\n\n[workspace]\n",
            workspace().join("borrowscope-macro"),
            workspace().join("borrowscope-runtime")
        ),
    )
    .unwrap();
    let source = "use std::rc::Rc;\n\n#[borrowscope_macro::trace_borrow]\nfn traced() -> usize {\n    let shared = Rc::new(vec![1]);\n    let other = shared.clone();\n    other.len()\n}\n\nfn main() {\n    traced();\n}\n";
    std::fs::write(dir.path().join("src/main.rs"), source).unwrap();
    let output = run(dir.path(), &["--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let info = type_info_schema::TypeInfo::read(&dir.path().join(".borrowscope/type-info.json")).unwrap();
    let bindings = &info.file("src/main.rs").unwrap().bindings;
    let names: Vec<_> = bindings.iter().map(|b| (b.name.as_str(), b.line, b.column, b.kind)).collect();
    use type_info_schema::InitializerKind::{RcClone, RcNew};
    assert_eq!(names, [("shared", 5, 9, RcNew), ("other", 6, 9, RcClone)]);
    let sites: Vec<_> = info.file("src/main.rs").unwrap().sites.iter().map(|s| (s.line, s.column, s.kind)).collect();
    // `main` calls the traced function: its arguments and returned binding are linked.
    assert_eq!(sites, [(6, 24, type_info_schema::SiteKind::RcClone), (11, 5, type_info_schema::SiteKind::TracedCall)]);
}

#[test]
fn a_match_moves_its_scrutinee_only_when_an_arm_binds_a_non_copy_part_by_value() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"scrutinees\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n")
        .unwrap();
    let source = "\
const LIMIT: u8 = 3;

fn main() {
    let moved = Some(String::new());
    match moved {
        Some(s) => drop(s),
        None => {}
    }
    let by_ref = Some(String::new());
    match by_ref {
        Some(ref s) => drop(s.len()),
        None => {}
    }
    let wild = Some(String::new());
    match wild {
        Some(_) => {}
        None => {}
    }
    let copied = Some(1u8);
    match copied {
        Some(LIMIT) => {}
        Some(n) => drop(n),
        None => {}
    }
    let through = &Some(String::new());
    match through {
        Some(s) => drop(s.len()),
        None => {}
    }
}
";
    std::fs::write(dir.path().join("src/main.rs"), source).unwrap();
    let output = run(dir.path(), &["--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let info = type_info_schema::TypeInfo::read(&dir.path().join(".borrowscope/type-info.json")).unwrap();
    let entry = info.file("src/main.rs").unwrap();
    use type_info_schema::UseKind::{Copy, Move, SharedBorrow};
    // Each scrutinee is on the line after its binding, at column 11.
    let kinds: Vec<_> = [(5, "moved"), (10, "by_ref"), (15, "wild"), (20, "copied"), (26, "through")]
        .iter()
        .map(|&(line, name)| {
            let found = entry.uses_at(line, 11).iter().find(|u| u.name == name);
            (name, found.map(|u| u.kind))
        })
        .collect();
    assert_eq!(
        kinds,
        [("moved", Some(Move)), ("by_ref", Some(SharedBorrow)), ("wild", Some(SharedBorrow)), ("copied", Some(Copy)), ("through", Some(Copy))]
    );
}

#[test]
fn a_field_borrowed_borrows_its_binding_unless_the_binding_is_a_reference() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"fields\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n").unwrap();
    let source = "\
use std::fmt::Write;

struct Pair { a: u8, b: String }

fn main() {
    let mut pair = Pair { a: 1, b: String::new() };
    let a = &mut pair.a;
    *a += 1;
    let b = &pair.b;
    let r = &mut pair;
    let through = &mut r.a;
    *through += 1;
    let mut out = String::new();
    let _ = write!(out, \"{}\", b.len());
}
";
    std::fs::write(dir.path().join("src/main.rs"), source).unwrap();
    let output = run(dir.path(), &["--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let info = type_info_schema::TypeInfo::read(&dir.path().join(".borrowscope/type-info.json")).unwrap();
    let entry = info.file("src/main.rs").unwrap();
    use type_info_schema::UseKind::{MutableBorrow, SharedBorrow};
    let at = |line: u32, column: u32, name: &str| entry.uses_at(line, column).iter().find(|u| u.name == name).map(|u| u.kind);
    assert_eq!(at(7, 18, "pair"), Some(MutableBorrow), "&mut pair.a");
    assert_eq!(at(9, 14, "pair"), Some(SharedBorrow), "&pair.b");
    assert_eq!(at(11, 24, "r"), None, "&mut r.a reborrows through the reference `r`, it does not borrow `r`");
    assert_eq!(at(14, 20, "out"), Some(MutableBorrow), "write! borrows its destination");
}

#[test]
fn an_unsafe_fn_call_is_unsafe_by_the_callers_edition() {
    // `std::env::set_var` is an `unsafe fn` to code of edition 2024 only: called from a crate
    // of edition 2021 it is a safe call (blocking 1.6.1's tests), and recording it as an
    // `unsafe fn` call made the instrumented call unsafe.
    let sites = |edition: &str, body: &str| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        let manifest = format!("[package]\nname = \"calls\"\nversion = \"0.0.0\"\nedition = \"{edition}\"\n\n[workspace]\n");
        std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
        std::fs::write(dir.path().join("src/main.rs"), format!("fn main() {{\n    {body}\n}}\n")).unwrap();
        let output = run(dir.path(), &["--quiet"]);
        assert!(output.status.success(), "{}", stderr(&output));
        let info = type_info_schema::TypeInfo::read(&dir.path().join(".borrowscope/type-info.json")).unwrap();
        info.file("src/main.rs").unwrap().sites.iter().map(|s| (s.line, s.kind)).collect::<Vec<_>>()
    };
    assert_eq!(sites("2021", "std::env::set_var(\"CALLS\", \"1\");"), []);
    let unsafe_call = type_info_schema::SiteKind::UnsafeFnCall;
    assert_eq!(sites("2024", "unsafe { std::env::set_var(\"CALLS\", \"1\") };"), [(2, unsafe_call)]);
    // An `unsafe fn` of the caller's own is unsafe in any edition.
    let own = "unsafe fn own() {}\n    unsafe { own() };";
    assert_eq!(sites("2021", own), [(3, unsafe_call)]);
}
