//! Smart pointers: `Rc`, `Arc`, `Weak`, `Box`, `Pin`, `Cow`.

use std::borrow::Cow;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use crate::emit::{emit, emit_count, fresh};
use crate::site::Op;

/// A reference-counted pointer whose counts can be read: `Rc<T>` and `Arc<T>`.
pub trait Counted: sealed::Sealed {
    /// The operations that record a new allocation and a clone of this pointer type.
    const OPS: (crate::Op, crate::Op);
    /// The strong count.
    fn strong(&self) -> usize;
    /// The weak count.
    fn weak(&self) -> usize;
}

/// A weak pointer whose counts can be read: `rc::Weak<T>` and `sync::Weak<T>`.
pub trait WeakCounted: sealed::Sealed {
    /// The operation that records a downgrade to this weak type: `RcDowngrade` for an
    /// `rc::Weak`, `ArcDowngrade` for a `sync::Weak`.
    const DOWNGRADE: crate::Op;
    /// The strong count of the allocation (0 once it is gone).
    fn strong(&self) -> usize;
    /// The weak count of the allocation (0 once it is gone).
    fn weak(&self) -> usize;
}

mod sealed {
    pub trait Sealed {}
    impl<T: ?Sized> Sealed for std::rc::Rc<T> {}
    impl<T: ?Sized> Sealed for std::sync::Arc<T> {}
    impl<T: ?Sized> Sealed for std::rc::Weak<T> {}
    impl<T: ?Sized> Sealed for std::sync::Weak<T> {}
}

impl<T: ?Sized> Counted for Rc<T> {
    const OPS: (crate::Op, crate::Op) = (crate::Op::RcNew, crate::Op::RcClone);
    fn strong(&self) -> usize {
        Rc::strong_count(self)
    }
    fn weak(&self) -> usize {
        Rc::weak_count(self)
    }
}

impl<T: ?Sized> Counted for Arc<T> {
    const OPS: (crate::Op, crate::Op) = (crate::Op::ArcNew, crate::Op::ArcClone);
    fn strong(&self) -> usize {
        Arc::strong_count(self)
    }
    fn weak(&self) -> usize {
        Arc::weak_count(self)
    }
}

impl<T: ?Sized> WeakCounted for std::rc::Weak<T> {
    const DOWNGRADE: crate::Op = crate::Op::RcDowngrade;
    fn strong(&self) -> usize {
        self.strong_count()
    }
    fn weak(&self) -> usize {
        self.weak_count()
    }
}

impl<T: ?Sized> WeakCounted for std::sync::Weak<T> {
    const DOWNGRADE: crate::Op = crate::Op::ArcDowngrade;
    fn strong(&self) -> usize {
        self.strong_count()
    }
    fn weak(&self) -> usize {
        self.weak_count()
    }
}

