//! The recorder: per-thread chunks of 32-byte events, a Lamport clock for the global
//! order, a bounded event count (keeping the first events, or the most recent ones by
//! reusing the oldest chunk), and sessions that scope recording to a test.
//!
//! The hot path takes no lock, allocates nothing and touches no shared cache line: it writes
//! one slot of the thread's current chunk and publishes the new length. Only operations that
//! synchronize threads (locks, spawn, join, channels) touch the global clock, with one
//! atomic `fetch_max`; the global order is rebuilt when events are read.

mod chunk;
mod local;
pub(crate) mod merge;
mod sys;

use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

pub(crate) use chunk::{Chunk, ID_BITS, RawEvent, ThreadInfo};
pub(crate) use local::{fresh_id, is_busy, quietly, record, switch_session, thread_number, with_recorder};
pub(crate) use merge::merge;

pub(crate) use sys::{SysArc, SysQueue, SysStr, SysVec, free_slice, leak, leak_slice};

/// The default cap on events kept per recorder: 1 Mi events, 32 MiB. Past it, events are
/// counted as dropped instead of kept. Override it with `BORROWSCOPE_MAX_EVENTS` or
/// [`crate::set_max_events`].
pub const DEFAULT_MAX_EVENTS: usize = 1 << 20;

/// The environment variable that sets the event cap of the global recorder.
pub const MAX_EVENTS_ENV: &str = "BORROWSCOPE_MAX_EVENTS";

/// The environment variable that chooses which events the global recorder keeps once its
/// cap is reached: `first` (the default) or `last`.
pub const KEEP_ENV: &str = "BORROWSCOPE_KEEP";

/// Which events a recorder keeps once its cap is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Keep {
    /// The first events: later ones are counted as dropped (the default).
    #[default]
    First,
    /// The most recent events: the oldest are overwritten, a chunk of up to 4096 events at
    /// a time (the trace counts them as overwritten), at the same cost per event.
    Last,
}

const KEEP_UNREAD: u8 = 0;
const KEEP_FIRST: u8 = 1;
const KEEP_LAST: u8 = 2;

/// A set of recorded events: the process-wide one, or a session's.
pub(crate) struct Recorder {
    chunks: Mutex<SysVec<SysArc<Chunk>>>,
    /// Event slots handed out to chunks, counted against `max_events`.
    allocated: AtomicUsize,
    /// `usize::MAX` until the global recorder has read its environment variable.
    max_events: AtomicUsize,
    dropped: AtomicU64,
    /// `KEEP_UNREAD` until the global recorder has read its environment variable.
    keep: AtomicU8,
    /// Events overwritten to keep the most recent ones.
    overwritten: AtomicU64,
}

pub(crate) static GLOBAL: Recorder = Recorder::new(usize::MAX);

/// What instrumented functions check once per call (`__private::active`): bit 0 is set while
/// the global recorder is full, and every session entered on any thread adds 2. At exactly 1
/// no event can be kept anywhere, so traced functions run their original bodies.
static GATE: AtomicUsize = AtomicUsize::new(0);

/// Bumped whenever a recorder may have room again (`reset`, a new cap): a thread that found
/// its recorder full tries again.
pub(crate) static EPOCH: AtomicU64 = AtomicU64::new(0);

/// Whether an event recorded now could be kept: false only when the global recorder is full
/// and no session is entered.
#[inline(always)]
pub(crate) fn active() -> bool {
    gate() != 1
}

