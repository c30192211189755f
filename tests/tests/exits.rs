//! How a traced program's trace survives the ways a program ends: `std::process::exit`, a
//! panic in `main`, a panic on a worker thread (the events before it and the drops during
//! unwinding are kept), and a trace file that cannot be written (one clear error, no partial
//! file), and the eight ways a program ends (return, exit, panic, abort, segfault, SIGINT,
//! SIGTERM, SIGKILL): the exit status is the one the program has untraced, and the trace
//! (written, or read back from the spool the end left) holds every event recorded before
//! the end. The program is `src/bin/exits.rs`.

use std::path::Path;
use std::process::{Command, Output};

use borrowscope_runtime::{Op, Trace, from_json, from_spool, spool_path};

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

/// How a run of `exits ending` is ended: by the program itself, or by a signal the test
/// sends once it has printed `ready` (SIGKILL after a second, longer than the 200 ms in
/// which the spool's keeper writes down new call sites).
#[derive(Clone, Copy, Debug)]
enum Ending {
    Itself(&'static str),
    Signal(libc::c_int, std::time::Duration),
    /// SIGINT to a program with a handler of its own.
    Handled(&'static str),
}

/// Runs `exits ending` to the end `ending`, traced to `trace` when given; returns how it
/// exited (the code, or the signal that ended it).
fn run_to_end(ending: Ending, trace: Option<&Path>) -> (Option<i32>, Option<i32>) {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::ExitStatusExt;
    let (how, signal) = match ending {
        Ending::Itself(how) => (how, None),
        Ending::Signal(signal, after) => ("wait", Some((signal, after))),
        Ending::Handled(how) => (how, Some((libc::SIGINT, std::time::Duration::from_millis(50)))),
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_exits"));
    command.args(["ending", how]).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::null());
    match trace {
        Some(path) => command.env("BORROWSCOPE_TRACE", path),
        None => command.env_remove("BORROWSCOPE_TRACE"),
    };
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = lines.find(|l| l.as_ref().is_ok_and(|l| l == "ready"));
    assert!(ready.is_some() || matches!(ending, Ending::Itself(_)), "{ending:?}: the program never said it was ready");
    if let Some((signal, after)) = signal {
        std::thread::sleep(after);
        // SAFETY: a signal to our own child, which has not been waited for.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
    }
    let status = child.wait().unwrap();
    (status.code(), status.signal())
}

/// The events a trace holds, without what differs from run to run.
fn story(trace: &Trace) -> Vec<(Op, &'static str, u32)> {
    trace.events.iter().map(|e| (e.op, e.site.name, e.site.line)).collect()
}

/// The trace the end left: the JSON trace when it was written, else the spool.
fn left(trace: &Path) -> (Trace, &'static str) {
    if let Ok(text) = std::fs::read_to_string(trace) {
        return (from_json(&text).unwrap(), "trace");
    }
    let bytes = std::fs::read(spool_path(trace)).unwrap_or_else(|_| panic!("neither {} nor its spool was left", trace.display()));
    (from_spool(&bytes).unwrap(), "spool")
}

#[test]
fn every_ending_keeps_the_exit_status_and_every_event_recorded_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let normal = dir.path().join("return.json");
    assert_eq!(run_to_end(Ending::Itself("return"), Some(&normal)), (Some(0), None));
    let expected = read(&normal);
    assert!(expected.events.len() > 1500, "{} events", expected.events.len());
    let second = std::time::Duration::from_secs(2);
    let quick = std::time::Duration::from_millis(50);
    let endings = [
        ("exit", Ending::Itself("exit"), "trace", None),
        ("panic", Ending::Itself("panic"), "trace", None),
        ("abort", Ending::Itself("abort"), "spool", Some("SIGABRT")),
        ("segfault", Ending::Itself("segfault"), "spool", Some("SIGSEGV")),
        ("sigint", Ending::Signal(libc::SIGINT, quick), "trace", Some("SIGINT")),
        ("sigterm", Ending::Signal(libc::SIGTERM, quick), "trace", Some("SIGTERM")),
        ("sighup", Ending::Signal(libc::SIGHUP, quick), "trace", Some("SIGHUP")),
        ("sigkill", Ending::Signal(libc::SIGKILL, second), "spool", Some(Trace::UNFINISHED)),
        // A forked child's events stay out of its parent's spool.
        ("fork", Ending::Itself("fork"), "spool", Some("SIGABRT")),
        // The program's own SIGINT handler keeps its behaviour: it finishes normally, and
        // the trace is written at its normal exit.
        ("handled-before", Ending::Handled("handled-before"), "trace", None),
        ("handled-after", Ending::Handled("handled-after"), "trace", None),
    ];
    let mut table = Vec::new();
    for (name, ending, from, ended_by) in endings {
        let path = dir.path().join(format!("{name}.json"));
        let untraced = run_to_end(ending, None);
        let traced = run_to_end(ending, Some(&path));
        assert_eq!(traced, untraced, "{name}: the exit status differs from the untraced run's");
        let (trace, read_from) = left(&path);
        assert_eq!(read_from, from, "{name}: what the end left");
        assert_eq!(trace.ended_by.as_deref(), ended_by, "{name}: how the trace says the run ended");
        assert_eq!(trace.lost, 0, "{name}: events left unreadable");
        assert_eq!(story(&trace), story(&expected), "{name}: the events differ from a normal run's");
        if from == "trace" {
            assert!(!spool_path(&path).exists(), "{name}: the spool was left beside the trace");
        }
        table.push(format!("{name}: status {traced:?}, {} of {} events, from the {read_from}", trace.events.len(), expected.events.len()));
    }
    eprintln!("{}", table.join("\n"));
}

#[test]
fn a_second_ctrl_c_while_the_trace_is_written_ends_the_process_at_once() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::ExitStatusExt;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    // Ends after `signals` SIGINTs 300 ms apart; how long it took after the last one.
    let run = |name: &str, signals: usize| {
        let path = dir.path().join(name);
        let mut child = Command::new(env!("CARGO_BIN_EXE_exits"))
            .args(["ending", "big"])
            .env("BORROWSCOPE_TRACE", &path)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert!(lines.any(|l| l.is_ok_and(|l| l == "ready")));
        let mut last = Instant::now();
        for i in 0..signals {
            if i > 0 {
                std::thread::sleep(Duration::from_millis(300));
            }
            last = Instant::now();
            // SAFETY: a signal to our own child.
            assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
        }
        let status = child.wait().unwrap();
        (status.signal(), last.elapsed(), path)
    };
    let (signal, once, path) = run("once.json", 1);
    assert_eq!(signal, Some(libc::SIGINT));
    let written = read(&path);
    assert!(written.events.len() > 900_000, "{} events", written.events.len());
    // Writing a million events takes long enough for a second Ctrl-C to arrive meanwhile.
    assert!(once > Duration::from_millis(600), "the trace was written in {once:?}: too quick to interrupt");

