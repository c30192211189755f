//! `Event` and `Trace`: recorded events as users read them, and their one-line text form.

use std::fmt;

use crate::site::{CallSite, Op};

/// One recorded event, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// The event's place in the global order across all threads, from 0.
    pub order: u64,
    /// The Lamport clock the order is built from: an event that causally follows another
    /// through a lock, spawn, join or channel has a larger clock.
    pub clock: u64,
    /// The BorrowScope index of the thread it happened on (see [`Trace::threads`]).
    pub thread: u32,
    /// What happened.
    pub op: Op,
    /// Where it happened.
    pub site: &'static CallSite,
    /// The variable instance (or loop, match, lock... id) it concerns; see [`Op`].
    pub id: u64,
    /// The operation's argument (owner, count, index...); see [`Op`].
    pub arg: u64,
    /// A reference count for pointer events (the strong count after an `Rc` clone...).
    pub count: u64,
    /// The value's type for `New` events, as `std::any::type_name` gives it.
    pub type_name: Option<&'static str>,
}

impl Event {
    /// The name the event is about: the variable, function, label or type at its site.
    pub fn name(&self) -> &'static str {
        self.site.name
    }
}

/// A thread that recorded events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadRecord {
    /// BorrowScope's index: 0 for the first thread that recorded, and so on.
    pub index: u32,
    /// The thread's name, if it has one.
    pub name: Option<String>,
    /// The number inside std's `ThreadId`, as its `Debug` shows it (`ThreadId(3)`).
    pub std_id: u64,
}

/// Everything a recorder holds: the events in global order, the threads they came from,
/// and how many events the cap made it drop or overwrite.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Trace {
    /// The events, in global order.
    pub events: Vec<Event>,
    /// The threads that recorded them, by index.
    pub threads: Vec<ThreadRecord>,
    /// Events not kept because the event cap was reached.
    pub dropped: u64,
    /// Earlier events overwritten to keep the most recent ones (`BORROWSCOPE_KEEP=last`).
    pub overwritten: u64,
    /// Events recorded but unreadable: the program was killed (SIGKILL, the OOM killer)
    /// before the call sites they name were written down in its spool.
    pub lost: u64,
    /// How the run ended when it did not end normally, as a trace read from the spool a
    /// crash or a signal left says it: the signal's name (`SIGSEGV`), or
    /// [`Trace::UNFINISHED`] when the spool does not say (SIGKILL, or a program still
    /// running). `None` for a run that ended normally.
    pub ended_by: Option<String>,
}

impl fmt::Display for Event {
    /// One line: `order thread op name [detail] #id arg type @file:line:column`, with the
    /// parts an operation does not use left out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:>4} t{} {}", self.order, self.thread, self.op)?;
        if !self.site.name.is_empty() {
            write!(f, " {}", self.site.name)?;
        }
        if !self.site.detail.is_empty() {
            write!(f, " [{}]", self.site.detail)?;
        }
        if self.id != 0 {
            write!(f, " #{}", self.id)?;
        }
        if self.arg != 0 {
            write!(f, " arg={}", self.arg)?;
        }
        if self.count != 0 {
            write!(f, " count={}", self.count)?;
        }
        if let Some(ty) = self.type_name {
            write!(f, " : {ty}")?;
        }
        write!(f, " @{}", self.site)
    }
}