/// `GATE.load(Ordering::Relaxed)`, which every event and every traced call reads. In a debug
/// build of the user's crate (how `cargo test` runs), `AtomicUsize::load` is two calls and a
/// `match` on the ordering, a tenth of the time of a loop that runs on past the event cap; on
/// x86-64 and AArch64 the load is written out as the one instruction a relaxed load is there.
#[inline(always)]
fn gate() -> usize {
    #[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), not(miri)))]
    {
        let value: usize;
        let address = &GATE as *const AtomicUsize as *const usize;
        // SAFETY: `address` is `GATE`'s, valid and aligned for the program's whole life (an
        // `AtomicUsize` has the layout of a `usize`). An aligned word-sized `mov` (x86-64) or
        // `ldr` (AArch64) is a single-copy atomic load, the instruction the relaxed load
        // compiles to: the assembly only reads it, as an atomic access would.
        unsafe {
            #[cfg(target_arch = "x86_64")]
            core::arch::asm!("mov {value}, qword ptr [{address}]", address = in(reg) address, value = lateout(reg) value, options(nostack, preserves_flags, readonly));
            #[cfg(target_arch = "aarch64")]
            core::arch::asm!("ldr {value}, [{address}]", address = in(reg) address, value = lateout(reg) value, options(nostack, preserves_flags, readonly));
        }
        value
    }
    #[cfg(not(all(any(target_arch = "x86_64", target_arch = "aarch64"), not(miri))))]
    GATE.load(Ordering::Relaxed)
}

/// A session was entered on some thread (`true`) or left.
pub(crate) fn session_entered(entered: bool) {
    if entered {
        GATE.fetch_add(2, Ordering::Relaxed);
    } else {
        GATE.fetch_sub(2, Ordering::Relaxed);
    }
}

impl Recorder {
    pub(crate) const fn new(max_events: usize) -> Recorder {
        Recorder {
            chunks: Mutex::new(SysVec::new()),
            allocated: AtomicUsize::new(0),
            max_events: AtomicUsize::new(max_events),
            dropped: AtomicU64::new(0),
            keep: AtomicU8::new(if max_events == usize::MAX { KEEP_UNREAD } else { KEEP_FIRST }),
            overwritten: AtomicU64::new(0),
        }
    }

    pub(crate) fn keep(&self) -> Keep {
        let keep = match self.keep.load(Ordering::Relaxed) {
            KEEP_UNREAD => {
                let keep = match std::env::var(KEEP_ENV) {
                    Ok(value) if value.trim() == "last" => KEEP_LAST,
                    Ok(value) if value.trim() == "first" || value.trim().is_empty() => KEEP_FIRST,
                    Ok(value) => {
                        eprintln!("borrowscope: {KEEP_ENV}={value:?} is neither `first` nor `last`; keeping the first events");
                        KEEP_FIRST
                    }
                    Err(_) => KEEP_FIRST,
                };
                self.keep.store(keep, Ordering::Relaxed);
                keep
            }
            keep => keep,
        };
        if keep == KEEP_LAST { Keep::Last } else { Keep::First }
    }

    pub(crate) fn set_keep(&self, keep: Keep) {
        self.keep.store(if keep == Keep::Last { KEEP_LAST } else { KEEP_FIRST }, Ordering::Relaxed);
        self.has_room();
    }

    pub(crate) fn overwritten(&self) -> u64 {
        self.overwritten.load(Ordering::Relaxed)
    }

    pub(crate) fn max_events(&self) -> usize {
        let max = self.max_events.load(Ordering::Relaxed);
        if max != usize::MAX {
            return max;
        }
        let max = match std::env::var(MAX_EVENTS_ENV) {
            Ok(value) => value.trim().replace('_', "").parse().unwrap_or_else(|_| {
                eprintln!("borrowscope: {MAX_EVENTS_ENV}={value:?} is not a number of events; keeping the default cap of {DEFAULT_MAX_EVENTS}");
                DEFAULT_MAX_EVENTS
            }),
            Err(_) => DEFAULT_MAX_EVENTS,
        };
        let max = max.min(usize::MAX - 1);
        // Both variables are read (and a bad value reported) together, when recording starts.
        self.keep();
        self.max_events.store(max, Ordering::Relaxed);
        max
    }

    pub(crate) fn set_max_events(&self, max: usize) {
        self.max_events.store(max.min(usize::MAX - 1), Ordering::Relaxed);
        self.has_room();
    }

    /// The recorder may have room again: threads that found it full try again.
    fn has_room(&self) {
        EPOCH.fetch_add(1, Ordering::Relaxed);
        if std::ptr::eq(self, &GLOBAL) {
            GATE.fetch_and(!1, Ordering::Relaxed);
        }
    }

