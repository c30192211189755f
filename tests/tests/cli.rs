//! The command line as a new user meets it: `cargo install`, `--help` for the whole and for
//! each subcommand, a mistyped command, and the readers installed without rust-analyzer.

use std::process::{Command, Output};

use borrowscope_tests::{cargo_borrowscope, target, workspace};

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn run(args: &[&str]) -> Output {
    Command::new(cargo_borrowscope()).arg("borrowscope").args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_lists_every_subcommand_and_each_has_its_own() {
    let output = run(&["--help"]);
    assert!(output.status.success());
    let help = text(&output.stdout);
    for command in ["analyze", "run", "test", "show", "why", "report", "dot", "chrome"] {
        assert!(help.lines().any(|l| l.trim_start().starts_with(command)), "{command} is not listed:\n{help}");
        let own = run(&[command, "--help"]);
        assert!(own.status.success(), "{command} --help: {}", text(&own.stderr));
        assert!(text(&own.stdout).contains(&format!("Usage: cargo borrowscope {command}")), "{command} --help:\n{}", text(&own.stdout));
    }
    let show = text(&run(&["show", "--help"]).stdout);
    for option in ["--var", "--thread", "--fn", "--op", "<TRACE>"] {
        assert!(show.contains(option), "show --help does not mention {option}:\n{show}");
    }
    let analyze = text(&run(&["analyze", "--help"]).stdout);
    assert!(analyze.contains("--check") && analyze.contains("--features"), "{analyze}");
}

#[test]
fn a_mistyped_command_is_an_error_naming_the_closest_one() {
    let output = run(&["shwo", "trace.json"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("unrecognized subcommand 'shwo'"), "{stderr}");
    assert!(stderr.contains("a similar subcommand exists: 'show'"), "{stderr}");
}

#[test]
fn cargo_install_locked_installs_both_commands() {
    // Built already by `cargo_borrowscope()` in the same target folder and profile, so the
    // install reuses it rather than building rust-analyzer's libraries again.
    let _ = cargo_borrowscope();
    let root = tempfile::tempdir().unwrap();
    let output = cargo()
        .args(["install", "--locked", "--path"])
        .arg(workspace().join("cargo-borrowscope"))
        .arg("--root")
        .arg(root.path())
        .env("CARGO_TARGET_DIR", target())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    for binary in ["cargo-borrowscope", "borrowscope-analyzer"] {
        let installed = root.path().join("bin").join(binary);
        let version = Command::new(&installed).arg("--version").output().unwrap();
        assert!(version.status.success(), "{binary}: {}", text(&version.stderr));
        assert!(text(&version.stdout).contains(env!("CARGO_PKG_VERSION")), "{}", text(&version.stdout));
    }
    // What cargo runs for `cargo borrowscope ...`.
    let help = Command::new(root.path().join("bin/cargo-borrowscope")).args(["borrowscope", "show", "--help"]).output().unwrap();
    assert!(text(&help.stdout).contains("Usage: cargo borrowscope show"));
}

#[test]
fn the_readers_install_without_rust_analyzer() {
    // The dependency graph without the default `analyzer` feature has no ra_ap crate...
    let tree = cargo()
        .args(["tree", "--locked", "-p", "cargo-borrowscope", "--no-default-features", "-e", "normal", "--prefix", "none"])
        .current_dir(workspace())
        .output()
        .unwrap();
    assert!(tree.status.success(), "{}", text(&tree.stderr));
    let crates = text(&tree.stdout);
    assert!(!crates.contains("ra_ap_") && !crates.contains("borrowscope-analyzer"), "{crates}");
    assert!(crates.contains("borrowscope-runtime"));
    // ... and its `show` reads a trace, while `analyze` says how to get the analyzer.
    let folder = target().join("readers-only");
    let built = cargo()
        .args(["build", "--locked", "-p", "cargo-borrowscope", "--no-default-features", "--bin", "cargo-borrowscope"])
        .env("CARGO_TARGET_DIR", &folder)
        .current_dir(workspace())
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", text(&built.stderr));
    let readers = folder.join("debug/cargo-borrowscope");
    let demo = workspace().join("cargo-borrowscope/tests/fixtures/demo/trace.json");
    let shown = Command::new(&readers).args(["borrowscope", "show"]).arg(&demo).output().unwrap();
    assert!(shown.status.success(), "{}", text(&shown.stderr));
    assert!(text(&shown.stdout).lines().count() > 50);
    let analyze = Command::new(&readers).args(["borrowscope", "analyze", "."]).output().unwrap();
    assert_eq!(analyze.status.code(), Some(2));
    assert!(text(&analyze.stderr).contains("built without the analyzer"), "{}", text(&analyze.stderr));
}