impl Trace {
    /// What a reader must know about the events missing from the trace, and what to do
    /// about it; `None` when nothing is missing.
    pub fn note(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.dropped > 0 {
            parts.push(format!(
                "the event cap was reached, so the trace stops there ({} dropped; outside a \
                 Session, later events are neither recorded nor counted): \
                 raise the cap with BORROWSCOPE_MAX_EVENTS=N (or set_max_events), or keep the \
                 most recent events instead with BORROWSCOPE_KEEP=last",
                counted(self.dropped, "event was", "events were")
            ));
        }
        if self.overwritten > 0 {
            parts.push(format!(
                "{} overwritten to keep the most recent ones \
                 (BORROWSCOPE_KEEP=last): raise BORROWSCOPE_MAX_EVENTS=N to keep more; a \
                 variable whose creation was overwritten shows only its later events",
                counted(self.overwritten, "earlier event was", "earlier events were")
            ));
        }
        if self.lost > 0 {
            parts.push(format!(
                "{} unreadable: the program was killed before their call sites were written \
                 down (call sites first reached in its last 200 ms)",
                counted(self.lost, "recorded event is", "recorded events are")
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// What `ended_by` holds when the spool does not say how the run ended.
    pub const UNFINISHED: &'static str = "unknown";

    /// How the run ended, when it did not end normally, and the last event of each thread:
    /// where each thread was when it ended. `None` for a run that ended normally.
    pub fn ending(&self) -> Option<String> {
        let ended_by = self.ended_by.as_deref()?;
        let how = match ended_by {
            Trace::UNFINISHED => "the run did not finish: it was killed (SIGKILL, the OOM killer) or is still running; \
                 this is what its spool held"
                .to_owned(),
            signal => format!("the run ended by {signal}{}; this is what its spool held", signal_meaning(signal)),
        };
        let mut lines = vec![how];
        for thread in &self.threads {
            let last = self.events.iter().rev().find(|e| e.thread == thread.index);
            let name = thread.name.as_deref().unwrap_or("unnamed");
            if let Some(last) = last {
                lines.push(format!("last event on thread {} ({name}): {} {} at {}", thread.index, last.op, last.site.name, last.site));
            }
        }
        Some(lines.join("\n"))
    }

    /// The events as text, one per line, for reading and for snapshot tests. Instance ids
    /// and thread indices are renumbered in order of first appearance, so the text does not
    /// depend on which ids and threads a run happened to get.
    pub fn to_text(&self) -> String {
        let mut renames: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
        let mut threads: Vec<u32> = Vec::new();
        for event in &self.events {
            if !threads.contains(&event.thread) {
                threads.push(event.thread);
            }
        }
        let mut out = String::new();
        for event in &self.events {
            let mut event = *event;
            event.thread = threads.iter().position(|&t| t == event.thread).unwrap_or_default() as u32;
            let next = renames.len() as u64 + 1;
            if event.id != 0 && !matches!(event.op, Op::LoopIteration) {
                event.id = *renames.entry(event.id).or_insert(next);
            }
            if event.op.arg_is_instance() && event.arg != 0 {
                let next = renames.len() as u64 + 1;
                event.arg = *renames.entry(event.arg).or_insert(next);
            }
            // Addresses and std's thread numbers change from run to run: show what they
            // stand for instead.
            let note = match event.op {
                Op::RawPtr | Op::BoxIntoRaw | Op::BoxFromRaw if event.arg != 0 => Some(" arg=<address>".to_owned()),
                Op::ThreadSpawn => {
                    let spawned = self.threads.iter().find(|t| t.std_id == event.arg).map(|t| t.index);
                    Some(match spawned.and_then(|index| threads.iter().position(|&t| t == index)) {
                        Some(renamed) => format!(" spawned=t{renamed}"),
                        None => String::new(),
                    })
                }
                _ => None,
            };
            if note.is_some() {
                event.arg = 0;
            }
            out.push_str(&event.to_string());
            if let Some(note) = note {
                // The note goes before the location, where `arg` would have been.
                let at = out.rfind(" @").unwrap_or(out.len());
                out.insert_str(at, &note);
            }
            out.push('\n');
        }
        out
    }
}

/// What a signal usually means, for the sentence that says a run ended by it.
fn signal_meaning(signal: &str) -> &'static str {
    match signal {
        "SIGSEGV" | "SIGBUS" => " (a crash: an invalid memory access)",
        "SIGABRT" => " (an abort: `std::process::abort`, a double panic or `panic = \"abort\"`)",
        "SIGILL" | "SIGTRAP" => " (a crash: an illegal instruction or a trap)",
        "SIGFPE" => " (a crash: an arithmetic fault)",
        "SIGINT" => " (Ctrl-C)",
        "SIGTERM" => " (a request to stop: `kill`, `timeout`, systemd, Docker)",
        "SIGHUP" => " (the terminal closed)",
        "SIGQUIT" => " (Ctrl-\\)",
        _ => "",
    }
}

/// `n` and the words for one or for several.
fn counted(n: u64, one: &str, several: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { several })
}
