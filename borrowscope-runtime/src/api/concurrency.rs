//! Threads, channels and locks. These events synchronize: each takes a stamp from the
//! global clock, so what happens after a join, a receive or a lock is ordered after what
//! happened before the matching exit, send or release.

use std::thread::JoinHandle;

use crate::emit::{emit, fresh};
use crate::site::Op;

/// Lock modes, in the `arg` of [`Op::Lock`] events.
const MUTEX: u64 = 0;
const READ: u64 = 1;
const WRITE: u64 = 2;

fn lock_mode(lock_type: &str) -> u64 {
    match lock_type {
        t if t.contains("read") => READ,
        t if t.contains("write") => WRITE,
        _ => MUTEX,
    }
}

/// Records that `var_name` was locked (`lock_type`: `mutex_lock`, `rwlock_read`,
/// `rwlock_write`, or their `try_` forms). Call it once the lock is held.
#[inline]
#[track_caller]
pub fn track_lock(lock_id: usize, lock_type: &str, var_name: &str, location: &str) {
    emit(var_name, lock_type, location, Op::Lock, lock_id as u64, lock_mode(lock_type));
}

/// Records that the guard of lock `lock_id` was released.
#[inline]
#[track_caller]
pub fn track_lock_release(lock_id: usize, var_name: &str, location: &str) {
    emit(var_name, "", location, Op::LockRelease, lock_id as u64, 0);
}

/// Records `thread::spawn` and returns the handle; the event names the new thread.
#[inline]
#[track_caller]
pub fn track_thread_spawn<T>(name: &str, handle: JoinHandle<T>) -> JoinHandle<T> {
    let spawned = crate::recorder::thread_number(handle.thread().id());
    emit(name, "", "", Op::ThreadSpawn, fresh(), spawned);
    handle
}

/// Records `handle.join()` and returns its result. Call it after the join returned.
#[inline]
#[track_caller]
pub fn track_thread_join<R>(name: &str, result: R) -> R {
    emit(name, "", "", Op::ThreadJoin, 0, 0);
    result
}

/// Records `mpsc::channel()` (or `sync_channel`) and returns the pair.
#[inline]
#[track_caller]
pub fn track_channel<S, R>(name: &str, pair: (S, R)) -> (S, R) {
    emit(name, "", "", Op::Channel, fresh(), 0);
    pair
}

/// Records `tx.send(v)` and returns its result.
#[inline]
#[track_caller]
pub fn track_channel_send<E>(name: &str, result: Result<(), E>) -> Result<(), E> {
    emit(name, "", "", Op::ChannelSend, 0, u64::from(result.is_ok()));
    result
}

/// Records `rx.recv()` and returns its result.
#[inline]
#[track_caller]
pub fn track_channel_recv<T, E>(name: &str, result: Result<T, E>) -> Result<T, E> {
    emit(name, "", "", Op::ChannelRecv, 0, u64::from(result.is_ok()));
    result
}

/// Records `rx.try_recv()` and returns its result.
#[inline]
#[track_caller]
pub fn track_channel_try_recv<T, E>(name: &str, result: Result<T, E>) -> Result<T, E> {
    emit(name, "", "", Op::ChannelTryRecv, 0, u64::from(result.is_ok()));
    result
}
