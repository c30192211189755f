//! The recorder's own bookkeeping (chunk headers, the list of chunks, the live threads,
//! thread names) in memory taken from the system allocator, not the program's
//! `#[global_allocator]`: a program that counts what its allocator holds (a test that
//! checks a channel frees what it allocated, counting every thread's allocations) must see
//! the same figures traced as plain. `Arc` and `Vec` cannot be given another allocator on
//! stable Rust, so these are the few operations the recorder needs, written out.

use std::alloc::{GlobalAlloc, Layout, System, handle_alloc_error};
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering, fence};

/// A reference-counted pointer like `Arc<T>`, in system memory.
pub(crate) struct SysArc<T> {
    inner: NonNull<Inner<T>>,
    _owns: PhantomData<Inner<T>>,
}

struct Inner<T> {
    count: AtomicUsize,
    value: T,
}

// SAFETY: as for `Arc<T>`: the value is shared between threads and dropped by whichever
// drops the last pointer.
unsafe impl<T: Send + Sync> Send for SysArc<T> {}
unsafe impl<T: Send + Sync> Sync for SysArc<T> {}

impl<T> SysArc<T> {
    pub(crate) fn new(value: T) -> SysArc<T> {
        let inner = allocate::<Inner<T>>(1);
        // SAFETY: freshly allocated for one `Inner<T>`.
        unsafe { inner.as_ptr().write(Inner { count: AtomicUsize::new(1), value }) };
        SysArc { inner, _owns: PhantomData }
    }

    fn inner(&self) -> &Inner<T> {
        // SAFETY: alive while any pointer to it is.
        unsafe { self.inner.as_ref() }
    }

    pub(crate) fn strong_count(this: &SysArc<T>) -> usize {
        this.inner().count.load(Ordering::Acquire)
    }

    pub(crate) fn ptr_eq(a: &SysArc<T>, b: &SysArc<T>) -> bool {
        a.inner == b.inner
    }

    /// The value, when `this` is the only pointer to it.
    pub(crate) fn try_unwrap(this: SysArc<T>) -> Result<T, SysArc<T>> {
        if this.inner().count.compare_exchange(1, 0, Ordering::Acquire, Ordering::Relaxed).is_err() {
            return Err(this);
        }
        let this = std::mem::ManuallyDrop::new(this);
        // SAFETY: the count was one and is now zero: no other pointer exists, and the value
        // is read out once before its memory is freed without dropping it again.
        unsafe {
            let value = std::ptr::addr_of!((*this.inner.as_ptr()).value).read();
            release(this.inner, 1);
            Ok(value)
        }
    }
}

impl<T> Clone for SysArc<T> {
    fn clone(&self) -> SysArc<T> {
        self.inner().count.fetch_add(1, Ordering::Relaxed);
        SysArc { inner: self.inner, _owns: PhantomData }
    }
}

impl<T> Deref for SysArc<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner().value
    }
}

impl<T> Drop for SysArc<T> {
    fn drop(&mut self) {
        if self.inner().count.fetch_sub(1, Ordering::Release) != 1 {
            return;
        }
        fence(Ordering::Acquire);
        // SAFETY: this was the last pointer: the value is dropped once and its memory freed.
        unsafe {
            std::ptr::drop_in_place(self.inner.as_ptr());
            release(self.inner, 1);
        }
    }
}

/// A growable array like `Vec<T>`, in system memory.
pub(crate) struct SysVec<T> {
    ptr: NonNull<T>,
    len: usize,
    capacity: usize,
    _owns: PhantomData<T>,
}

// SAFETY: as for `Vec<T>`.
unsafe impl<T: Send> Send for SysVec<T> {}
unsafe impl<T: Sync> Sync for SysVec<T> {}

impl<T> SysVec<T> {
    pub(crate) const fn new() -> SysVec<T> {
        SysVec { ptr: NonNull::dangling(), len: 0, capacity: 0, _owns: PhantomData }
    }

    /// `len` elements left as the allocator gave them.
    ///
    /// # Safety
    /// Any bytes must be a valid `T` (a `MaybeUninit`).
    pub(crate) unsafe fn uninit(len: usize) -> SysVec<T> {
        let mut out = SysVec::new();
        out.grow(len);
        out.len = len;
        out
    }

    pub(crate) fn push(&mut self, value: T) {
        if self.len == self.capacity {
            self.grow(self.len + 1);
        }
        // SAFETY: `len < capacity`.
        unsafe { self.ptr.as_ptr().add(self.len).write(value) };
        self.len += 1;
    }

    pub(crate) fn pop(&mut self) -> Option<T> {
        (self.len > 0).then(|| self.swap_remove(self.len - 1))
    }

