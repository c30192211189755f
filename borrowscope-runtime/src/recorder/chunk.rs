//! Append-only event chunks: one writer thread, any number of readers, no lock.
//!
//! The owning thread writes a slot and then publishes the new length with a release store;
//! a reader loads the length with acquire and reads only the slots below it, which are never
//! written again. Readers therefore see every event recorded before they looked, from live
//! threads and from threads that have exited, without stopping the writers.

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use super::sys::SysVec;
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

/// The size of a full chunk: 4096 events, 128 KiB.
pub(crate) const MAX_CHUNK: usize = 4096;

/// A chunk's slots in ordinary memory, from the system allocator (see `sys`).
type Slots = SysVec<UnsafeCell<MaybeUninit<RawEvent>>>;

/// Full-size chunk memory freed by `reset` or by a dropped session, kept for reuse (up to
/// the default event cap, 32 MiB, which the recorder may hold anyway) so that recording
/// again writes to memory the process has already touched instead of faulting in fresh pages.
static POOL: Mutex<SysVec<Slots>> = Mutex::new(SysVec::new());
const POOL_LIMIT: usize = super::DEFAULT_MAX_EVENTS / MAX_CHUNK;

pub(crate) const ID_BITS: u32 = 56;
pub(crate) const ID_MASK: u64 = (1 << ID_BITS) - 1;

/// Where a chunk came from: the thread that writes it, and its place among that thread's
/// chunks, which is the order its events happened in.
#[derive(Debug, Clone)]
pub(crate) struct ThreadInfo {
    /// BorrowScope's index of the thread: 0 for the first thread that recorded, and so on.
    pub(crate) index: u32,
    /// The thread's name, if it has one.
    pub(crate) name: Option<super::SysStr>,
    /// The number inside std's `ThreadId` of the thread, to link spawns and joins.
    pub(crate) std_id: u64,
}

/// Where a chunk's slots and published length live.
enum Memory {
    /// Ordinary memory: a session's chunks, or every chunk when there is no spool.
    Heap {
        slots: Slots,
        len: AtomicUsize,
        /// Events below `base` were cleared by `reset` and are not reported.
        base: AtomicUsize,
    },
    /// A record of the spool, the file the process-wide recorder writes while
    /// `BORROWSCOPE_TRACE` is set (see `crate::spool`).
    #[cfg(all(unix, target_pointer_width = "64"))]
    Mapped(crate::spool::file::MappedChunk),
}

pub(crate) struct Chunk {
    memory: Memory,
    pub(crate) thread: ThreadInfo,
    /// The thread's Lamport clock just before the chunk's first event.
    pub(crate) start_clock: u64,
    /// The stamp of the chunk's last synchronizing event and the length just after it (0:
    /// none yet), so that another thread can compute this thread's current clock.
    last_stamp: AtomicU64,
    last_stamp_len: AtomicUsize,
    /// How many of its events the spool's keeper has described (see `spool::signals`).
    pub(crate) described: AtomicUsize,
}

// SAFETY: slots below `len` are immutable once published (release store of `len`, acquire
// load by readers); slots at or above `len` are only touched by the single writer thread,
// through `write`, which `Local` guarantees is called from that thread only.
unsafe impl Sync for Chunk {}
unsafe impl Send for Chunk {}

impl Chunk {
    /// A chunk of `capacity` slots, in the spool when `spooled` and the process has one.
    pub(crate) fn new(capacity: usize, spooled: bool, thread: ThreadInfo, sequence: u64, start_clock: u64) -> Chunk {
        #[cfg(all(unix, target_pointer_width = "64"))]
        if let Some(spool) = crate::spool::file::get().filter(|_| spooled)
            && let Some(mapped) = spool.allocate(capacity, &thread, sequence, start_clock)
        {
            return Chunk::in_memory(Memory::Mapped(mapped), thread, start_clock);
        }
        let _ = spooled;
        let pooled = (capacity == MAX_CHUNK).then(|| POOL.lock().unwrap_or_else(PoisonError::into_inner).pop()).flatten();
        // Uninitialised slots, without touching each one (which costs a call per slot in a
        // debug build of the user's program).
        // SAFETY: an uninitialised `MaybeUninit` is a valid value.
        let slots = pooled.unwrap_or_else(|| unsafe { SysVec::uninit(capacity) });
        Chunk::in_slots(slots, thread, start_clock)
    }

    /// A new chunk in the memory of `old`, whose events are forgotten.
    pub(crate) fn reuse(mut old: Chunk, thread: ThreadInfo, sequence: u64, start_clock: u64) -> Chunk {
        // Taken out, `old` holds empty heap memory, which its `Drop` leaves alone.
        let empty = Memory::Heap { slots: SysVec::new(), len: AtomicUsize::new(0), base: AtomicUsize::new(0) };
        match std::mem::replace(&mut old.memory, empty) {
            Memory::Heap { slots, .. } => Chunk::in_slots(slots, thread, start_clock),
            #[cfg(all(unix, target_pointer_width = "64"))]
            Memory::Mapped(mapped) => {
                mapped.start(&thread, sequence, start_clock);
                Chunk::in_memory(Memory::Mapped(mapped), thread, start_clock)
            }
        }
    }

