//! The program's `#[global_allocator]`, counting the bytes allocated and not yet freed and
//! the allocations made, forwarding to `System`, and the traced work each thread does
//! (shared by `tests/allocations.rs` and `examples/thread_allocations.rs`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering::SeqCst};

struct Counting;

/// Bytes allocated and not yet freed.
pub(crate) static HELD: AtomicIsize = AtomicIsize::new(0);
/// Allocations made.
pub(crate) static CALLS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to `System`, counting on the way.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HELD.fetch_add(layout.size() as isize, SeqCst);
        CALLS.fetch_add(1, SeqCst);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size() as isize, SeqCst);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// One traced call: a binding, and a loop of `2 * n` iterations with one binding each
/// (several chunks of events for the larger `n`).
#[borrowscope_macro::trace_borrow]
pub(crate) fn work(n: u64) -> u64 {
    let doubled = n * 2;
    let mut total = 0;
    for i in 0..doubled {
        let step = i;
        total += step;
    }
    total
}
