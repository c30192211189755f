//! What tracing keeps allocated through the program's own allocator: 200 threads, each
//! making one traced call (`thread_allocations traced`) or the same work untraced, three
//! rounds, and the bytes still allocated after each round through a counting
//! `#[global_allocator]` (what a test that counts allocations, as crossbeam-channel's
//! `select2::main` does, sees).
//!
//! `BORROWSCOPE_TRACE=/tmp/t.json BORROWSCOPE_LEAVE_SPOOL=1 cargo run -p borrowscope-macro
//! --example thread_allocations -- traced` (as `cargo borrowscope run` runs a program).

use std::sync::atomic::Ordering::SeqCst;

#[path = "../tests/support/counting.rs"]
mod counting;
use counting::{CALLS, HELD as ALLOCATED, work};

fn main() {
    let traced = std::env::args().nth(1).is_some_and(|a| a == "traced");
    let run = move |k: u64| if traced { work(k) } else { (0..k * 2).sum() };
    // This thread's and a first spawned thread's one-time set-up out of the count.
    run(3);
    std::thread::spawn(move || run(3)).join().unwrap();
    for round in 0..3 {
        let (before, calls) = (ALLOCATED.load(SeqCst), CALLS.load(SeqCst));
        let handles: Vec<_> = (0..200).map(|k| std::thread::spawn(move || run(k))).collect();
        for handle in handles {
            handle.join().unwrap();
        }
        let kept = ALLOCATED.load(SeqCst) - before;
        println!("round {round}: {kept} bytes still allocated, {} allocations, for 200 threads", CALLS.load(SeqCst) - calls);
    }
}
