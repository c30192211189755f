//! `BORROWSCOPE_TRACE=path` writes the trace when the process exits, with no code change,
//! and `BORROWSCOPE_MAX_EVENTS` caps the process-wide recorder. The tests run this test
//! binary again as a child process that records and exits.
#![cfg(feature = "track")]

use borrowscope_runtime::*;

const CHILD: &str = "BORROWSCOPE_TEST_EXIT_CHILD";

#[test]
fn child_records_and_exits() {
    // Only does something when started by the test below.
    if std::env::var_os(CHILD).is_some() {
        let x = track_new("exit_x", 1);
        track_drop("exit_x");
        assert_eq!(x, 1);
    }
}

#[test]
fn the_trace_is_written_at_exit_when_the_variable_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("at-exit.json");
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_records_and_exits", "--test-threads=1"])
        .env(CHILD, "1")
        .env(TRACE_ENV, &path)
        .status()
        .unwrap();
    assert!(status.success());
    let trace = from_json(&std::fs::read_to_string(&path).expect("the trace was written at exit")).unwrap();
    let names: Vec<_> = trace.events.iter().map(|e| (e.op, e.site.name)).collect();
    assert_eq!(names, [(Op::New, "exit_x"), (Op::Drop, "exit_x")]);
}

fn run_child(path: &std::path::Path, extra: &[(&str, &str)]) -> Trace {
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command.args(["--exact", "child_records_and_exits", "--test-threads=1"]).env(CHILD, "1").env(TRACE_ENV, path);
    for (key, value) in extra {
        command.env(key, value);
    }
    assert!(command.status().unwrap().success());
    from_json(&std::fs::read_to_string(path).expect("the trace was written at exit")).unwrap()
}

#[test]
fn the_max_events_variable_caps_the_process_wide_recorder() {
    let dir = tempfile::tempdir().unwrap();
    let trace = run_child(&dir.path().join("capped.json"), &[(MAX_EVENTS_ENV, "1")]);
    assert_eq!((trace.events.len(), trace.dropped), (1, 1));
    assert_eq!(trace.events[0].site.name, "exit_x");
}

fn run_child_output(path: &std::path::Path, extra: &[(&str, &str)]) -> (Trace, String) {
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    // Not captured: the runtime's own messages go to stderr while the child test runs.
    command.args(["--exact", "child_records_and_exits", "--test-threads=1", "--nocapture"]).env(CHILD, "1").env(TRACE_ENV, path);
    for (key, value) in extra {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    assert!(output.status.success());
    let trace = from_json(&std::fs::read_to_string(path).expect("the trace was written at exit")).unwrap();
    (trace, String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn dropped_events_are_noted_on_stderr_at_exit_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (trace, stderr) = run_child_output(&dir.path().join("noted.json"), &[(MAX_EVENTS_ENV, "1")]);
    assert_eq!(trace.dropped, 1);
    assert!(stderr.contains("borrowscope: the event cap was reached, so the trace stops there (1 event was dropped;"), "{stderr}");
    assert!(stderr.contains("BORROWSCOPE_KEEP=last"), "{stderr}");
    // Nothing missing: nothing said.
    let (trace, stderr) = run_child_output(&dir.path().join("quiet.json"), &[]);
    assert_eq!(trace.dropped, 0);
    assert!(!stderr.contains("borrowscope:"), "{stderr}");
}

#[test]
fn the_keep_variable_keeps_the_most_recent_events() {
    let dir = tempfile::tempdir().unwrap();
    let (trace, stderr) = run_child_output(&dir.path().join("last.json"), &[(MAX_EVENTS_ENV, "1"), (KEEP_ENV, "last")]);
    let names: Vec<_> = trace.events.iter().map(|e| (e.op, e.site.name)).collect();
    assert_eq!(names, [(Op::Drop, "exit_x")], "the last event is kept");
    assert_eq!((trace.dropped, trace.overwritten), (0, 1));
    assert!(stderr.contains("1 earlier event was overwritten"), "{stderr}");
}

#[test]
fn bad_values_of_the_variables_are_reported_and_the_defaults_used() {
    let dir = tempfile::tempdir().unwrap();
    let (trace, stderr) = run_child_output(&dir.path().join("bad.json"), &[(MAX_EVENTS_ENV, "lots"), (KEEP_ENV, "newest")]);
    assert_eq!(trace.events.len(), 2);
    assert!(stderr.contains("BORROWSCOPE_MAX_EVENTS=\"lots\" is not a number of events"), "{stderr}");
    assert!(stderr.contains("BORROWSCOPE_KEEP=\"newest\" is neither `first` nor `last`"), "{stderr}");
}
