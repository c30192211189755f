//! The spool: while `BORROWSCOPE_TRACE` is set, the process-wide recorder's chunks live in a
//! file mapped into memory (`<trace>.spool`), so that what was recorded survives however the
//! process ends.
//!
//! Why a mapped file: the events are written where the kernel keeps them. A crash, an abort,
//! a signal or even SIGKILL ends the process, but the pages it wrote stay in the file, with
//! no copy on the hot path (recording writes the same 32-byte slots as before, only their
//! memory comes from the file). What the slots cannot say on their own is what their
//! pointers mean (the call site and type name of each event), so the sites are described in
//! the file too: every 200 ms by a keeper thread, and at once by the signal handlers, with
//! only async-signal-safe code (memory reads and writes into the mapping, no lock, no
//! allocation). After SIGKILL, only the events whose sites first appeared in the last 200 ms
//! may be unreadable; they are counted as lost.
//!
//! At a normal exit the trace is written as JSON and the spool removed (or, with
//! `BORROWSCOPE_LEAVE_SPOOL`, which `cargo borrowscope run` and `test` set, the spool is
//! completed and left for the command to turn into JSON after the run, off the program's
//! time); on SIGINT, SIGTERM, SIGHUP and SIGQUIT the keeper turns the spool into the JSON
//! trace before the signal's default action runs; after a crash the spool stays, and every
//! reader (`from_spool`, `cargo borrowscope show`, `why`, `report`) reads it and says how the
//! run ended.
//!
//! The layout, all integers in the writer's byte order (checked with [`ENDIAN`]):
//!
//! ```text
//! header      4096 bytes: magic, fields at the offsets in `header`
//! chunk area  records of a 128-byte header (offsets in `chunk`) and `capacity` 32-byte slots
//! desc area   records: kind u32, size u32, key u64, then for a site line u32, column u32
//!             and five strings (name, detail, label, file, kind) as length u32 + bytes;
//!             for a type name its length u32 + bytes; for a thread whose name is longer
//!             than a chunk header holds (`chunk::NAME_MAX`), keyed by the thread's index,
//!             its whole name as length u32 + bytes; each record padded to 8 bytes
//! table       open-addressing set of the keys described (sites by address; type names by
//!             address with the length in the top 16 bits)
//! ```

pub(crate) mod read;

#[cfg(all(unix, target_pointer_width = "64"))]
pub(crate) mod file;
#[cfg(all(unix, target_pointer_width = "64"))]
pub(crate) mod signals;

/// The first eight bytes of a spool.
pub const SPOOL_MAGIC: [u8; 8] = *b"BSSPOOL1";
/// Written after the magic, read back as this value only in the writer's byte order.
pub(crate) const ENDIAN: u64 = 0x0102_0304_0506_0708;
pub(crate) const HEADER_SIZE: usize = 4096;
pub(crate) const EVENT_SIZE: usize = 32;
/// `header::ENDED_BY` of a run that exited normally with `BORROWSCOPE_LEAVE_SPOOL` set.
pub(crate) const EXITED: u64 = u64::MAX;

/// Offsets of the header's fields, each a `u64`.
pub(crate) mod header {
    pub(crate) const ENDIAN: usize = 8;
    pub(crate) const SIZE: usize = 16;
    /// Bytes of the chunk area in use.
    pub(crate) const CHUNK_USED: usize = 24;
    /// Bytes of the description area in use.
    pub(crate) const DESC_USED: usize = 32;
    /// The number of the signal that ended the run, 0 if none did (or not yet), or
    /// [`super::EXITED`] for a run that ended normally and left its spool to be read.
    pub(crate) const ENDED_BY: usize = 40;
    pub(crate) const DROPPED: usize = 48;
    pub(crate) const OVERWRITTEN: usize = 56;
    pub(crate) const PID: usize = 64;
    pub(crate) const CHUNK_AREA: usize = 72;
    pub(crate) const CHUNK_AREA_SIZE: usize = 80;
    pub(crate) const DESC_AREA: usize = 88;
    pub(crate) const DESC_AREA_SIZE: usize = 96;
    pub(crate) const TABLE: usize = 104;
    pub(crate) const TABLE_ENTRIES: usize = 112;
    /// The signal's name (`SIGSEGV`), up to 31 bytes and a zero.
    pub(crate) const ENDED_NAME: usize = 128;
    pub(crate) const ENDED_NAME_MAX: usize = 32;
}

pub(crate) const CHUNK_HEADER: usize = 128;

/// Offsets of a chunk record's header fields, each a `u64`.
pub(crate) mod chunk {
    /// `LIVE`, `FREE`, or 0 where no record was completed.
    pub(crate) const STATE: usize = 0;
    pub(crate) const CAPACITY: usize = 8;
    pub(crate) const LEN: usize = 16;
    pub(crate) const BASE: usize = 24;
    pub(crate) const THREAD: usize = 32;
    pub(crate) const STD_ID: usize = 40;
    pub(crate) const SEQUENCE: usize = 48;
    pub(crate) const START_CLOCK: usize = 56;
    pub(crate) const GENERATION: usize = 64;
    pub(crate) const NAME_LEN: usize = 72;
    pub(crate) const NAME: usize = 80;
    pub(crate) const NAME_MAX: usize = 48;

    pub(crate) const LIVE: u64 = 1;
    pub(crate) const FREE: u64 = 2;
}

pub(crate) const DESC_SITE: u32 = 1;
pub(crate) const DESC_TYPE: u32 = 2;
pub(crate) const DESC_THREAD: u32 = 3;

/// The key a type name is described under: its address, with its length in the top bits
/// (addresses use at most 48 bits) so that two names at one address stay apart.
pub(crate) fn type_key(address: u64, len: u64) -> u64 {
    address | (len.min(0xffff) << 48)
}

/// The name of a signal number as this platform numbers it.
pub(crate) fn signal_name(signal: u64) -> Option<&'static str> {
    #[cfg(unix)]
    {
        let names: [(libc::c_int, &str); 12] = [
            (libc::SIGHUP, "SIGHUP"),
            (libc::SIGINT, "SIGINT"),
            (libc::SIGQUIT, "SIGQUIT"),
            (libc::SIGILL, "SIGILL"),
            (libc::SIGTRAP, "SIGTRAP"),
            (libc::SIGABRT, "SIGABRT"),
            (libc::SIGBUS, "SIGBUS"),
            (libc::SIGFPE, "SIGFPE"),
            (libc::SIGKILL, "SIGKILL"),
            (libc::SIGSEGV, "SIGSEGV"),
            (libc::SIGTERM, "SIGTERM"),
            (libc::SIGSYS, "SIGSYS"),
        ];
        names.iter().find(|(n, _)| *n as u64 == signal).map(|(_, name)| *name)
    }
    #[cfg(not(unix))]
    {
        let _ = signal;
        None
    }
}

/// Where the spool of the trace written to `trace` lives while the program runs.
pub fn spool_path(trace: &std::path::Path) -> std::path::PathBuf {
    let mut name = trace.as_os_str().to_owned();
    name.push(".spool");
    name.into()
}
