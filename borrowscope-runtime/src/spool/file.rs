//! Writing the spool: the mapping, chunk records handed to the recorder, and descriptions of
//! call sites and type names. Describing is async-signal-safe: it reads memory and writes
//! into the mapping, with atomics and no lock or allocation, so the signal handlers use it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use super::{CHUNK_HEADER, DESC_SITE, DESC_THREAD, DESC_TYPE, ENDIAN, EVENT_SIZE, HEADER_SIZE, SPOOL_MAGIC, chunk, header, type_key};
use crate::recorder::{RawEvent, ThreadInfo};
use crate::site::{CallSite, Op};

/// The description area's size: room for tens of thousands of call sites.
const DESC_AREA_SIZE: usize = 16 << 20;
/// Entries of the set of described keys (8 bytes each); describing stops at three quarters.
const TABLE_ENTRIES: usize = 1 << 17;

/// The spool of this process, once made (it is never unmapped: a signal handler may read it
/// at any time).
static SPOOL: AtomicPtr<Spool> = AtomicPtr::new(std::ptr::null_mut());

pub(crate) struct Spool {
    base: *mut u8,
    size: usize,
    /// The spool file, kept open so that a forked child can map it privately.
    fd: libc::c_int,
    /// The process that made the spool: only it removes the file.
    owner: u32,
    chunk_area: usize,
    chunk_area_size: usize,
    desc_area: usize,
    table: usize,
    /// The spool file, removed once the trace is written.
    pub(crate) path: PathBuf,
    /// The trace the spool becomes.
    pub(crate) trace: PathBuf,
    /// Chunk records freed (offset, capacity), reused for chunks of the same capacity;
    /// allocating a record happens under this lock, so that records are complete in order.
    free: Mutex<crate::recorder::SysVec<(usize, usize)>>,
}

// SAFETY: the mapping is shared memory accessed through atomics for every field that more
// than one thread writes; slots follow the recorder's single-writer rule.
unsafe impl Sync for Spool {}
unsafe impl Send for Spool {}

/// The spool, if this process has one.
pub(crate) fn get() -> Option<&'static Spool> {
    // SAFETY: set once to a leaked `Spool`, never freed.
    unsafe { SPOOL.load(Ordering::Acquire).as_ref() }
}

/// Makes the spool of the trace written to `trace`, for at most `max_events` events, and
/// installs it. `None` (and the recorder keeps its chunks in ordinary memory) when the file
/// cannot be made or mapped: the trace is still written at a normal exit.
pub(crate) fn create(trace: &Path, max_events: usize) -> Option<&'static Spool> {
    if let Some(spool) = get() {
        return Some(spool);
    }
    let path = super::spool_path(trace);
    // Every chunk takes a header: at most one per 64 events, plus the chunks a thread
    // leaves half-used when it exits.
    let chunk_area_size = max_events.checked_mul(EVENT_SIZE)?.checked_add((max_events / 64 + 4096) * CHUNK_HEADER)?;
    let chunk_area = HEADER_SIZE;
    let desc_area = chunk_area.checked_add(chunk_area_size)?;
    let table = desc_area + DESC_AREA_SIZE;
    let size = table + TABLE_ENTRIES * 8;
    // Made under a name of its own and put in place with its header written, so that no
    // reader ever finds a spool without one (a process stopped between making the file and
    // writing the header left one that could not be read).
    let mut making = path.clone().into_os_string();
    making.push(format!(".{}.new", std::process::id()));
    let making = PathBuf::from(making);
    let (base, fd) = map(&making, size)?;
    let spool = Spool {
        base,
        size,
        fd,
        owner: std::process::id(),
        chunk_area,
        chunk_area_size,
        desc_area,
        table,
        path,
        trace: trace.to_owned(),
        free: Mutex::new(crate::recorder::SysVec::new()),
    };
    // SAFETY: the mapping is `size` bytes, the header's first 4096.
    unsafe { std::ptr::copy_nonoverlapping(SPOOL_MAGIC.as_ptr(), base, 8) };
    for (offset, value) in [
        (header::ENDIAN, ENDIAN),
        (header::SIZE, size as u64),
        (header::PID, u64::from(std::process::id())),
        (header::CHUNK_AREA, chunk_area as u64),
        (header::CHUNK_AREA_SIZE, chunk_area_size as u64),
        (header::DESC_AREA, desc_area as u64),
        (header::DESC_AREA_SIZE, DESC_AREA_SIZE as u64),
        (header::TABLE, table as u64),
        (header::TABLE_ENTRIES, TABLE_ENTRIES as u64),
    ] {
        spool.word(offset).store(value, Ordering::Relaxed);
    }
    if std::fs::rename(&making, &spool.path).is_err() {
        let _ = std::fs::remove_file(&making);
        // SAFETY: the mapping and the descriptor made above, used by nothing else.
        unsafe {
            libc::munmap(base.cast(), size);
            libc::close(fd);
        }
        return None;
    }
    let leaked = Box::into_raw(Box::new(spool));
    match SPOOL.compare_exchange(std::ptr::null_mut(), leaked, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => get(),
        Err(_) => get(),
    }
}

