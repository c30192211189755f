//! Variables: creation, borrows, moves, drops; by name (the seeds' functions) and by id.

use crate::emit::{emit, new_value};
use crate::site::Op;

/// Records the creation of a variable named `name` and returns `value` unchanged.
#[inline]
#[track_caller]
pub fn track_new<T>(name: &str, value: T) -> T {
    new_value::<T>(name, "", 0);
    value
}

/// Records the creation of variable instance `id` named `name` at `location`.
#[inline]
#[track_caller]
pub fn track_new_with_id<T>(id: usize, name: &str, location: &str, value: T) -> T {
    new_value::<T>(name, location, id as u64);
    value
}

/// Records a shared borrow named `name` and returns the reference unchanged.
#[inline]
#[track_caller]
pub fn track_borrow<'a, T: ?Sized>(name: &str, value: &'a T) -> &'a T {
    emit(name, "", "", Op::Borrow, crate::emit::fresh(), 0);
    value
}

/// Records a mutable borrow named `name` and returns the reference unchanged.
#[inline]
#[track_caller]
pub fn track_borrow_mut<'a, T: ?Sized>(name: &str, value: &'a mut T) -> &'a mut T {
    emit(name, "", "", Op::BorrowMut, crate::emit::fresh(), 0);
    value
}

/// Records borrow `borrower_id` of variable `owner_id` (mutable when `mutable`).
#[inline]
#[track_caller]
pub fn track_borrow_with_id<'a, T: ?Sized>(borrower_id: usize, owner_id: usize, name: &str, location: &str, mutable: bool, value: &'a T) -> &'a T {
    let op = if mutable { Op::BorrowMut } else { Op::Borrow };
    emit(name, "", location, op, borrower_id as u64, owner_id as u64);
    value
}

/// Records mutable borrow `borrower_id` of variable `owner_id`.
#[inline]
#[track_caller]
pub fn track_borrow_mut_with_id<'a, T: ?Sized>(borrower_id: usize, owner_id: usize, name: &str, location: &str, value: &'a mut T) -> &'a mut T {
    emit(name, "", location, Op::BorrowMut, borrower_id as u64, owner_id as u64);
    value
}

/// Records a move from the variable named `from` into one named `to`.
#[inline]
#[track_caller]
pub fn track_move<T>(from: &str, to: &str, value: T) -> T {
    emit(to, from, "", Op::Move, crate::emit::fresh(), 0);
    value
}

/// Records a move from instance `from_id` into instance `to_id` named `to`.
#[inline]
#[track_caller]
pub fn track_move_with_id<T>(from_id: usize, to_id: usize, to: &str, location: &str, value: T) -> T {
    emit(to, "", location, Op::Move, to_id as u64, from_id as u64);
    value
}

/// Records a copy of a `Copy` value from instance `from_id` into instance `to_id`.
#[inline]
#[track_caller]
pub fn track_copy_with_id<T: Copy>(from_id: usize, to_id: usize, to: &str, location: &str, value: T) -> T {
    emit(to, "", location, Op::Copy, to_id as u64, from_id as u64);
    value
}

/// Records that the variable named `name` is dropped (the most recent live one of that
/// name on this thread).
#[inline]
#[track_caller]
pub fn track_drop(name: &str) {
    emit(name, "", "", Op::Drop, 0, 0);
}

/// Records that variable instance `id` is dropped.
#[inline]
#[track_caller]
pub fn track_drop_with_id(id: usize, name: &str, location: &str) {
    emit(name, "", location, Op::Drop, id as u64, 0);
}
