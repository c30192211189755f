//! Linking a value a traced function returns to the caller's binding that receives it.
//!
//! The callee records its returned binding as moved (into "a call or an expression") where
//! it returns it, and leaves a note on its thread: which instance, at which depth of traced
//! frames, from which function. The caller's `let x = f(..)`, once bound, claims the note
//! when it is for exactly this call: left by a function of the name the caller called, one
//! frame deeper than the caller, for an instance made after the caller's binding was
//! declared (so during the call). It then records `Receive`, which names the move's
//! destination. Anything else is left unclaimed and the destination stays unknown, never
//! wrong:
//!
//! - every traced function that may return a value of its own (`Frame`) clears the note as
//!   it starts, so a note left while its arguments were evaluated (`f(g())`) is gone;
//! - a note left by a call nested inside the callee is one frame too deep;
//! - a note left before the caller's binding was declared is for an older instance;
//! - a note from a function of another name (an untraced callee that called a traced one)
//!   names the wrong function.

use std::cell::Cell;

use super::{Guard, GuardState, event};
use crate::site::{CallSite, Op};

struct Returns {
    /// How many `Frame`s are open on this thread.
    depth: Cell<u32>,
    /// The instance last returned (0: none), the depth of the frame that returned it, and
    /// that function's name.
    id: Cell<u64>,
    at: Cell<u32>,
    name: Cell<&'static str>,
}

thread_local! {
    static RETURNS: Returns = const {
        Returns { depth: Cell::new(0), id: Cell::new(0), at: Cell::new(0), name: Cell::new("") }
    };
}

/// The frame of a traced function whose return type may hold a binding's value: open from
/// its first statement to its exit (by return, `?` or unwinding).
pub struct Frame(());

impl Frame {
    /// Opens the frame, and forgets a note left before it (by a call in its arguments).
    #[inline(always)]
    pub fn enter() -> Frame {
        RETURNS.with(|r| {
            r.depth.set(r.depth.get() + 1);
            r.id.set(0);
        });
        Frame(())
    }
}

impl Drop for Frame {
    #[inline(always)]
    fn drop(&mut self) {
        RETURNS.with(|r| r.depth.set(r.depth.get().saturating_sub(1)));
    }
}

impl Guard {
    /// The binding's value is returned by the function `function` (its last use, a move):
    /// recorded as moved where it is returned, with a note for the caller's binding.
    #[inline(always)]
    pub fn returned(&self, site: &'static CallSite, function: &'static str) {
        let id = self.id.get();
        if id != 0 && self.state.get() == GuardState::Live {
            event(site, Op::Move, 0, id);
            RETURNS.with(|r| {
                r.id.set(id);
                r.at.set(r.depth.get());
                r.name.set(function);
            });
        }
        self.set(GuardState::Moved);
    }

    /// `bind` for a binding initialized by a call of `function` (`let x = function(..)`):
    /// records the creation, then, if the call returned a traced function's binding (see
    /// the module docs), that the value it returned is the one bound here.
    #[inline(always)]
    pub fn bind_returned<T: ?Sized>(&self, value: &T, function: &'static str) {
        self.bind(value);
        let id = self.id.get();
        if id == 0 {
            return;
        }
        let returned = RETURNS.with(|r| {
            let returned = r.id.get();
            let direct = returned > id && r.at.get() == r.depth.get() + 1 && r.name.get() == function;
            if direct {
                r.id.set(0);
            }
            direct.then_some(returned)
        });
        if let Some(returned) = returned {
            event(self.site, Op::Receive, id, returned);
        }
    }
}
