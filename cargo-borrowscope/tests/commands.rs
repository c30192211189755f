//! `cargo borrowscope show|report|why|dot|chrome` on a real trace (the demo's, in
//! `tests/fixtures/demo/` with the source it was recorded from), and every kind of bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo")
}

/// Runs `cargo borrowscope ARGS` (as Cargo does: `cargo-borrowscope borrowscope ARGS`) in `dir`.
fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-borrowscope")).arg("borrowscope").args(args).current_dir(dir).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn show_prints_the_trace_and_filters_it() {
    let all = cli(&fixture(), &["show", "trace.json"]);
    assert!(all.status.success(), "{}", stderr(&all));
    insta::assert_snapshot!("show_all", stdout(&all));
    let total = cli(&fixture(), &["show", "trace.json", "--var", "total", "--op", "new,drop,move"]);
    insta::assert_snapshot!("show_total_new_drop_move", stdout(&total));
    let worker = cli(&fixture(), &["show", "trace.json", "--thread", "t1"]);
    assert!(stdout(&worker).lines().count() > 0 && stdout(&worker).lines().all(|l| l.split_whitespace().nth(1) == Some("t1")), "{}", stdout(&worker));
    // Functions come from the source, read beside the trace.
    let run = cli(&fixture(), &["show", "trace.json", "--fn", "run"]);
    assert_eq!(
        stdout(&run).lines().count(),
        stdout(&all).lines().filter(|l| l.contains("src/main.rs:2") || l.contains("src/main.rs:3") || l.contains("src/main.rs:4")).count()
    );
    let none = cli(&fixture(), &["show", "trace.json", "--fn", "main"]);
    assert!(none.status.success() && stdout(&none).is_empty());
    assert!(stderr(&none).contains("no event matches (the trace has 63 events)"), "{}", stderr(&none));
}

#[test]
fn why_tells_a_variables_story_in_words() {
    let output = cli(&fixture(), &["why", "total", "trace.json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    insta::assert_snapshot!("why_total", stdout(&output));
    let output = cli(&fixture(), &["why", "cache", "trace.json"]);
    insta::assert_snapshot!("why_cache", stdout(&output));
    let unknown = cli(&fixture(), &["why", "nobody", "trace.json"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("no variable named `nobody` in the trace; its variables are: cache, config, handles,"), "{}", stderr(&unknown));
}

#[test]
fn report_dot_and_chrome_write_their_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture().join("trace.json"), dir.path().join("trace.json")).unwrap();
    let report = cli(dir.path(), &["report", "trace.json"]);
    assert!(report.status.success(), "{}", stderr(&report));
    assert!(stderr(&report).contains("wrote trace.html"), "{}", stderr(&report));
    let html = std::fs::read_to_string(dir.path().join("trace.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("\"events\":[["));
    // Without the source beside it, the report says the file could not be read.
    assert!(html.contains("[\"src/main.rs\",null]"), "the source is not invented");
    let with_source = cli(&fixture(), &["report", "trace.json", "-o", dir.path().join("r.html").to_str().unwrap()]);
    assert!(with_source.status.success());
    assert!(std::fs::read_to_string(dir.path().join("r.html")).unwrap().contains("fn run() -> usize"), "the source is embedded");

    let dot = cli(dir.path(), &["dot", "trace.json"]);
    assert!(stdout(&dot).starts_with("digraph"), "{}", stdout(&dot));
    let chrome = cli(dir.path(), &["chrome", "trace.json", "-o", "chrome.json"]);
    assert!(chrome.status.success());
    let text = std::fs::read_to_string(dir.path().join("chrome.json")).unwrap();
    assert!(text.contains("\"traceEvents\""), "{text:.200}");
}

#[test]
fn bad_input_gets_one_clear_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(fixture().join("trace.json")).unwrap();
    let cases: [(&str, Vec<u8>, &str); 6] = [
        ("words.json", b"hello".to_vec(), "is not a BorrowScope trace"),
        ("other.json", br#"{"traceEvents": []}"#.to_vec(), "is not a BorrowScope trace (this is not a BorrowScope trace"),
        ("future.json", good.replacen("\"version\":1", "\"version\":9", 1).into_bytes(), "was written by another version of BorrowScope"),
        ("truncated.json", good.as_bytes()[..good.len() / 2].to_vec(), "is truncated"),
        ("binary.json", vec![0xff, 0xfe, 0x00, 0x01], "is not a BorrowScope trace (it is not text)"),
        ("empty.json", Vec::new(), "is truncated"),
    ];
    for (name, bytes, expected) in cases {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        for command in ["show", "report", "dot", "chrome"] {
            let output = cli(dir.path(), &[command, name]);
            assert_eq!(output.status.code(), Some(2), "{command} {name}");
            let message = stderr(&output);
            assert_eq!(message.lines().count(), 1, "one line: {message}");
            assert!(message.starts_with(&format!("error: {name} ")) && message.contains(expected), "{command} {name}: {message}");
            assert!(message.contains("cargo borrowscope run"), "says what to do: {message}");
        }
    }
    let missing = cli(dir.path(), &["show", "missing.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).starts_with("error: cannot read missing.json"), "{}", stderr(&missing));
    let bad_op = cli(&fixture(), &["show", "trace.json", "--op", "dorp"]);
    assert!(stderr(&bad_op).contains("--op dorp: no such operation; the operations are new, borrow,"), "{}", stderr(&bad_op));
    let bad_thread = cli(&fixture(), &["show", "trace.json", "--thread", "main"]);
    assert!(stderr(&bad_thread).contains("--thread main: give a thread index"), "{}", stderr(&bad_thread));
}