    /// Removes the element at `index`, putting the last one in its place.
    pub(crate) fn swap_remove(&mut self, index: usize) -> T {
        assert!(index < self.len, "swap_remove index {index} out of {}", self.len);
        self.len -= 1;
        // SAFETY: both in bounds of the old length; the removed element is read out once and
        // the last one moved into its slot (or nowhere, when it was the last).
        unsafe {
            let base = self.ptr.as_ptr();
            let value = base.add(index).read();
            if index != self.len {
                base.add(index).write(base.add(self.len).read());
            }
            value
        }
    }

    /// Moves the elements for which `keep` is false into `out`, in no particular order.
    pub(crate) fn split_off_unless(&mut self, keep: impl Fn(&T) -> bool, out: &mut SysVec<T>) {
        let mut i = 0;
        while i < self.len {
            if keep(&self[i]) {
                i += 1;
            } else {
                out.push(self.swap_remove(i));
            }
        }
    }

    fn grow(&mut self, wanted: usize) {
        if size_of::<T>() == 0 {
            self.capacity = usize::MAX;
            return;
        }
        let capacity = if self.capacity == 0 { wanted.max(4) } else { wanted.max(self.capacity * 2) };
        let ptr = allocate::<T>(capacity);
        // SAFETY: the new block holds `capacity > len` elements; the old one is freed after
        // its elements are moved out.
        unsafe {
            std::ptr::copy_nonoverlapping(self.ptr.as_ptr(), ptr.as_ptr(), self.len);
            if self.capacity > 0 {
                release(self.ptr, self.capacity);
            }
        }
        self.ptr = ptr;
        self.capacity = capacity;
    }
}

impl<T> Default for SysVec<T> {
    fn default() -> SysVec<T> {
        SysVec::new()
    }
}

impl<T: Clone> SysVec<T> {
    pub(crate) fn from_slice(items: &[T]) -> SysVec<T> {
        let mut out = SysVec::new();
        items.iter().for_each(|item| out.push(item.clone()));
        out
    }
}

impl<T: Clone> Clone for SysVec<T> {
    fn clone(&self) -> SysVec<T> {
        SysVec::from_slice(self)
    }
}

impl<T> Deref for SysVec<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        // SAFETY: the first `len` elements are initialised.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T> DerefMut for SysVec<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: the first `len` elements are initialised.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<T> Drop for SysVec<T> {
    fn drop(&mut self) {
        // SAFETY: the first `len` elements are initialised and dropped once; the block is
        // freed with the layout it was allocated with.
        unsafe {
            std::ptr::drop_in_place(std::ptr::slice_from_raw_parts_mut(self.ptr.as_ptr(), self.len));
            if self.capacity > 0 && size_of::<T>() != 0 {
                release(self.ptr, self.capacity);
            }
        }
    }
}

/// A first-in first-out queue of `Copy` values, in system memory: the ids queued beside a
/// linked channel.
pub(crate) struct SysQueue<T: Copy> {
    items: SysVec<T>,
    /// The first element not yet taken.
    head: usize,
}

impl<T: Copy> SysQueue<T> {
    pub(crate) const fn new() -> SysQueue<T> {
        SysQueue { items: SysVec::new(), head: 0 }
    }

    pub(crate) fn push_back(&mut self, value: T) {
        self.items.push(value);
    }

    pub(crate) fn pop_back(&mut self) -> Option<T> {
        if self.items.len() == self.head {
            return None;
        }
        self.items.pop()
    }

    pub(crate) fn pop_front(&mut self) -> Option<T> {
        let value = *self.items.get(self.head)?;
        self.head += 1;
        // Taken elements are dropped from the front once they are half the array, so that
        // the array stays within twice the elements queued.
        if self.head * 2 >= self.items.len() {
            let len = self.items.len();
            self.items.copy_within(self.head..len, 0);
            self.items.len = len - self.head;
            self.head = 0;
        }
        Some(value)
    }

    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.items[self.head..].iter()
    }
}

/// `value` in system memory for the rest of the process.
pub(crate) fn leak<T>(value: T) -> &'static T {
    let ptr = allocate::<T>(1);
    // SAFETY: freshly allocated for one `T`, written once and never freed.
    unsafe {
        ptr.as_ptr().write(value);
        &*ptr.as_ptr()
    }
}

/// The elements of `items`, kept for the rest of the process unless given to
/// [`free_slice`]: their address and number.
pub(crate) fn leak_slice<T>(items: SysVec<T>) -> (*mut T, usize) {
    let items = std::mem::ManuallyDrop::new(items);
    let len = items.len;
    // Moved into room for exactly `len`, so that `free_slice` knows the layout from the length.
    let exact = allocate::<T>(len.max(1));
    // SAFETY: `exact` has room for `len` elements; they move, and the old storage is freed
    // without dropping them.
    unsafe {
        std::ptr::copy_nonoverlapping(items.ptr.as_ptr(), exact.as_ptr(), len);
        if items.capacity > 0 && size_of::<T>() != 0 {
            release(items.ptr, items.capacity);
        }
    }
    (exact.as_ptr(), len)
}

