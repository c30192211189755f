//! `borrowscope-runtime`: records ownership and borrowing events while a program runs,
//! builds the ownership graph from them, and exports both.
//!
//! ```
//! use borrowscope_runtime::*;
//!
//! let session = Session::new(); // record into a session of our own (tests run in parallel)
//! session.record(|| {
//!     let x = track_new("x", 42);
//!     let r = track_borrow("r", &x);
//!     assert_eq!(*r, 42);
//!     track_drop("r");
//!     track_drop("x");
//! });
//! if TRACKING {
//!     let events = session.events();
//!     assert_eq!(events.len(), 4);
//!     assert_eq!(session.graph().nodes.len(), 2);
//! }
//! ```
//!
//! Every `track_*` function returns its value unchanged and is generic over the value's
//! type. Without a session, events go to one process-wide recorder that [`get_events`],
//! [`get_graph`], [`reset`] and [`export_json`] read. With the `track` feature off, every
//! function compiles to nothing but its return value.
//!
//! Recording never fails, never panics and never blocks: each thread appends 32-byte events
//! to chunks of its own, with no lock and no allocation per event. The process-wide recorder
//! keeps at most [`DEFAULT_MAX_EVENTS`] events (change it with `BORROWSCOPE_MAX_EVENTS` or
//! [`set_max_events`]): the first ones, counting the rest as dropped, or with
//! `BORROWSCOPE_KEEP=last` (or [`set_keep`]) the most recent ones, overwriting the oldest.
//! Set `BORROWSCOPE_TRACE=path.json` to have the trace written when the program exits
//! (also through `std::process::exit` or a panic in `main`), with no code change. Meanwhile
//! (on 64-bit Unix) the events are kept in `path.json.spool`, a file mapped into memory, so
//! that an abort, a crash or a signal (even SIGKILL) leaves them readable: SIGINT, SIGTERM,
//! SIGHUP and SIGQUIT still write the trace, and [`from_spool`] reads what a crash left.
//! `BORROWSCOPE_SPOOL=off` turns this off.
//!
//! Events carry a global order built from a Lamport clock: operations that synchronize
//! threads (spawn, join, locks, channels, `OnceLock`, statics) stamp it, so whatever
//! happens after a join, a receive or a lock comes after what happened before the matching
//! thread exit, send or release. Events of threads that do not synchronize are interleaved
//! by their position on their threads.

mod api;
mod check;
mod emit;
mod error;
mod event;
mod exit;
mod export;
mod graph;
#[cfg_attr(not(feature = "track"), allow(dead_code))]
mod intern;
// With `track` off nothing records, so the recorder is compiled but unused.
#[cfg_attr(not(feature = "track"), allow(dead_code, unused_imports))]
mod recorder;
mod session;
mod site;
#[cfg_attr(not(feature = "track"), allow(dead_code))]
mod spool;

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

pub use api::cells::*;
pub use api::concurrency::*;
pub use api::markers::*;
pub use api::ownership::*;
pub use api::pointers::{
    Counted, WeakCounted, track_arc_clone, track_arc_clone_with_id, track_arc_downgrade, track_arc_new, track_arc_new_with_id, track_box_from_raw,
    track_box_into_raw, track_box_new, track_box_pin, track_cow_borrowed, track_cow_owned, track_cow_to_mut, track_pin_into_inner, track_pin_new,
    track_rc_clone, track_rc_clone_with_id, track_rc_downgrade, track_rc_new, track_rc_new_with_id, track_weak_clone, track_weak_new,
    track_weak_upgrade,
};
pub use check::{Contradiction, ContradictionKind};
pub use error::{Error, Result};
pub use event::{Event, ThreadRecord, Trace};
pub use exit::{LEAVE_SPOOL_ENV, SPOOL_ENV, TRACE_ENV, TRACED_MIN_STACK};
pub use export::json::{JSON_VERSION, from_json, to_json};
pub use export::sources::SourceIndex;
pub use export::why::Why;
pub use export::{
    chrome::to_chrome_trace, dot::to_dot, export_chrome_trace, export_dot, export_html, export_json, html::to_html, html::to_html_with_sources,
};
pub use graph::{Borrow, CellBorrow, End, Graph, Move, Share, ValueKind, Variable};
pub use intern::MAX_SITES;
pub use recorder::{DEFAULT_MAX_EVENTS, KEEP_ENV, Keep, MAX_EVENTS_ENV};
pub use session::{Session, SessionGuard, Summary};
pub use site::{CallSite, Op, OpGroup};
pub use spool::read::from_spool;
pub use spool::{SPOOL_MAGIC, spool_path};

/// Whether this build records: the `track` feature is on.
pub const TRACKING: bool = cfg!(feature = "track");

/// The events recorded so far by the calling thread's recorder (its session's, or the
/// process-wide one), from every thread including those that have exited, in global order.
pub fn get_events() -> Vec<Event> {
    trace().events
}

/// The events with their threads and the count of events dropped by the cap.
pub fn trace() -> Trace {
    recorder::with_recorder(|r| recorder::merge(&r.snapshot(), r.dropped(), r.overwritten()))
}

/// Like [`trace`], but reports a recorder whose lock a panic poisoned as a
/// [`Error::LockError`] rather than reading it anyway.
pub(crate) fn try_trace() -> Result<Trace> {
    recorder::with_recorder(checked_trace)
}

fn checked_trace(r: &recorder::Recorder) -> Result<Trace> {
    if r.poisoned() {
        return Err(Error::LockError("a panic happened while the recorder's chunk list was locked".to_owned()));
    }
    Ok(recorder::merge(&r.snapshot(), r.dropped(), r.overwritten()))
}

/// The ownership graph of the events recorded so far.
pub fn get_graph() -> Graph {
    Graph::build(&trace())
}

/// Checks that the recorded events are consistent (see [`Error::InvalidEventSequence`]).
pub fn check_events() -> Result<()> {
    graph::check(&trace())
}

/// Forgets every event the calling thread's recorder holds.
pub fn reset() {
    recorder::with_recorder(|r| r.reset());
}

/// Sets the event cap of the calling thread's recorder; past it, events are counted as
/// dropped. Returns the previous cap.
pub fn set_max_events(max: usize) -> usize {
    recorder::with_recorder(|r| {
        let previous = r.max_events();
        r.set_max_events(max);
        previous
    })
}

/// Chooses which events the calling thread's recorder keeps once its cap is reached: the
/// first ones (the default) or the most recent ones (`BORROWSCOPE_KEEP=last` for the
/// process-wide recorder). Returns the previous choice.
pub fn set_keep(keep: Keep) -> Keep {
    recorder::with_recorder(|r| {
        let previous = r.keep();
        r.set_keep(keep);
        previous
    })
}

/// Counts of what has been recorded so far.
pub fn summary() -> Summary {
    Summary::of(&trace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poisoned_recorder_is_a_lock_error_for_exports_but_still_readable() {
        let recorder = recorder::Recorder::new(10);
        recorder.poison_for_test();
        assert!(matches!(checked_trace(&recorder), Err(Error::LockError(_))));
        assert!(recorder.snapshot().is_empty(), "recording and reading carry on regardless");
    }
}
