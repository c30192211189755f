//! Reading a spool back into a [`Trace`]: what a program that crashed or was killed left,
//! or (in the process itself) what a signal handler turns into the JSON trace. Every field
//! is checked against the bytes there are: a damaged spool is an error or fewer events,
//! never a panic, and memory stays bounded by the input.

use std::collections::HashMap;

use super::{CHUNK_HEADER, DESC_SITE, DESC_THREAD, DESC_TYPE, ENDIAN, EVENT_SIZE, HEADER_SIZE, SPOOL_MAGIC, chunk, header, type_key};
use crate::event::Trace;
use crate::recorder::ThreadInfo;
use crate::recorder::merge::{Merge, Origin, Stored};
use crate::site::CallSite;
use crate::{Error, Result};

fn bad(what: impl std::fmt::Display) -> Error {
    Error::SerializationError(format!("the spool is damaged: {what}"))
}

/// Bounds-checked little reads of the spool's bytes.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u64(&self, at: usize) -> Option<u64> {
        let bytes = self.0.get(at..at.checked_add(8)?)?;
        Some(u64::from_ne_bytes(bytes.try_into().ok()?))
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let bytes = self.0.get(at..at.checked_add(4)?)?;
        Some(u32::from_ne_bytes(bytes.try_into().ok()?))
    }

    /// A length-prefixed string at `*at`, which moves past it.
    fn string(&self, at: &mut usize, end: usize) -> Option<&'static str> {
        let len = self.u32(*at)? as usize;
        let start = at.checked_add(4)?;
        let stop = start.checked_add(len)?;
        if stop > end {
            return None;
        }
        let text = String::from_utf8_lossy(self.0.get(start..stop)?);
        *at = stop;
        Some(leak(&text))
    }
}

fn leak(text: &str) -> &'static str {
    if text.is_empty() { "" } else { Box::leak(text.into()) }
}

/// Whether `bytes` begin like a spool.
pub(crate) fn is_spool(bytes: &[u8]) -> bool {
    bytes.starts_with(&SPOOL_MAGIC)
}

/// Reads the trace a spool holds. Its strings are leaked, as [`crate::from_json`]'s are.
pub fn from_spool(bytes: &[u8]) -> Result<Trace> {
    if !is_spool(bytes) {
        return Err(Error::SerializationError("this is not a BorrowScope spool (it does not begin with BSSPOOL1)".to_owned()));
    }
    let data = Bytes(bytes);
    if data.u64(header::ENDIAN) != Some(ENDIAN) {
        return Err(bad("it was written on a machine of another byte order, or its header is cut short"));
    }
    let field = |offset: usize| data.u64(offset).ok_or_else(|| bad("its header is cut short")).map(|v| v as usize);
    let area = |start: usize, size: usize, name: &str| -> Result<(usize, usize)> {
        if start < HEADER_SIZE {
            return Err(bad(format!("the {name} area starts inside the header")));
        }
        // A file cut short keeps what it has.
        let end = start.saturating_add(size).min(bytes.len());
        Ok((start.min(end), end))
    };
    let chunks = area(field(header::CHUNK_AREA)?, field(header::CHUNK_AREA_SIZE)?, "chunk")?;
    let chunks = (chunks.0, chunks.1.min(chunks.0.saturating_add(field(header::CHUNK_USED)?)));
    let descriptions = area(field(header::DESC_AREA)?, field(header::DESC_AREA_SIZE)?, "description")?;
    let descriptions = (descriptions.0, descriptions.1.min(descriptions.0.saturating_add(field(header::DESC_USED)?)));
    let (sites, types, threads) = read_descriptions(&data, descriptions);
    let mut merge = Merge::default();
    let mut at = chunks.0;
    while at.saturating_add(CHUNK_HEADER) <= chunks.1 {
        let word = |offset: usize| data.u64(at + offset).unwrap_or(0);
        let capacity = word(chunk::CAPACITY) as usize;
        let Some(end) = capacity.checked_mul(EVENT_SIZE).and_then(|b| b.checked_add(at + CHUNK_HEADER)) else { break };
        if capacity == 0 || end > chunks.1 {
            break;
        }
        if word(chunk::STATE) == chunk::LIVE {
            let name_len = (word(chunk::NAME_LEN) as usize).min(chunk::NAME_MAX);
            let index = word(chunk::THREAD) as u32;
            let name = match threads.get(&index) {
                Some(whole) => Some((*whole).to_owned()),
                None => bytes.get(at + chunk::NAME..at + chunk::NAME + name_len).map(|b| String::from_utf8_lossy(b).into_owned()),
            };
            let thread =
                ThreadInfo { index, name: name.filter(|n| !n.is_empty()).map(|n| crate::recorder::SysStr::new(&n)), std_id: word(chunk::STD_ID) };
            let len = (word(chunk::LEN) as usize).min(capacity);
            let base = (word(chunk::BASE) as usize).min(len);
            let origin = Origin { thread: &thread, start_clock: word(chunk::START_CLOCK), base };
            let slots = at + CHUNK_HEADER;
            merge.add(
                &origin,
                (0..len).map(|i| {
                    let slot = slots + i * EVENT_SIZE;
                    let [site, head, arg, aux] = [0, 8, 16, 24].map(|o| data.u64(slot + o).unwrap_or(0));
                    let is_new = head >> crate::recorder::ID_BITS == crate::site::Op::New as u64;
                    let type_name = if is_new && aux > 0 { types.get(&type_key(arg, aux)).copied() } else { None };
                    Stored { head, arg, aux, site: sites.get(&site).copied(), type_name }
                }),
            );
        }
        at = end;
    }
    let dropped = data.u64(header::DROPPED).unwrap_or(0);
    let overwritten = data.u64(header::OVERWRITTEN).unwrap_or(0);
    let mut trace = merge.finish(dropped, overwritten);
    trace.ended_by = ended_by(&data);
    Ok(trace)
}

