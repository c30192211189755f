//! The ABI `#[trace_borrow]` expands to: a few generic hooks that take a `static`
//! [`CallSite`] per call site, so generated code passes only ids and values. Not a public
//! API: it may change in any release.
//!
//! Inlining: in a build with `debug_assertions` off (release) every hook is
//! `#[inline(always)]`, so that an event costs a few instructions in the caller. With them on
//! (`cargo run`, `cargo test`), only the gate `active` is: the other hooks are calls, into
//! this crate's own code, which `cargo borrowscope --all` builds with `opt-level = 3` in the
//! debug profile. Inlined there, each event's hooks were copied unoptimized into every
//! caller: aho-corasick's instrumented library took 42 s and 1,842 MiB to build, against
//! 12.3 s and 531 MiB as calls, and semver's `test_identifier` ran in 0.34 s, against 0.19 s
//! as calls into the optimized hooks (BENCHMARKS.md).
//!
//! Unwinding: every hook is `extern "C"`, a function that cannot unwind (a panic inside one
//! aborts), or, where it passes the user's value through (`pass`, `then`, `hold`...: a SIMD
//! vector by value to an `extern "C"` function needs a target feature the caller may not
//! have), a Rust function inlined where optimized that calls only `extern "C"` ones; each
//! destructor is a call to one. So instrumented code can panic only where the user's code
//! can. A function checked at link time never to panic (the `no_panic` crate's `#[no_panic]`,
//! which ahash 0.8.11's tests use on functions calling its traced library) links as it does
//! plain: a call the optimizer must assume may unwind would keep the check's failure path
//! alive.

// The hooks take and return Rust values; "C" is for the unwinding only, and both sides of
// every call are Rust.
#![allow(improper_ctypes_definitions)]

pub use crate::api::pointers::{Counted, WeakCounted};
pub use crate::site::{CallSite, Op, Site, Sites};
pub use channels::{Channel, linked_channel, received, received_item, sending, sent};
pub use links::{Frame, called};
pub use probes::*;
pub use span::Span;
pub use values::{Held, after, assigned, borrowed_for, counted_pass, hold, pass, pass_array, raw_ptr, taken, then};

mod channels;
mod links;
mod probes;
mod slot;
mod span;
mod values;

use slot::Slot;
use std::mem::ManuallyDrop;

/// Whether a traced function should run its instrumented body: false once no event could be
/// kept (the global recorder's cap reached and no session entered) or with tracking off, and
/// the function then runs exactly as written, at no cost beyond this check.
#[inline(always)]
pub extern "C" fn active() -> bool {
    #[cfg(feature = "track")]
    return crate::recorder::active();
    #[cfg(not(feature = "track"))]
    false
}

/// A new variable instance id, unique in the process (0 with tracking off).
#[cfg_attr(not(debug_assertions), inline(always))]
pub extern "C" fn fresh_id() -> u64 {
    crate::emit::fresh()
}

/// Records `op` at row `row` of `table`.
///
/// Every hook the macro calls takes its site as these two arguments, not as one `Site`: an
/// `extern "C"` function takes a pair as one aggregate, which the fast instruction selector
/// of a debug build cannot pass, so each block with such a call went through the slow one
/// (data-encoding's library built in 16.96 G instructions of rustc, 12.6 G of them LLVM's).
#[cfg_attr(not(debug_assertions), inline(always))]
pub extern "C" fn event(table: &'static Sites, row: u32, op: Op, id: u64, arg: u64) {
    event_at((table, row), op, id, arg);
}

/// `event` for a site the runtime holds. `extern "C"` as every hook is: called from a
/// destructor or a generic hook compiled into the user's crate, it must not be a call that
/// may unwind (`tests/tests/unwinding.rs`).
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) extern "C" fn event_at(site: Site, op: Op, id: u64, arg: u64) {
    #[cfg(feature = "track")]
    crate::recorder::record(crate::site::at(site), op, id, arg, 0);
    #[cfg(not(feature = "track"))]
    let _ = (site, op, id, arg);
}

