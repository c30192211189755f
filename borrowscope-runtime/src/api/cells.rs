//! Interior mutability and uninitialised memory: `RefCell`, `Cell`, `OnceCell`,
//! `OnceLock`, `MaybeUninit`.

use std::cell::{Cell, OnceCell, Ref, RefCell, RefMut};
use std::mem::MaybeUninit;
use std::sync::OnceLock;

use crate::emit::{emit, fresh};
use crate::site::Op;

/// Records `RefCell::new` and returns the cell.
#[inline]
#[track_caller]
pub fn track_refcell_new<T>(name: &str, cell: RefCell<T>) -> RefCell<T> {
    emit(name, "", "", Op::RefCellNew, fresh(), 0);
    cell
}

/// Records a `RefCell::borrow` that succeeded and returns the guard. Pair it with
/// [`track_refcell_borrow_end`] where the guard drops.
#[inline]
#[track_caller]
pub fn track_refcell_borrow<'a, T: ?Sized>(name: &str, guard: Ref<'a, T>) -> Ref<'a, T> {
    emit(name, "", "", Op::RefCellBorrow, fresh(), 0);
    guard
}

/// Records a `RefCell::borrow_mut` that succeeded and returns the guard. Pair it with
/// [`track_refcell_borrow_end`] where the guard drops.
#[inline]
#[track_caller]
pub fn track_refcell_borrow_mut<'a, T: ?Sized>(name: &str, guard: RefMut<'a, T>) -> RefMut<'a, T> {
    emit(name, "", "", Op::RefCellBorrowMut, fresh(), 0);
    guard
}

/// Borrows `cell` as `cell.borrow()` does, recording the borrow, or the failure before
/// panicking with `RefCell`'s own message when it is mutably borrowed.
#[inline]
#[track_caller]
pub fn track_refcell_try_borrow<'a, T: ?Sized>(name: &str, cell: &'a RefCell<T>) -> Ref<'a, T> {
    match cell.try_borrow() {
        Ok(guard) => track_refcell_borrow(name, guard),
        Err(_) => {
            emit(name, "shared", "", Op::RefCellBorrowFailed, fresh(), 0);
            cell.borrow()
        }
    }
}

/// Borrows `cell` as `cell.borrow_mut()` does, recording the borrow, or the failure before
/// panicking with `RefCell`'s own message when it is already borrowed.
#[inline]
#[track_caller]
pub fn track_refcell_try_borrow_mut<'a, T: ?Sized>(name: &str, cell: &'a RefCell<T>) -> RefMut<'a, T> {
    match cell.try_borrow_mut() {
        Ok(guard) => track_refcell_borrow_mut(name, guard),
        Err(_) => {
            emit(name, "mutable", "", Op::RefCellBorrowFailed, fresh(), 0);
            cell.borrow_mut()
        }
    }
}

/// Records that a `Ref` or `RefMut` named `name` ended.
#[inline]
#[track_caller]
pub fn track_refcell_borrow_end(name: &str) {
    emit(name, "", "", Op::RefCellBorrowEnd, 0, 0);
}

/// Records `Cell::new` and returns the cell.
#[inline]
#[track_caller]
pub fn track_cell_new<T>(name: &str, cell: Cell<T>) -> Cell<T> {
    emit(name, "", "", Op::CellNew, fresh(), 0);
    cell
}

/// Records `cell.get()` and returns the value read.
#[inline]
#[track_caller]
pub fn track_cell_get<T>(name: &str, value: T) -> T {
    emit(name, "", "", Op::CellGet, 0, 0);
    value
}

/// Records `cell.set(v)`.
#[inline]
#[track_caller]
pub fn track_cell_set(name: &str) {
    emit(name, "", "", Op::CellSet, 0, 0);
}

macro_rules! once_fns {
    ($ty:ident, $new:ident, $set:ident, $get:ident, $get_or_init:ident, $op_new:ident, $op_set:ident, $op_get:ident, $op_init:ident) => {
        #[doc = concat!("Records `", stringify!($ty), "::new` and returns the cell.")]
        #[inline]
        #[track_caller]
        pub fn $new<T>(name: &str, cell: $ty<T>) -> $ty<T> {
            emit(name, "", "", Op::$op_new, fresh(), 0);
            cell
        }

        #[doc = concat!("Records `", stringify!($ty), "::set` (whether it set the value) and returns its result.")]
        #[inline]
        #[track_caller]
        pub fn $set<T>(name: &str, result: Result<(), T>) -> Result<(), T> {
            emit(name, "", "", Op::$op_set, 0, u64::from(result.is_ok()));
            result
        }

        #[doc = concat!("Records `", stringify!($ty), "::get` (whether it held a value) and returns its result.")]
        #[inline]
        #[track_caller]
        pub fn $get<'a, T>(name: &str, value: Option<&'a T>) -> Option<&'a T> {
            emit(name, "", "", Op::$op_get, 0, u64::from(value.is_some()));
            value
        }

        #[doc = concat!("Records `", stringify!($ty), "::get_or_init` and returns the value.")]
        #[inline]
        #[track_caller]
        pub fn $get_or_init<'a, T>(name: &str, value: &'a T) -> &'a T {
            emit(name, "", "", Op::$op_init, 0, 0);
            value
        }
    };
}

once_fns!(
    OnceCell,
    track_once_cell_new,
    track_once_cell_set,
    track_once_cell_get,
    track_once_cell_get_or_init,
    OnceCellNew,
    OnceCellSet,
    OnceCellGet,
    OnceCellGetOrInit
);
once_fns!(
    OnceLock,
    track_once_lock_new,
    track_once_lock_set,
    track_once_lock_get,
    track_once_lock_get_or_init,
    OnceLockNew,
    OnceLockSet,
    OnceLockGet,
    OnceLockGetOrInit
);

/// Records `MaybeUninit::uninit()` and returns it.
#[inline]
#[track_caller]
pub fn track_maybe_uninit_uninit<T>(name: &str, value: MaybeUninit<T>) -> MaybeUninit<T> {
    emit(name, "", "", Op::MaybeUninitUninit, fresh(), 0);
    value
}

/// Records `MaybeUninit::new(v)` and returns it.
#[inline]
#[track_caller]
pub fn track_maybe_uninit_new<T>(name: &str, value: MaybeUninit<T>) -> MaybeUninit<T> {
    emit(name, "", "", Op::MaybeUninitNew, fresh(), 0);
    value
}

/// Records `m.write(v)` and returns the reference it gave.
#[inline]
#[track_caller]
pub fn track_maybe_uninit_write<'a, T>(name: &str, value: &'a mut T) -> &'a mut T {
    emit(name, "", "", Op::MaybeUninitWrite, 0, 0);
    value
}

/// Records `m.assume_init()` and returns the value.
#[inline]
#[track_caller]
pub fn track_maybe_uninit_assume_init<T>(name: &str, value: T) -> T {
    emit(name, "", "", Op::MaybeUninitAssumeInit, 0, 0);
    value
}

/// Records `m.assume_init_read()` and returns the value.
#[inline]
#[track_caller]
pub fn track_maybe_uninit_assume_init_read<T>(name: &str, value: T) -> T {
    emit(name, "", "", Op::MaybeUninitAssumeInitRead, 0, 0);
    value
}

/// Records `m.assume_init_drop()`.
#[inline]
#[track_caller]
pub fn track_maybe_uninit_assume_init_drop(name: &str) {
    emit(name, "", "", Op::MaybeUninitAssumeInitDrop, 0, 0);
}
