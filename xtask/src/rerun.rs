//! A failed test run again on its own, plain and instrumented alike. Some crates' tests
//! depend on what the tests running beside them do: crossbeam-channel's `select2::main`
//! counts every thread's allocations through its `#[global_allocator]` and fails when the
//! tests beside it hold more than 110,000 bytes at the wrong moment, in a plain run too. A
//! test that fails beside others and passes alone is reported as such, by name, in both the
//! baseline and the instrumented columns; it is not counted as failed, and not hidden.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

/// A failed test and the cargo arguments that select its target (`--test golang`, `--lib`,
/// `-p name --doc`), from `error: test failed, to rerun pass `..``.
#[derive(Debug, PartialEq)]
pub(crate) struct Failure {
    pub(crate) target: Vec<String>,
    pub(crate) name: String,
}

/// The failed tests of a `cargo test --no-fail-fast` log: the `test NAME ... FAILED` lines
/// of each target, assigned to the target named by the rerun hint that follows them.
pub(crate) fn failures(log: &str) -> Vec<Failure> {
    let mut found = Vec::new();
    let mut pending = Vec::new();
    for line in log.lines() {
        if let Some(name) = line.strip_prefix("test ").and_then(|rest| rest.strip_suffix(" ... FAILED")) {
            pending.push(name.to_owned());
        } else if let Some(hint) = line.split_once("to rerun pass `").and_then(|(_, rest)| rest.split_once('`')).map(|(args, _)| args) {
            let target: Vec<String> = hint.split_whitespace().map(str::to_owned).collect();
            found.extend(pending.drain(..).map(|name| Failure { target: target.clone(), name }));
        }
    }
    found
}

/// The failures of `log` that pass when run alone (`cargo test TARGET -- NAME --exact`, in
/// `dir`, with `extra` arguments and `env`), by name.
pub(crate) fn passing_alone(dir: &Path, log: &str, extra: &[&str], env: &[(&str, &str)]) -> Result<Vec<String>> {
    let mut passed = Vec::new();
    for failure in failures(log) {
        let output = Command::new("cargo")
            .arg("test")
            .args(&failure.target)
            .args(extra)
            .args(["--", &failure.name, "--exact"])
            .current_dir(dir)
            .envs(env.iter().copied())
            .output()
            .with_context(|| format!("running {} alone", failure.name))?;
        let text = String::from_utf8_lossy(&output.stdout);
        if output.status.success() && text.contains("test result: ok. 1 passed") {
            passed.push(failure.name);
        }
    }
    Ok(passed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_assigned_to_the_target_whose_hint_follows_them() {
        let log = "     Running tests/golang.rs (target/debug/deps/golang-f10)\n\
                   running 3 tests\n\
                   test select2::main ... FAILED\n\
                   test select3::main ... ok\n\
                   test chan::main ... FAILED\n\
                   failures:\n    select2::main\n    chan::main\n\
                   test result: FAILED. 1 passed; 2 failed; 0 ignored\n\
                   error: test failed, to rerun pass `--test golang`\n\
                        Running unittests src/lib.rs (target/debug/deps/lib-1)\n\
                   test tests::fine ... ok\n\
                   test src/lib.rs - Foo::bar (line 12) ... FAILED\n\
                   error: test failed, to rerun pass `-p foo --doc`\n";
        let found = failures(log);
        let targets: Vec<(String, &str)> = found.iter().map(|f| (f.target.join(" "), f.name.as_str())).collect();
        assert_eq!(
            targets,
            [
                ("--test golang".to_owned(), "select2::main"),
                ("--test golang".to_owned(), "chan::main"),
                ("-p foo --doc".to_owned(), "src/lib.rs - Foo::bar (line 12)")
            ]
        );
        assert!(failures("test result: ok. 3 passed; 0 failed\n").is_empty());
    }

    /// A crate with a test that fails while another runs beside it, and one that always
    /// fails: only the first passes alone.
    #[test]
    fn a_test_that_fails_only_beside_another_passes_alone() {
        let dir = std::env::temp_dir().join(format!("xtask-rerun-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"beside\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n").unwrap();
        let lib = r#"
            #[cfg(test)]
            mod tests {
                use std::sync::atomic::{AtomicBool, Ordering};
                use std::time::Duration;
                static BUSY: AtomicBool = AtomicBool::new(false);
                #[test]
                fn other() {
                    BUSY.store(true, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(1500));
                    BUSY.store(false, Ordering::SeqCst);
                }
                #[test]
                fn sensitive() {
                    std::thread::sleep(Duration::from_millis(300));
                    assert!(!BUSY.load(Ordering::SeqCst), "another test is running");
                }
                #[test]
                fn broken() {
                    panic!("always");
                }
            }
        "#;
        std::fs::write(dir.join("src/lib.rs"), lib).unwrap();
        let output = Command::new("cargo")
            .args(["test", "--no-fail-fast", "--", "--test-threads=3"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .output()
            .unwrap();
        let log = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        let names: Vec<String> = failures(&log).into_iter().map(|f| f.name).collect();
        assert_eq!(names, ["tests::broken", "tests::sensitive"], "{log}");
        let alone = passing_alone(&dir, &log, &[], &[("CARGO_TARGET_DIR", dir.join("target").to_str().unwrap())]).unwrap();
        assert_eq!(alone, ["tests::sensitive"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
