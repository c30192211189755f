//! A `#[global_allocator]` that counts the bytes allocated and not yet freed, and the
//! allocations made, forwarding to `System` (shared by `tests/allocations.rs` and
//! `examples/thread_allocations.rs`, each of which installs it).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering::SeqCst};

pub(crate) struct Counting;

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
