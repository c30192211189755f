//! The cost of following a value through a linked channel: one `send` and one `recv` of a
//! `u64` on one thread, as written (the baseline) and as the macro rewrites them for a
//! channel the analyzer linked (the queue locked across the send, popped by the receive).
//!
//! Run with `cargo bench -p borrowscope-runtime --bench channels`.
// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::mpsc;

use borrowscope_runtime::__private::{linked_channel, received, sending, sent};
use criterion::{Criterion, criterion_group, criterion_main};

fn channels(c: &mut Criterion) {
    let mut group = c.benchmark_group("channel_send_recv");
    let (tx, rx) = mpsc::channel::<u64>();
    group.bench_function("as_written", |b| {
        let mut i = 0u64;
        b.iter(|| {
            i += 1;
            tx.send(black_box(i)).unwrap();
            black_box(rx.recv().unwrap())
        })
    });
    let queue = linked_channel(true);
    group.bench_function("linked", |b| {
        let mut i = 0u64;
        b.iter(|| {
            i += 1;
            sent(queue, tx.send(sending(queue, i, black_box(i)))).unwrap();
            black_box(received(queue, rx.recv()).unwrap())
        })
    });
    group.finish();
}

criterion_group!(benches, channels);
criterion_main!(benches);
