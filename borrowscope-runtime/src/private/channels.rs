//! Following a value through a channel: the binding moved into `tx.send(v)` linked to the
//! binding the receive that takes it initializes (`let got = rx.recv().unwrap()`, `for got
//! in rx`).
//!
//! A message carries nothing of ours, so the runtime keeps, beside each linked channel, a
//! queue of the instance ids of its messages (0 for a value that was no binding) in the
//! order the channel holds them. Each send pushes its id and each receive that takes a
//! message pops the oldest: the `n`th message received is the `n`th sent. That holds only if
//! every send and every receive on the channel goes through here, which the analyzer checks
//! before it marks a channel linked (a `linked_channel` site: see the analyzer's `channels`
//! module), and if the pushes are in the channel's own order, which the queue's lock gives:
//! it is taken once the value to send is computed and held across the `send` itself, so
//! that two threads' sends enter the channel and the queue in the same order. An unbounded
//! channel's `send` never blocks, so the lock is held for a moment only; a failed send (the
//! receiver gone) takes its id back before the lock is released.
//!
//! A receive pops once the channel has handed it the message: its sender pushed the id
//! before sending, so it is there. `std`'s receiver is not `Sync`, so receives on one
//! channel come one at a time.

use std::cell::{Cell, RefCell};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{Guard, event_at};
use crate::recorder::{SysQueue, leak};
use crate::site::Op;

/// The queue of one linked channel's messages. Made where the channel is made and kept for
/// the rest of the process, as the events that name its messages are; in system memory, so
/// that the program's own allocator holds the same traced as plain.
pub struct Channel {
    queue: Mutex<SysQueue<u64>>,
}

/// The channel of everything made while nothing was recorded, or not linked: it queues
/// nothing, and links nothing.
static UNLINKED: Channel = Channel { queue: Mutex::new(SysQueue::new()) };

thread_local! {
    /// The queue locked by the send under way on this thread.
    static SENDING: RefCell<Option<MutexGuard<'static, SysQueue<u64>>>> = const { RefCell::new(None) };
    /// The id of the value the last receive on this thread took (0: none, or no binding).
    static RECEIVED: Cell<u64> = const { Cell::new(0) };
}

impl Channel {
    fn linked(&'static self) -> bool {
        !std::ptr::eq(self, &UNLINKED)
    }

