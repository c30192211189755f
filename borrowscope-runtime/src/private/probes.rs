//! The probes: `(&Probe(&x)).method(..)` resolves, by autoref method resolution on `x`'s type,
//! to the impl for the types it names or to the fallback, so the compiler decides at the call
//! site whether a use copies or moves, which pointer event a binding's creation is, and what
//! a method call on a lock, cell, channel or thread handle records. Only sound where the
//! compiler already knows the type there (the macro's `Copies` decides where).

use super::{Counted, Guard, GuardState, Op, Site, Sites, event_at};

/// A reference to a binding's value whose type decides, through method resolution, whether
/// a by-value use moves or copies it: `(&Probe(&x)).used(..)` resolves to [`ViaCopy`] when the
/// type is `Copy` (as the compiler itself decides for that use) and to [`ViaMove`] otherwise.
pub struct Probe<'a, T: ?Sized>(pub &'a T);

/// The by-value use of a `Copy` binding: a copy; the binding stays alive.
pub trait ViaCopy {
    /// `to`: the destination instance (0: into a call or an expression).
    extern "C" fn used(&self, from: &Guard, table: &'static Sites, row: u32, to: u64);
    /// A method call with the binding as receiver: a `Copy` value stays alive.
    extern "C" fn receiver(&self, from: &Guard);
    /// `drop(x)`: a copy is dropped, the binding stays alive.
    extern "C" fn dropped(&self, from: &Guard);
    /// A by-value use of a binding used again later: a copy, nothing to note.
    extern "C" fn passed_on(&self, from: &Guard);
}

/// The by-value use of a binding that is not `Copy`: a move; its guard records no drop.
pub trait ViaMove {
    /// `to`: the destination instance (0: into a call or an expression).
    extern "C" fn used(&self, from: &Guard, table: &'static Sites, row: u32, to: u64);
    /// A method call with the binding as receiver: it may take `self` by value, which
    /// syntax cannot tell.
    extern "C" fn receiver(&self, from: &Guard);
    /// `drop(x)`: the value is dropped here (and a lock or `RefCell` guard released).
    extern "C" fn dropped(&self, from: &Guard);
    /// A by-value use of a binding used again later: a reborrow, or a move before the
    /// binding is assigned again (see [`Guard::passed_on`]).
    extern "C" fn passed_on(&self, from: &Guard);
}

impl<T: Copy> ViaCopy for Probe<'_, T> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn used(&self, from: &Guard, table: &'static Sites, row: u32, to: u64) {
        let site: Site = (table, row);
        if from.id.get() != 0 {
            event_at(site, Op::Copy, to, from.id.get());
        }
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn receiver(&self, _from: &Guard) {}
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn dropped(&self, _from: &Guard) {}
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn passed_on(&self, _from: &Guard) {}
}

impl<T: ?Sized> ViaMove for &Probe<'_, T> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn used(&self, from: &Guard, table: &'static Sites, row: u32, to: u64) {
        let site: Site = (table, row);
        if from.id.get() != 0 {
            event_at(site, Op::Move, to, from.id.get());
        }
        from.moved_out();
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn receiver(&self, from: &Guard) {
        from.set(GuardState::MaybeMoved);
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn dropped(&self, from: &Guard) {
        from.dropped_now();
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn passed_on(&self, from: &Guard) {
        from.passed_on();
    }
}

/// `*b` of a binding used by value, probed on `b`'s type as `(&&&Probe(&b)).unboxed(..)`:
/// a `Box` of a type that is not `Copy` gives its content up (the box ends with nothing to
/// drop: [`ViaBox`]); a `Box` of a `Copy` type ([`ViaBoxOfCopy`]) and anything else that
/// dereferences ([`ViaNotBox`]: a reference, an `Rc`, a lock's guard, whose content must then
/// be `Copy`) give a copy, and the binding stays. The most specific impl is on the most
/// references, which method resolution tries first. `certain` is false where the content may
/// not move after all (a method that may take `&self`) or the box may be filled again
/// (`*b = v`): its end is then unknown rather than a move.
pub trait ViaBoxOfCopy {
    /// Records nothing: a copy of the content.
    extern "C" fn unboxed(&self, from: &Guard, table: &'static Sites, row: u32, certain: bool);
}

/// See [`ViaBoxOfCopy`]: the content of a `Box` moves out.
pub trait ViaBox {
    /// Records the move out of the box; the binding holds nothing to drop.
    extern "C" fn unboxed(&self, from: &Guard, table: &'static Sites, row: u32, certain: bool);
}

/// See [`ViaBoxOfCopy`]: not a `Box`.
pub trait ViaNotBox {
    /// Records nothing: a copy of the content.
    extern "C" fn unboxed(&self, from: &Guard, table: &'static Sites, row: u32, certain: bool);
}

impl<T: Copy> ViaBoxOfCopy for &&Probe<'_, Box<T>> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn unboxed(&self, _from: &Guard, _table: &'static Sites, _row: u32, _certain: bool) {}
}

impl<T: ?Sized> ViaBox for &Probe<'_, Box<T>> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn unboxed(&self, from: &Guard, table: &'static Sites, row: u32, certain: bool) {
        if certain {
            from.moved(table, row, 0);
        } else {
            from.maybe_moved();
        }
    }
}

impl<T: ?Sized> ViaNotBox for Probe<'_, T> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn unboxed(&self, _from: &Guard, _table: &'static Sites, _row: u32, _certain: bool) {}
}

