//! `cargo borrowscope run --all` and `test --all` on projects that have never heard of
//! BorrowScope: no dependency, no attribute. Nothing of the user's is written; the program's
//! output, input and exit status pass through; the results are `cargo test`'s; every site of
//! every trace is in the user's files, at the line and column of what it names there.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use borrowscope_runtime::{Op, Trace};
use borrowscope_tests::{cargo_borrowscope, fixture};

/// Every file of the project outside `target/` and `.git/`, with its content.
fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !(dir == root && (entry.file_name() == "target" || entry.file_name() == ".git")) {
                    stack.push(path);
                }
            } else {
                out.insert(path.strip_prefix(root).unwrap().to_owned(), std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// `cargo borrowscope ARGS` in `dir`, with `input` on its standard input.
fn borrowscope(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(cargo_borrowscope())
        .arg("borrowscope")
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("BORROWSCOPE_TRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// The traces a command wrote (listed in its messages), read.
fn traces(messages: &str) -> Vec<(PathBuf, Trace)> {
    messages
        .lines()
        .filter_map(|line| line.strip_prefix("cargo borrowscope: trace  "))
        .map(|path| (PathBuf::from(path), borrowscope_runtime::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()))
        .collect()
}

/// Checks every site of `trace` against the user's files under `root`: each names a file of
/// the workspace (never the copy, the build output, a crate outside or a proc-macro crate),
/// and each `new` of a plain name sits at that name's line and column. How many `new`s were
/// checked.
fn sites_are_the_users(trace: &Trace, root: &Path, not_instrumented: &[&str]) -> usize {
    let mut checked = 0;
    for event in &trace.events {
        let site = event.site;
        if site.file.is_empty() {
            continue;
        }
        let file = Path::new(site.file);
        assert!(file.is_relative() && !site.file.starts_with("target/"), "{event}: not the user's file");
        assert!(!not_instrumented.iter().any(|p| site.file.starts_with(p)), "{event}: this crate is not instrumented");
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_else(|_| panic!("{event}: {} is not in the workspace", site.file));
        if event.op == Op::New && !site.name.is_empty() && site.name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            let line = text.lines().nth(site.line as usize - 1).unwrap_or_else(|| panic!("{event}: no such line"));
            let at: String = line.chars().skip(site.column as usize - 1).collect();
            assert!(at.starts_with(site.name), "{event}: the user's line {} has {at:?} at column {}", site.line, site.column);
            checked += 1;
        }
    }
    checked
}

const FRESH_MAIN: &str = r#"use std::io::Read;

struct Account { owner: String, balance: i64 }

impl Account {
    fn deposit(&mut self, amount: i64) { self.balance += amount; }
}

fn total(accounts: &[Account]) -> i64 { accounts.iter().map(|account| account.balance).sum() }

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let mut first = Account { owner: input.trim().to_owned(), balance: 10 };
    first.deposit(5);
    let accounts = vec![first];
    println!("{} {}", accounts[0].owner, total(&accounts));
    let code: i32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(0);
    std::process::exit(code);
}
"#;

#[test]
fn run_all_traces_a_fresh_project_without_changing_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"bank\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\n").unwrap();
    std::fs::write(root.join(".gitignore"), "/target\n").unwrap();
    std::fs::write(root.join("src/main.rs"), FRESH_MAIN).unwrap();
    let git = |args: &[&str]| Command::new("git").args(args).current_dir(root).output();
    let has_git = git(&["init", "-q"]).is_ok_and(|o| o.status.success())
        && git(&["add", "-A"]).is_ok_and(|o| o.status.success())
        && git(&["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start"]).is_ok_and(|o| o.status.success());
    let before = files(root);

    let output = borrowscope(root, &["run", "--all", "--", "7"], "alice\n");
    let messages = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(7), "the program's exit status: {messages}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "alice 15\n", "the program's own output, from its own input");
    assert_eq!(files(root), before, "no file of the project changed");
    if has_git {
        let status = git(&["status", "--porcelain"]).unwrap();
        assert_eq!(String::from_utf8_lossy(&status.stdout), "", "git status shows nothing changed");
    }

    let written = traces(&messages);
    assert_eq!(written.len(), 1, "{messages}");
    let (path, trace) = &written[0];
    let checked = sites_are_the_users(trace, root, &[]);
    // input, first, amount, accounts (twice: main's and total's), account.
    assert!(checked >= 6, "{checked} sites checked");
    let names: Vec<&str> = trace.events.iter().filter(|e| e.op == Op::New).map(|e| e.site.name).collect();
    for name in ["input", "first", "amount", "accounts", "account"] {
        assert!(names.contains(&name), "{name} is traced: {names:?}");
    }
    let report = std::fs::read_to_string(path.with_file_name("report.html")).unwrap();
    assert!(report.contains("fn total(accounts: &amp;[Account])") || report.contains("fn total(accounts: &[Account])"), "the user's source");
    assert!(!report.contains("trace_borrow"), "the report shows the user's source, not the copy's");

    // An edit: only the edited file is copied again, and the run sees it.
    std::fs::write(root.join("src/main.rs"), FRESH_MAIN.replace("balance: 10", "balance: 20")).unwrap();
    let again = borrowscope(root, &["run", "--all"], "bob\n");
    let messages = String::from_utf8_lossy(&again.stderr);
    assert_eq!(String::from_utf8_lossy(&again.stdout), "bob 25\n", "{messages}");
    assert!(messages.contains("(1 files updated)"), "{messages}");

    // `--trace` narrows it to a function (here without the analysis): only `total`'s events.
    let narrowed = borrowscope(root, &["run", "--all", "--trace", "total", "--syntax-only"], "carol\n");
    let messages = String::from_utf8_lossy(&narrowed.stderr);
    assert_eq!(String::from_utf8_lossy(&narrowed.stdout), "carol 25\n", "{messages}");
    assert!(messages.contains("1 functions and impl blocks traced"), "{messages}");
    let (_, trace) = &traces(&messages)[0];
    assert!(!trace.events.is_empty() && trace.events.iter().all(|e| e.site.line == 9), "only fn total (line 9) is traced");
    assert_eq!(files(root).len(), before.len(), "still nothing of the project's written");

    // A build that fails: cargo's status, and no claim that anything ran.
    std::fs::write(root.join("src/main.rs"), FRESH_MAIN.replace("balance: 10", "balance: \"10\"")).unwrap();
    let broken = borrowscope(root, &["run", "--all", "--syntax-only"], "");
    let messages = String::from_utf8_lossy(&broken.stderr);
    assert_eq!(broken.status.code(), Some(101), "{messages}");
    assert!(messages.contains("error[E0308]"), "cargo's own error: {messages}");
    assert!(
        messages.contains("no trace was written: no traced function recorded an event (cargo failed with exit status 101: see its messages above)"),
        "{messages}"
    );
}

