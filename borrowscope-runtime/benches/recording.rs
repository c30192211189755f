//! The cost of recording one event, against two baselines measured in the same run:
//! no recording at all, and a hand-written thread-local `Vec` of 24-byte events (the lower
//! bound for keeping every event on this machine). Each is measured on 1, 2 and 8 threads,
//! as wall time per event per thread; every thread performs `iters` operations.
//!
//! Run with `cargo bench -p borrowscope-runtime --bench recording`.
// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::cell::RefCell;
use std::hint::black_box;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use borrowscope_runtime::__private::{self, CallSite, Op, Sites};
use borrowscope_runtime::*;
use criterion::{Criterion, Throughput, criterion_group};

static SITES: Sites = Sites::prepared(&[CallSite::new("x", file!(), 1, 1, "literal")]);

thread_local! {
    static BASELINE: RefCell<Vec<[u64; 3]>> = const { RefCell::new(Vec::new()) };
}

/// The lower bound: push a 24-byte event onto a thread-local `Vec` that keeps everything.
#[inline(never)]
fn baseline_vec(i: u64) {
    BASELINE.with(|v| v.borrow_mut().push([i, black_box(7), 3]));
}

#[inline(never)]
fn nothing(i: u64) {
    black_box(i);
}

#[inline(never)]
fn macro_new(i: u64) {
    let id = __private::new(&SITES, 0, &i);
    black_box(id);
}

#[inline(never)]
fn macro_event(i: u64) {
    __private::event(&SITES, 0, Op::Borrow, i, 1);
}

#[inline(never)]
fn public_new(i: u64) {
    black_box(track_new("x", i));
}

#[inline(never)]
fn public_borrow(i: u64) {
    black_box(track_borrow("r", &i));
}

#[inline(never)]
fn public_drop(_: u64) {
    track_drop("x");
}

/// A let, a borrow, its end and the drop: what a two-line function records.
#[inline(never)]
fn public_mixed(i: u64) {
    match i % 4 {
        0 => drop(black_box(track_new("x", i))),
        1 => drop(black_box(track_borrow("r", &i))),
        2 => track_drop("r"),
        _ => track_drop("x"),
    }
}

/// Events per thread between two resets: large enough that the reset's cost is noise,
/// small enough that the memory stays in the recorder's chunk pool.
const BATCH: u64 = 1 << 20;

/// Worker threads that live for a whole benchmark group, so both the baseline's `Vec` and
/// the recorder's chunks are warm (already faulted in) after the first sample, as they are in
/// a program that has been running for a while.
/// An operation under measurement, given the iteration number.
type Operation = fn(u64);

struct Workers {
    jobs: Vec<mpsc::Sender<(Operation, u64)>>,
    done: mpsc::Receiver<()>,
}

impl Workers {
    /// Workers recording into `session`, or into the process-wide recorder when `None`.
    fn start(threads: usize, session: Option<&Session>) -> Workers {
        let (done_tx, done) = mpsc::channel();
        let jobs = (0..threads)
            .map(|_| {
                let (tx, rx) = mpsc::channel::<(Operation, u64)>();
                let (session, done_tx) = (session.cloned(), done_tx.clone());
                std::thread::spawn(move || {
                    for (op, iters) in rx {
                        let guard = session.as_ref().map(Session::enter);
                        // Both the baseline and the recorder start over every `BATCH`
                        // events, reusing memory they already touched.
                        let mut i = 0;
                        while i < iters {
                            BASELINE.with(|v| v.borrow_mut().clear());
                            match &session {
                                Some(session) => session.reset(),
                                None => reset(),
                            }
                            for i in i..iters.min(i + BATCH) {
                                op(i);
                            }
                            i += BATCH;
                        }
                        drop(guard);
                        done_tx.send(()).unwrap();
                    }
                });
                tx
            })
            .collect();
        Workers { jobs, done }
    }

    /// Runs `op` `iters` times on every worker and returns the wall time.
    fn run(&self, iters: u64, op: Operation) -> Duration {
        let start = Instant::now();
        for job in &self.jobs {
            job.send((op, iters)).unwrap();
        }
        for _ in &self.jobs {
            self.done.recv().unwrap();
        }
        start.elapsed()
    }
}

