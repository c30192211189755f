//! The hooks the macro passes a value through (`pass(.., value)`): each records its event
//! and gives the value back unchanged, so that the expression keeps its type, its coercions
//! and its temporaries' lifetimes; and `Held`, the end of a guard kept only as a temporary.

use super::{Counted, Guard, Op, Site, Sites, counted, event_at, fresh_id};

/// Records `op` and returns `value` unchanged. The macro passes expressions through this
/// rather than wrapping them in a block: a call keeps the value's type, its coercions and the
/// lifetime of its temporaries exactly as they were.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn pass<T>(table: &'static Sites, row: u32, op: Op, id: u64, arg: u64, value: T) -> T {
    let site: Site = (table, row);
    event_at(site, op, id, arg);
    value
}

/// `pass` for an array whose length the user left to inference (`[0; _]`): records `op` with
/// the array's length, which its type carries.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn pass_array<T, const N: usize>(table: &'static Sites, row: u32, op: Op, value: [T; N]) -> [T; N] {
    event_at((table, row), op, 0, N as u64);
    value
}

/// Returns `value` after recording, once it has been computed, that `guard`'s binding is
/// about to be assigned it (`x = value`): the old value drops then.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn assigned<T>(guard: &Guard, table: &'static Sites, row: u32, value: T) -> T {
    guard.overwritten::<T>(table, row);
    value
}

/// Returns `value`; `_first` was evaluated before it (a probe that must run before the
/// expression that uses the binding).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn then<T>(_first: (), value: T) -> T {
    value
}

/// Records a raw pointer's creation with its address and returns it.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn raw_ptr<P: crate::RawPointer>(table: &'static Sites, row: u32, pointer: P) -> P {
    let site: Site = (table, row);
    event_at(site, Op::RawPtr, 0, pointer.address());
    pointer
}

/// Records a pointer event with the strong count of the pointer `value` (an `Rc` or `Arc`),
/// and returns it.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn counted_pass<P: Counted>(table: &'static Sites, row: u32, op: Op, id: u64, source: u64, value: P) -> P {
    counted(table, row, op, id, source, &value);
    value
}

/// Records `event` (if any) once `value` has been computed, and returns `value`: the macro
/// passes `(&Probe(&x)).typed(..)` as `event`, evaluated before the call that makes `value`,
/// so the receiver is probed while it still exists and the event lands after the operation.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn after<T>(table: &'static Sites, row: u32, event: Option<(Op, u64)>, value: T) -> T {
    let site: Site = (table, row);
    if let Some((op, arg)) = event {
        event_at(site, op, 0, arg);
    }
    value
}

/// Gives `value` (a method call's result) back after recording that the call's borrow of its
/// receiver `owner` ended as it returned, at the borrow's site (`owner` 0: nothing was
/// borrowed, nothing to end). `borrowed_for(probe, v.len())`: the probe records the borrow
/// before the call and gives the owner and the site.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn borrowed_for<T>((owner, site): (u64, Site), value: T) -> T {
    if owner != 0 {
        event_at(site, Op::BorrowEnd, 0, owner);
    }
    value
}

/// Records `event` (a guard's acquisition) for the guard instance `id`, which the binding
/// about to hold the guard has, once `value` (the guard) has been computed; returns `value`.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn taken<T>(table: &'static Sites, row: u32, event: Option<(Op, u64)>, id: u64, value: T) -> T {
    let site: Site = (table, row);
    if let Some((op, arg)) = event {
        event_at(site, op, id, arg);
    }
    value
}

/// The end of a lock or `RefCell` guard the program keeps only as a temporary
/// (`cell.borrow_mut().push(x)`, `*m.lock().unwrap() += 1`, `x.borrow().len()` in a
/// condition): the macro writes `hold(site, event, call).0`, one temporary tuple of the guard
/// and a `Held`, whose fields dropping in order turn into "the guard, then the `Held`": the
/// release is recorded just after Rust releases the guard, at the end of the statement, the
/// condition or the `match`, or while unwinding.
pub struct Held {
    site: Site,
    /// The guard's own instance id, shared by its acquisition and its release; 0 when
    /// nothing is recorded.
    id: u64,
    release: Op,
}

/// Records `event` (a guard's acquisition, or any other event of a method call decided by
/// its receiver's type, probed before the call) once `value` is computed, and returns it
/// paired with what records the guard's release when dropped.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub fn hold<T>(table: &'static Sites, row: u32, event: Option<(Op, u64)>, value: T) -> (T, Held) {
    let site: Site = (table, row);
    (value, held(site, event))
}

extern "C" fn held(site: Site, event: Option<(Op, u64)>) -> Held {
    let Some((op, arg)) = event else { return Held { site, id: 0, release: Op::LockRelease } };
    let release = match op {
        Op::RefCellBorrow | Op::RefCellBorrowMut => Some(Op::RefCellBorrowEnd),
        Op::Lock => Some(Op::LockRelease),
        _ => None,
    };
    match release {
        Some(release) if crate::recorder::active() => {
            let id = fresh_id();
            event_at(site, op, id, arg);
            Held { site, id, release }
        }
        _ => {
            event_at(site, op, 0, arg);
            Held { site, id: 0, release: Op::LockRelease }
        }
    }
}

impl Drop for Held {
    /// One call that cannot unwind, inlined into the drop glue.
    #[inline]
    fn drop(&mut self) {
        if self.id != 0 {
            event_at(self.site, self.release, self.id, 0);
        }
    }
}