/// `*b = v` on a binding, probed on `b`'s type as `(&&Probe(&b)).refilled_box(..)`: a `Box`
/// whose content may have moved out holds a value to drop again ([`ViaRefilledBox`], as
/// [`Guard::refilled`] for a field); anything else ([`ViaNotRefilledBox`]: a reference
/// written through) is left as it is.
pub trait ViaRefilledBox {
    /// Tells the guard its box is whole again.
    extern "C" fn refilled_box(&self, guard: &Guard);
}

/// See [`ViaRefilledBox`]: not a `Box`.
pub trait ViaNotRefilledBox {
    /// Records nothing.
    extern "C" fn refilled_box(&self, guard: &Guard);
}

impl<T> ViaRefilledBox for &Probe<'_, Box<T>> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn refilled_box(&self, guard: &Guard) {
        guard.refilled::<T>(std::ptr::null());
    }
}

impl<T: ?Sized> ViaNotRefilledBox for Probe<'_, T> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn refilled_box(&self, _guard: &Guard) {}
}

/// The binding's type decides, through method resolution at the binding site, whether it is
/// an `Rc` or `Arc` (also behind a type alias or returned by a factory): then its creation is
/// recorded as a pointer event with its counts, a new allocation when it is the only owner
/// and a clone of `source` (0 if unknown) when it shares one. Other types record nothing.
pub trait ViaShared {
    /// Records the pointer event for the binding of `guard`.
    extern "C" fn shared(&self, guard: &Guard, source: u64);
}

/// The fallback of [`ViaShared`]: not a reference-counted pointer.
pub trait ViaUnshared {
    /// Records nothing.
    extern "C" fn shared(&self, guard: &Guard, source: u64);
}

// Implemented on the pointer types themselves rather than for `P: Counted`: a bound would
// let method resolution pick this impl for a type not yet inferred (`let x = 1`) and fail.
impl<T: ?Sized> ViaShared for Probe<'_, std::rc::Rc<T>> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn shared(&self, guard: &Guard, source: u64) {
        record_shared(self.0, guard, source);
    }
}

impl<T: ?Sized> ViaShared for Probe<'_, std::sync::Arc<T>> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn shared(&self, guard: &Guard, source: u64) {
        record_shared(self.0, guard, source);
    }
}

impl<T: ?Sized> ViaShared for Probe<'_, std::rc::Weak<T>> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn shared(&self, guard: &Guard, source: u64) {
        guard.weak_cloned(source, self.0);
    }
}

impl<T: ?Sized> ViaShared for Probe<'_, std::sync::Weak<T>> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn shared(&self, guard: &Guard, source: u64) {
        guard.weak_cloned(source, self.0);
    }
}

/// A new allocation when the pointer is its only owner, a clone when it shares one.
#[cfg_attr(not(debug_assertions), inline(always))]
fn record_shared<P: Counted>(pointer: &P, guard: &Guard, source: u64) {
    let op = if pointer.strong() > 1 { P::OPS.1 } else { P::OPS.0 };
    guard.pointer(op, source, pointer);
}

impl<T: ?Sized> ViaUnshared for &Probe<'_, T> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn shared(&self, _guard: &Guard, _source: u64) {}
}

