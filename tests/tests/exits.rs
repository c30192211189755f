//! How a traced program's trace survives the ways a program ends: `std::process::exit`, a
//! panic in `main`, a panic on a worker thread (the events before it and the drops during
//! unwinding are kept), and a trace file that cannot be written (one clear error, no partial
//! file). The program is `src/bin/exits.rs`.

use std::path::Path;
use std::process::{Command, Output};

use borrowscope_runtime::{Op, Trace, from_json};

fn run(mode: &str, trace: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_exits")).arg(mode).env("BORROWSCOPE_TRACE", trace).output().unwrap()
}

fn read(trace: &Path) -> Trace {
    from_json(&std::fs::read_to_string(trace).expect("the trace was written")).unwrap()
}

fn ops_of(trace: &Trace, name: &str) -> Vec<Op> {
    trace.events.iter().filter(|e| e.site.name == name).map(|e| e.op).collect()
}

/// `numbers` was created and ended (its last use is a method call, which without the
/// type-info file ends it as `scope_end`).
fn created_and_ended(trace: &Trace, name: &str) {
    let ops = ops_of(trace, name);
    assert!(matches!(ops.as_slice(), [Op::New, Op::Drop | Op::ScopeEnd]), "{name}: {ops:?}");
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn process_exit_still_writes_the_trace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("exit.json");
    let output = run("exit", &path);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let trace = read(&path);
    created_and_ended(&trace, "numbers");
    assert_eq!(ops_of(&trace, "total").first(), Some(&Op::New));
}

#[test]
fn a_panic_in_main_still_writes_the_trace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("panic.json");
    let output = run("panic", &path);
    assert_eq!(output.status.code(), Some(101));
    assert!(stderr(&output).contains("main gives up"), "{}", stderr(&output));
    let trace = read(&path);
    created_and_ended(&trace, "numbers");
}

#[test]
fn a_panic_on_a_worker_keeps_the_events_before_it_and_the_drops_of_unwinding() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("worker.json");
    let output = run("worker", &path);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "worker panicked: true");
    let trace = read(&path);
    // `kept` and `count` were created, then dropped while the panic unwound the frame
    // (in reverse order), on the worker thread.
    let worker: Vec<(Op, &str)> = trace
        .events
        .iter()
        .filter(|e| matches!(e.site.name, "kept" | "count") && matches!(e.op, Op::New | Op::Drop | Op::ScopeEnd))
        .map(|e| (e.op, e.site.name))
        .collect();
    assert_eq!(worker, [(Op::New, "kept"), (Op::New, "count"), (Op::Drop, "count"), (Op::Drop, "kept")]);
}

#[test]
fn a_trace_that_cannot_be_written_gives_one_clear_error_and_no_file() {
    let dir = tempfile::tempdir().unwrap();
    // A folder that does not exist.
    let missing = dir.path().join("no-such-folder/trace.json");
    let output = run("many", &missing);
    assert!(output.status.success());
    let messages = stderr(&output);
    assert_eq!(messages.lines().filter(|l| l.starts_with("borrowscope:")).count(), 1, "{messages}");
    assert!(messages.contains("BORROWSCOPE_TRACE") && messages.contains("no-such-folder/trace.json"), "{messages}");
    assert!(messages.contains("check that its folder exists"), "{messages}");

    // A full disk: a file-size limit of one block, with the signal it raises ignored, makes
    // the write fail part-way like a full disk does.
    let full = dir.path().join("full.json");
    let script = format!("ulimit -f 1 && trap '' XFSZ && exec {} many", env!("CARGO_BIN_EXE_exits"));
    let output = Command::new("sh").args(["-c", &script]).env("BORROWSCOPE_TRACE", &full).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let messages = stderr(&output);
    assert_eq!(messages.lines().filter(|l| l.starts_with("borrowscope:")).count(), 1, "{messages}");
    assert!(messages.contains("full.json") && messages.contains("nothing was written"), "{messages}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "a partial or temporary file was left: {left:?}");

    // And the same program with room to write: the whole trace.
    let fine = dir.path().join("fine.json");
    assert!(run("many", &fine).status.success());
    assert!(read(&fine).events.len() > 300);
}