/// Records the creation of a variable holding a `T` and returns its new instance id.
#[cfg_attr(not(debug_assertions), inline(always))]
pub extern "C" fn new<T: ?Sized>(table: &'static Sites, row: u32, _value: &T) -> u64 {
    let site: Site = (table, row);
    new_named(site, std::any::type_name::<T>())
}

/// `new` for a type by its name: the body every `T` shares (see [`Guard::bind`]).
#[cfg_attr(not(debug_assertions), inline(always))]
fn new_named(site: Site, ty: &'static str) -> u64 {
    #[cfg(feature = "track")]
    return crate::emit::new_named(crate::site::at(site), 0, ty);
    #[cfg(not(feature = "track"))]
    {
        let _ = (site, ty);
        0
    }
}

/// Records an event with a count (a weak count, a strong count after an upgrade).
#[cfg_attr(not(debug_assertions), inline(always))]
fn record_count(site: Site, op: Op, id: u64, arg: u64, count: u64) {
    #[cfg(feature = "track")]
    crate::recorder::record(crate::site::at(site), op, id, arg, count);
    #[cfg(not(feature = "track"))]
    let _ = (site, op, id, arg, count);
}

/// Records a pointer event (`RcNew`, `RcClone`, `ArcClone`...) with the pointer's strong
/// count.
#[cfg_attr(not(debug_assertions), inline(always))]
pub extern "C" fn counted<P: Counted>(table: &'static Sites, row: u32, op: Op, id: u64, source: u64, pointer: &P) {
    let site: Site = (table, row);
    #[cfg(feature = "track")]
    crate::recorder::record(crate::site::at(site), op, id, source, pointer.strong() as u64);
    #[cfg(not(feature = "track"))]
    let _ = (site, op, id, source, pointer);
}

/// Records a region's exit when dropped, so a region left by `return`, `?` or a panic is
/// still closed.
pub struct RegionGuard {
    id: usize,
}

impl RegionGuard {
    /// Records entering region `name`.
    #[track_caller]
    pub fn enter(name: &str) -> RegionGuard {
        let id = fresh_id() as usize;
        crate::track_region_enter(id, name, "");
        RegionGuard { id }
    }
}

impl Drop for RegionGuard {
    fn drop(&mut self) {
        crate::track_region_exit(self.id, "");
    }
}

/// The drop guard of one binding. The macro declares it just before the binding, so that,
/// locals being dropped in reverse order of declaration, the guard drops right after the
/// binding's value really drops: at the end of its scope, on `return`, `?`, `break` or
/// while unwinding. A guard whose binding was moved out records nothing.
pub struct Guard {
    site: Site,
    /// 0 when sampling left this instance out: it then records nothing. A new instance
    /// when the binding is assigned a new value.
    id: Slot<u64>,
    state: Slot<GuardState>,
    /// An operation to record just before the drop: the release of a lock guard, the end of
    /// a `RefCell` borrow.
    release: Slot<Option<Op>>,
    /// The value was used by value where the binding is used again later (see
    /// [`Guard::passed_on`]): whether it is still there at its end nobody can tell.
    uncertain: Slot<bool>,
    /// The value was received from a binding of a traced call (`Op::Receive`): the
    /// pointer it holds is that binding's, whose own events tell how it was made.
    received: Slot<bool>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum GuardState {
    /// Declared; the binding has not been initialised yet.
    Unbound,
    Live,
    Moved,
    /// Used in a way that may have moved it (a by-value method call the macro cannot
    /// resolve without type information).
    MaybeMoved,
}

impl slot::Packed for GuardState {
    fn pack(self) -> u64 {
        self as u64
    }
    fn unpack(bits: u64) -> GuardState {
        match bits {
            0 => GuardState::Unbound,
            1 => GuardState::Live,
            2 => GuardState::Moved,
            _ => GuardState::MaybeMoved,
        }
    }
}

impl Guard {
    /// A guard for the binding described by `site`, with the binding's instance id; 0 (the
    /// guard records nothing) when no event could be kept anywhere, which spares the
    /// thread-local id counter in a loop that runs on after the event cap was reached.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn new(table: &'static Sites, row: u32) -> Guard {
        let site: Site = (table, row);
        let id = if crate::recorder::active() { fresh_id() } else { 0 };
        Guard {
            site,
            id: Slot::new(id),
            state: Slot::new(GuardState::Unbound),
            release: Slot::new(None),
            uncertain: Slot::new(false),
            received: Slot::new(false),
        }
    }

