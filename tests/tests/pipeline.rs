//! The whole toolchain on a small project: analyze, build and run it instrumented, read its
//! trace; the same without the type-info file; and what happens when the file is stale,
//! corrupt or refreshed.

use std::path::Path;
use std::process::{Command, Output};

use borrowscope_tests::{analyzer, target, workspace};

const SOURCE: &str = r#"use std::mem::ManuallyDrop;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use borrowscope_macro::trace_borrow;

type MyRc<T> = Rc<T>;

unsafe extern "C" {
    fn abs(x: i32) -> i32;
}

#[repr(C)]
union Bits {
    int: u32,
    float: f32,
}

static mut TOTAL: i32 = 0;

fn make() -> Arc<Mutex<i32>> {
    Arc::new(Mutex::new(1))
}

#[trace_borrow(only = "ownership, pointers, methods, unsafe")]
fn semantic() -> i32 {
    let aliased = MyRc::new(1);
    let shared = make();
    let guard = shared.lock().unwrap();
    let positive = unsafe { abs(-2) };
    let bits = Bits { float: 1.0 };
    let raw = unsafe { bits.int };
    unsafe {
        TOTAL += 1;
    }
    let kept = ManuallyDrop::new(String::from("kept"));
    *aliased + *guard + positive + (raw >> 30) as i32 + kept.len() as i32
}

fn main() {
    println!("{}", semantic());
}
"#;

/// A fresh project using the two crates by path, in a temporary folder.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"pipeline\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\n\
         borrowscope-macro = {{ path = {:?} }}\nborrowscope-runtime = {{ path = {:?} }}\n\n[workspace]\n",
        workspace().join("borrowscope-macro"),
        workspace().join("borrowscope-runtime")
    );
    std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.path().join("src/main.rs"), SOURCE).unwrap();
    dir
}

fn analyze(dir: &Path) {
    let output = Command::new(analyzer()).arg(dir).arg("--quiet").output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// `cargo run` with the trace written at exit; returns the output and the trace as text.
/// Each test builds into a target folder of its own (`label`): the projects share a package
/// name, and parallel builds into one folder would overwrite each other's binary.
fn run(dir: &Path, label: &str, envs: &[(&str, &str)]) -> (Output, String) {
    let trace = dir.join("trace.json");
    let _ = std::fs::remove_file(&trace);
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["run", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target().join("pipeline").join(label))
        .env("BORROWSCOPE_TRACE", &trace)
        .env_remove("BORROWSCOPE_TYPE_INFO");
    for (key, value) in envs {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    let text = std::fs::read_to_string(&trace)
        .ok()
        .and_then(|json| borrowscope_runtime::from_json(&json).ok())
        .map(|trace| trace.to_text().lines().map(|l| l.rsplit_once(" @").map_or(l, |(h, _)| h).to_owned()).collect::<Vec<_>>().join("\n"))
        .unwrap_or_default();
    (output, text)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_type_info_file_turns_syntax_into_semantics() {
    let dir = project();
    let run = |dir: &Path, envs: &[(&str, &str)]| run(dir, "semantics", envs);
    analyze(dir.path());
    let (output, with_types) = run(dir.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "8");
    insta::assert_snapshot!("with_type_info", with_types);

    // The same program without the file: the build follows the file's removal (it was
    // tracked), and the classification falls back to syntax.
    std::fs::remove_dir_all(dir.path().join(".borrowscope")).unwrap();
    let (output, syntactic) = run(dir.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    insta::assert_snapshot!("syntax_only", syntactic);

    // What only the analyzer can tell: the alias's Rc and the factory's Arc with their counts,
    // the lock through Arc<Mutex<_>> and its release, the FFI call, the union field, the
    // static write; and a ManuallyDrop is not reported dropped.
    for semantic in ["rc_new aliased", "arc_new shared", "lock guard", "lock_release guard", "ffi_call abs", "union_field_access Bits [int]", "static_access TOTAL [write]"] {
        assert!(with_types.contains(semantic), "missing `{semantic}` with type info:\n{with_types}");
        assert!(!syntactic.contains(semantic), "`{semantic}` without type info:\n{syntactic}");
    }
    assert!(!with_types.contains("drop kept"), "{with_types}");
}

#[test]
fn stale_corrupt_and_refreshed_files() {
    let dir = project();
    let run = |dir: &Path, envs: &[(&str, &str)]| run(dir, "stale", envs);
    analyze(dir.path());
    // An edit after the analysis: the file's entries are ignored, once, with a note.
    let main = dir.path().join("src/main.rs");
    std::fs::write(&main, format!("// edited\n{SOURCE}")).unwrap();
    let (output, stale) = run(dir.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("changed since"), "{}", stderr(&output));
    assert!(stderr(&output).contains("re-run `borrowscope-analyzer`"), "{}", stderr(&output));
    assert!(!stale.contains("ffi_call abs"), "a stale file must not be used:\n{stale}");

    // In CI, BORROWSCOPE_STRICT=1 makes it an error.
    let (output, _) = run(dir.path(), &[("BORROWSCOPE_STRICT", "1")]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("BORROWSCOPE_STRICT=1 makes this an error"), "{}", stderr(&output));

    // Re-running the analyzer refreshes the file, and the build follows it.
    analyze(dir.path());
    let (output, fresh) = run(dir.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(fresh.contains("ffi_call abs"), "{fresh}");

    // A corrupt file is reported and ignored.
    std::fs::write(dir.path().join(".borrowscope/type-info.json"), "{ not json").unwrap();
    let (output, corrupt) = run(dir.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("is not JSON"), "{}", stderr(&output));
    assert!(!corrupt.contains("ffi_call abs"), "{corrupt}");
}
