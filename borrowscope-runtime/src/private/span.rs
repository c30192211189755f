//! `Span`: the bracket around a loop, `match`, block or function, whose drop records the
//! construct's exit.

use super::{Op, Site, Sites, Slot, active, event_at, fresh_id};

/// Brackets a construct: records `enter` now and `exit` when dropped, so a loop, match,
/// block or function left by `return`, `?`, `break` or a panic is still closed. Also counts
/// loop iterations.
pub struct Span {
    site: Site,
    exit: Op,
    id: u64,
    iteration: Slot<u64>,
}

impl Span {
    /// Records `enter` for a new instance of the construct. Entered while no event could be
    /// kept, the span has id 0 and records nothing at all: a loop or `match` inside a call
    /// that runs on past the event cap then costs a field test per iteration or arm, not a
    /// thread-local id and a check of the recorder each.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn enter(table: &'static Sites, row: u32, enter: Op, exit: Op) -> Span {
        let site: Site = (table, row);
        let id = if crate::recorder::active() { fresh_id() } else { 0 };
        if id != 0 {
            event_at(site, enter, id, 0);
        }
        Span { site, exit, id, iteration: Slot::new(0) }
    }

    /// Records the start of the next loop iteration, numbered from 0.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn iteration(&self) {
        if self.id == 0 {
            return;
        }
        let n = self.iteration.get();
        event_at(self.site, Op::LoopIteration, self.id, n);
        self.iteration.set(n + 1);
    }

    /// Starts the next loop iteration of a loop whose body is also emitted as written (the
    /// per-iteration gate): counts it, and returns whether it runs instrumented, recording
    /// its start then. False once no event could be kept: a loop entered before the event
    /// cap that runs on long past it (semver parsing a 5.6 MB identifier in one call) then
    /// pays this call per iteration instead of every hook of its body.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn live_iteration(&self) -> bool {
        let n = self.iteration.get();
        self.iteration.set(n + 1);
        if !active() {
            return false;
        }
        if self.id != 0 {
            event_at(self.site, Op::LoopIteration, self.id, n);
        }
        true
    }

    /// Records the arm taken in a `match` (`site` names the arm's pattern).
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn arm(&self, table: &'static Sites, row: u32, index: u64) {
        let site: Site = (table, row);
        if self.id != 0 {
            event_at(site, Op::MatchArm, self.id, index);
        }
    }
}

impl Drop for Span {
    /// One call that cannot unwind, inlined into the drop glue.
    #[inline]
    fn drop(&mut self) {
        if self.id != 0 {
            event_at(self.site, self.exit, self.id, 0);
        }
    }
}