    fn in_slots(slots: Slots, thread: ThreadInfo, start_clock: u64) -> Chunk {
        let memory = Memory::Heap { slots, len: AtomicUsize::new(0), base: AtomicUsize::new(0) };
        Chunk::in_memory(memory, thread, start_clock)
    }

    fn in_memory(memory: Memory, thread: ThreadInfo, start_clock: u64) -> Chunk {
        Chunk { memory, thread, start_clock, last_stamp: AtomicU64::new(0), last_stamp_len: AtomicUsize::new(0), described: AtomicUsize::new(0) }
    }

    pub(crate) fn capacity(&self) -> usize {
        match &self.memory {
            Memory::Heap { slots, .. } => slots.len(),
            #[cfg(all(unix, target_pointer_width = "64"))]
            Memory::Mapped(mapped) => mapped.capacity(),
        }
    }

    /// The first free slot, for the writer.
    pub(crate) fn slot_ptr(&self) -> *mut RawEvent {
        match &self.memory {
            Memory::Heap { slots, .. } => slots.as_ptr() as *mut RawEvent,
            #[cfg(all(unix, target_pointer_width = "64"))]
            Memory::Mapped(mapped) => mapped.slots(),
        }
    }

    pub(crate) fn len_cell(&self) -> &AtomicUsize {
        match &self.memory {
            Memory::Heap { len, .. } => len,
            #[cfg(all(unix, target_pointer_width = "64"))]
            Memory::Mapped(mapped) => mapped.len(),
        }
    }

    fn base_cell(&self) -> &AtomicUsize {
        match &self.memory {
            Memory::Heap { base, .. } => base,
            #[cfg(all(unix, target_pointer_width = "64"))]
            Memory::Mapped(mapped) => mapped.base(),
        }
    }

    /// The spool record this chunk lives in, if it does.
    #[cfg(all(unix, target_pointer_width = "64"))]
    pub(crate) fn mapped(&self) -> Option<&crate::spool::file::MappedChunk> {
        match &self.memory {
            Memory::Mapped(mapped) => Some(mapped),
            Memory::Heap { .. } => None,
        }
    }

    /// The published events, all of them (including those before `base`, which carry the
    /// clock forward) and the index from which they are reported.
    pub(crate) fn published(&self) -> (&[RawEvent], usize) {
        let len = self.len_cell().load(Ordering::Acquire);
        let base = self.base_cell().load(Ordering::Acquire).min(len);
        // SAFETY: slots below `len` were fully written before `len` was published.
        let events = unsafe { std::slice::from_raw_parts(self.slot_ptr() as *const RawEvent, len) };
        (events, base)
    }

    /// Notes, before the event at `len - 1` is published, that it carries `stamp`.
    pub(crate) fn note_stamp(&self, stamp: u64, len: usize) {
        self.last_stamp.store(stamp, Ordering::Release);
        self.last_stamp_len.store(len, Ordering::Release);
    }

    /// The Lamport clock of the event at `len - 1` (the chunk's start clock for 0): the
    /// last stamp plus the plain events after it.
    pub(crate) fn clock_at(&self, len: usize) -> u64 {
        let stamped = self.last_stamp_len.load(Ordering::Acquire);
        match stamped {
            0 => self.start_clock + len as u64,
            // A stamp noted for an event not yet published when `len` was read: the
            // thread's clock is at least that stamp.
            s if s > len => self.last_stamp.load(Ordering::Acquire),
            s => self.last_stamp.load(Ordering::Acquire) + (len - s) as u64,
        }
    }

    /// The clock of the last published event.
    pub(crate) fn current_clock(&self) -> u64 {
        self.clock_at(self.len_cell().load(Ordering::Acquire))
    }

    /// Hides every event published so far.
    pub(crate) fn clear(&self) {
        self.base_cell().store(self.len_cell().load(Ordering::Acquire), Ordering::Release);
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        // A spool record goes back to the spool's free list when its `MappedChunk` drops.
        let Memory::Heap { slots, .. } = &mut self.memory else { return };
        if slots.len() != MAX_CHUNK {
            return;
        }
        let slots = std::mem::take(slots);
        // The pool grows in system memory: no allocation of the program's runs meanwhile.
        let mut pool = POOL.lock().unwrap_or_else(PoisonError::into_inner);
        if pool.len() < POOL_LIMIT {
            pool.push(slots);
        }
    }
}
