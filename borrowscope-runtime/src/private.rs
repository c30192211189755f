//! The ABI `#[trace_borrow]` expands to: a few generic hooks that take a `static`
//! [`CallSite`] per call site, so generated code passes only ids and values. Not a public
//! API: it may change in any release.

pub use crate::site::{CallSite, Op};
pub use crate::api::pointers::{Counted, WeakCounted};

/// A new variable instance id, unique in the process (0 with tracking off).
#[inline(always)]
pub fn fresh_id() -> u64 {
    crate::emit::fresh()
}

/// Records `op` at `site`.
#[inline(always)]
pub fn event(site: &'static CallSite, op: Op, id: u64, arg: u64) {
    #[cfg(feature = "track")]
    crate::recorder::record(site, op, id, arg, 0);
    #[cfg(not(feature = "track"))]
    let _ = (site, op, id, arg);
}

/// Records the creation of a variable holding a `T` and returns its new instance id.
#[inline(always)]
pub fn new<T: ?Sized>(site: &'static CallSite, _value: &T) -> u64 {
    #[cfg(feature = "track")]
    return crate::emit::new_at::<T>(site, 0);
    #[cfg(not(feature = "track"))]
    {
        let _ = site;
        0
    }
}

/// Records a pointer event (`RcNew`, `RcClone`, `ArcClone`...) with the pointer's strong
/// count.
#[inline(always)]
pub fn counted<P: Counted>(site: &'static CallSite, op: Op, id: u64, source: u64, pointer: &P) {
    #[cfg(feature = "track")]
    crate::recorder::record(site, op, id, source, pointer.strong() as u64);
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
