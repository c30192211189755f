//! Linking a value that moves into a traced call or out of one to the binding on the other
//! side: an argument to the callee's parameter, a returned value to the caller's binding.
//! The macro links only calls the analyzer found to call a traced function (`traced_call`
//! sites), so that the other side surely runs; what is not linked keeps the destination
//! "a call or an expression", never a wrong one.
//!
//! **Arguments.** At a traced call whose arguments run no code of their own (paths,
//! literals, references: nothing traced can run between them and the callee's first
//! statement), each binding moved in as an argument is recorded as moved and staged on its
//! thread with the callee's name, its position and its type. The callee's by-value parameter
//! at that position, of that type, claims it as it is bound (`Receive`). The call clears what
//! was staged when it returns (`called`).
//!
//! **Returned values.** The callee records its returned binding as moved where it returns
//! it, and leaves a note on its thread: which instance, at which depth of traced frames, from
//! which function. The caller's `let x = f(..)`, once bound, claims the note when it is for
//! exactly this call: left by a function of the name the caller called, one frame deeper
//! than the caller, for an instance made after the caller's binding was declared (so during
//! the call). It then records `Receive`, which names the move's destination. Anything else is
//! left unclaimed:
//!
//! - every traced function that may return a value of its own (`Frame`) clears the note as
//!   it starts, so a note left while its arguments were evaluated (`f(g())`) is gone;
//! - a note left by a call nested inside the callee is one frame too deep;
//! - a note left before the caller's binding was declared is for an older instance.

use std::cell::Cell;

use super::{Guard, GuardState, event_at};
use crate::site::{Op, Site, Sites};

struct Returns {
    /// How many `Frame`s are open on this thread.
    depth: Cell<u32>,
    /// The instance last returned (0: none), the depth of the frame that returned it, and
    /// that function's name.
    id: Cell<u64>,
    at: Cell<u32>,
    name: Cell<&'static str>,
}

/// One staged argument: the instance, the callee's name, the argument's position and type.
#[derive(Clone, Copy)]
struct Staged {
    id: u64,
    function: &'static str,
    index: u32,
    ty: &'static str,
}

/// How many arguments of one call can be staged; the others stay unlinked.
const STAGED: usize = 8;

struct Arguments {
    staged: [Cell<Staged>; STAGED],
    len: Cell<usize>,
}

const NONE: Staged = Staged { id: 0, function: "", index: 0, ty: "" };

thread_local! {
    static RETURNS: Returns = const {
        Returns { depth: Cell::new(0), id: Cell::new(0), at: Cell::new(0), name: Cell::new("") }
    };
    static ARGUMENTS: Arguments = const {
        Arguments { staged: [const { Cell::new(NONE) }; STAGED], len: Cell::new(0) }
    };
}

/// Returns the value of a traced call whose arguments were staged, once it has returned: what
/// its parameters did not claim is forgotten.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn called<T>(value: T) -> T {
    forget_arguments();
    value
}

/// What the parameters of a returned call did not claim is forgotten.
#[cfg_attr(not(debug_assertions), inline(always))]
extern "C" fn forget_arguments() {
    ARGUMENTS.with(|a| a.len.set(0));
}

/// The frame of a traced function whose return type may hold a binding's value: open from
/// its first statement to its exit (by return, `?` or unwinding).
pub struct Frame(());

impl Frame {
    /// Opens the frame, and forgets a note left before it (by a call in its arguments).
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn enter() -> Frame {
        RETURNS.with(|r| {
            r.depth.set(r.depth.get() + 1);
            r.id.set(0);
        });
        Frame(())
    }
}

impl Drop for Frame {
    /// One call that cannot unwind, inlined into the drop glue.
    #[inline]
    fn drop(&mut self) {
        left();
    }
}

/// A traced function's frame left: one level of return links less.
#[cfg_attr(not(debug_assertions), inline(always))]
extern "C" fn left() {
    RETURNS.with(|r| r.depth.set(r.depth.get().saturating_sub(1)));
}

impl Guard {
    /// The binding, whose value is `value`, is moved in as argument `index` of a call of the
    /// traced function `function`: recorded as moved, and staged for the callee's parameter.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn passed<T: ?Sized>(&self, _value: &T, table: &'static Sites, row: u32, function: &'static &'static str, index: u32) {
        let site: Site = (table, row);
        self.passed_named(std::any::type_name::<T>(), site, function, index);
    }

    /// `passed` for a type by its name (see [`Guard::bind`]).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn passed_named(&self, ty: &'static str, site: Site, function: &'static str, index: u32) {
        let id = self.id.get();
        if id != 0 && self.state.get() == GuardState::Live {
            event_at(site, Op::Move, 0, id);
            ARGUMENTS.with(|a| {
                let len = a.len.get();
                if len < STAGED {
                    a.staged[len].set(Staged { id, function, index, ty });
                    a.len.set(len + 1);
                }
            });
        }
        self.set(GuardState::Moved);
    }

    /// `bind` for by-value parameter `index` of the traced function `function`: records the
    /// creation, then, if the caller staged the argument at this position (see the module
    /// docs), that it is the value bound here.
    ///
    /// The function's name comes behind a reference, as in `passed`, `returned` and
    /// `bind_returned`: a `&str` is an aggregate to an `extern "C"` function (see `event`).
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn bind_argument<T>(&self, _value: &T, function: &'static &'static str, index: u32) {
        self.argument_named(std::any::type_name::<T>(), function, index);
    }

    /// `bind_argument` for a type by its name (see [`Guard::bind`]).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn argument_named(&self, ty: &'static str, function: &'static str, index: u32) {
        self.bind_named(ty);
        let id = self.id.get();
        if id == 0 {
            return;
        }
        // The newest match is this call's (a recursive call stages its argument while the
        // caller's own is still staged), and it is claimed once.
        let passed = ARGUMENTS.with(|a| {
            let len = a.len.get();
            let found = (0..len).rev().find(|&i| {
                let s = a.staged[i].get();
                s.index == index && s.function == function && s.ty == ty
            })?;
            let claimed = a.staged[found].get().id;
            a.staged[found].set(a.staged[len - 1].get());
            a.len.set(len - 1);
            Some(claimed)
        });
        if let Some(passed) = passed {
            self.received.set(true);
            event_at(self.site, Op::Receive, id, passed);
        }
    }

    /// The binding's value is returned by the function `function` (its last use, a move):
    /// recorded as moved where it is returned, with a note for the caller's binding.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn returned(&self, table: &'static Sites, row: u32, function: &'static &'static str) {
        let site: Site = (table, row);
        let id = self.id.get();
        if id != 0 && self.state.get() == GuardState::Live {
            event_at(site, Op::Move, 0, id);
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
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn bind_returned<T: ?Sized>(&self, _value: &T, function: &'static &'static str) {
        self.returned_named(std::any::type_name::<T>(), function);
    }

    /// `bind_returned` for a type by its name (see [`Guard::bind`]).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn returned_named(&self, ty: &'static str, function: &'static str) {
        self.bind_named(ty);
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
            self.received.set(true);
            event_at(self.site, Op::Receive, id, returned);
        }
    }
}
