//! Each thread's recording state: its current chunk, its clock, its id block, and which
//! recorder (global or a session's) it records into.

use std::cell::UnsafeCell;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::chunk::{Chunk, ID_BITS, ID_MASK, RawEvent, ThreadInfo};
use super::{GLOBAL, Recorder};
use crate::site::{CallSite, Op};

/// The clock of threads that have exited, and the largest stamp taken so far.
static CLOCK: AtomicU64 = AtomicU64::new(0);
/// The clock of every live thread that records, published with one relaxed store per event
/// to a cache line only that thread writes.
static LIVE: Mutex<Vec<Arc<AtomicU64>>> = Mutex::new(Vec::new());
static NEXT_THREAD: AtomicU32 = AtomicU32::new(0);
/// Instance ids are handed to threads in blocks, so taking one is a thread-local increment.
static NEXT_ID_BLOCK: AtomicU64 = AtomicU64::new(1);
const ID_BLOCK: u64 = 1 << 16;
const FIRST_CHUNK: usize = 64;
const MAX_CHUNK: usize = 4096;

struct Local {
    /// The next free slot and the end of the current chunk; equal when there is none.
    write: *mut RawEvent,
    end: *mut RawEvent,
    len: usize,
    len_cell: *const AtomicUsize,
    chunk: Option<Arc<Chunk>>,
    /// The session this thread records into; `None` for the global recorder.
    session: Option<Arc<Recorder>>,
    /// Set while the recorder itself runs code that might record (allocation, locks), so a
    /// re-entrant call is skipped instead of recursing or deadlocking.
    busy: bool,
    thread: Option<ThreadInfo>,
    /// This thread's entry in `LIVE`.
    published: Option<Arc<AtomicU64>>,
    chunks_made: u64,
    /// Events recorded on this thread, and the count and clock at the last synchronizing
    /// event: the clock of a plain event is the last stamp plus the events since.
    events: u64,
    sync_events: u64,
    sync_clock: u64,
    next_id: u64,
    id_end: u64,
}

impl Local {
    const fn new() -> Local {
        Local {
            write: std::ptr::null_mut(),
            end: std::ptr::null_mut(),
            len: 0,
            len_cell: std::ptr::null(),
            chunk: None,
            session: None,
            busy: false,
            thread: None,
            published: None,
            chunks_made: 0,
            events: 0,
            sync_events: 0,
            sync_clock: 0,
            next_id: 0,
            id_end: 0,
        }
    }

    fn recorder(&self) -> &Recorder {
        self.session.as_deref().unwrap_or(&GLOBAL)
    }

    fn clock(&self) -> u64 {
        self.sync_clock + (self.events - self.sync_events)
    }

    #[inline(always)]
    fn push(&mut self, site: &'static CallSite, op: Op, id: u64, arg: u64, aux: u64) {
        if self.busy {
            return;
        }
        if self.write == self.end && !self.refill() {
            return;
        }
        self.events += 1;
        let aux = if op.synchronizes() { self.stamp() } else { aux };
        if let Some(published) = &self.published {
            published.store(self.clock(), Ordering::Relaxed);
        }
        let head = (op as u64) << ID_BITS | (id & ID_MASK);
        // SAFETY: `write < end`, both inside the current chunk, which only this thread
        // writes; the slot is published by the release store below.
        unsafe {
            self.write.write(RawEvent { site, head, arg, aux });
            self.write = self.write.add(1);
            self.len += 1;
            (*self.len_cell).store(self.len, Ordering::Release);
        }
    }

    /// Takes a stamp for a synchronizing event: later than this thread's previous event and
    /// than every event any thread had published when the stamp was taken. Taking the
    /// maximum over all live threads (not only a shared counter) keeps the order causal even
    /// though a pass-through call such as `track_channel_send(tx.send(v))` records its event
    /// after the operation it describes: everything the sender did before sending was
    /// published before the receiver could receive.
    #[cold]
    fn stamp(&mut self) -> u64 {
        let stamp = self.clock().max(latest_published() + 1);
        CLOCK.fetch_max(stamp, Ordering::AcqRel);
        self.sync_clock = stamp;
        self.sync_events = self.events;
        stamp
    }

    /// Starts a new chunk. Returns false when the recorder's cap is reached (the event is
    /// then counted as dropped).
    #[cold]
    #[inline(never)]
    fn refill(&mut self) -> bool {
        self.busy = true;
        if self.thread.is_none() {
            let index = NEXT_THREAD.fetch_add(1, Ordering::Relaxed);
            let current = std::thread::current();
            let name = current.name().map(str::to_owned);
            self.thread = Some(ThreadInfo { index, name, std_id: thread_number(current.id()) });
            // A new thread starts after everything published so far, in particular after
            // what its parent did before spawning it.
            self.sync_clock = latest_published();
            self.sync_events = self.events;
            let published = Arc::new(AtomicU64::new(self.sync_clock));
            LIVE.lock().unwrap_or_else(PoisonError::into_inner).push(Arc::clone(&published));
            self.published = Some(published);
            crate::exit::register_once();
        }
        let wanted = self.chunk.as_ref().map_or(FIRST_CHUNK, |c| (c.capacity() * 2).min(MAX_CHUNK));
        let thread = self.thread.clone().unwrap_or(ThreadInfo { index: u32::MAX, name: None, std_id: 0 });
        let start_clock = self.clock();
        let chunk = self.recorder().allocate(wanted, thread, self.chunks_made, start_clock);
        let ok = match chunk {
            Some(chunk) => {
                self.chunks_made += 1;
                self.write = chunk.slot_ptr();
                // SAFETY: `capacity` slots follow `slot_ptr`.
                self.end = unsafe { self.write.add(chunk.capacity()) };
                self.len = 0;
                self.len_cell = chunk.len_cell();
                self.chunk = Some(chunk);
                true
            }
            None => {
                self.detach();
                self.recorder().count_dropped();
                false
            }
        };
        self.busy = false;
        ok
    }

