//! Each thread's recording state, in two parts. The hot part, read on every event, is two
//! pointers in a thread-local without a destructor (so reaching it costs no state check);
//! the cold part (its chunk, session, thread identity, id block) is touched only when a
//! chunk fills, a thread synchronizes, starts or exits.

use std::cell::{Cell, UnsafeCell};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::chunk::{Chunk, ID_BITS, ID_MASK, MAX_CHUNK, RawEvent, ThreadInfo};
use super::sys::{SysArc, SysStr, SysVec};
use super::{GLOBAL, Recorder};
use crate::site::{CallSite, Op};

/// The clock of threads that have exited, and the largest stamp taken so far.
static CLOCK: AtomicU64 = AtomicU64::new(0);
/// The current chunk of every live thread that records, from which its current clock is
/// computed (see `Chunk::current_clock`).
static LIVE: Mutex<SysVec<LiveSlot>> = Mutex::new(SysVec::new());

/// A live thread's current chunk, `None` between chunks.
type LiveSlot = SysArc<Mutex<Option<SysArc<Chunk>>>>;
static NEXT_THREAD: AtomicU32 = AtomicU32::new(0);
/// Instance ids are handed to threads in blocks, so taking one is a thread-local increment.
static NEXT_ID_BLOCK: AtomicU64 = AtomicU64::new(1);
const ID_BLOCK: u64 = 1 << 16;
const FIRST_CHUNK: usize = 64;

/// The hot part. `write == end` sends an event to the cold path: when there is no chunk,
/// when it is full, and while the recorder itself runs on this thread (`busy`), which is how
/// re-entrant calls are skipped without a test of their own on the hot path.
struct Hot {
    write: Cell<*mut RawEvent>,
    end: Cell<*mut RawEvent>,
    /// The first slot of the current chunk and its published length.
    start: Cell<*mut RawEvent>,
    len_cell: Cell<*const AtomicUsize>,
    busy: Cell<bool>,
    next_id: Cell<u64>,
    id_end: Cell<u64>,
    /// `EPOCH + 1` when this thread's recorder was found full at that epoch (0: not full):
    /// until the epoch moves on, events are counted as dropped at once, without asking the
    /// recorder for a chunk again.
    full: Cell<u64>,
    /// The dropped-events counter of the recorder found full.
    dropped: Cell<*const AtomicU64>,
}

thread_local! {
    static HOT: Hot = const {
        Hot {
            write: Cell::new(std::ptr::null_mut()),
            end: Cell::new(std::ptr::null_mut()),
            start: Cell::new(std::ptr::null_mut()),
            len_cell: Cell::new(std::ptr::null()),
            busy: Cell::new(false),
            next_id: Cell::new(0),
            id_end: Cell::new(0),
            full: Cell::new(0),
            dropped: Cell::new(std::ptr::null()),
        }
    };
    static COLD: UnsafeCell<Cold> = const { UnsafeCell::new(Cold::new()) };
}

struct Cold {
    chunk: Option<SysArc<Chunk>>,
    /// The session this thread records into; `None` for the global recorder.
    session: Option<Arc<Recorder>>,
    thread: Option<ThreadInfo>,
    /// This thread's entry in `LIVE`.
    live: Option<LiveSlot>,
    chunks_made: u64,
    /// The clock of the last event recorded before the current chunk, when there is none.
    clock: u64,
}

impl Cold {
    const fn new() -> Cold {
        Cold { chunk: None, session: None, thread: None, live: None, chunks_made: 0, clock: 0 }
    }

    fn recorder(&self) -> &Recorder {
        self.session.as_deref().unwrap_or(&GLOBAL)
    }

    /// The clock of this thread's last event.
    fn clock(&self) -> u64 {
        self.chunk.as_ref().map_or(self.clock, |c| c.current_clock())
    }

