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