    /// Leaves the current chunk; the next event starts a new one.
    fn detach(&mut self) {
        self.write = std::ptr::null_mut();
        self.end = std::ptr::null_mut();
        self.len_cell = std::ptr::null();
        self.chunk = None;
    }

    fn fresh_id(&mut self) -> u64 {
        if self.next_id == self.id_end {
            self.next_id = NEXT_ID_BLOCK.fetch_add(ID_BLOCK, Ordering::Relaxed);
            self.id_end = self.next_id + ID_BLOCK;
        }
        let id = self.next_id;
        self.next_id += 1;
        id & ID_MASK
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        // Whatever this thread did happens before a `join` of it: fold its clock into the
        // exited threads' clock and leave the live list.
        if let Some(published) = self.published.take() {
            CLOCK.fetch_max(self.clock(), Ordering::AcqRel);
            LIVE.lock().unwrap_or_else(PoisonError::into_inner).retain(|p| !Arc::ptr_eq(p, &published));
        }
    }
}

/// The largest clock any thread has published: live threads' current clocks and the
/// stamps and exits folded into `CLOCK`.
fn latest_published() -> u64 {
    let live = LIVE.lock().unwrap_or_else(PoisonError::into_inner);
    let newest = live.iter().map(|p| p.load(Ordering::Relaxed)).max().unwrap_or(0);
    newest.max(CLOCK.load(Ordering::Acquire))
}

thread_local! {
    static LOCAL: UnsafeCell<Local> = const { UnsafeCell::new(Local::new()) };
}

/// Records one event on the calling thread. Never panics and never blocks; skipped when the
/// thread is being torn down or the recorder itself is running on it.
#[inline(always)]
pub(crate) fn record(site: &'static CallSite, op: Op, id: u64, arg: u64, aux: u64) {
    let _ = LOCAL.try_with(|local| {
        // SAFETY: only this thread touches its `Local`, and `push` calls no code that could
        // re-enter `record` while the reference is live (re-entrant calls see `busy`).
        unsafe { (*local.get()).push(site, op, id, arg, aux) }
    });
}

/// A new variable instance id, unique in the process.
#[inline(always)]
pub(crate) fn fresh_id() -> u64 {
    // SAFETY: as in `record`.
    LOCAL.try_with(|local| unsafe { (*local.get()).fresh_id() }).unwrap_or(0)
}

/// Whether the recorder is running on this thread (or the thread is being torn down), so
/// that nothing may be recorded now.
pub(crate) fn is_busy() -> bool {
    // SAFETY: as in `record`.
    LOCAL.try_with(|local| unsafe { (*local.get()).busy }).unwrap_or(true)
}

/// Runs `f` with the calling thread marked busy, so that anything `f` triggers on this
/// thread (allocation in an instrumented allocator, drops) is not recorded.
pub(crate) fn quietly<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            let busy = self.0;
            // SAFETY: as in `record`.
            let _ = LOCAL.try_with(|local| unsafe { (*local.get()).busy = busy });
        }
    }
    // SAFETY: as in `record`; the flag is restored by `Restore` on every path.
    let was_busy = LOCAL.try_with(|local| unsafe { std::mem::replace(&mut (*local.get()).busy, true) });
    let _restore = was_busy.ok().map(Restore);
    f()
}

/// Runs `f`, quietly, with the recorder the calling thread records into.
pub(crate) fn with_recorder<R>(f: impl FnOnce(&Recorder) -> R) -> R {
    // SAFETY: as in `record`.
    let session = LOCAL.try_with(|local| unsafe { (*local.get()).session.clone() }).ok().flatten();
    quietly(|| f(session.as_deref().unwrap_or(&GLOBAL)))
}

/// Switches the calling thread to record into `session` (`None`: the global recorder) and
/// returns the one it recorded into before.
pub(crate) fn switch_session(session: Option<Arc<Recorder>>) -> Option<Arc<Recorder>> {
    LOCAL
        .try_with(|local| {
            // SAFETY: as in `record`.
            let local = unsafe { &mut *local.get() };
            local.busy = true;
            local.detach();
            let previous = std::mem::replace(&mut local.session, session);
            local.busy = false;
            previous
        })
        .ok()
        .flatten()
}

/// The number inside a `ThreadId`, which std does not expose on stable: its `Hash` writes
/// exactly that number, so a hasher that keeps the last `u64` written recovers it.
pub(crate) fn thread_number(id: std::thread::ThreadId) -> u64 {
    #[derive(Default)]
    struct Keep(u64);
    impl Hasher for Keep {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = self.0.rotate_left(8) ^ u64::from(b);
            }
        }
        fn write_u64(&mut self, n: u64) {
            self.0 = n;
        }
    }
    let mut keep = Keep::default();
    id.hash(&mut keep);
    keep.finish()
}