    /// Leaves the current chunk; the next event starts a new one. The hot pointers must be
    /// parked (null) by the caller.
    fn detach(&mut self, hot: &Hot) {
        self.clock = self.clock();
        self.chunk = None;
        hot.start.set(std::ptr::null_mut());
        hot.len_cell.set(std::ptr::null());
        if let Some(live) = &self.live {
            *live.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
    }

    /// Registers the thread on its first event.
    fn register(&mut self) {
        let index = NEXT_THREAD.fetch_add(1, Ordering::Relaxed);
        let current = std::thread::current();
        let name = current.name().map(SysStr::new);
        self.thread = Some(ThreadInfo { index, name, std_id: thread_number(current.id()) });
        // A new thread starts after everything published so far, in particular after what
        // its parent did before spawning it.
        self.clock = latest_published();
        let live = SysArc::new(Mutex::new(None));
        LIVE.lock().unwrap_or_else(PoisonError::into_inner).push(SysArc::clone(&live));
        self.live = Some(live);
        crate::exit::register_once();
    }

    /// Starts a new chunk and returns its free slots, or `None` when the recorder's cap is
    /// reached. The hot pointers stay parked; the caller sets them.
    fn refill(&mut self, hot: &Hot) -> Option<(*mut RawEvent, *mut RawEvent)> {
        if self.thread.is_none() {
            self.register();
        }
        let start_clock = self.clock();
        let wanted = self.chunk.as_ref().map_or(FIRST_CHUNK, |c| (c.capacity() * 2).min(MAX_CHUNK));
        let thread = self.thread.clone().unwrap_or(ThreadInfo { index: u32::MAX, name: None, std_id: 0 });
        // Detached first, the full chunk is no longer held by this thread, so that keeping
        // the most recent events may reuse it.
        self.detach(hot);
        let chunk = self.recorder().allocate(wanted, thread, self.chunks_made, start_clock);
        let Some(chunk) = chunk else {
            self.recorder().count_dropped();
            hot.full.set(super::EPOCH.load(Ordering::Relaxed) + 1);
            hot.dropped.set(self.recorder().dropped_counter());
            return None;
        };
        self.chunks_made += 1;
        let start = chunk.slot_ptr();
        hot.start.set(start);
        hot.len_cell.set(chunk.len_cell());
        if let Some(live) = &self.live {
            *live.lock().unwrap_or_else(PoisonError::into_inner) = Some(SysArc::clone(&chunk));
        }
        // SAFETY: `capacity` slots follow `slot_ptr`.
        let end = unsafe { start.add(chunk.capacity()) };
        self.chunk = Some(chunk);
        Some((start, end))
    }

    /// A stamp for a synchronizing event: later than this thread's previous event and than
    /// every event any thread had published. Taking the maximum over all live threads (not
    /// only a shared counter) keeps the order causal although a pass-through call such as
    /// `track_channel_send(tx.send(v))` records after the operation it describes: everything
    /// the sender did before sending was published before the receiver could receive.
    fn stamp(&self, len_before: usize) -> u64 {
        let stamp = self.clock().max(latest_published()) + 1;
        CLOCK.fetch_max(stamp, Ordering::AcqRel);
        if let Some(chunk) = &self.chunk {
            chunk.note_stamp(stamp, len_before + 1);
        }
        stamp
    }
}

impl Drop for Cold {
    fn drop(&mut self) {
        // Later events on this thread (from other thread-locals' destructors) must not
        // write into a chunk this thread no longer holds: park the hot part for good.
        let _ = HOT.try_with(park);
        // Whatever this thread did happens before a `join` of it: fold its clock into the
        // exited threads' clock and leave the live list.
        if let Some(live) = self.live.take() {
            CLOCK.fetch_max(self.clock(), Ordering::AcqRel);
            let mut live_threads = LIVE.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(index) = live_threads.iter().position(|p| SysArc::ptr_eq(p, &live)) {
                live_threads.swap_remove(index);
            }
        }
    }
}

/// The largest clock any thread has published: live threads' current clocks and the stamps
/// and exits folded into `CLOCK`.
fn latest_published() -> u64 {
    let live = LIVE.lock().unwrap_or_else(PoisonError::into_inner);
    let newest =
        live.iter().filter_map(|slot| slot.lock().unwrap_or_else(PoisonError::into_inner).as_ref().map(|c| c.current_clock())).max().unwrap_or(0);
    newest.max(CLOCK.load(Ordering::Acquire))
}

/// Writes one event at `write` and publishes it; returns the next free slot.
///
/// # Safety
/// `write` is a free slot of the chunk whose first slot is `start` and whose length is
/// `len_cell`, and this thread is its writer.
#[inline(always)]
unsafe fn put(write: *mut RawEvent, start: *mut RawEvent, len_cell: *const AtomicUsize, event: RawEvent) -> *mut RawEvent {
    // SAFETY: the caller's contract; the release store publishes the written slot.
    unsafe {
        write.write(event);
        let next = write.add(1);
        (*len_cell).store(next.offset_from(start) as usize, Ordering::Release);
        next
    }
}

/// Records one event on the calling thread. Never blocks on the hot path; skipped when the
/// thread is being torn down, the recorder itself is running on it, or no event can be kept.
#[inline(always)]
pub(crate) fn record(site: &'static CallSite, op: Op, id: u64, arg: u64, aux: u64) {
    // Once no event can be kept anywhere (the process-wide recorder is full and no session
    // is entered), an event costs this one load: not even the thread-local is reached, and
    // it is not counted (a loop inside a traced call keeps recording past the per-call gate).
    if !super::active() {
        return;
    }
    let head = (op as u64) << ID_BITS | (id & ID_MASK);
    HOT.with(|hot| {
        let write = hot.write.get();
        if write == hot.end.get() || op.synchronizes() {
            record_cold(hot, RawEvent { site, head, arg, aux }, op);
            return;
        }
        // SAFETY: `write < end`: a free slot of the current chunk, which this thread writes.
        hot.write.set(unsafe { put(write, hot.start.get(), hot.len_cell.get(), RawEvent { site, head, arg, aux }) });
    });
}

/// The cold path of `record`: a full or missing chunk, a synchronizing event, or a call while
/// the recorder is busy (skipped). The hot part stays parked throughout, so an allocation
/// made here that records (an instrumented allocator) is skipped.
#[cold]
#[inline(never)]
fn record_cold(hot: &Hot, mut event: RawEvent, op: Op) {
    if hot.busy.get() {
        return;
    }
    if hot.full.get() == super::EPOCH.load(Ordering::Relaxed) + 1 {
        // SAFETY: set with the counter of the recorder this thread records into, which the
        // thread keeps alive until it switches recorders, which clears `full`.
        unsafe { (*hot.dropped.get()).fetch_add(1, Ordering::Relaxed) };
        return;
    }
    hot.full.set(0);
    let parked = park(hot);
    let alive = COLD.try_with(|cold| {
        // SAFETY: only this thread touches its `Cold`; the hot part is parked, so nothing
        // below re-enters it.
        let cold = unsafe { &mut *cold.get() };
        let (write, end) = if parked.write == parked.end {
            match cold.refill(hot) {
                Some(slots) => slots,
                None => return,
            }
        } else {
            (parked.write, parked.end)
        };
        let start = hot.start.get();
        if op.synchronizes() {
            // SAFETY: `write` and `start` are in the same chunk.
            event.aux = cold.stamp(unsafe { write.offset_from(start) } as usize);
        }
        // SAFETY: `write < end` in the current chunk, which this thread writes.
        let next = unsafe { put(write, start, hot.len_cell.get(), event) };
        hot.write.set(next);
        hot.end.set(end);
    });
    // After the thread's teardown, stay parked and busy for good.
    if alive.is_ok() {
        hot.busy.set(false);
    }
}

/// The hot part's pointers while it is parked.
#[derive(Clone, Copy)]
struct Parked {
    write: *mut RawEvent,
    end: *mut RawEvent,
}

/// Marks the thread busy and parks the hot part (`write == end`), so that anything run
/// meanwhile (an allocation in an instrumented allocator) takes the cold path and is skipped.
fn park(hot: &Hot) -> Parked {
    hot.busy.set(true);
    let parked = Parked { write: hot.write.get(), end: hot.end.get() };
    hot.write.set(std::ptr::null_mut());
    hot.end.set(std::ptr::null_mut());
    parked
}

/// A new variable instance id, unique in the process.
#[inline(always)]
pub(crate) fn fresh_id() -> u64 {
    HOT.with(|hot| {
        let id = hot.next_id.get();
        if id == hot.id_end.get() {
            return fresh_block(hot);
        }
        hot.next_id.set(id + 1);
        id & ID_MASK
    })
}

#[cold]
fn fresh_block(hot: &Hot) -> u64 {
    let id = NEXT_ID_BLOCK.fetch_add(ID_BLOCK, Ordering::Relaxed);
    hot.next_id.set(id + 1);
    hot.id_end.set(id + ID_BLOCK);
    id & ID_MASK
}

/// Whether the recorder is running on this thread, so that nothing may be recorded now.
pub(crate) fn is_busy() -> bool {
    HOT.with(|hot| hot.busy.get())
}

/// Runs `f` with the calling thread marked busy, so that anything `f` triggers on this
/// thread (allocation in an instrumented allocator, drops) is not recorded.
pub(crate) fn quietly<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(Parked);
    impl Drop for Restore {
        fn drop(&mut self) {
            HOT.with(|hot| {
                hot.write.set(self.0.write);
                hot.end.set(self.0.end);
                hot.busy.set(false);
            });
        }
    }
    let _restore = HOT.with(|hot| (!hot.busy.get()).then(|| Restore(park(hot))));
    f()
}

/// Runs `f`, quietly, with the recorder the calling thread records into.
pub(crate) fn with_recorder<R>(f: impl FnOnce(&Recorder) -> R) -> R {
    // SAFETY: only this thread touches its `Cold`; the clone ends the borrow at once.
    let session = COLD.try_with(|cold| unsafe { (*cold.get()).session.clone() }).ok().flatten();
    quietly(|| f(session.as_deref().unwrap_or(&GLOBAL)))
}

/// Switches the calling thread to record into `session` (`None`: the global recorder) and
/// returns the one it recorded into before. The current chunk is left; the next event
/// starts one in the new recorder.
pub(crate) fn switch_session(session: Option<Arc<Recorder>>) -> Option<Arc<Recorder>> {
    HOT.with(|hot| {
        if hot.busy.get() {
            return None;
        }
        park(hot);
        hot.full.set(0);
        let previous = COLD.try_with(|cold| {
            // SAFETY: only this thread touches its `Cold`; the hot part is parked.
            let cold = unsafe { &mut *cold.get() };
            cold.detach(hot);
            std::mem::replace(&mut cold.session, session)
        });
        match previous {
            Ok(previous) => {
                hot.busy.set(false);
                previous
            }
            Err(_) => None,
        }
    })
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