/// Creates `path` (replacing an old spool), sizes it and maps it shared; the mapping and
/// the file's descriptor, which stays open.
fn map(path: &Path, size: usize) -> Option<(*mut u8, libc::c_int)> {
    use std::os::unix::io::{AsRawFd, IntoRawFd};
    let file = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(true).open(path).ok()?;
    // A sparse file: pages take disk space only once written.
    if file.set_len(size as u64).is_err() {
        let _ = std::fs::remove_file(path);
        return None;
    }
    // SAFETY: a fresh shared mapping of the whole file, which stays mapped for the life of
    // the process (closing the descriptor does not unmap it).
    let base = unsafe { libc::mmap(std::ptr::null_mut(), size, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED, file.as_raw_fd(), 0) };
    if base == libc::MAP_FAILED {
        let _ = std::fs::remove_file(path);
        return None;
    }
    Some((base.cast(), file.into_raw_fd()))
}

impl Spool {
    /// Whether this process made the spool (a forked child did not).
    pub(crate) fn owned(&self) -> bool {
        self.owner == std::process::id()
    }

    /// In a child made by `fork`: the mapping becomes a private copy of what the parent had
    /// recorded, so that the child's events never land in the parent's spool (its threads
    /// write the chunks they had, which are the parent's too). Async-signal-safe: `mmap`.
    pub(crate) fn detach_after_fork(&self) {
        // SAFETY: remaps the spool's own range in place, with the same size and protection.
        unsafe {
            libc::mmap(self.base.cast(), self.size, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_PRIVATE | libc::MAP_FIXED, self.fd, 0);
        }
    }
}

/// A chunk's memory in the spool: its record's header and slots.
pub(crate) struct MappedChunk {
    spool: &'static Spool,
    /// The record's offset in the mapping.
    offset: usize,
    capacity: usize,
}

impl Spool {
    /// The `u64` at `offset`, which must be 8-aligned and inside the mapping.
    fn word(&self, offset: usize) -> &AtomicU64 {
        debug_assert!(offset.is_multiple_of(8) && offset + 8 <= self.size);
        // SAFETY: in bounds and aligned (the mapping is page-aligned); the mapping lives
        // as long as the process.
        unsafe { &*self.base.add(offset).cast::<AtomicU64>() }
    }

    /// A chunk record of `capacity` slots for `thread`, or `None` when the spool is full
    /// (the recorder then uses ordinary memory).
    pub(crate) fn allocate(&'static self, capacity: usize, thread: &ThreadInfo, sequence: u64, start_clock: u64) -> Option<MappedChunk> {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        let offset = match free.iter().position(|&(_, c)| c == capacity) {
            Some(i) => free.swap_remove(i).0,
            None => {
                let used = self.word(header::CHUNK_USED).load(Ordering::Relaxed) as usize;
                let bytes = CHUNK_HEADER + capacity * EVENT_SIZE;
                if used + bytes > self.chunk_area_size {
                    return None;
                }
                let offset = self.chunk_area + used;
                self.word(offset + chunk::CAPACITY).store(capacity as u64, Ordering::Relaxed);
                self.word(header::CHUNK_USED).store((used + bytes) as u64, Ordering::Release);
                offset
            }
        };
        let mapped = MappedChunk { spool: self, offset, capacity };
        mapped.start(thread, sequence, start_clock);
        mapped.populate();
        Some(mapped)
    }
}

