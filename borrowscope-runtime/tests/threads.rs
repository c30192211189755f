//! Recording from many threads: nothing is lost, exited threads are included, and the
//! global order respects spawn, join and channels.
#![cfg(feature = "track")]

use std::sync::mpsc;
use std::thread;

use borrowscope_runtime::*;

#[test]
fn eight_threads_of_a_million_events_lose_nothing() {
    const THREADS: usize = 8;
    const EACH: usize = 1_000_000;
    // Room for every event, and for each thread's last chunk, which it fills only partly.
    let session = Session::with_max_events(THREADS * EACH + THREADS * 4096);
    thread::scope(|scope| {
        for t in 0..THREADS {
            let session = session.clone();
            scope.spawn(move || {
                let _guard = session.enter();
                for i in 0..EACH {
                    track_loop_iteration(t, i, "");
                }
            });
        }
    });
    // Every thread has exited; its events are still there, each thread's in its own order.
    let trace = session.trace();
    assert_eq!(trace.dropped, 0);
    assert_eq!(trace.events.len(), THREADS * EACH);
    assert_eq!(trace.threads.len(), THREADS);
    let mut next = [0u64; THREADS];
    for (position, event) in trace.events.iter().enumerate() {
        assert_eq!(event.order, position as u64);
        let t = event.id as usize;
        assert_eq!(event.arg, next[t], "thread {t} out of order");
        next[t] += 1;
    }
    assert!(next.iter().all(|&n| n == EACH as u64));
}

fn order_of(trace: &Trace, name: &str) -> u64 {
    trace.events.iter().find(|e| e.site.name == name).unwrap_or_else(|| panic!("no event {name}")).order
}

#[test]
fn a_spawned_thread_comes_after_what_its_parent_did_before_spawning_it() {
    let session = Session::new();
    session.record(|| {
        // Enough events that the parent's clock runs far ahead of a new thread's.
        for i in 0..10_000 {
            track_loop_iteration(1, i, "");
        }
        track_cell_set("before_spawn");
        let child_session = session.clone();
        let handle = track_thread_spawn(
            "handle",
            thread::spawn(move || {
                let _guard = child_session.enter();
                track_cell_set("in_child");
            }),
        );
        track_thread_join("handle", handle.join()).unwrap();
        track_cell_set("after_join");
    });
    let trace = session.trace();
    let (before, child, join, after) = (
        order_of(&trace, "before_spawn"),
        order_of(&trace, "in_child"),
        trace.events.iter().find(|e| e.op == Op::ThreadJoin).unwrap().order,
        order_of(&trace, "after_join"),
    );
    assert!(before < child, "the child's event comes after the parent's earlier events");
    assert!(child < join && join < after, "the join comes after everything the child did");
    let text = trace.to_text();
    assert!(text.contains("spawned=t1"), "{text}");
}

#[test]
fn a_receive_comes_after_what_the_sender_did_before_sending() {
    let session = Session::new();
    let (tx, rx) = mpsc::channel();
    let sender_session = session.clone();
    let sender = thread::spawn(move || {
        let _guard = sender_session.enter();
        for i in 0..10_000 {
            track_loop_iteration(2, i, "");
        }
        track_cell_set("before_send");
        track_channel_send("chan", tx.send(1)).unwrap();
    });
    session.record(|| {
        track_cell_set("receiver_starts");
        assert_eq!(track_channel_recv("chan", rx.recv()), Ok(1));
        track_cell_set("after_recv");
    });
    sender.join().unwrap();
    let trace = session.trace();
    let recv = trace.events.iter().find(|e| e.op == Op::ChannelRecv).unwrap().order;
    assert!(order_of(&trace, "before_send") < recv);
    assert!(recv < order_of(&trace, "after_recv"));
}

#[test]
fn the_process_wide_recorder_sees_every_thread_and_reset_clears_it() {
    // The global recorder is shared by every test of this binary that does not use a
    // session; this is the only one here that does, so counting is safe.
    reset();
    let handles: Vec<_> = (0..3).map(|i| thread::spawn(move || track_drop_with_id(100 + i, "g", ""))).collect();
    handles.into_iter().for_each(|h| h.join().unwrap());
    let ids: std::collections::BTreeSet<_> = get_events().iter().map(|e| e.id).collect();
    assert_eq!(ids, [100, 101, 102].into_iter().collect());
    reset();
    assert!(get_events().is_empty());
    track_drop_with_id(7, "after_reset", "");
    assert_eq!(get_events().len(), 1);
    reset();
}
