//! Append-only event chunks: one writer thread, any number of readers, no lock.
//!
//! The owning thread writes a slot and then publishes the new length with a release store;
//! a reader loads the length with acquire and reads only the slots below it, which are never
//! written again. Readers therefore see every event recorded before they looked, from live
//! threads and from threads that have exited, without stopping the writers.

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::site::CallSite;

/// One recorded event as stored: 32 bytes. `head` holds the operation in its top byte and
/// the id in the low 56 bits; `aux` holds the Lamport stamp of synchronizing events and the
/// length of the type name of `New` events (whose pointer is in `arg`).
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct RawEvent {
    pub(crate) site: &'static CallSite,
    pub(crate) head: u64,
    pub(crate) arg: u64,
    pub(crate) aux: u64,
}

const _: () = assert!(size_of::<RawEvent>() == 32);

pub(crate) const ID_BITS: u32 = 56;
pub(crate) const ID_MASK: u64 = (1 << ID_BITS) - 1;

/// Where a chunk came from: the thread that writes it, and its place among that thread's
/// chunks, which is the order its events happened in.
#[derive(Debug, Clone)]
pub(crate) struct ThreadInfo {
    /// BorrowScope's index of the thread: 0 for the first thread that recorded, and so on.
    pub(crate) index: u32,
    /// The thread's name, if it has one.
    pub(crate) name: Option<String>,
    /// The number inside std's `ThreadId` of the thread, to link spawns and joins.
    pub(crate) std_id: u64,
}

pub(crate) struct Chunk {
    slots: Box<[UnsafeCell<MaybeUninit<RawEvent>>]>,
    len: AtomicUsize,
    /// Events below `base` were cleared by `reset` and are not reported.
    base: AtomicUsize,
    pub(crate) thread: ThreadInfo,
    /// The chunk's place among its thread's chunks.
    pub(crate) sequence: u64,
    /// The thread's Lamport clock just before the chunk's first event.
    pub(crate) start_clock: u64,
}

// SAFETY: slots below `len` are immutable once published (release store of `len`, acquire
// load by readers); slots at or above `len` are only touched by the single writer thread,
// through `write`, which `Local` guarantees is called from that thread only.
unsafe impl Sync for Chunk {}
unsafe impl Send for Chunk {}

impl Chunk {
    pub(crate) fn new(capacity: usize, thread: ThreadInfo, sequence: u64, start_clock: u64) -> Chunk {
        let slots = (0..capacity).map(|_| UnsafeCell::new(MaybeUninit::uninit())).collect();
        Chunk { slots, len: AtomicUsize::new(0), base: AtomicUsize::new(0), thread, sequence, start_clock }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// The first free slot, for the writer.
    pub(crate) fn slot_ptr(&self) -> *mut RawEvent {
        self.slots.as_ptr() as *mut RawEvent
    }

    pub(crate) fn len_cell(&self) -> &AtomicUsize {
        &self.len
    }

    /// The published events, all of them (including those before `base`, which carry the
    /// clock forward) and the index from which they are reported.
    pub(crate) fn published(&self) -> (&[RawEvent], usize) {
        let len = self.len.load(Ordering::Acquire);
        let base = self.base.load(Ordering::Acquire).min(len);
        // SAFETY: slots below `len` were fully written before `len` was published.
        let events = unsafe { std::slice::from_raw_parts(self.slots.as_ptr() as *const RawEvent, len) };
        (events, base)
    }

    /// Hides every event published so far.
    pub(crate) fn clear(&self) {
        self.base.store(self.len.load(Ordering::Acquire), Ordering::Release);
    }
}