/// The signal the header names, [`Trace::UNFINISHED`] when it names none, or `None` for a
/// run that exited normally and left its spool to be read.
fn ended_by(data: &Bytes<'_>) -> Option<String> {
    let number = data.u64(header::ENDED_BY).unwrap_or(0);
    if number == super::EXITED {
        return None;
    }
    if number == 0 {
        return Some(Trace::UNFINISHED.to_owned());
    }
    let stored = data.0.get(header::ENDED_NAME..header::ENDED_NAME + header::ENDED_NAME_MAX).unwrap_or_default();
    let stored = &stored[..stored.iter().position(|&b| b == 0).unwrap_or(stored.len())];
    Some(match std::str::from_utf8(stored) {
        Ok(name) if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric()) => name.to_owned(),
        _ => format!("signal {number}"),
    })
}

type Sites = HashMap<u64, &'static CallSite>;
type Types = HashMap<u64, &'static str>;
/// Whole thread names longer than a chunk header holds, by thread index.
type Threads = HashMap<u32, &'static str>;

fn read_descriptions(data: &Bytes<'_>, (start, end): (usize, usize)) -> (Sites, Types, Threads) {
    let mut sites = HashMap::new();
    let mut types = HashMap::new();
    let mut threads = HashMap::new();
    let mut at = start;
    while at.saturating_add(16) <= end {
        let (Some(kind), Some(size), Some(key)) = (data.u32(at), data.u32(at + 4), data.u64(at + 8)) else { break };
        let size = size as usize;
        if size < 16 || !size.is_multiple_of(8) || at + size > end {
            break;
        }
        let record_end = at + size;
        let mut p = at + 16;
        match kind {
            DESC_SITE => {
                if let Some(site) = read_site(data, &mut p, record_end) {
                    sites.entry(key).or_insert_with(|| &*Box::leak(Box::new(site)));
                }
            }
            DESC_TYPE => {
                if let Some(name) = data.string(&mut p, record_end) {
                    types.entry(key).or_insert(name);
                }
            }
            DESC_THREAD => {
                if let (Ok(index), Some(name)) = (u32::try_from(key), data.string(&mut p, record_end)) {
                    threads.entry(index).or_insert(name);
                }
            }
            // Claimed but never completed (the writer was stopped): skip it.
            _ => {}
        }
        at = record_end;
    }
    (sites, types, threads)
}

fn read_site(data: &Bytes<'_>, at: &mut usize, end: usize) -> Option<CallSite> {
    let line = data.u32(*at)?;
    let column = data.u32(*at + 4)?;
    *at += 8;
    let mut strings = [""; 5];
    for s in &mut strings {
        *s = data.string(at, end)?;
    }
    let [name, detail, label, file, kind] = strings;
    Some(CallSite { name, detail, label, file, line, column, kind })
}
