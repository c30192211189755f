//! Reading chunks back: each event's Lamport clock is rebuilt, and all threads' events are
//! merged into one global order. The same merge serves the live recorder and a spool read
//! after the process ended, which differ only in how an event's site and type are found.

use super::chunk::{Chunk, ID_BITS, ID_MASK};
use crate::event::{Event, ThreadRecord, Trace};
use crate::site::{CallSite, Op};

/// One stored event with its pointers resolved: `site` is `None` when it cannot be known
/// (a spool whose process was killed before the site was written down).
pub(crate) struct Stored {
    pub(crate) head: u64,
    pub(crate) arg: u64,
    pub(crate) aux: u64,
    pub(crate) site: Option<&'static CallSite>,
    pub(crate) type_name: Option<&'static str>,
}

/// Where a run of events was recorded.
pub(crate) struct Origin<'a> {
    pub(crate) thread: &'a super::ThreadInfo,
    pub(crate) start_clock: u64,
    /// Events before this index were cleared by `reset`; they only carry the clock.
    pub(crate) base: usize,
}

/// Collects chunks' events, then orders them.
#[derive(Default)]
pub(crate) struct Merge {
    events: Vec<Event>,
    threads: Vec<ThreadRecord>,
    /// Events whose site was unknown, left out.
    pub(crate) lost: u64,
}

impl Merge {
    pub(crate) fn add(&mut self, origin: &Origin<'_>, events: impl Iterator<Item = Stored>) {
        let info = origin.thread;
        if !self.threads.iter().any(|t| t.index == info.index) {
            self.threads.push(ThreadRecord { index: info.index, name: info.name.as_deref().map(str::to_owned), std_id: info.std_id });
        }
        let mut clock = origin.start_clock;
        for (position, stored) in events.enumerate() {
            let Some(op) = Op::from_u8((stored.head >> ID_BITS) as u8) else { continue };
            clock = if op.synchronizes() { stored.aux } else { clock + 1 };
            if position < origin.base {
                continue;
            }
            let Some(site) = stored.site else {
                self.lost += 1;
                continue;
            };
            let arg = if op == Op::New { 0 } else { stored.arg };
            let count = if op == Op::New || op.synchronizes() { 0 } else { stored.aux };
            let decoded = Event { order: 0, clock, thread: info.index, op, site, id: stored.head & ID_MASK, arg, count, type_name: stored.type_name };
            self.events.push(decoded);
        }
    }

    /// The events in global order: by clock, then thread, then the order on the thread.
    /// The clock respects every synchronization the recorder saw: an event that causally
    /// follows another (through a lock, spawn, join or channel) comes after it.
    pub(crate) fn finish(mut self, dropped: u64, overwritten: u64) -> Trace {
        // A thread's clock rises with each of its events (a synchronizing event's stamp is
        // later than the thread's previous event), so clock and thread order every event; each
        // thread's events come in runs already in that order, which the stable sort finds and
        // merges (sorting a 1 Mi-event trace from scratch, with a key beside each event, was
        // a third of the time to write it). Equal keys, which the recorder never makes, would
        // keep the order they were added in.
        self.events.sort_by_key(|event| (event.clock, event.thread));
        self.threads.sort_by_key(|t| t.index);
        let mut events = self.events;
        for (order, event) in events.iter_mut().enumerate() {
            event.order = order as u64;
        }
        Trace { events, threads: self.threads, dropped, overwritten, lost: self.lost, ended_by: None }
    }
}

/// Merges the live chunks' events into one trace.
pub(crate) fn merge(chunks: &[super::SysArc<Chunk>], dropped: u64, overwritten: u64) -> Trace {
    let mut merge = Merge::default();
    // Room for every event at once: growing a vector of a million events copies it again
    // and again.
    merge.events.reserve(chunks.iter().map(|chunk| chunk.published().0.len()).sum());
    for chunk in chunks {
        let (raw, base) = chunk.published();
        let origin = Origin { thread: &chunk.thread, start_clock: chunk.start_clock, base };
        merge.add(
            &origin,
            raw.iter().map(|event| {
                let is_new = event.head >> ID_BITS == Op::New as u64;
                let type_name = (is_new && event.aux > 0).then(|| {
                    // SAFETY: `New` events are only written by `track::new_value`, which
                    // stores the pointer and length of a `&'static str` from `type_name`.
                    unsafe { std::str::from_utf8_unchecked(std::slice::from_raw_parts(event.arg as usize as *const u8, event.aux as usize)) }
                });
                Stored { head: event.head, arg: event.arg, aux: event.aux, site: Some(event.site), type_name }
            }),
        );
    }
    merge.finish(dropped, overwritten)
}