    let (signal, after_second, path) = run("twice.json", 2);
    assert_eq!(signal, Some(libc::SIGINT));
    eprintln!(
        "{} events: one Ctrl-C ended the run {once:?} after it, the trace written; a second one {after_second:?} after it",
        written.events.len()
    );
    assert!(after_second < once / 2, "the second Ctrl-C took {after_second:?} to end it; writing the trace takes {once:?}");
    // Nothing half-written: no trace (or a whole one), no temporary file, and the spool
    // (complete: the first handler wrote its call sites down) for the readers.
    let left: Vec<String> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert!(!left.iter().any(|n| n.ends_with(".tmp")), "{left:?}");
    if !path.exists() {
        let spool = from_spool(&std::fs::read(spool_path(&path)).unwrap()).unwrap();
        assert_eq!(spool.events.len(), written.events.len());
        assert_eq!(spool.ended_by.as_deref(), Some("SIGINT"));
    }
}

#[test]
fn the_spool_stays_within_the_event_cap_and_keeps_the_last_events() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let normal = dir.path().join("normal.json");
    assert_eq!(run_to_end(Ending::Itself("return"), Some(&normal)), (Some(0), None));
    let all = story(&read(&normal));
    let path = dir.path().join("last.json");
    let status = Command::new(env!("CARGO_BIN_EXE_exits"))
        .args(["ending", "segfault"])
        .env("BORROWSCOPE_TRACE", &path)
        .env("BORROWSCOPE_MAX_EVENTS", "500")
        .env("BORROWSCOPE_KEEP", "last")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success());
    let spool = spool_path(&path);
    let trace = from_spool(&std::fs::read(&spool).unwrap()).unwrap();
    assert!(trace.events.len() <= 500 && trace.events.len() > 100, "{} events", trace.events.len());
    assert!(trace.overwritten > 0);
    // The most recent events, in order: the end of a normal run's story.
    assert_eq!(story(&trace), all[all.len() - trace.events.len()..]);
    // A sparse file: what takes disk space is the events, their call sites and the pages
    // of the table those touched, not the room it was sized for.
    let meta = std::fs::metadata(&spool).unwrap();
    assert!(meta.blocks() * 512 <= 512 * 1024, "{} bytes on disk", meta.blocks() * 512);
    assert!(meta.len() > 16 << 20);
}

#[test]
fn with_leave_spool_a_normal_exit_leaves_the_whole_run_in_the_spool_and_no_json() {
    let dir = tempfile::tempdir().unwrap();
    let normal = dir.path().join("return.json");
    assert_eq!(run_to_end(Ending::Itself("return"), Some(&normal)), (Some(0), None));
    let expected = read(&normal);
    for how in ["return", "exit", "panic"] {
        let path = dir.path().join(format!("left-{how}.json"));
        let untraced = Command::new(env!("CARGO_BIN_EXE_exits")).args(["ending", how]).env_remove("BORROWSCOPE_TRACE").output().unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_exits"))
            .args(["ending", how])
            .env("BORROWSCOPE_TRACE", &path)
            .env(borrowscope_runtime::LEAVE_SPOOL_ENV, "1")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), untraced.status.code(), "{how}: the exit status");
        assert!(!path.exists(), "{how}: the JSON trace was written in the exiting process");
        let (trace, from) = left(&path);
        assert_eq!(from, "spool", "{how}");
        assert_eq!(trace.ended_by, None, "{how}: a normal exit reads as one");
        assert_eq!(trace.lost, 0, "{how}: every site described at exit");
        assert_eq!(story(&trace), story(&expected), "{how}: the spool holds the events the JSON trace would");
    }
}