    /// Hands out a chunk of up to `wanted` slots, or `None` when the cap is reached.
    fn allocate(&self, wanted: usize, thread: ThreadInfo, sequence: u64, start_clock: u64) -> Option<SysArc<Chunk>> {
        let max = self.max_events();
        let granted = self
            .allocated
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                let room = max.saturating_sub(used);
                (room > 0).then(|| used + wanted.min(room))
            })
            .ok()
            .map(|used| wanted.min(max - used));
        let Some(granted) = granted else {
            if self.keep() == Keep::Last {
                // No room: the oldest chunk no thread is writing is reused. When there is
                // none (every chunk is some thread's current one), this event is dropped,
                // but recording goes on.
                return self.recycle(thread, sequence, start_clock);
            }
            if std::ptr::eq(self, &GLOBAL) {
                GATE.fetch_or(1, Ordering::Relaxed);
            }
            return None;
        };
        let chunk = SysArc::new(Chunk::new(granted, std::ptr::eq(self, &GLOBAL), thread, sequence, start_clock));
        self.chunks.lock().unwrap_or_else(PoisonError::into_inner).push(SysArc::clone(&chunk));
        Some(chunk)
    }

    /// Takes the chunk that starts earliest among those no thread holds (not a thread's
    /// current chunk, not being read), counts its events as overwritten, and hands its
    /// memory out again as a new chunk.
    fn recycle(&self, thread: ThreadInfo, sequence: u64, start_clock: u64) -> Option<SysArc<Chunk>> {
        let mut chunks = self.chunks.lock().unwrap_or_else(PoisonError::into_inner);
        // Under the lock no reader can clone a chunk, so a count of one stays one.
        let oldest = chunks.iter().enumerate().filter(|(_, c)| SysArc::strong_count(c) == 1).min_by_key(|(_, c)| c.start_clock)?.0;
        let old = SysArc::try_unwrap(chunks.swap_remove(oldest)).ok()?;
        let (events, base) = old.published();
        self.overwritten.fetch_add((events.len() - base) as u64, Ordering::Relaxed);
        if std::ptr::eq(self, &GLOBAL) {
            crate::exit::note_missing_once();
        }
        let chunk = SysArc::new(Chunk::reuse(old, thread, sequence, start_clock));
        chunks.push(SysArc::clone(&chunk));
        Some(chunk)
    }

    pub(crate) fn dropped_counter(&self) -> &AtomicU64 {
        &self.dropped
    }

    fn count_dropped(&self) {
        if std::ptr::eq(self, &GLOBAL) {
            crate::exit::note_missing_once();
        }
        self.dropped.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    #[cfg(test)]
    pub(crate) fn poison_for_test(&self) {
        std::thread::scope(|scope| {
            let _ = scope
                .spawn(|| {
                    let _held = self.chunks.lock();
                    panic!("poisoning the chunk list on purpose");
                })
                .join();
        });
    }

    pub(crate) fn poisoned(&self) -> bool {
        self.chunks.is_poisoned()
    }

    /// Every chunk, held (none is recycled while held), in system memory.
    pub(crate) fn snapshot(&self) -> SysVec<SysArc<Chunk>> {
        SysVec::from_slice(&self.chunks.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Forgets every event recorded so far. Chunks still being written by live threads are
    /// kept (their old events hidden); the others are freed.
    pub(crate) fn reset(&self) {
        let mut freed = SysVec::new();
        {
            let mut chunks = self.chunks.lock().unwrap_or_else(PoisonError::into_inner);
            chunks.iter().for_each(|c| c.clear());
            chunks.split_off_unless(|c| SysArc::strong_count(c) > 1, &mut freed);
        }
        let freed_slots: usize = freed.iter().map(|c| c.capacity()).sum();
        self.allocated.fetch_sub(freed_slots, Ordering::Relaxed);
        self.dropped.store(0, Ordering::Relaxed);
        self.overwritten.store(0, Ordering::Relaxed);
        drop(freed);
        self.has_room();
    }
}