macro_rules! counted_fns {
    ($($(#[$doc:meta])* $fn:ident, $with_id:ident, $ty:ident, $op:ident, $count:ident;)*) => {$(
        $(#[$doc])*
        #[inline]
        #[track_caller]
        pub fn $fn<T: ?Sized>(name: &str, value: $ty<T>) -> $ty<T> {
            emit_count(name, "", "", Op::$op, fresh(), 0, Counted::$count(&value) as u64);
            value
        }

        $(#[$doc])*
        /// This form names the new instance `id` and the instance it came from `source_id`
        /// (0 for a new allocation).
        #[inline]
        #[track_caller]
        pub fn $with_id<T: ?Sized>(id: usize, source_id: usize, name: &str, location: &str, value: $ty<T>) -> $ty<T> {
            emit_count(name, "", location, Op::$op, id as u64, source_id as u64, Counted::$count(&value) as u64);
            value
        }
    )*};
}

counted_fns! {
    /// Records `Rc::new` (with the strong count) and returns the `Rc` unchanged.
    track_rc_new, track_rc_new_with_id, Rc, RcNew, strong;
    /// Records an `Rc` clone (with the strong count after it) and returns the clone.
    track_rc_clone, track_rc_clone_with_id, Rc, RcClone, strong;
    /// Records `Arc::new` (with the strong count) and returns the `Arc` unchanged.
    track_arc_new, track_arc_new_with_id, Arc, ArcNew, strong;
    /// Records an `Arc` clone (with the strong count after it) and returns the clone.
    track_arc_clone, track_arc_clone_with_id, Arc, ArcClone, strong;
}

/// Records `Rc::downgrade` (with the weak count after it) and returns the `Weak`.
#[inline]
#[track_caller]
pub fn track_rc_downgrade<T: ?Sized>(name: &str, weak: std::rc::Weak<T>) -> std::rc::Weak<T> {
    emit_count(name, "", "", Op::RcDowngrade, fresh(), 0, WeakCounted::weak(&weak) as u64);
    weak
}

/// Records `Arc::downgrade` (with the weak count after it) and returns the `Weak`.
#[inline]
#[track_caller]
pub fn track_arc_downgrade<T: ?Sized>(name: &str, weak: std::sync::Weak<T>) -> std::sync::Weak<T> {
    emit_count(name, "", "", Op::ArcDowngrade, fresh(), 0, WeakCounted::weak(&weak) as u64);
    weak
}

/// Records `Weak::new()` (or any new `Weak`) and returns it.
#[inline]
#[track_caller]
pub fn track_weak_new<W: WeakCounted>(name: &str, weak: W) -> W {
    emit(name, "", "", Op::WeakNew, fresh(), 0);
    weak
}

/// Records a `Weak` clone (with the weak count after it) and returns the clone.
#[inline]
#[track_caller]
pub fn track_weak_clone<W: WeakCounted>(name: &str, weak: W) -> W {
    emit_count(name, "", "", Op::WeakClone, fresh(), 0, weak.weak() as u64);
    weak
}

/// Records `weak.upgrade()` and returns its result: the strong count after, or 0 when the
/// upgrade failed.
#[inline]
#[track_caller]
pub fn track_weak_upgrade<P: Counted>(name: &str, upgraded: Option<P>) -> Option<P> {
    let strong = upgraded.as_ref().map_or(0, Counted::strong);
    emit_count(name, "", "", Op::WeakUpgrade, fresh(), 0, strong as u64);
    upgraded
}

/// Records `Box::new` and returns the box.
#[inline]
#[track_caller]
pub fn track_box_new<T: ?Sized>(name: &str, value: Box<T>) -> Box<T> {
    emit(name, "", "", Op::BoxNew, fresh(), 0);
    value
}

/// Records `Box::pin` and returns the pinned box.
#[inline]
#[track_caller]
pub fn track_box_pin<T: ?Sized>(name: &str, value: Pin<Box<T>>) -> Pin<Box<T>> {
    emit(name, "", "", Op::BoxPin, fresh(), 0);
    value
}

/// Records `Box::into_raw` (with the pointer's address) and returns the pointer.
#[inline]
#[track_caller]
pub fn track_box_into_raw<T: ?Sized>(name: &str, ptr: *mut T) -> *mut T {
    emit(name, "", "", Op::BoxIntoRaw, fresh(), ptr.cast::<u8>() as usize as u64);
    ptr
}

/// Records `Box::from_raw` (with the pointer's address) and returns the box.
#[inline]
#[track_caller]
pub fn track_box_from_raw<T: ?Sized>(name: &str, value: Box<T>) -> Box<T> {
    let address = (&raw const *value).cast::<u8>() as usize as u64;
    emit(name, "", "", Op::BoxFromRaw, fresh(), address);
    value
}

/// Records `Pin::new` and returns the pin.
#[inline]
#[track_caller]
pub fn track_pin_new<P>(name: &str, pin: Pin<P>) -> Pin<P> {
    emit(name, "", "", Op::PinNew, fresh(), 0);
    pin
}

/// Records `Pin::into_inner` and returns the pointer.
#[inline]
#[track_caller]
pub fn track_pin_into_inner<P>(name: &str, pointer: P) -> P {
    emit(name, "", "", Op::PinIntoInner, fresh(), 0);
    pointer
}

/// Records `Cow::Borrowed` and returns the `Cow`.
#[inline]
#[track_caller]
pub fn track_cow_borrowed<'a, B: ?Sized + ToOwned>(name: &str, cow: Cow<'a, B>) -> Cow<'a, B> {
    emit(name, "", "", Op::CowBorrowed, fresh(), 0);
    cow
}

/// Records `Cow::Owned` and returns the `Cow`.
#[inline]
#[track_caller]
pub fn track_cow_owned<'a, B: ?Sized + ToOwned>(name: &str, cow: Cow<'a, B>) -> Cow<'a, B> {
    emit(name, "", "", Op::CowOwned, fresh(), 0);
    cow
}

/// Calls `cow.to_mut()`, recording whether it had to clone a borrowed value into an owned
/// one, and returns the mutable reference.
#[inline]
#[track_caller]
pub fn track_cow_to_mut<'a, B: ?Sized + ToOwned>(name: &str, cow: &'a mut Cow<'_, B>) -> &'a mut B::Owned {
    let was_borrowed = matches!(cow, Cow::Borrowed(_));
    emit(name, "", "", Op::CowToMut, fresh(), u64::from(was_borrowed));
    cow.to_mut()
}