    /// A guard with no instance yet (a run's, see [`Guards`]).
    fn unarmed(table: &'static Sites, row: u32) -> Guard {
        Guard {
            site: (table, row),
            id: Slot::new(0),
            state: Slot::new(GuardState::Unbound),
            release: Slot::new(None),
            uncertain: Slot::new(false),
            received: Slot::new(false),
        }
    }

    /// Gives a run's guard its binding's instance, as [`Guard::new`] would have made it here.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn arm(&self) {
        self.id.set(if crate::recorder::active() { fresh_id() } else { 0 });
    }

    /// A guard that tracks its binding with probability `per_million / 1_000_000`; all the
    /// events of an instance are kept or left out together.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn sampled(table: &'static Sites, row: u32, per_million: u64) -> Guard {
        let guard = Guard::new(table, row);
        // A fixed mix of the id, so the choice is spread evenly and costs no state.
        let mixed = guard.id.get().wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
        if mixed % 1_000_000 >= per_million {
            guard.id.set(0);
        }
        guard
    }

    /// Records the binding's creation (with its type) once it holds its value.
    ///
    /// Each hook that takes a type is a shell around a body that takes the type's name: the
    /// shell is compiled in the user's crate once per type, at the user's optimization level,
    /// the body once, here, optimized (a body recording an event, written in the shell, made
    /// the compiler generate and check it again for every type of every traced crate).
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn bind<T: ?Sized>(&self, _value: &T) {
        self.bind_named(std::any::type_name::<T>());
    }

    /// `bind` for a type by its name.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn bind_named(&self, ty: &'static str) {
        if self.id.get() == 0 {
            return;
        }
        #[cfg(feature = "track")]
        crate::emit::new_named(crate::site::at(self.site), self.id.get(), ty);
        #[cfg(not(feature = "track"))]
        let _ = ty;
        self.state.set(GuardState::Live);
    }

    /// Records that this binding is a reference to `owner`'s value.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn borrows(&self, owner: &Guard, mutable: bool) {
        if self.id.get() != 0 {
            event_at(self.site, if mutable { Op::BorrowMut } else { Op::Borrow }, self.id.get(), owner.id.get());
        }
    }

    /// Records a pointer event (`RcNew`, `RcClone`...) for this binding, with its strong
    /// count and the instance it came from.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn pointer<P: Counted>(&self, op: Op, source: u64, pointer: &P) {
        // A pointer that came out of a traced call as one of its bindings was neither made
        // nor cloned here: its `receive` names where it came from.
        if source == 0 && self.received.get() {
            return;
        }
        if self.id.get() != 0 {
            // A pointer "made" (by a factory, an alias's constructor) that already shares its
            // allocation was cloned inside the call, from a pointer that call did not name.
            let op = match op {
                Op::RcNew if pointer.strong() > 1 => Op::RcClone,
                Op::ArcNew if pointer.strong() > 1 => Op::ArcClone,
                op => op,
            };
            counted(self.site.0, self.site.1, op, self.id.get(), source, pointer);
        }
    }

    /// Records a downgrade (`RcDowngrade` or `ArcDowngrade`, as the `Weak`'s type says) for
    /// this binding, with the weak count after it and the pointer it came from (0 if unknown).
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn downgraded<W: WeakCounted>(&self, source: u64, weak: &W) {
        if self.id.get() != 0 {
            record_count(self.site, W::DOWNGRADE, self.id.get(), source, weak.weak() as u64);
        }
    }

    /// Records `weak.clone()` for this binding, with the weak count after it.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn weak_cloned<W: WeakCounted>(&self, source: u64, weak: &W) {
        if self.id.get() != 0 {
            record_count(self.site, Op::WeakClone, self.id.get(), source, weak.weak() as u64);
        }
    }

    /// Records `weak.upgrade()` for this binding: the strong count after it, 0 when the
    /// allocation was gone and the upgrade failed.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn upgraded<P: Counted>(&self, source: u64, upgraded: &Option<P>) {
        if self.id.get() != 0 {
            let strong = upgraded.as_ref().map_or(0, Counted::strong);
            record_count(self.site, Op::WeakUpgrade, self.id.get(), source, strong as u64);
        }
    }

    /// Records `op` for this binding with a raw pointer's address (`Box::into_raw`), unless
    /// the value came out of a traced call's binding (see [`Guard::event`]).
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn address<P: crate::RawPointer>(&self, op: Op, pointer: &P) {
        if self.id.get() != 0 && !self.received.get() {
            event_at(self.site, op, self.id.get(), (*pointer).address());
        }
    }

    /// The binding was passed to `drop(..)`: its value is dropped now. Records the release
    /// the guard holds (a lock or `RefCell` guard's), then the drop.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn dropped_now(&self) {
        if self.state.get() == GuardState::Live {
            if let Some(release) = self.release.get() {
                event_at(self.site, release, self.id.get(), 0);
            }
            event_at(self.site, Op::Drop, self.id.get(), 0);
        }
        self.set(GuardState::Moved);
    }

    /// A by-value use of the binding whose type is not `Copy` (the analyzer's facts or the
    /// syntax say so): its value moves to `to` (0: into a call or an expression) and the
    /// guard records no drop. After a use that may have moved it (`MaybeMoved`) too: the
    /// compiler lets the binding be used by value only where it holds what is used, so that
    /// use moved a part at most, and this one, which the analyzer calls a move of the binding
    /// only when nothing that needs dropping stays after it, ends it (`rhs.numer` then
    /// `rhs.denom` of a `Ratio<T>`).
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn moved(&self, table: &'static Sites, row: u32, to: u64) {
        let site: Site = (table, row);
        if self.moved_out() && self.id.get() != 0 {
            event_at(site, Op::Move, to, self.id.get());
        }
    }

    /// The binding's value moves out here for certain: from `Live` or `MaybeMoved` to `Moved`
    /// (see [`Guard::moved`]); whether it held anything to move (not declared only, not moved
    /// already).
    pub(crate) fn moved_out(&self) -> bool {
        let holding = matches!(self.state.get(), GuardState::Live | GuardState::MaybeMoved);
        if holding {
            self.state.set(GuardState::Moved);
        }
        holding
    }

    /// A by-value use of the binding whose type is `Copy`: `to` (0: a call or an expression)
    /// gets a copy and the binding stays alive.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn copied(&self, table: &'static Sites, row: u32, to: u64) {
        let site: Site = (table, row);
        if self.id.get() != 0 {
            event_at(site, Op::Copy, to, self.id.get());
        }
    }

    /// A use that may have moved the binding or not, which nobody could tell where the macro
    /// expanded it (a method receiver, a type not known to the compiler there): its end is
    /// recorded as `scope_end` ("unknown"), never as a drop that may not have happened.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn maybe_moved(&self) {
        self.set(GuardState::MaybeMoved);
    }

    /// A loop iteration run as written may have given the binding a new value, which no event
    /// names: nothing more is recorded of it, never the old instance's events for the new's.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn forgotten(&self) {
        self.id.set(0);
    }

    /// A field of the binding was just given a value (`x.f = v`; `field`, null, has its
    /// type). Rust allows that only where the binding was not moved whole, so a use before
    /// it that may have moved it moved a part at most, and it holds a value to drop again
    /// when the field's type needs dropping. A binding that surely moved is left as it is.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn refilled<T>(&self, _field: *const T) {
        if std::mem::needs_drop::<T>() && self.state.get() == GuardState::MaybeMoved {
            self.state.set(GuardState::Live);
        }
    }

    /// A by-value use of the binding that is not its last in the code (it is used again
    /// later) in a function that assigns it a new value somewhere: a reborrow or a copy, or a
    /// move after which the binding is given a new value before it is read again. Which one
    /// nobody could tell where the macro expanded it, so the value's end is recorded as
    /// "unknown" (`scope_end`) rather than as a drop that may not have happened.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn passed_on(&self) {
        if self.state.get() == GuardState::Live {
            self.uncertain.set(true);
        }
    }

    /// A new value, of type `T`, is assigned to the binding at `site` (the assignment): the
    /// old one, if the binding still holds it, is dropped now (recorded as a drop, or as
    /// `scope_end` where it may have been moved before), and the new value is a new instance
    /// of the variable, with its creation recorded; both there, where they happen.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn overwritten<T>(&self, table: &'static Sites, row: u32) {
        let site: Site = (table, row);
        self.overwritten_named(site, std::any::type_name::<T>());
    }

    /// `overwritten`, the type taken from the new value (a part a destructuring assignment
    /// gave the binding, `(a, b) = (b, a)`), recorded once it is assigned.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn overwritten_by<T>(&self, table: &'static Sites, row: u32, _value: &T) {
        self.overwritten::<T>(table, row);
    }

    /// `overwritten` for a type by its name.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn overwritten_named(&self, site: Site, ty: &'static str) {
        let id = self.id.get();
        if id == 0 {
            return;
        }
        match self.state.get() {
            GuardState::Live if self.uncertain.get() => event_at(site, Op::ScopeEnd, id, 0),
            GuardState::Live => {
                if let Some(release) = self.release.get() {
                    event_at(site, release, id, 0);
                }
                event_at(site, Op::Drop, id, 0);
            }
            GuardState::MaybeMoved => event_at(site, Op::ScopeEnd, id, 0),
            GuardState::Unbound | GuardState::Moved => {}
        }
        self.uncertain.set(false);
        self.received.set(false);
        let fresh = fresh_id();
        self.id.set(fresh);
        #[cfg(feature = "track")]
        crate::emit::new_named(crate::site::at(site), fresh, ty);
        #[cfg(not(feature = "track"))]
        let _ = ty;
        self.state.set(GuardState::Live);
    }

    /// `drop(x)` of a binding whose type is not `Copy`: its value is dropped here.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn dropped(&self) {
        self.dropped_now();
    }

    /// Records `release` just before the binding's drop (a lock guard's release, the end of
    /// a `RefCell` borrow).
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn releases(&self, release: Op) {
        self.release.set(Some(release));
    }

    /// The binding's value is never dropped (`ManuallyDrop`): no drop is recorded.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn never_dropped(&self) {
        self.set(GuardState::Moved);
    }

    /// Records `op`, how the binding's value was made (`BoxNew` for a `Box` a call returned),
    /// unless the value came out of a traced call's binding (`Op::Receive`): it was made
    /// there, and that binding's own events say how; recording it again here would tell of
    /// a second `Box` that was never made.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn event(&self, op: Op, arg: u64) {
        if self.id.get() != 0 && !self.received.get() {
            event_at(self.site, op, self.id.get(), arg);
        }
    }

    /// The binding's instance id.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub extern "C" fn id(&self) -> u64 {
        self.id.get()
    }

    /// Whether the binding holds its value (bound, and not moved or maybe moved since).
    fn is_live(&self) -> bool {
        self.state.get() == GuardState::Live
    }

    fn set(&self, state: GuardState) {
        if self.state.get() == GuardState::Live {
            self.state.set(state);
        }
    }
}