impl MappedChunk {
    fn field(&self, offset: usize) -> &AtomicU64 {
        self.spool.word(self.offset + offset)
    }

    /// (Re)writes the record's header for a new chunk and marks it live.
    pub(crate) fn start(&self, thread: &ThreadInfo, sequence: u64, start_clock: u64) {
        self.field(chunk::STATE).store(chunk::FREE, Ordering::Release);
        self.field(chunk::GENERATION).fetch_add(1, Ordering::AcqRel);
        self.field(chunk::LEN).store(0, Ordering::Release);
        self.field(chunk::BASE).store(0, Ordering::Release);
        for (offset, value) in
            [(chunk::THREAD, u64::from(thread.index)), (chunk::STD_ID, thread.std_id), (chunk::SEQUENCE, sequence), (chunk::START_CLOCK, start_clock)]
        {
            self.field(offset).store(value, Ordering::Relaxed);
        }
        let name = thread.name.as_deref().unwrap_or("").as_bytes();
        let name = &name[..floor_char_boundary(thread.name.as_deref().unwrap_or(""), chunk::NAME_MAX)];
        // SAFETY: `NAME_MAX` bytes at `NAME` belong to the record's header.
        unsafe { std::ptr::copy_nonoverlapping(name.as_ptr(), self.spool.base.add(self.offset + chunk::NAME), name.len()) };
        self.field(chunk::NAME_LEN).store(name.len() as u64, Ordering::Relaxed);
        // A longer name (libtest names each test's thread after the test's whole path) is
        // written down whole as well, once per chunk: a reader takes it over the cut one.
        if let Some(full) = thread.name.as_deref().filter(|full| full.len() > name.len()) {
            self.spool.describe_thread(thread.index, full);
        }
        self.field(chunk::STATE).store(chunk::LIVE, Ordering::Release);
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Faults in the chunk's pages in one call, where the kernel can: a page of a shared
    /// file mapping faulted in by its first write costs the writer a few microseconds (the
    /// page cache page is found or made, then mapped), some 20 ns an event in a release
    /// build; asked for all at once, much less. Elsewhere the writes fault the pages in.
    fn populate(&self) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let page = 4096;
            let start = (self.offset + CHUNK_HEADER) / page * page;
            let end = (self.offset + CHUNK_HEADER + self.capacity * EVENT_SIZE).next_multiple_of(page).min(self.spool.size);
            // The advice's number is Linux's own (23 on every architecture), written here
            // rather than taken from `libc`, whose older releases (which a user's lock file
            // may pin, and the copy of `--all` then keeps) do not name it.
            const MADV_POPULATE_WRITE: libc::c_int = 23;
            // SAFETY: a range inside the mapping; the advice only faults pages in (it fails
            // harmlessly on kernels older than 5.14).
            unsafe { libc::madvise(self.spool.base.add(start).cast(), end - start, MADV_POPULATE_WRITE) };
        }
    }

    pub(crate) fn slots(&self) -> *mut RawEvent {
        // SAFETY: the slots follow the record's header, inside the mapping.
        unsafe { self.spool.base.add(self.offset + CHUNK_HEADER).cast() }
    }

    pub(crate) fn len(&self) -> &AtomicUsize {
        // SAFETY: a `u64` field of the mapping; `AtomicUsize` has its layout on 64-bit.
        unsafe { &*(self.field(chunk::LEN) as *const AtomicU64).cast::<AtomicUsize>() }
    }

    pub(crate) fn base(&self) -> &AtomicUsize {
        // SAFETY: as for `len`.
        unsafe { &*(self.field(chunk::BASE) as *const AtomicU64).cast::<AtomicUsize>() }
    }
}

