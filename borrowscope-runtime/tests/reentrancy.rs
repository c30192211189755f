//! Instrumented code that runs inside the recorder's own work, here a global allocator that
//! records every allocation, is skipped rather than recursed into or deadlocked on.
#![cfg(feature = "track")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use borrowscope_runtime::*;

struct Recording;

static ON: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; recording never allocates on this path
// re-entrantly (the recorder skips calls made while it is itself allocating).
unsafe impl GlobalAlloc for Recording {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if ON.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            track_call(layout.size(), "alloc", "allocator");
        }
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Recording = Recording;

#[test]
fn an_instrumented_allocator_neither_recurses_nor_deadlocks() {
    let session = Session::new();
    ON.store(true, Ordering::Relaxed);
    session.record(|| {
        // The first events allocate chunks and intern names: the allocator records while the
        // recorder is busy, and those nested calls must be skipped.
        for i in 0..10_000 {
            let v = track_new("v", vec![i]);
            track_drop("v");
            drop(v);
        }
    });
    ON.store(false, Ordering::Relaxed);
    let trace = session.trace();
    let news = trace.events.iter().filter(|e| e.op == Op::New).count();
    let allocs = trace.events.iter().filter(|e| e.op == Op::Call).count();
    assert_eq!(news, 10_000);
    assert!(allocs >= 10_000, "the user's own allocations are recorded ({allocs})");
    assert!(allocs < ALLOCATIONS.load(Ordering::Relaxed), "the recorder's allocations are not");
}
