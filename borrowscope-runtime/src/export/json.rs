//! The canonical JSON format of a trace, written and read by hand: the runtime keeps
//! serde_json out of users' dependency graphs (it changes how their code type-checks).
//!
//! ```text
//! {
//!   "format": "borrowscope-trace", "version": 1, "dropped": 0, "overwritten": 0,
//!   "note": "..." (only when events are missing: how many, and what to do),
//!   "lost": 0, "ended_by": "SIGSEGV" (only for a run that did not end normally),
//!   "threads": [{"index": 0, "name": "main", "std_id": 1}],
//!   "sites": [{"name": "x", "detail": "", "label": "", "file": "src/main.rs",
//!              "line": 3, "column": 9, "kind": "manual"}],
//!   "events": [[order, clock, thread, "op", site, id, arg, count, "type" or null], ...]
//! }
//! ```
//!
//! `site` indexes `sites`; `op` is an [`Op`] name; the other fields are as on [`Event`].
//! Events are arrays rather than objects to keep files compact (about 40 bytes an event).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};

use super::value::{Value, parse};
use crate::event::{Event, ThreadRecord, Trace};
use crate::site::{CallSite, Op};
use crate::{Error, Result};

/// The version written in `"version"`, bumped on any incompatible change.
pub const JSON_VERSION: u64 = 1;
const FORMAT: &str = "borrowscope-trace";

pub(crate) fn quote(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Hashes an address (a call site's, which lives as long as the program) by one
/// multiplication: addresses are distinct, and the high bits of the product spread them.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 << 8 | u64::from(byte)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(26);
    }
}

/// Appends `n` in decimal, without the formatting machinery (which dominates the cost of
/// writing events). Digit by digit: most numbers of an event are a few digits long, and
/// copying them as a slice called `memcpy` for each (a tenth of writing a large trace).
fn push_u64(out: &mut String, mut n: u64) {
    if n < 10 {
        out.push(char::from(b'0' + n as u8));
        return;
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    while n > 0 {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    for &digit in &digits[at..] {
        out.push(char::from(digit));
    }
}

/// Writes a trace as JSON.
pub fn to_json(trace: &Trace) -> String {
    let mut bytes = Vec::with_capacity(64 + trace.events.len() * 48);
    write_json(trace, &mut bytes).expect("writing to memory does not fail");
    // SAFETY: `write_json` writes only whole `str`s.
    unsafe { String::from_utf8_unchecked(bytes) }
}

/// How much JSON text is built before it is handed to the writer.
const BLOCK: usize = 1 << 16;

/// Writes a trace as JSON to `sink` in blocks of about 64 KiB: a large trace written to a file
/// is never held whole in memory (a 1 Mi-event trace is about 50 MB of text).
pub(crate) fn write_json(trace: &Trace, sink: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut out = String::with_capacity(BLOCK + 4096);
    let _ = write!(out, "{{\"format\":\"{FORMAT}\",\"version\":{JSON_VERSION},\"dropped\":{},\"overwritten\":{},", trace.dropped, trace.overwritten);
    if trace.lost > 0 {
        let _ = write!(out, "\"lost\":{},", trace.lost);
    }
    if let Some(ended_by) = &trace.ended_by {
        out.push_str("\"ended_by\":");
        quote(&mut out, ended_by);
        out.push(',');
    }
    if let Some(note) = trace.note() {
        out.push_str("\"note\":");
        quote(&mut out, &note);
        out.push(',');
    }
    out.push_str("\"threads\":[");
    for (i, thread) in trace.threads.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{{\"index\":{},\"name\":", thread.index);
        match &thread.name {
            Some(name) => quote(&mut out, name),
            None => out.push_str("null"),
        }
        let _ = write!(out, ",\"std_id\":{}}}", thread.std_id);
    }
    out.push_str("],\"sites\":[");
    // Each event's site index, found once: the map is keyed by the site's address, hashed
    // by a multiplication (SipHash, twice an event, was a tenth of writing a large trace).
    let mut sites: HashMap<*const CallSite, u32, BuildHasherDefault<AddressHasher>> = HashMap::default();
    let mut site_list = Vec::new();
    let indices: Vec<u32> = trace
        .events
        .iter()
        .map(|event| {
            *sites.entry(event.site as *const CallSite).or_insert_with(|| {
                site_list.push(event.site);
                (site_list.len() - 1) as u32
            })
        })
        .collect();
    for (i, site) in site_list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"name\":");
        quote(&mut out, site.name);
        out.push_str(",\"detail\":");
        quote(&mut out, site.detail);
        out.push_str(",\"label\":");
        quote(&mut out, site.label);
        out.push_str(",\"file\":");
        quote(&mut out, site.file);
        let _ = write!(out, ",\"line\":{},\"column\":{},\"kind\":", site.line, site.column);
        quote(&mut out, site.kind);
        out.push('}');
    }
    out.push_str("],\"events\":[");
    for (i, event) in trace.events.iter().enumerate() {
        if out.len() >= BLOCK {
            sink.write_all(out.as_bytes())?;
            out.clear();
        }
        if i > 0 {
            out.push(',');
        }
        let site = indices[i];
        out.push('[');
        for n in [event.order, event.clock, u64::from(event.thread)] {
            push_u64(&mut out, n);
            out.push(',');
        }
        out.push('"');
        out.push_str(event.op.name());
        out.push_str("\",");
        for n in [u64::from(site), event.id, event.arg, event.count] {
            push_u64(&mut out, n);
            out.push(',');
        }
        match event.type_name {
            Some(ty) => quote(&mut out, ty),
            None => out.push_str("null"),
        }
        out.push(']');
    }
    out.push_str("]}\n");
    sink.write_all(out.as_bytes())
}