/// A pointer event the syntax or the analyzer expects of a binding (`Rc::new`, `Arc::clone`,
/// `Rc::downgrade`, `weak.clone()`, `weak.upgrade()`, `Box::into_raw`), recorded only where the
/// binding's type is the standard library's pointer: a crate's own type named `Arc`
/// (triomphe's) or `Rc` records nothing, and its code compiles as written. Called as
/// `(&Probe(&x)).pointer_as(..)`.
pub trait ViaCounted {
    /// `Rc::new`, `Arc::clone`...: see [`Guard::pointer`].
    extern "C" fn pointer_as(&self, _guard: &Guard, _op: Op, _source: u64) {}
    /// `Rc::downgrade`: see [`Guard::downgraded`].
    extern "C" fn downgraded_as(&self, _guard: &Guard, _source: u64) {}
    /// `weak.clone()`: see [`Guard::weak_cloned`].
    extern "C" fn weak_cloned_as(&self, _guard: &Guard, _source: u64) {}
    /// `weak.upgrade()`: see [`Guard::upgraded`].
    extern "C" fn upgraded_as(&self, _guard: &Guard, _source: u64) {}
    /// `Box::into_raw`: see [`Guard::address`].
    extern "C" fn address_as(&self, _guard: &Guard, _op: Op) {}
}

/// The fallback of [`ViaCounted`]: not a standard pointer; records nothing.
pub trait ViaUncounted {
    /// Records nothing.
    extern "C" fn pointer_as(&self, _guard: &Guard, _op: Op, _source: u64) {}
    /// Records nothing.
    extern "C" fn downgraded_as(&self, _guard: &Guard, _source: u64) {}
    /// Records nothing.
    extern "C" fn weak_cloned_as(&self, _guard: &Guard, _source: u64) {}
    /// Records nothing.
    extern "C" fn upgraded_as(&self, _guard: &Guard, _source: u64) {}
    /// Records nothing.
    extern "C" fn address_as(&self, _guard: &Guard, _op: Op) {}
}

/// `ViaCounted` for each of the types (written with `T`), with the same methods: each
/// answers by the guard's hook of the same kind.
macro_rules! counted {
    ($($ty:ty),+ => $methods:tt) => {$(
        impl<T: ?Sized> ViaCounted for Probe<'_, $ty> $methods
    )+};
}

counted!(std::rc::Rc<T>, std::sync::Arc<T> => {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn pointer_as(&self, guard: &Guard, op: Op, source: u64) {
        guard.pointer(op, source, self.0);
    }
});

counted!(std::rc::Weak<T>, std::sync::Weak<T> => {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn downgraded_as(&self, guard: &Guard, source: u64) {
        guard.downgraded(source, self.0);
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn weak_cloned_as(&self, guard: &Guard, source: u64) {
        guard.weak_cloned(source, self.0);
    }
});

counted!(Option<std::rc::Rc<T>>, Option<std::sync::Arc<T>> => {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn upgraded_as(&self, guard: &Guard, source: u64) {
        guard.upgraded(source, self.0);
    }
});

counted!(*mut T, *const T => {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn address_as(&self, guard: &Guard, op: Op) {
        guard.address(op, self.0);
    }
});

impl<T: ?Sized> ViaUncounted for &Probe<'_, T> {}

/// A method call's borrow of its receiver binding (`v.push(1)` borrows `v`), recorded unless
/// the binding is itself a reference: `r.len()` on `r: &String` or `s.push('!')` on
/// `s: &mut String` reborrows what `r` points to and copies or reborrows `r`, which is not
/// borrowed.
pub trait ViaReference {
    /// Records nothing: the receiver is a reference.
    extern "C" fn receiver_borrow(&self, table: &'static Sites, row: u32, op: Op, owner: u64);
    /// Records nothing, and gives owner 0 (no borrow to end).
    extern "C" fn receiver_borrow_for(&self, table: &'static Sites, row: u32, op: Op, owner: u64) -> (u64, Site);
}

/// The fallback of [`ViaReference`]: the receiver holds its value, which the call borrows.
pub trait ViaOwner {
    /// Records the borrow `op` of `owner` by the call at `site`.
    extern "C" fn receiver_borrow(&self, table: &'static Sites, row: u32, op: Op, owner: u64);
    /// Records the borrow, and gives `owner` and the site back for
    /// [`borrowed_for`](super::borrowed_for) to record its end as the call returns.
    extern "C" fn receiver_borrow_for(&self, table: &'static Sites, row: u32, op: Op, owner: u64) -> (u64, Site);
}

impl<T: ?Sized> ViaReference for Probe<'_, &T> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn receiver_borrow(&self, _table: &'static Sites, _row: u32, _op: Op, _owner: u64) {}
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn receiver_borrow_for(&self, table: &'static Sites, row: u32, _op: Op, _owner: u64) -> (u64, Site) {
        let site: Site = (table, row);
        (0, site)
    }
}

impl<T: ?Sized> ViaReference for Probe<'_, &mut T> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn receiver_borrow(&self, _table: &'static Sites, _row: u32, _op: Op, _owner: u64) {}
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn receiver_borrow_for(&self, table: &'static Sites, row: u32, _op: Op, _owner: u64) -> (u64, Site) {
        let site: Site = (table, row);
        (0, site)
    }
}

impl<T: ?Sized> ViaOwner for &Probe<'_, T> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn receiver_borrow(&self, table: &'static Sites, row: u32, op: Op, owner: u64) {
        let site: Site = (table, row);
        if owner != 0 {
            event_at(site, op, 0, owner);
        }
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn receiver_borrow_for(&self, table: &'static Sites, row: u32, op: Op, owner: u64) -> (u64, Site) {
        self.receiver_borrow(table, row, op, owner);
        (owner, (table, row))
    }
}