    fn lock(&'static self) -> MutexGuard<'static, SysQueue<u64>> {
        // Nothing that could panic runs under the lock; a poisoned one is still consistent.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The queue for a channel made by `let (tx, rx) = mpsc::channel()`; `linked` is whether
/// the macro instrumented every send and receive the analyzer listed for it.
#[inline]
pub extern "C" fn linked_channel(linked: bool) -> &'static Channel {
    if linked && super::active() { leak(Channel { queue: Mutex::new(SysQueue::new()) }) } else { &UNLINKED }
}

/// `tx.send(sending(channel, id, v))`: once `v` is computed, locks `channel`'s queue and
/// queues `id` (the instance moved in, 0 if none), for the `send` that follows at once.
/// Takes and returns the user's value, so it keeps the Rust ABI (see `values.rs`).
#[inline]
pub fn sending<T>(channel: &'static Channel, id: u64, value: T) -> T {
    queue_sent(channel, id);
    value
}

extern "C" fn queue_sent(channel: &'static Channel, id: u64) {
    if channel.linked() {
        let mut queue = channel.lock();
        queue.push_back(id);
        SENDING.with(|s| *s.borrow_mut() = Some(queue));
    }
}

/// `sent(channel, tx.send(..))`: the send is done; if it failed (the receiver is gone, and
/// the value came back), its id is taken back; the queue is unlocked.
#[inline]
pub fn sent<T, E>(channel: &'static Channel, result: Result<T, E>) -> Result<T, E> {
    unqueue_sent(channel, result.is_err());
    result
}

extern "C" fn unqueue_sent(channel: &'static Channel, failed: bool) {
    if channel.linked() {
        let queue = SENDING.with(|s| s.borrow_mut().take());
        if let (Some(mut queue), true) = (queue, failed) {
            queue.pop_back();
        }
    }
}

/// `received(channel, rx.recv())` (or `try_recv`, `recv_timeout`): a message taken pops
/// the id sent with it, for the binding it initializes.
#[inline]
pub fn received<T, E>(channel: &'static Channel, result: Result<T, E>) -> Result<T, E> {
    if result.is_ok() {
        received_item(channel);
    }
    result
}

/// The body of `for x in rx` has begun: the loop took a message, whose id is popped for `x`.
#[inline]
pub extern "C" fn received_item(channel: &'static Channel) {
    let id = if channel.linked() { channel.lock().pop_front().unwrap_or(0) } else { 0 };
    RECEIVED.with(|r| r.set(id));
}

impl Guard {
    /// `bind` for a binding initialized by a linked receive (`let x = rx.recv().unwrap()`,
    /// `for x in rx`): records the creation, then that the value the receive took, sent
    /// from a binding, is the one bound here.
    #[inline]
    pub extern "C" fn bind_received<T: ?Sized>(&self, _value: &T) {
        self.received_named(std::any::type_name::<T>());
    }

    /// `bind_received` for a type by its name (see [`Guard::bind`]).
    fn received_named(&self, ty: &'static str) {
        self.bind_named(ty);
        let sent = RECEIVED.with(|r| r.replace(0));
        let id = self.id();
        if id != 0 && sent != 0 {
            self.received.set(true);
            event_at(self.site, Op::Receive, id, sent);
        }
    }

    /// The instance a send moves out of this binding: its id while it holds its value, 0
    /// otherwise.
    #[inline]
    pub extern "C" fn sent_id(&self) -> u64 {
        if self.is_live() { self.id() } else { 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// Sends and receives through the queue as the macro emits them, each value carrying
    /// the id it was sent with: every receive must pop exactly that id.
    #[test]
    #[cfg(feature = "track")]
    fn each_receive_pops_the_id_its_message_was_sent_with_under_concurrent_senders() {
        let session = crate::Session::new();
        let _in = session.enter();
        let channel = linked_channel(true);
        assert!(channel.linked(), "a session is recording, so the channel is linked");
        let (tx, rx) = mpsc::channel::<u64>();
        let senders: Vec<_> = (0..4u64)
            .map(|t| {
                let tx = tx.clone();
                std::thread::spawn(move || {
                    for i in 0..2_000u64 {
                        let id = t * 1_000_000 + i + 1;
                        sent(channel, tx.send(sending(channel, id, id))).unwrap();
                    }
                })
            })
            .collect();
        drop(tx);
        let mut count = 0;
        while let Ok(value) = received(channel, rx.recv()) {
            assert_eq!(RECEIVED.with(|r| r.replace(0)), value);
            count += 1;
        }
        senders.into_iter().for_each(|s| s.join().unwrap());
        assert_eq!(count, 8_000);
        assert!(channel.lock().iter().next().is_none());
    }

    #[test]
    #[cfg(feature = "track")]
    fn a_failed_send_takes_its_id_back() {
        let session = crate::Session::new();
        let _in = session.enter();
        let channel = linked_channel(true);
        let (tx, rx) = mpsc::channel::<u64>();
        sent(channel, tx.send(sending(channel, 7, 7))).unwrap();
        drop(rx);
        assert!(sent(channel, tx.send(sending(channel, 8, 8))).is_err());
        assert_eq!(channel.lock().iter().copied().collect::<Vec<_>>(), [7]);
    }

    #[test]
    fn an_unlinked_channel_queues_nothing_and_clears_the_last_receive() {
        RECEIVED.with(|r| r.set(5));
        let channel = linked_channel(false);
        let (tx, rx) = mpsc::channel::<u64>();
        sent(channel, tx.send(sending(channel, 1, 1))).unwrap();
        assert_eq!(received(channel, rx.recv()), Ok(1));
        assert_eq!(RECEIVED.with(|r| r.get()), 0, "a stale id would link the next binding to the wrong value");
        assert!(UNLINKED.lock().iter().next().is_none());
    }
}