fn per_event(c: &mut Criterion) {
    let cases: [(&str, Operation); 9] = [
        ("no_recording", nothing),
        ("baseline_thread_local_vec_24b", baseline_vec),
        ("macro_new", macro_new),
        ("macro_event", macro_event),
        ("track_new", public_new),
        ("track_borrow", public_borrow),
        ("track_drop", public_drop),
        ("mixed", public_mixed),
        ("baseline_thread_local_vec_24b_again", baseline_vec),
    ];
    for threads in [1, 2, 8] {
        let mut group = c.benchmark_group(format!("per_event/{threads}_threads"));
        group.throughput(Throughput::Elements(1));
        group.measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500)).sample_size(20);
        let session = Session::with_max_events(usize::MAX);
        let workers = Workers::start(threads, Some(&session));
        for (name, op) in cases {
            group.bench_function(name, |b| b.iter_custom(|iters| workers.run(iters, op)));
        }
        group.finish();
    }
}

/// Keeping the most recent events (a ring of 2^16 events, always full, so every chunk is a
/// reused one) against keeping the first ones (the default, with room for every event), in
/// one group: the cost per event of `BORROWSCOPE_KEEP=last`.
fn keep_modes(c: &mut Criterion) {
    for threads in [1, 2] {
        let mut group = c.benchmark_group(format!("keep/{threads}_threads"));
        group.throughput(Throughput::Elements(1));
        group.measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500)).sample_size(20);
        let first = Session::with_max_events(usize::MAX);
        let last = Session::with_max_events(1 << 16);
        last.record(|| set_keep(Keep::Last));
        for (mode, session) in [("first", &first), ("last", &last)] {
            let workers = Workers::start(threads, Some(session));
            for (name, op) in [("macro_event", macro_event as Operation), ("macro_new", macro_new)] {
                group.bench_function(format!("{mode}/{name}"), |b| b.iter_custom(|iters| workers.run(iters, op)));
            }
        }
        group.finish();
    }
}

/// Recording into the spool (the process-wide recorder while `BORROWSCOPE_TRACE` is set,
/// whose chunks are a file mapped into memory) against recording into a session (ordinary
/// memory), with the baseline, in one group.
fn spool(c: &mut Criterion) {
    for threads in [1, 8] {
        let mut group = c.benchmark_group(format!("spool/{threads}_threads"));
        group.throughput(Throughput::Elements(1));
        group.measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500)).sample_size(20);
        let session = Session::with_max_events(usize::MAX);
        let heap = Workers::start(threads, Some(&session));
        let spooled = Workers::start(threads, None);
        group.bench_function("baseline_thread_local_vec_24b", |b| b.iter_custom(|iters| heap.run(iters, baseline_vec)));
        for (name, op) in [("macro_event", macro_event as Operation), ("macro_new", macro_new)] {
            group.bench_function(format!("memory/{name}"), |b| b.iter_custom(|iters| heap.run(iters, op)));
            group.bench_function(format!("spool/{name}"), |b| b.iter_custom(|iters| spooled.run(iters, op)));
        }
        group.finish();
    }
}

fn export(c: &mut Criterion) {
    let session = Session::with_max_events(usize::MAX);
    session.record(|| {
        for i in 0..250_000u64 {
            public_mixed(i);
        }
    });
    let trace = session.trace();
    let bytes = to_json(&trace).len() as u64;
    let mut group = c.benchmark_group("export");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("json_250k_events", |b| b.iter(|| black_box(to_json(&trace))));
    // The check `cargo borrowscope run/test` makes of every trace before its report, against
    // the export it follows.
    group.bench_function("contradictions_250k_events", |b| b.iter(|| black_box(trace.contradictions())));
    group.finish();
}

criterion_group!(benches, per_event, keep_modes, spool, export);

fn main() {
    // The process-wide recorder keeps its chunks in a spool only when a trace is asked for:
    // set before anything records, with room for every worker's batch.
    let trace = std::env::temp_dir().join(format!("borrowscope-bench-{}.json", std::process::id()));
    // SAFETY: no other thread runs yet.
    unsafe {
        std::env::set_var(TRACE_ENV, &trace);
        std::env::set_var(MAX_EVENTS_ENV, (10u64 << 20).to_string());
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
    // The process-wide recorder's trace is written at exit: start it empty.
    reset();
}