impl Drop for Guard {
    /// Inlined into the drop glue, so that what the caller sees is one call that cannot
    /// unwind (see the module's documentation).
    #[inline]
    fn drop(&mut self) {
        self.ended();
    }
}

impl Guard {
    /// The binding's end: its drop, or the end of its scope, unless it moved out.
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn ended(&self) {
        // Sampled out, or made while no event could be kept: nothing to record.
        if self.id.get() == 0 {
            return;
        }
        if let (GuardState::Live | GuardState::MaybeMoved, Some(release)) = (self.state.get(), self.release.get()) {
            event_at(self.site, release, self.id.get(), 0);
        }
        match self.state.get() {
            GuardState::Live if self.uncertain.get() => event_at(self.site, Op::ScopeEnd, self.id.get(), 0),
            GuardState::Live => event_at(self.site, Op::Drop, self.id.get(), 0),
            GuardState::MaybeMoved => event_at(self.site, Op::ScopeEnd, self.id.get(), 0),
            GuardState::Unbound | GuardState::Moved => {}
        }
    }
}

/// The guards of a run of bindings whose drop runs no code (`Copy` values, references, plain
/// data), declared one after another in one block with no other local declared between
/// them: nothing happens between the ends of the run's bindings, and one destructor, declared
/// just before the first of them, records all their ends at the moment the first one's value
/// would drop (in reverse order, as each guard of its own would). It replaces a destructor
/// per binding, which costs the compiler code (every call in a guard's scope needs a path
/// that drops it while unwinding).
pub struct Guards<const K: usize>(ManuallyDrop<[Guard; K]>);

