//! Tracing keeps nothing allocated through the program's own `#[global_allocator]`: a test
//! that counts what its allocator holds while threads come and go (crossbeam-channel's
//! `select2::main` fails past 110,000 bytes) sees the same figure traced as plain. Checked
//! with the events in memory, and in the spool file as `cargo borrowscope run` and `test`
//! record them (this test run again as a child process with `BORROWSCOPE_TRACE` set).

use std::sync::atomic::Ordering::SeqCst;

#[path = "support/counting.rs"]
mod counting;
use counting::{HELD, work};

/// The bytes still held after each of three rounds of 50 named threads (a name is a
/// `String` the recorder keeps a copy of), each making one traced call of up to 300
/// iterations (several chunks of events), and a pause in which the spool's keeper runs.
fn bytes_kept_per_round() -> Vec<isize> {
    // One-time set-up out of the count: this thread's, the first spawned thread's, and the
    // spool's keeper thread starting up.
    work(3);
    std::thread::spawn(|| work(3)).join().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(450));
    (0..3)
        .map(|round| {
            let before = HELD.load(SeqCst);
            let handles: Vec<_> =
                (0..50).map(|k| std::thread::Builder::new().name(format!("worker-{round}-{k}")).spawn(move || work(k * 3)).unwrap()).collect();
            let totals: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
            assert_eq!(totals[10], (0..60).sum::<u64>());
            drop(totals);
            // Long enough for the spool's keeper to describe this round's events (it wakes
            // every 200 ms), inside the count.
            std::thread::sleep(std::time::Duration::from_millis(450));
            HELD.load(SeqCst) - before
        })
        .collect()
}

const CHILD: &str = "BORROWSCOPE_ALLOCATIONS_CHILD";

#[test]
fn tracing_keeps_nothing_in_the_programs_allocator() {
    if std::env::var_os(CHILD).is_some() {
        // The child: report for the parent.
        println!("kept {:?}", bytes_kept_per_round());
        return;
    }
    assert_eq!(bytes_kept_per_round(), [0, 0, 0], "events in memory");
    let events = borrowscope_runtime::trace().events.len();
    assert!(events > 50 * 3 * 50, "the threads were traced: {events} events");

    let dir = std::env::temp_dir().join(format!("borrowscope-allocations-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let trace = dir.join("trace.json");
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["tracing_keeps_nothing_in_the_programs_allocator", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env(borrowscope_runtime::TRACE_ENV, &trace)
        .env(borrowscope_runtime::LEAVE_SPOOL_ENV, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "child failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("kept [0, 0, 0]"), "events in the spool file: {stdout}");
    let spool = borrowscope_runtime::from_spool(&std::fs::read(borrowscope_runtime::spool_path(&trace)).unwrap()).unwrap();
    let named = spool.threads.iter().filter(|t| t.name.as_deref().is_some_and(|n| n.starts_with("worker-"))).count();
    assert_eq!(named, 150, "every thread's name kept in the spool");
    assert!(spool.events.len() > 50 * 3 * 50, "the child's threads were traced: {} events", spool.events.len());
    std::fs::remove_dir_all(&dir).unwrap();
}