impl Drop for MappedChunk {
    fn drop(&mut self) {
        self.field(chunk::STATE).store(chunk::FREE, Ordering::Release);
        self.spool.free.lock().unwrap_or_else(PoisonError::into_inner).push((self.offset, self.capacity));
    }
}

fn floor_char_boundary(text: &str, max: usize) -> usize {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

// Describing: async-signal-safe from here on.
impl Spool {
    /// Whether `key` was described; `insert` adds it. False when the table is full (then
    /// nothing more is described: those events are counted as lost by readers).
    fn seen(&self, key: u64, insert: bool) -> bool {
        let mask = TABLE_ENTRIES - 1;
        let mut at = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & mask;
        for _ in 0..TABLE_ENTRIES * 3 / 4 {
            let slot = self.word(self.table + at * 8);
            match slot.load(Ordering::Acquire) {
                k if k == key => return true,
                0 if !insert => return false,
                0 => match slot.compare_exchange(0, key, Ordering::AcqRel, Ordering::Acquire) {
                    Ok(_) => return true,
                    Err(k) if k == key => return true,
                    Err(_) => {}
                },
                _ => {}
            }
            at = (at + 1) & mask;
        }
        insert
    }

    /// Appends a description record of `size` payload bytes written by `fill`; returns
    /// false when the area is full.
    fn append(&self, kind: u32, key: u64, payload: usize, fill: impl FnOnce(*mut u8)) -> bool {
        let size = (16 + payload).next_multiple_of(8);
        let used = self.word(header::DESC_USED).fetch_add(size as u64, Ordering::AcqRel) as usize;
        if used + size > DESC_AREA_SIZE {
            return false;
        }
        // SAFETY: `size` bytes at `used` in the description area were claimed above.
        unsafe {
            let record = self.base.add(self.desc_area + used);
            record.add(4).cast::<u32>().write(size as u32);
            record.add(8).cast::<u64>().write(key);
            fill(record.add(16));
            (*record.cast::<std::sync::atomic::AtomicU32>()).store(kind, Ordering::Release);
        }
        true
    }

    /// Writes down `site` if it was not yet.
    pub(crate) fn describe_site(&self, site: &CallSite) {
        let key = site as *const CallSite as u64;
        if self.seen(key, false) {
            return;
        }
        let strings = [site.name, site.detail, site.label, site.file, site.kind].map(|s| &s.as_bytes()[..s.len().min(0xffff)]);
        let payload = 8 + strings.iter().map(|s| 4 + s.len()).sum::<usize>();
        let written = self.append(DESC_SITE, key, payload, |mut out| {
            // SAFETY: `payload` bytes at `out` belong to this record.
            unsafe {
                out.cast::<u32>().write_unaligned(site.line);
                out.add(4).cast::<u32>().write_unaligned(site.column);
                out = out.add(8);
                for s in strings {
                    out.cast::<u32>().write_unaligned(s.len() as u32);
                    std::ptr::copy_nonoverlapping(s.as_ptr(), out.add(4), s.len());
                    out = out.add(4 + s.len());
                }
            }
        });
        if written {
            self.seen(key, true);
        }
    }

    /// Writes down the type name at `address` (`len` bytes) if it was not yet.
    ///
    /// # Safety
    /// `address` and `len` are those of a `&'static str`.
    pub(crate) unsafe fn describe_type(&self, address: u64, len: u64) {
        let key = type_key(address, len);
        if len == 0 || self.seen(key, false) {
            return;
        }
        let len = len.min(0xffff) as usize;
        let written = self.append(DESC_TYPE, key, 4 + len, |out| {
            // SAFETY: the caller's contract for the source; `4 + len` bytes for the record.
            unsafe {
                out.cast::<u32>().write_unaligned(len as u32);
                std::ptr::copy_nonoverlapping(address as usize as *const u8, out.add(4), len);
            }
        });
        if written {
            self.seen(key, true);
        }
    }

    /// Writes down the whole name of thread `index`.
    pub(crate) fn describe_thread(&self, index: u32, name: &str) {
        let name = &name.as_bytes()[..floor_char_boundary(name, 0xffff)];
        self.append(DESC_THREAD, u64::from(index), 4 + name.len(), |out| {
            // SAFETY: `4 + name.len()` bytes at `out` belong to this record.
            unsafe {
                out.cast::<u32>().write_unaligned(name.len() as u32);
                std::ptr::copy_nonoverlapping(name.as_ptr(), out.add(4), name.len());
            }
        });
    }

    /// Writes down the sites and type names of `events`, recorded by the recorder.
    pub(crate) fn describe_events(&self, events: &[RawEvent]) {
        // Most events repeat a few sites: a small cache of keys already described spares
        // them the table (this runs unoptimised in a debug build of the user's program).
        let mut recent = [0u64; 64];
        let mut fresh = |key: u64| {
            let slot = &mut recent[(key >> 3) as usize % 64];
            let fresh = *slot != key;
            *slot = key;
            fresh
        };
        for event in events {
            if fresh(event.site as *const CallSite as u64) {
                self.describe_site(event.site);
            }
            if event.head >> crate::recorder::ID_BITS == Op::New as u64 && event.aux > 0 && fresh(type_key(event.arg, event.aux)) {
                // SAFETY: a `New` event carries a `type_name` string's address and length.
                unsafe { self.describe_type(event.arg, event.aux) };
            }
        }
    }

    /// Describes every event of every live chunk record, reading the mapping alone: what a
    /// signal handler does before the process ends.
    pub(crate) fn describe_all(&self) {
        let used = (self.word(header::CHUNK_USED).load(Ordering::Acquire) as usize).min(self.chunk_area_size);
        let mut at = 0;
        while at + CHUNK_HEADER <= used {
            let record = self.chunk_area + at;
            let capacity = self.word(record + chunk::CAPACITY).load(Ordering::Acquire) as usize;
            if capacity == 0 {
                break;
            }
            if self.word(record + chunk::STATE).load(Ordering::Acquire) == chunk::LIVE {
                let len = (self.word(record + chunk::LEN).load(Ordering::Acquire) as usize).min(capacity);
                // SAFETY: the slots below `len` were published by their writer.
                let events = unsafe { std::slice::from_raw_parts(self.base.add(record + CHUNK_HEADER).cast::<RawEvent>(), len) };
                self.describe_events(events);
            }
            at += CHUNK_HEADER + capacity * EVENT_SIZE;
        }
    }

    /// Copies the recorder's counts of dropped and overwritten events into the header.
    pub(crate) fn note_counts(&self, dropped: u64, overwritten: u64) {
        self.word(header::DROPPED).store(dropped, Ordering::Release);
        self.word(header::OVERWRITTEN).store(overwritten, Ordering::Release);
    }

    /// Completes the spool of a run that ends normally, for a reader to turn into the trace:
    /// every site described, the counts noted, and the run marked as exited.
    pub(crate) fn finish_at_exit(&self) {
        self.describe_all();
        let global = &crate::recorder::GLOBAL;
        self.note_counts(global.dropped(), global.overwritten());
        self.word(header::ENDED_BY).store(super::EXITED, Ordering::Release);
    }

    /// Notes that `signal` ended the run.
    pub(crate) fn note_ended_by(&self, signal: i32) {
        let name = super::signal_name(signal as u64).unwrap_or("").as_bytes();
        let name = &name[..name.len().min(header::ENDED_NAME_MAX - 1)];
        // SAFETY: `ENDED_NAME_MAX` bytes of the header.
        unsafe {
            let out = self.base.add(header::ENDED_NAME);
            std::ptr::copy_nonoverlapping(name.as_ptr(), out, name.len());
            out.add(name.len()).write(0);
        }
        self.word(header::ENDED_BY).store(signal as u64, Ordering::Release);
    }

    /// The whole mapping, for reading it back in this process.
    ///
    /// # Safety
    /// Other threads may still be writing slots beyond the lengths they published, which
    /// the reader never looks at; the bytes are read as plain data.
    pub(crate) unsafe fn bytes(&self) -> &[u8] {
        // SAFETY: the mapping is `size` bytes for the life of the process.
        unsafe { std::slice::from_raw_parts(self.base, self.size) }
    }
}
