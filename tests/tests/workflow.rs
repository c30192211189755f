//! `cargo borrowscope run` and `cargo borrowscope test` in a user's project: one command
//! analyzes it, builds and runs it with tracing on, and leaves the trace and its report
//! under `target/borrowscope/`.

use std::path::Path;
use std::process::{Command, Output};

use borrowscope_tests::{cargo_borrowscope, workspace};

const MAIN: &str = r#"use borrowscope_macro::trace_borrow;

#[trace_borrow]
fn build(n: usize) -> Vec<String> {
    let mut names = Vec::new();
    for i in 0..n {
        let name = format!("order {i}");
        names.push(name);
    }
    names
}

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    let code: i32 = arg.parse().unwrap_or(0);
    println!("{}", build(2).len());
    match arg.as_str() {
        "abort" => std::process::abort(),
        "wait" => {
            println!("ready");
            loop {
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
        }
        _ => std::process::exit(code),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn builds_three() {
        assert_eq!(super::build(3).len(), 3);
    }
}
"#;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"orders\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\n\
         borrowscope-macro = {{ path = {:?} }}\nborrowscope-runtime = {{ path = {:?} }}\n\n[workspace]\n",
        workspace().join("borrowscope-macro"),
        workspace().join("borrowscope-runtime")
    );
    std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.path().join("src/main.rs"), MAIN).unwrap();
    dir
}

/// Writes `source` as the project's `main.rs`, runs it traced (`cargo borrowscope run`,
/// with the analysis), checks that it succeeds and prints `stdout`, and reads its trace.
fn run_traced(dir: &tempfile::TempDir, source: &str, stdout: &str) -> borrowscope_runtime::Trace {
    std::fs::write(dir.path().join("src/main.rs"), source).unwrap();
    let output = cargo_borrowscope_in(dir.path(), &["run"]);
    let messages = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{messages}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), stdout);
    let folder = dir.path().join("target/borrowscope");
    borrowscope_runtime::from_json(&std::fs::read_to_string(folder.join("trace.json")).unwrap()).unwrap()
}

fn cargo_borrowscope_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(cargo_borrowscope())
        .arg("borrowscope")
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("BORROWSCOPE_TRACE")
        .output()
        .unwrap()
}

