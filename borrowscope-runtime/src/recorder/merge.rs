//! Reading chunks back: each event's Lamport clock is rebuilt, and all threads' events are
//! merged into one global order.

use std::sync::Arc;

use super::chunk::{Chunk, ID_BITS, ID_MASK};
use crate::event::{Event, ThreadRecord, Trace};
use crate::site::Op;

/// Merges the chunks' events into one trace, ordered by clock, then thread, then the order
/// on the thread. The clock respects every synchronization the recorder saw: an event that
/// causally follows another (through a lock, spawn, join or channel) comes after it.
pub(crate) fn merge(chunks: &[Arc<Chunk>], dropped: u64, overwritten: u64) -> Trace {
    let mut keyed = Vec::new();
    let mut threads: Vec<ThreadRecord> = Vec::new();
    for chunk in chunks {
        let info = &chunk.thread;
        if !threads.iter().any(|t| t.index == info.index) {
            threads.push(ThreadRecord { index: info.index, name: info.name.clone(), std_id: info.std_id });
        }
        let (raw, base) = chunk.published();
        let mut clock = chunk.start_clock;
        for (position, event) in raw.iter().enumerate() {
            let Some(op) = Op::from_u8((event.head >> ID_BITS) as u8) else { continue };
            clock = if op.synchronizes() { event.aux } else { clock + 1 };
            if position < base {
                continue;
            }
            let type_name = match op {
                // SAFETY: `New` events are only written by `track::new_value`, which stores
                // the pointer and length of a `&'static str` from `type_name`.
                Op::New if event.aux > 0 => Some(unsafe {
                    std::str::from_utf8_unchecked(std::slice::from_raw_parts(
                        event.arg as usize as *const u8,
                        event.aux as usize,
                    ))
                }),
                _ => None,
            };
            let arg = if op == Op::New { 0 } else { event.arg };
            let count = if op == Op::New || op.synchronizes() { 0 } else { event.aux };
            let decoded = Event {
                order: 0,
                clock,
                thread: info.index,
                op,
                site: event.site,
                id: event.head & ID_MASK,
                arg,
                count,
                type_name,
            };
            keyed.push(((clock, info.index, chunk.sequence, position), decoded));
        }
    }
    keyed.sort_unstable_by_key(|(key, _)| *key);
    threads.sort_by_key(|t| t.index);
    let events = keyed
        .into_iter()
        .enumerate()
        .map(|(order, (_, mut event))| {
            event.order = order as u64;
            event
        })
        .collect();
    Trace { events, threads, dropped, overwritten }
}