#[test]
fn test_all_on_a_real_workspace_gives_the_results_of_cargo_test() {
    let fixture = fixture("untouched");
    let root = fixture.path().join("workspace");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let plain = Command::new(&cargo).args(["test"]).current_dir(&root).env_remove("CARGO_TARGET_DIR").output().unwrap();
    let plain_log = format!("{}{}", String::from_utf8_lossy(&plain.stdout), String::from_utf8_lossy(&plain.stderr));
    assert!(plain.status.success(), "{plain_log}");
    let before = files(&root);

    let output = borrowscope(&root, &["test", "--all"], "");
    let messages = String::from_utf8_lossy(&output.stderr);
    let log = format!("{}{messages}", String::from_utf8_lossy(&output.stdout));
    assert!(output.status.success(), "{log}");
    assert_eq!(results(&log), results(&plain_log), "the same tests pass: {log}");
    assert_eq!(files(&root), before, "no file of the workspace changed (manifests and lock file included)");
    let warnings = |log: &str| log.lines().filter(|l| l.starts_with("warning: ") && !l.contains(" generated ")).count();
    assert_eq!(warnings(&log), warnings(&plain_log), "no new warning: {log}");

    let traces = traces(&messages);
    // The library's unit tests, its integration tests, the binary's integration test and the
    // binary it runs, and the edition-2015 crate's unit tests.
    assert!(traces.len() >= 4, "{messages}");
    let mut checked = 0;
    for (_, trace) in &traces {
        checked += sites_are_the_users(trace, &root, &["macros/", "../"]);
    }
    assert!(checked >= 10, "{checked} sites checked");
    let files_traced: std::collections::BTreeSet<&str> = traces.iter().flat_map(|(_, t)| t.events.iter().map(|e| e.site.file)).collect();
    for file in ["shapes/src/lib.rs", "shapes/tests/area.rs", "legacy/src/lib.rs", "app/src/main.rs"] {
        assert!(files_traced.contains(file), "{file} is traced: {files_traced:?}");
    }

    // Each test's story on its own: libtest names each test's thread after the test.
    let (unit, trace) = traces
        .iter()
        .find(|(_, t)| t.threads.iter().any(|th| th.name.as_deref() == Some("tests::squares_and_rects")))
        .expect("the shapes unit tests' trace");
    let shown = Command::new(cargo_borrowscope()).args(["borrowscope", "show"]).arg(unit).args(["--test", "squares_and_rects"]).output().unwrap();
    let shown = String::from_utf8_lossy(&shown.stdout);
    let thread = trace.threads.iter().find(|th| th.name.as_deref() == Some("tests::squares_and_rects")).unwrap().index;
    assert!(shown.lines().count() > 3 && shown.lines().all(|l| l.split_whitespace().nth(1) == Some(&format!("t{thread}"))), "{shown}");
    assert!(shown.contains(" new shapes ") && !shown.contains(" new none "), "only that test's events: {shown}");
    // A test's name longer than the spool keeps beside each chunk is still whole.
    let long = "tests::an_empty_list_has_no_area_and_this_test_has_a_long_name";
    let thread = trace.threads.iter().find(|th| th.name.as_deref() == Some(long)).unwrap_or_else(|| panic!("{:?}", trace.threads)).index;
    let shown = Command::new(cargo_borrowscope()).args(["borrowscope", "show"]).arg(unit).args(["--test", long]).output().unwrap();
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.lines().all(|l| l.split_whitespace().nth(1) == Some(&format!("t{thread}"))), "{shown}");
    assert!(shown.contains(" new none "), "{shown}");
    // Its nested helper's events too, in the helper's function.
    assert!(shown.contains(" new made "), "{shown}");
    let why = Command::new(cargo_borrowscope()).args(["borrowscope", "why", "made"]).arg(unit).output().unwrap();
    let why = String::from_utf8_lossy(&why.stdout);
    assert!(why.contains(" in fn empty,"), "{why}");
    let why = Command::new(cargo_borrowscope()).args(["borrowscope", "why", "none"]).arg(unit).output().unwrap();
    let why = String::from_utf8_lossy(&why.stdout);
    assert!(why.contains(" in fn an_empty_list_has_no_area_and_this_test_has_a_long_name,"), "{why}");

    // A box returned through the callee's binding was made once, there: the caller's binding
    // received it (no second `box_new`); a trait's default method is traced.
    let thread = trace.threads.iter().find(|th| th.name.as_deref() == Some("tests::a_box_made_once_and_a_default_method")).unwrap().index;
    let on_thread: Vec<_> = trace.events.iter().filter(|e| e.thread == thread).collect();
    let named = |op: Op, name: &str| on_thread.iter().filter(|e| e.op == op && e.site.name == name).count();
    assert_eq!((named(Op::BoxNew, "packed"), named(Op::BoxNew, "held"), named(Op::Receive, "held")), (1, 0, 1), "{on_thread:#?}");
    assert_eq!(named(Op::New, "once"), 1, "the default method's binding: {on_thread:#?}");

    // `run --all` from a member's folder runs that member, in that folder.
    let run = borrowscope(&root.join("app"), &["run", "--all", "--", "3"], "ada\n");
    let messages = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(3), "{messages}");
    // Nothing changed since `test --all`: nothing copied again (the lock file Cargo completed
    // in the copy neither).
    assert!(messages.contains("(0 files updated)"), "{messages}");
    assert_eq!(String::from_utf8_lossy(&run.stdout), "owner ada: 7 84 true build.rs\n");

    // Cargo's options go to cargo, and the features to the analysis as well: `widest` exists
    // only with shapes' `wide` feature, which no member turns on, named bare in shapes' folder
    // (the workspace's root is virtual: the analysis, run from there, needs `shapes/wide`),
    // and `--test area` runs one test program of that package.
    let selection = ["--features", "wide", "--test", "area"];
    let member = root.join("shapes");
    let plain = Command::new(&cargo).arg("test").args(selection).current_dir(&member).env_remove("CARGO_TARGET_DIR").output().unwrap();
    let plain_log = format!("{}{}", String::from_utf8_lossy(&plain.stdout), String::from_utf8_lossy(&plain.stderr));
    let output = borrowscope(&member, &[&["test", "--all"][..], &selection].concat(), "");
    let messages = String::from_utf8_lossy(&output.stderr);
    let log = format!("{}{messages}", String::from_utf8_lossy(&output.stdout));
    assert!(output.status.success(), "{log}");
    assert_eq!(results(&log), results(&plain_log), "{log}");
    assert_eq!(results(&log), (4, 0), "the test behind the feature ran: {log}");
    let written = self::traces(&messages);
    assert_eq!(written.len(), 1, "one test program: {messages}");
    let source = std::fs::read_to_string(root.join("shapes/src/lib.rs")).unwrap();
    let line = 2 + source.lines().position(|l| l.starts_with("pub fn widest(")).unwrap() as u32;
    let trace = &written[0].1;
    let in_widest = |op: Op| trace.events.iter().filter(|e| e.op == op && e.site.name == "shapes" && e.site.file == "shapes/src/lib.rs").count();
    // `into_iter` takes the vector by value, which the syntax cannot tell (the method could
    // take `&self`): the analysis of the function behind the feature can.
    assert!(trace.events.iter().any(|e| e.op == Op::Move && e.site.file == "shapes/src/lib.rs" && e.site.line == line), "{:#?}", trace.events);
    assert_eq!(in_widest(Op::ScopeEnd), 0, "{:#?}", trace.events);
    assert_eq!(files(&root), before, "no file of the workspace changed");
}

/// Passed and failed tests, summed over a log's `test result:` lines.
fn results(log: &str) -> (usize, usize) {
    let mut totals = (0, 0);
    for line in log.lines().filter_map(|l| l.strip_prefix("test result: ")) {
        let words: Vec<&str> = line.split(|c: char| c == ';' || c.is_whitespace()).filter(|w| !w.is_empty()).collect();
        let number = |word: &str| words.windows(2).find(|w| w[1] == word).and_then(|w| w[0].parse::<usize>().ok()).unwrap_or(0);
        totals.0 += number("passed");
        totals.1 += number("failed");
    }
    totals
}