#[test]
fn run_analyzes_builds_runs_and_writes_the_trace_and_report() {
    let dir = project();
    let output = cargo_borrowscope_in(dir.path(), &["run", "--", "3"]);
    let messages = String::from_utf8_lossy(&output.stderr);
    // The program's own exit status is the command's.
    assert_eq!(output.status.code(), Some(3), "{messages}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "2");
    assert!(dir.path().join(".borrowscope/type-info.json").is_file(), "the workspace was analyzed");
    let folder = dir.path().join("target/borrowscope");
    assert!(messages.contains(&format!("trace  {}", folder.join("trace.json").display())), "{messages}");
    assert!(messages.contains(&format!("report {}", folder.join("report.html").display())), "{messages}");
    let trace = borrowscope_runtime::from_json(&std::fs::read_to_string(folder.join("trace.json")).unwrap()).unwrap();
    let names: Vec<_> = trace.events.iter().filter(|e| e.op == borrowscope_runtime::Op::New).map(|e| e.site.name).collect();
    assert_eq!(names, ["n", "names", "i", "name", "i", "name"], "{names:?}");
    let report = std::fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(report.contains("fn build(n: usize)"), "the report embeds the source");

    // A second run: nothing changed, so the analysis is skipped (and says nothing).
    let again = cargo_borrowscope_in(dir.path(), &["run"]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert!(!String::from_utf8_lossy(&again.stderr).contains("borrowscope-analyzer: wrote"));
}

#[test]
fn test_writes_a_trace_and_report_per_test_program() {
    let dir = project();
    let output = cargo_borrowscope_in(dir.path(), &["test", "builds_three"]);
    let messages = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{messages}");
    let folder = dir.path().join("target/borrowscope");
    let traces: Vec<_> =
        std::fs::read_dir(&folder).unwrap().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect();
    assert_eq!(traces.len(), 1, "one test program traced: {traces:?}");
    let name = traces[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("test-orders-") && name.ends_with(".json"), "{name}");
    assert!(traces[0].with_extension("html").is_file());
    let trace = borrowscope_runtime::from_json(&std::fs::read_to_string(&traces[0]).unwrap()).unwrap();
    assert_eq!(trace.events.iter().filter(|e| e.op == borrowscope_runtime::Op::New && e.site.name == "name").count(), 3);
}

/// Starts `cargo borrowscope run -- wait` in a process group of its own, as a shell starts a
/// foreground job, and waits for the program to say it is ready.
fn started_in_own_group(dir: &Path) -> std::process::Child {
    use std::io::{BufRead, BufReader, Read};
    use std::os::unix::process::CommandExt;
    let mut child = Command::new(cargo_borrowscope())
        .args(["borrowscope", "run", "--", "wait"])
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("BORROWSCOPE_TRACE")
        .process_group(0)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while stdout.read_line(&mut line).unwrap() > 0 && !line.contains("ready") {}
    if !line.contains("ready") {
        let mut messages = String::new();
        child.stderr.take().unwrap().read_to_string(&mut messages).unwrap();
        panic!("the program never said it was ready: {messages}");
    }
    child
}

#[test]
fn ctrl_c_stops_the_program_and_still_leaves_its_trace_and_report() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let dir = project();
    let mut child = started_in_own_group(dir.path());
    // Ctrl-C: the terminal sends SIGINT to the whole foreground group.
    // SAFETY: a signal to the process group the test made.
    assert_eq!(unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGINT) }, 0);
    let status = child.wait().unwrap();
    let mut messages = String::new();
    child.stderr.take().unwrap().read_to_string(&mut messages).unwrap();
    // Ended by the signal, as `cargo run` would be.
    assert_eq!(status.signal(), Some(libc::SIGINT), "{status:?}: {messages}");
    let folder = dir.path().join("target/borrowscope");
    let trace = borrowscope_runtime::from_json(&std::fs::read_to_string(folder.join("trace.json")).unwrap()).unwrap();
    assert_eq!(trace.ended_by.as_deref(), Some("SIGINT"));
    assert_eq!(trace.events.iter().filter(|e| e.op == borrowscope_runtime::Op::New && e.site.name == "name").count(), 2);
    let report = std::fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(report.contains("the run ended by SIGINT (Ctrl-C)"), "the report says how the run ended");
    assert!(messages.contains("cargo borrowscope: the run ended by SIGINT"), "{messages}");
    assert!(!folder.join("trace.json.spool").exists());
}

#[test]
fn an_abort_leaves_a_trace_that_says_so_and_where_each_thread_was() {
    use std::os::unix::process::ExitStatusExt;
    let dir = project();
    let output = cargo_borrowscope_in(dir.path(), &["run", "--", "abort"]);
    let messages = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.signal(), Some(libc::SIGABRT), "{:?}: {messages}", output.status);
    let folder = dir.path().join("target/borrowscope");
    let trace = borrowscope_runtime::from_json(&std::fs::read_to_string(folder.join("trace.json")).unwrap()).unwrap();
    assert_eq!(trace.ended_by.as_deref(), Some("SIGABRT"));
    assert!(messages.contains("cargo borrowscope: the run ended by SIGABRT"), "{messages}");
    assert!(messages.contains("last event on thread 0 (main): drop n at src/main.rs:4:"), "{messages}");
    assert!(!folder.join("trace.json.spool").exists(), "the spool became the trace");
    // `show` reads it and says the same.
    let shown = cargo_borrowscope_in(dir.path(), &["show", folder.join("trace.json").to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&shown.stderr).contains("the run ended by SIGABRT"));
}

#[test]
fn the_ends_of_copy_bindings_sharing_one_destructor_are_recorded_where_they_happen() {
    // With the analysis, a run of bindings whose drop runs no code (`Copy` values, a `&mut`)
    // declared one after another shares one destructor (`__private::Guards`), and so do such
    // parameters next to each other and such names of one pattern: their ends must still
    // come out between the drops of the values declared around them, in reverse order of
    // declaration, as Rust ends them.
    let dir = project();
    let source = r#"use borrowscope_macro::trace_borrow;

struct Noisy(&'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        println!("drop {}", self.0);
    }
}

#[trace_borrow]
fn made(k: u32) -> u32 {
    let doubled = k * 2;
    doubled
}

#[trace_borrow]
fn block(n: u32, m: u32) -> u32 {
    let first = Noisy("first");
    let a = made(n);
    let b = a + m;
    let mut s = 0u32;
    let r = &mut s;
    *r += b;
    let middle = Noisy("middle");
    let c = b + 1;
    println!("{}", c);
    let (d, e) = (c + 1, c + 2);
    for (i, j) in [(1u32, 2u32)] {
        println!("{}", i + j);
    }
    if n > 5 {
        return a;
    }
    let f = d + e;
    a + b + c + f
}