fn bad(what: impl std::fmt::Display) -> Error {
    Error::SerializationError(what.to_string())
}

fn leak(text: &str) -> &'static str {
    if text.is_empty() { "" } else { Box::leak(text.into()) }
}

/// Reads a trace written by [`to_json`]. Its strings are leaked (events refer to `'static`
/// call sites), which suits tools that load a trace once.
pub fn from_json(text: &str) -> Result<Trace> {
    let root = parse(text).map_err(bad)?;
    if root.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(bad("this is not a BorrowScope trace (no \"format\": \"borrowscope-trace\")"));
    }
    match root.get("version").and_then(Value::as_u64) {
        Some(JSON_VERSION) => {}
        other => return Err(bad(format!("unsupported trace version {other:?}; this build reads version {JSON_VERSION}"))),
    }
    let list = |key: &str| root.get(key).and_then(Value::as_array).ok_or_else(|| bad(format!("missing \"{key}\" list")));
    let string = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(leak).ok_or_else(|| bad(format!("missing \"{key}\"")));
    let number = |v: &Value, key: &str| v.get(key).and_then(Value::as_u64).ok_or_else(|| bad(format!("missing \"{key}\"")));
    let mut threads = Vec::new();
    for t in list("threads")? {
        let name = t.get("name").and_then(Value::as_str).map(str::to_owned);
        threads.push(ThreadRecord { index: number(t, "index")? as u32, name, std_id: number(t, "std_id")? });
    }
    let mut sites: Vec<&'static CallSite> = Vec::new();
    for s in list("sites")? {
        sites.push(Box::leak(Box::new(CallSite {
            name: string(s, "name")?,
            detail: string(s, "detail")?,
            label: string(s, "label")?,
            file: string(s, "file")?,
            line: number(s, "line")? as u32,
            column: number(s, "column")? as u32,
            kind: string(s, "kind")?,
        })));
    }
    let mut events = Vec::new();
    for (i, e) in list("events")?.iter().enumerate() {
        let fields = e.as_array().filter(|f| f.len() == 9).ok_or_else(|| bad(format!("event {i} is not a 9-element array")))?;
        let n = |k: usize| fields[k].as_u64().ok_or_else(|| bad(format!("event {i}: field {k} is not a number")));
        let op_name = fields[3].as_str().ok_or_else(|| bad(format!("event {i}: no operation")))?;
        let op = Op::ALL.iter().copied().find(|op| op.name() == op_name).ok_or_else(|| bad(format!("event {i}: unknown operation {op_name:?}")))?;
        let site = sites.get(n(4)? as usize).copied().ok_or_else(|| bad(format!("event {i}: no site {}", n(4).unwrap_or(0))))?;
        let order = n(0)?;
        if let Some(previous) = events.last().map(|e: &Event| e.order)
            && order <= previous
        {
            return Err(bad(format!("event {i}: its order {order} does not follow the previous event's {previous} (events are listed in order)")));
        }
        events.push(Event {
            order,
            clock: n(1)?,
            thread: n(2)? as u32,
            op,
            site,
            id: n(5)?,
            arg: n(6)?,
            count: n(7)?,
            type_name: fields[8].as_str().map(leak),
        });
    }
    let dropped = number(&root, "dropped")?;
    // Absent from traces written before ring-buffer recording existed.
    let overwritten = if root.get("overwritten").is_some() { number(&root, "overwritten")? } else { 0 };
    // Written only for a run that did not end normally.
    let lost = if root.get("lost").is_some() { number(&root, "lost")? } else { 0 };
    let ended_by = match root.get("ended_by") {
        Some(value) => Some(value.as_str().ok_or_else(|| bad("\"ended_by\" is not a string"))?.to_owned()),
        None => None,
    };
    Ok(Trace { events, threads, dropped, overwritten, lost, ended_by })
}
