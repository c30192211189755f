//! Bytes held per recorded event: records ten million events on one thread and counts, with
//! a counting allocator, the bytes the recorder still holds, divided by the events.
//!
//! Run with `cargo bench -p borrowscope-runtime --bench memory`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use borrowscope_runtime::*;

struct Counting;

static HELD: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HELD.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    // One measurement per process: a second one would reuse the first one's chunks from
    // the recorder's pool and look smaller than it is.
    let (what, events) = ("track_new", 10_000_000u64);
    {
        let session = Session::with_max_events(usize::MAX);
        let before = HELD.load(Ordering::Relaxed);
        session.record(|| {
            for i in 0..events {
                std::hint::black_box(track_new("x", i));
            }
        });
        let held = HELD.load(Ordering::Relaxed) - before;
        println!("memory/{what}/{events} events: {held} bytes held, {:.2} bytes per event", held as f64 / events as f64);
        drop(session);
    }
}