/// Drops and frees what [`leak_slice`] kept.
///
/// # Safety
/// `ptr` and `len` came from `leak_slice`, and nothing refers to the elements any more.
pub(crate) unsafe fn free_slice<T>(ptr: *mut T, len: usize) {
    // SAFETY: the caller's contract: `len` elements in room for `len.max(1)`.
    unsafe {
        std::ptr::drop_in_place(std::ptr::slice_from_raw_parts_mut(ptr, len));
        release(NonNull::new_unchecked(ptr), len.max(1));
    }
}

/// A thread's name, in system memory.
#[derive(Clone)]
pub(crate) struct SysStr(SysVec<u8>);

impl SysStr {
    pub(crate) fn new(text: &str) -> SysStr {
        SysStr(SysVec::from_slice(text.as_bytes()))
    }
}

impl Deref for SysStr {
    type Target = str;
    fn deref(&self) -> &str {
        // SAFETY: only ever made from a `&str`.
        unsafe { std::str::from_utf8_unchecked(&self.0) }
    }
}

impl std::fmt::Debug for SysStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// Room for `count` values of `T` from the system allocator (`count > 0`, `T` sized).
fn allocate<T>(count: usize) -> NonNull<T> {
    let layout = Layout::array::<T>(count).expect("BorrowScope: a recorder table larger than memory");
    if layout.size() == 0 {
        return NonNull::dangling();
    }
    // SAFETY: the layout's size is not zero.
    let ptr = unsafe { System.alloc(layout) };
    NonNull::new(ptr.cast()).unwrap_or_else(|| handle_alloc_error(layout))
}

/// Frees what `allocate::<T>(count)` returned.
///
/// # Safety
/// `ptr` came from `allocate::<T>(count)` and is not used again.
unsafe fn release<T>(ptr: NonNull<T>, count: usize) {
    let layout = Layout::array::<T>(count).expect("allocated with this layout");
    if layout.size() != 0 {
        // SAFETY: the caller's contract.
        unsafe { System.dealloc(ptr.as_ptr().cast(), layout) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Counts its drops.
    struct Logged<'a>(&'a AtomicUsize, u32);
    impl Drop for Logged<'_> {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn arc_drops_its_value_once_with_the_last_pointer() {
        let drops = AtomicUsize::new(0);
        let a = SysArc::new(Logged(&drops, 7));
        let b = a.clone();
        assert_eq!(SysArc::strong_count(&a), 2);
        assert!(SysArc::ptr_eq(&a, &b));
        let Err(a) = SysArc::try_unwrap(a) else { panic!("b still points to it") };
        drop(b);
        assert_eq!(drops.load(Ordering::Relaxed), 0);
        let value = SysArc::try_unwrap(a).ok().expect("the only pointer");
        assert_eq!((value.1, drops.load(Ordering::Relaxed)), (7, 0));
        drop(value);
        assert_eq!(drops.load(Ordering::Relaxed), 1);
        drop(SysArc::new(Logged(&drops, 8)));
        assert_eq!(drops.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn vec_keeps_pushes_removes_and_drops_every_element() {
        let drops = AtomicUsize::new(0);
        let mut v = SysVec::new();
        (0..100).for_each(|k| v.push(Logged(&drops, k)));
        assert_eq!(v.len(), 100);
        assert_eq!(v.swap_remove(10).1, 10);
        assert_eq!(v[10].1, 99, "the last element takes the removed one's place");
        let mut odd = SysVec::new();
        v.split_off_unless(|l| l.1 % 2 == 0, &mut odd);
        assert!(v.iter().all(|l| l.1 % 2 == 0) && odd.iter().all(|l| l.1 % 2 == 1));
        assert_eq!((v.len(), odd.len()), (49, 50));
        assert_eq!(drops.load(Ordering::Relaxed), 1);
        drop(v);
        drop(odd);
        assert_eq!(drops.load(Ordering::Relaxed), 100);
        let mut queue = SysQueue::new();
        assert_eq!(queue.pop_front(), None);
        for k in 0..10u64 {
            queue.push_back(k);
        }
        assert_eq!((queue.pop_front(), queue.pop_back()), (Some(0), Some(9)));
        (0..6).for_each(|_| assert!(queue.pop_front().is_some()));
        queue.push_back(10);
        assert_eq!(queue.iter().copied().collect::<Vec<_>>(), [7, 8, 10]);
        assert_eq!([queue.pop_front(), queue.pop_front(), queue.pop_front(), queue.pop_front()], [Some(7), Some(8), Some(10), None]);
        assert_eq!(queue.pop_back(), None);
        assert_eq!(leak(5u32) + 1, 6);
        let names = SysStr::new("worker-ü");
        assert_eq!((&*names.clone(), format!("{names:?}")), ("worker-ü", "\"worker-ü\"".to_owned()));
    }
}