/// The operation a method call performs, decided by the receiver's type at the call site
/// (which the compiler knows there): `join` on a `JoinHandle`, `send`/`recv` on a channel's
/// ends, `lock`/`read`/`write` on a `Mutex` or `RwLock` (also inside an `Arc`),
/// `borrow`/`borrow_mut` on a `RefCell` (also inside an `Rc`), `get`/`set` on a `Cell`,
/// `get`/`set`/`get_or_init` on a `OnceCell` or `OnceLock`, `write`/`assume_init..` on a
/// `MaybeUninit`.
pub trait ViaTyped {
    /// The event for `method` on this receiver, if it has one.
    extern "C" fn typed(&self, method: &str) -> Option<(Op, u64)>;
}

/// The fallback of [`ViaTyped`]: a receiver of any other type records nothing.
pub trait ViaUntyped {
    /// Nothing.
    extern "C" fn typed(&self, method: &str) -> Option<(Op, u64)>;
}

impl<T: ?Sized> ViaUntyped for &Probe<'_, T> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn typed(&self, _method: &str) -> Option<(Op, u64)> {
        None
    }
}

fn lock_op(method: &str, rwlock: bool) -> Option<(Op, u64)> {
    match (method, rwlock) {
        ("lock", false) => Some((Op::Lock, 0)),
        ("read", true) => Some((Op::Lock, 1)),
        ("write", true) => Some((Op::Lock, 2)),
        _ => None,
    }
}

// The `try_` forms record nothing: a failed attempt holds no guard, and the call's result
// is not looked at.
fn cell_op(method: &str) -> Option<(Op, u64)> {
    match method {
        "borrow" => Some((Op::RefCellBorrow, 0)),
        "borrow_mut" => Some((Op::RefCellBorrowMut, 0)),
        _ => None,
    }
}

// Each type also through a reference, as a parameter `to: &Rc<RefCell<T>>` or
// `m: &mut Mutex<T>` is (the method call derefs it).
macro_rules! via_typed {
    ($($ty:ty => $decide:expr;)*) => {$(
        impl<T: ?Sized> ViaTyped for Probe<'_, $ty> {
            #[cfg_attr(not(debug_assertions), inline(always))]
            extern "C" fn typed(&self, method: &str) -> Option<(Op, u64)> {
                let decide: fn(&str) -> Option<(Op, u64)> = $decide;
                decide(method)
            }
        }
        impl<T: ?Sized> ViaTyped for Probe<'_, &$ty> {
            #[cfg_attr(not(debug_assertions), inline(always))]
            extern "C" fn typed(&self, method: &str) -> Option<(Op, u64)> {
                let decide: fn(&str) -> Option<(Op, u64)> = $decide;
                decide(method)
            }
        }
        impl<T: ?Sized> ViaTyped for Probe<'_, &mut $ty> {
            #[cfg_attr(not(debug_assertions), inline(always))]
            extern "C" fn typed(&self, method: &str) -> Option<(Op, u64)> {
                let decide: fn(&str) -> Option<(Op, u64)> = $decide;
                decide(method)
            }
        }
    )*};
}

