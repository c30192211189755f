//! Call sites for the public `track_*` functions, which get their location from
//! `#[track_caller]` and their names as plain `&str`.
//!
//! A name passed as `&str` may live on the stack, so it is copied once per distinct (caller,
//! name, detail, label) into a process-wide table and leaked; a small per-thread cache keyed
//! by the caller's `Location` makes the repeated case a pointer compare plus a short string
//! compare. The table is capped: past [`MAX_SITES`] distinct sites (names built at run time
//! in a loop), further ones share one site named `(too many distinct names)`.

use std::cell::UnsafeCell;
use std::collections::HashMap;
use std::panic::Location;
use std::sync::{Mutex, PoisonError};

use crate::site::CallSite;

/// The most distinct public-API call sites kept.
pub const MAX_SITES: usize = 1 << 16;
const CACHE: usize = 256;

/// (caller's `Location` address, name, detail, label).
type Key = (usize, Box<str>, Box<str>, Box<str>);
static TABLE: Mutex<Option<HashMap<Key, &'static CallSite>>> = Mutex::new(None);
static OVERFLOW: CallSite = CallSite::new("(too many distinct names)", "", 0, 0, "manual");

thread_local! {
    static SLOTS: UnsafeCell<[Option<(&'static Location<'static>, &'static CallSite)>; CACHE]> =
        const { UnsafeCell::new([None; CACHE]) };
}

/// The site for a public-API call from `caller` about `name` (with `detail` and the
/// caller's own location text `label`).
#[inline(always)]
pub(crate) fn site(caller: &'static Location<'static>, name: &str, detail: &str, label: &str) -> &'static CallSite {
    let slot = ((caller as *const Location<'_> as usize) >> 4) % CACHE;
    // Only the address is taken inside `with`, so the lookup below inlines into the caller.
    let slots = SLOTS.with(UnsafeCell::get);
    // SAFETY: only this thread touches its cache, and nothing below re-enters it.
    let entry = unsafe { (*slots)[slot] };
    let cached = match entry {
        Some((at, site)) if std::ptr::eq(at, caller) && same(site.name, name) && same(site.detail, detail) && same(site.label, label) => Some(site),
        _ => None,
    };
    if let Some(site) = cached {
        return site;
    }
    // Interning locks and allocates: a call made while the recorder itself is busy on this
    // thread (from an instrumented allocator, say) gets a placeholder, and `record` then
    // skips its event anyway.
    if crate::recorder::is_busy() {
        return &OVERFLOW;
    }
    let site = crate::recorder::quietly(|| slow(caller, name, detail, label));
    // SAFETY: as above.
    unsafe { (*slots)[slot] = Some((caller, site)) };
    site
}

/// String equality, inlined: names are short, and a call to `memcmp` would cost more than
/// comparing them byte by byte.
#[inline(always)]
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

#[cold]
fn slow(caller: &'static Location<'static>, name: &str, detail: &str, label: &str) -> &'static CallSite {
    let mut table = TABLE.lock().unwrap_or_else(PoisonError::into_inner);
    let table = table.get_or_insert_with(HashMap::new);
    let key: Key = (caller as *const Location<'_> as usize, name.into(), detail.into(), label.into());
    if let Some(site) = table.get(&key) {
        return site;
    }
    if table.len() >= MAX_SITES {
        return &OVERFLOW;
    }
    let leak = |s: &str| -> &'static str { if s.is_empty() { "" } else { Box::leak(s.into()) } };
    let site: &'static CallSite = Box::leak(Box::new(CallSite {
        name: leak(name),
        detail: leak(detail),
        label: leak(label),
        file: caller.file(),
        line: caller.line(),
        column: caller.column(),
        kind: "manual",
    }));
    table.insert(key, site);
    site
}