fn main() {
    println!("{}", block(1, 1));
    println!("{}", block(9, 1));
}
"#;
    let trace = run_traced(&dir, source, "4\n3\ndrop middle\ndrop first\n20\n20\n3\ndrop middle\ndrop first\n18\n");
    use borrowscope_runtime::Op;
    let names = ["n", "m", "first", "a", "b", "s", "r", "middle", "c", "d", "e", "f", "i", "j"];
    let ends: Vec<_> = trace
        .events
        .iter()
        .filter(|e| matches!(e.op, Op::Drop | Op::ScopeEnd) && names.contains(&e.site.name))
        .map(|e| e.site.name.to_string())
        .collect();
    let expected = [
        ["j", "i", "f", "e", "d", "c", "middle", "r", "s", "b", "a", "first", "m", "n"].as_slice(),
        &["j", "i", "e", "d", "c", "middle", "r", "s", "b", "a", "first", "m", "n"],
    ]
    .concat();
    assert_eq!(ends, expected);
    // Instances are numbered where each binding's guard of its own would have been made, with
    // runs as without: `a`'s before the call that gives it its value makes `doubled`, `b`'s
    // after it.
    let made_at = |name: &str| trace.events.iter().find(|e| e.op == Op::New && e.site.name == name).map(|e| e.id).unwrap();
    assert!(made_at("a") < made_at("doubled") && made_at("doubled") < made_at("b"), "instances numbered in order");
}

#[test]
fn a_mut_reference_handed_to_a_mut_parameter_is_reborrowed_not_moved() {
    // `transform(state, ..)` with `state: &mut T` and a parameter of type `&mut T` reborrows:
    // `state` stays usable, at its last use too (md5's `consume`). With the analysis, no move
    // of it may be recorded, and its end is recorded once, at the end of its scope.
    let dir = project();
    let source = r#"use borrowscope_macro::trace_borrow;

#[trace_borrow]
fn transform(state: &mut [u32; 4], k: u32) {
    state[0] += k;
}

#[trace_borrow]
fn twice(state: &mut [u32; 4]) {
    transform(state, 1);
    transform(state, 2);
}

fn main() {
    let mut s = [0u32; 4];
    twice(&mut s);
    println!("{}", s[0]);
}
"#;
    let trace = run_traced(&dir, source, "3\n");
    use borrowscope_runtime::Op;
    // A use's site names the binding in its detail (`move [state]`), a binding's own in its name.
    let twice_state = |e: &&borrowscope_runtime::Event| (e.site.name == "state" || e.site.detail == "state") && e.site.line >= 9;
    let moves: Vec<_> = trace.events.iter().filter(twice_state).filter(|e| e.op == Op::Move).collect();
    assert!(moves.is_empty(), "recorded as moved: {moves:?}");
    let ends = trace.events.iter().filter(twice_state).filter(|e| matches!(e.op, Op::Drop | Op::ScopeEnd)).count();
    assert_eq!(ends, 1, "{:?}", trace.events);
}

#[test]
fn a_binding_read_after_its_last_field_needing_a_drop_moved_out_contradicts_nothing() {
    // chrono's tests: `String::from_utf8(out.stdout)`, `String::from_utf8(out.stderr)`, then
    // `out.status.success()`. After the second field moves nothing of `out` needs dropping,
    // and the analyzer says it moved (no drop at its end), but `out` is read again: the move
    // of a part, which the event names (`move [out.stderr]`), is not a move of the whole.
    let dir = project();
    let source = r#"use borrowscope_macro::trace_borrow;

#[derive(Clone, Copy)]
pub struct Status(u8);

impl Status {
    pub fn success(&self) -> bool {
        self.0 == 0
    }
}

pub struct Output {
    pub status: Status,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

#[trace_borrow]
fn describe(out: Output) -> usize {
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "failed");
    stdout.len() + stderr.len() + 1
}

fn main() {
    let out = Output { status: Status(0), stdout: b"ab".to_vec(), stderr: b"c".to_vec() };
    println!("{}", describe(out));
}
"#;
    let trace = run_traced(&dir, source, "4\n");
    let contradictions: Vec<String> = trace.contradictions().iter().map(|c| trace.describe(c)).collect();
    assert!(contradictions.is_empty(), "{contradictions:#?}");
}