via_typed! {
    std::sync::Mutex<T> => |m| lock_op(m, false);
    std::sync::Arc<std::sync::Mutex<T>> => |m| lock_op(m, false);
    std::sync::RwLock<T> => |m| lock_op(m, true);
    std::sync::Arc<std::sync::RwLock<T>> => |m| lock_op(m, true);
    std::cell::RefCell<T> => cell_op;
    std::rc::Rc<std::cell::RefCell<T>> => cell_op;
    std::cell::Cell<T> => |m| match m {
        "get" => Some((Op::CellGet, 0)),
        "set" => Some((Op::CellSet, 0)),
        _ => None,
    };
}

// `JoinHandle<T>` and the channel ends need `T: Sized`.
macro_rules! via_typed_sized {
    ($($ty:ty => $decide:expr;)*) => {$(
        impl<T> ViaTyped for Probe<'_, $ty> {
            #[cfg_attr(not(debug_assertions), inline(always))]
            extern "C" fn typed(&self, method: &str) -> Option<(Op, u64)> {
                let decide: fn(&str) -> Option<(Op, u64)> = $decide;
                decide(method)
            }
        }
    )*};
}

via_typed_sized! {
    std::thread::JoinHandle<T> => |m| (m == "join").then_some((Op::ThreadJoin, 0));
    std::sync::mpsc::Sender<T> => |m| (m == "send").then_some((Op::ChannelSend, 1));
    std::sync::mpsc::SyncSender<T> => |m| matches!(m, "send" | "try_send").then_some((Op::ChannelSend, 1));
    std::cell::OnceCell<T> => |m| match m {
        "get" => Some((Op::OnceCellGet, 0)),
        "set" => Some((Op::OnceCellSet, 0)),
        "get_or_init" => Some((Op::OnceCellGetOrInit, 0)),
        _ => None,
    };
    std::sync::OnceLock<T> => |m| match m {
        "get" => Some((Op::OnceLockGet, 0)),
        "set" => Some((Op::OnceLockSet, 0)),
        "get_or_init" => Some((Op::OnceLockGetOrInit, 0)),
        _ => None,
    };
    std::mem::MaybeUninit<T> => |m| match m {
        "write" => Some((Op::MaybeUninitWrite, 0)),
        "assume_init" => Some((Op::MaybeUninitAssumeInit, 0)),
        "assume_init_read" => Some((Op::MaybeUninitAssumeInitRead, 0)),
        "assume_init_drop" => Some((Op::MaybeUninitAssumeInitDrop, 0)),
        _ => None,
    };
    std::sync::mpsc::Receiver<T> => |m| match m {
        "recv" | "recv_timeout" => Some((Op::ChannelRecv, 1)),
        "try_recv" => Some((Op::ChannelTryRecv, 1)),
        _ => None,
    };
}

/// A spawned thread's handle, bound by `let`: records the spawn, naming the new thread.
pub trait ViaSpawn {
    /// Records the spawn for the binding of `guard`.
    extern "C" fn spawned(&self, guard: &Guard);
    /// Records the spawn of a handle no binding holds (`handles.push(thread::spawn(..))`).
    extern "C" fn spawned_at(&self, table: &'static Sites, row: u32);
}

/// The fallback of [`ViaSpawn`]: not a thread handle.
pub trait ViaNotSpawned {
    /// Nothing.
    extern "C" fn spawned(&self, guard: &Guard);
    /// Nothing.
    extern "C" fn spawned_at(&self, table: &'static Sites, row: u32);
}

impl<T> ViaSpawn for Probe<'_, std::thread::JoinHandle<T>> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn spawned(&self, guard: &Guard) {
        guard.event(Op::ThreadSpawn, crate::recorder::thread_number(self.0.thread().id()));
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn spawned_at(&self, table: &'static Sites, row: u32) {
        let site: Site = (table, row);
        event_at(site, Op::ThreadSpawn, 0, crate::recorder::thread_number(self.0.thread().id()));
    }
}

impl<T> ViaSpawn for Probe<'_, std::thread::ScopedJoinHandle<'_, T>> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn spawned(&self, guard: &Guard) {
        guard.event(Op::ThreadSpawn, crate::recorder::thread_number(self.0.thread().id()));
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn spawned_at(&self, table: &'static Sites, row: u32) {
        let site: Site = (table, row);
        event_at(site, Op::ThreadSpawn, 0, crate::recorder::thread_number(self.0.thread().id()));
    }
}

impl<T: ?Sized> ViaNotSpawned for &Probe<'_, T> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn spawned(&self, _guard: &Guard) {}
    #[cfg_attr(not(debug_assertions), inline(always))]
    extern "C" fn spawned_at(&self, _table: &'static Sites, _row: u32) {}
}
