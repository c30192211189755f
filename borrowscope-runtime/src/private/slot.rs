//! `Slot`: what a guard or a span changes through `&self`, as a `Cell` would, but `Sync` and
//! `RefUnwindSafe`, so that instrumented code keeps every auto trait it had. A future that
//! holds a guard across an `.await` is still `Sync` (anyhow's tests pass an `async` block to
//! `fn f(_: impl Send + Sync)`), and a closure that refers to one is still `Send` and
//! `UnwindSafe`.
//!
//! A relaxed atomic load or store is a plain load or store on the machines we run on, so
//! this costs what the `Cell` did; only one thread ever uses a given guard in practice, and
//! if two did, each access is still whole (no data race, no undefined behaviour).

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};

/// A value that fits in 64 bits and is rebuilt from them. (Everything here is inlined in
/// every profile: each is a load or a store, and the generic hooks instantiated in the
/// caller's crate use them.)
pub(crate) trait Packed: Copy {
    fn pack(self) -> u64;
    fn unpack(bits: u64) -> Self;
}

impl Packed for u64 {
    #[inline(always)]
    fn pack(self) -> u64 {
        self
    }
    #[inline(always)]
    fn unpack(bits: u64) -> u64 {
        bits
    }
}

impl Packed for bool {
    #[inline(always)]
    fn pack(self) -> u64 {
        u64::from(self)
    }
    #[inline(always)]
    fn unpack(bits: u64) -> bool {
        bits != 0
    }
}

impl Packed for Option<crate::Op> {
    #[inline(always)]
    fn pack(self) -> u64 {
        self.map_or(0, |op| op as u64 + 1)
    }
    #[inline(always)]
    fn unpack(bits: u64) -> Option<crate::Op> {
        let index = u8::try_from(bits.checked_sub(1)?).ok()?;
        crate::Op::from_u8(index)
    }
}

pub(crate) struct Slot<T: Packed> {
    bits: AtomicU64,
    value: PhantomData<T>,
}

impl<T: Packed> Slot<T> {
    #[inline(always)]
    pub(crate) fn new(value: T) -> Slot<T> {
        Slot { bits: AtomicU64::new(value.pack()), value: PhantomData }
    }

    #[inline(always)]
    pub(crate) fn get(&self) -> T {
        T::unpack(self.bits.load(Ordering::Relaxed))
    }

    #[inline(always)]
    pub(crate) fn set(&self, value: T) {
        self.bits.store(value.pack(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_comes_back_as_it_went_in() {
        for op in crate::Op::ALL.iter().copied().map(Some).chain([None]) {
            let slot = Slot::new(op);
            assert_eq!(slot.get(), op);
        }
        let slot = Slot::new(0u64);
        slot.set(u64::MAX);
        assert_eq!(slot.get(), u64::MAX);
        let flag = Slot::new(false);
        flag.set(true);
        assert!(flag.get());
    }
}
