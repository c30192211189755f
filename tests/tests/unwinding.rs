//! Instrumented code unwinds only where the user's code does. The `no_panic` crate's
//! `#[no_panic]` (ahash 0.8.11's tests use it on functions that call its library) wraps a
//! function in a value whose destructor, which runs only if the call unwinds, names a symbol
//! that does not exist: the program links only if the optimizer proved the call cannot
//! unwind. A traced function called there must link as the plain one does, so every call the
//! instrumentation adds cannot unwind (the runtime's hooks are `extern "C"`).

use std::path::Path;
use std::process::Command;

use borrowscope_tests::{target, workspace};

/// A traced function, and a caller checked as `#[no_panic]` checks one. The traced body has a
/// loop, a reference, a value with a destructor and a returned binding: guards, spans, a
/// frame and the events of each.
const SOURCE: &str = r#"
use borrowscope_macro::trace_borrow;

struct Counter(u32);

impl Drop for Counter {
    fn drop(&mut self) {
        std::hint::black_box(self.0);
    }
}

#[trace_borrow]
fn total(values: &[u32]) -> u32 {
    let mut sum = 0u32;
    for value in values {
        sum = sum.wrapping_add(*value);
    }
    let counter = Counter(sum);
    let seen = &counter;
    let result = seen.0;
    drop(counter);
    result
}

#[inline(never)]
fn checked(values: &[u32]) -> u32 {
    struct Unwinding;
    impl Drop for Unwinding {
        fn drop(&mut self) {
            unsafe extern "C" {
                #[link_name = "\n\nthe traced call may unwind\n"]
                fn unwinding() -> !;
            }
            unsafe { unwinding() }
        }
    }
    let guard = Unwinding;
    let result = total(values);
    std::mem::forget(guard);
    result
}

fn main() {
    println!("{}", checked(std::hint::black_box(&[1, 2, 3])));
}
"#;

/// The project, its own code optimized (`#[no_panic]` works only there), its dependencies
/// built as in any debug build.
fn project(dir: &Path, source: &str) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"unwinding\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\n\
         borrowscope-macro = {{ path = {:?} }}\nborrowscope-runtime = {{ path = {:?} }}\n\n\
         [profile.dev]\nopt-level = 2\n\n[profile.dev.package.\"*\"]\nopt-level = 0\n\n[workspace]\n",
        workspace().join("borrowscope-macro"),
        workspace().join("borrowscope-runtime")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/main.rs"), source).unwrap();
}

/// `cargo run` in `dir`, the trace written to `trace.json`: the exit status's success, stdout
/// and stderr.
fn run(dir: &Path) -> (bool, String, String) {
    let output = Command::new(env!("CARGO"))
        .args(["run", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target().join("pipeline").join("unwinding"))
        .env("BORROWSCOPE_TRACE", dir.join("trace.json"))
        .env_remove("BORROWSCOPE_TYPE_INFO")
        .output()
        .unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.success(), text(&output.stdout), text(&output.stderr))
}

#[test]
fn a_traced_call_in_a_function_checked_never_to_unwind_links_as_the_plain_one() {
    let dir = tempfile::tempdir().unwrap();
    // The check itself: the plain program links and runs.
    project(dir.path(), &SOURCE.replace("#[trace_borrow]", ""));
    let (linked, stdout, stderr) = run(dir.path());
    assert!(linked, "the plain program must link for the check to mean anything: {stderr}");
    assert_eq!(stdout, "6\n");
    // Traced: the same, and the trace holds the traced function's events.
    project(dir.path(), SOURCE);
    let (linked, stdout, stderr) = run(dir.path());
    assert!(linked, "the traced call may unwind where the plain one cannot: {stderr}");
    assert_eq!(stdout, "6\n");
    let json = std::fs::read_to_string(dir.path().join("trace.json")).expect("a trace is written");
    let trace = borrowscope_runtime::from_json(&json).unwrap();
    let events: Vec<String> = trace.events.iter().map(|e| format!("{} {}", e.op, e.site.name)).collect();
    for expected in ["new sum", "loop_enter ", "new value", "new counter", "borrow seen", "new result"] {
        assert!(events.iter().any(|e| e == expected), "`{expected}` not recorded: {events:?}");
    }
}