impl<const K: usize> Guards<K> {
    /// The guards of the bindings at rows `rows` of `table`, in the order they are declared,
    /// each recording nothing until [`Guard::arm`] gives it its instance where a guard of its
    /// own would have been made: instances are numbered in the order of the program's steps,
    /// the same with runs as without.
    pub extern "C" fn new(table: &'static Sites, rows: &'static [u32; K]) -> Guards<K> {
        Guards(ManuallyDrop::new(std::array::from_fn(|index| Guard::unarmed(table, rows[index]))))
    }

    /// Each binding's guard, for the hooks that take one.
    pub extern "C" fn slots(&self) -> &[Guard; K] {
        &self.0
    }
}

impl<const K: usize> Drop for Guards<K> {
    /// Inlined into the drop glue, so that what the caller sees is one call that cannot
    /// unwind, as for a [`Guard`].
    #[inline]
    fn drop(&mut self) {
        guards_ended(self.0.as_ptr(), K);
    }
}

/// Each of `count` guards' end, the last first: a [`Guards`]' drop.
extern "C" fn guards_ended(first: *const Guard, count: usize) {
    // SAFETY: `first` and `count` are a `Guards`' array's, alive while it drops.
    let guards = unsafe { std::slice::from_raw_parts(first, count) };
    for guard in guards.iter().rev() {
        guard.ended();
    }
}

#[cfg(test)]
mod auto_traits {
    use std::panic::{RefUnwindSafe, UnwindSafe};

    /// What instrumented code holds across an `.await` or captures in a closure must not
    /// take an auto trait away from it.
    fn keeps_every_auto_trait<T: Send + Sync + Unpin + UnwindSafe + RefUnwindSafe>() {}

    #[test]
    fn guards_spans_frames_and_sites_have_every_auto_trait() {
        keeps_every_auto_trait::<super::Guard>();
        keeps_every_auto_trait::<super::Guards<3>>();
        keeps_every_auto_trait::<super::Span>();
        keeps_every_auto_trait::<super::Held>();
        keeps_every_auto_trait::<super::Frame>();
        keeps_every_auto_trait::<super::Site>();
        keeps_every_auto_trait::<&'static super::Channel>();
    }
}
