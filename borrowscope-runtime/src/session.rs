//! Sessions: recording scoped to a piece of code, so tests need no global lock.

use std::fmt;
use std::sync::Arc;

use crate::event::{Event, Trace};
use crate::graph::Graph;
use crate::recorder::{self, DEFAULT_MAX_EVENTS, Recorder};
use crate::site::Op;

/// A recorder of its own. Code run inside [`Session::record`] (or while a
/// [`SessionGuard`] lives) records into the session instead of the process-wide recorder,
/// on the calling thread; a thread it spawns records into the session once it calls
/// [`Session::enter`] with a clone of the session.
#[derive(Clone)]
pub struct Session {
    recorder: Arc<Recorder>,
}

/// Records into a session until dropped; then the thread goes back to the recorder it used
/// before.
pub struct SessionGuard {
    previous: Option<Option<Arc<Recorder>>>,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    /// A session with the default cap of [`DEFAULT_MAX_EVENTS`] events.
    pub fn new() -> Session {
        Session::with_max_events(DEFAULT_MAX_EVENTS)
    }

    /// A session that keeps at most `max` events and counts the rest as dropped.
    pub fn with_max_events(max: usize) -> Session {
        Session { recorder: Arc::new(Recorder::new(max.min(usize::MAX - 1))) }
    }

    /// Runs `f` with the calling thread recording into this session, and returns its value.
    /// The thread goes back to its previous recorder afterwards, also when `f` panics.
    pub fn record<R>(&self, f: impl FnOnce() -> R) -> R {
        let _guard = self.enter();
        f()
    }

    /// Makes the calling thread record into this session until the guard drops.
    pub fn enter(&self) -> SessionGuard {
        recorder::session_entered(true);
        SessionGuard { previous: Some(recorder::switch_session(Some(Arc::clone(&self.recorder)))) }
    }

    /// The session's events, with threads and the dropped count.
    pub fn trace(&self) -> Trace {
        recorder::quietly(|| recorder::merge(&self.recorder.snapshot(), self.recorder.dropped(), self.recorder.overwritten()))
    }

    /// The session's events in global order.
    pub fn events(&self) -> Vec<Event> {
        self.trace().events
    }

    /// The session's ownership graph.
    pub fn graph(&self) -> Graph {
        Graph::build(&self.trace())
    }

    /// Forgets the session's events.
    pub fn reset(&self) {
        recorder::quietly(|| self.recorder.reset());
    }
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            recorder::switch_session(previous);
            recorder::session_entered(false);
        }
    }
}

/// Counts of a trace: what [`crate::summary`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Events kept.
    pub events: usize,
    /// Events dropped because the cap was reached.
    pub dropped: u64,
    /// Threads that recorded.
    pub threads: usize,
    /// Variables in the graph.
    pub variables: usize,
    /// Events per operation, most frequent first.
    pub by_op: Vec<(Op, usize)>,
}

impl Summary {
    pub(crate) fn of(trace: &Trace) -> Summary {
        let mut counts = std::collections::BTreeMap::new();
        for event in &trace.events {
            *counts.entry(event.op).or_insert(0usize) += 1;
        }
        let mut by_op: Vec<_> = counts.into_iter().collect();
        by_op.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Summary {
            events: trace.events.len(),
            dropped: trace.dropped,
            threads: trace.threads.len(),
            variables: Graph::build(trace).nodes.len(),
            by_op,
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} events on {} threads, {} variables, {} dropped by the cap", self.events, self.threads, self.variables, self.dropped)?;
        for (op, count) in &self.by_op {
            writeln!(f, "  {op:<24} {count}")?;
        }
        Ok(())
    }
}
