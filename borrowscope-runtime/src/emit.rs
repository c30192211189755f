//! The two internal entry points every public function goes through: `emit` for events
//! about a named thing at the caller's location, and `new_value` for a variable's creation.
//! With the `track` feature off both compile to nothing.

#[cfg(feature = "track")]
use std::panic::Location;

use crate::site::Op;

/// Records `op` at the caller's location about `name`.
#[inline(always)]
#[track_caller]
pub(crate) fn emit(name: &str, detail: &str, label: &str, op: Op, id: u64, arg: u64) {
    emit_count(name, detail, label, op, id, arg, 0);
}

/// Records `op` with a count (a reference count) as well.
#[inline(always)]
#[track_caller]
pub(crate) fn emit_count(name: &str, detail: &str, label: &str, op: Op, id: u64, arg: u64, count: u64) {
    #[cfg(feature = "track")]
    {
        let site = crate::intern::site(Location::caller(), name, detail, label);
        crate::recorder::record(site, op, id, arg, count);
    }
    #[cfg(not(feature = "track"))]
    let _ = (name, detail, label, op, id, arg, count);
}

/// Records the creation of a variable of type `T` with instance `id` (a fresh one when 0)
/// and returns the id.
#[inline(always)]
#[track_caller]
pub(crate) fn new_value<T: ?Sized>(name: &str, label: &str, id: u64) -> u64 {
    #[cfg(feature = "track")]
    {
        let site = crate::intern::site(Location::caller(), name, "", label);
        new_at::<T>(site, id)
    }
    #[cfg(not(feature = "track"))]
    {
        let _ = (name, label);
        id
    }
}

/// Records the creation of a variable of type `T` at a known site.
#[cfg(feature = "track")]
#[inline(always)]
pub(crate) fn new_at<T: ?Sized>(site: &'static crate::CallSite, id: u64) -> u64 {
    new_named(site, id, std::any::type_name::<T>())
}

/// Records the creation of a variable whose type is named `ty` at a known site.
#[cfg(feature = "track")]
#[inline(always)]
pub(crate) fn new_named(site: &'static crate::CallSite, id: u64, ty: &'static str) -> u64 {
    let id = if id == 0 { crate::recorder::fresh_id() } else { id };
    crate::recorder::record(site, Op::New, id, ty.as_ptr() as usize as u64, ty.len() as u64);
    id
}

/// A fresh instance id, or 0 with tracking off.
#[inline(always)]
pub(crate) fn fresh() -> u64 {
    #[cfg(feature = "track")]
    return crate::recorder::fresh_id();
    #[cfg(not(feature = "track"))]
    0
}
