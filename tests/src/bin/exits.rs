//! A traced program that ends in the ways a real one does, for `tests/tests/exits.rs`:
//! `exits exit` calls `std::process::exit(3)`, `exits panic` panics in `main`, `exits worker`
//! runs a traced function that panics on a worker thread and then returns normally, and
//! `exits many` records a few hundred events and returns; `exits ending HOW` records about
//! 1,600 events, prints `ready`, and ends by `return`, `exit` (status 3), `panic`, `abort`,
//! `segfault` (a write through a null pointer), or `wait` (until a signal ends it);
//! `handled-before` and `handled-after` install a SIGINT handler of their own (before
//! recording starts, or after, calling the handler it replaced as signal-hook does) and
//! return normally once it has run; `big` records about a million events, then waits;
//! `fork` forks a child that records more, then aborts.

use borrowscope_macro::trace_borrow;

#[trace_borrow]
fn work(n: usize) -> usize {
    let numbers: Vec<usize> = (0..n).collect();
    let total: usize = numbers.iter().sum();
    total
}

fn length(text: &str) -> usize {
    text.len()
}

#[trace_borrow]
fn fails(limit: usize) -> usize {
    let kept = String::from("kept until unwinding");
    let count: usize = length(&kept);
    if count > limit {
        panic!("too long: {count} > {limit}");
    }
    count
}

#[trace_borrow]
fn many(rounds: usize) -> usize {
    let mut sum = 0;
    for i in 0..rounds {
        let value: usize = i * 2;
        sum += value;
    }
    sum
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    match mode.as_str() {
        "exit" => {
            println!("{}", work(3));
            std::process::exit(3);
        }
        "panic" => {
            println!("{}", work(4));
            panic!("main gives up");
        }
        "worker" => {
            let outcome = std::thread::spawn(|| fails(3)).join();
            println!("worker panicked: {}", outcome.is_err());
        }
        "many" => println!("{}", many(300)),
        "ending" => {
            // Records, says so, then ends the way the second argument says.
            let how = std::env::args().nth(2).unwrap_or_default();
            if how == "handled-before" {
                handle_sigint(false);
            }
            // `big` (then waiting) records about a million events: writing the trace takes
            // seconds in a debug build.
            println!("{}", many(if how == "big" { 200_000 } else { 400 }));
            if how == "handled-after" {
                handle_sigint(true);
            }
            println!("ready");
            end(&how);
        }
        other => {
            eprintln!("unknown mode {other:?}: use exit, panic, worker, many or ending");
            std::process::exit(2);
        }
    }
}

fn end(how: &str) {
    match how {
        "return" => {}
        "exit" => std::process::exit(3),
        "panic" => panic!("main gives up"),
        "abort" => std::process::abort(),
        // SAFETY: none: this is the crash the test wants, a write through a null pointer.
        "segfault" => unsafe { std::ptr::null_mut::<u64>().write_volatile(1) },
        "fork" => {
            // A child that records events of its own, then the parent crashes: the parent's
            // spool must hold the parent's events only.
            // SAFETY: the child only records and leaves with `_exit`.
            match unsafe { libc::fork() } {
                0 => {
                    many(100);
                    // SAFETY: ends the child without running the parent's exit hooks.
                    unsafe { libc::_exit(0) }
                }
                child => {
                    let mut status = 0;
                    // SAFETY: waits for the child just made.
                    unsafe { libc::waitpid(child, &mut status, 0) };
                    std::process::abort();
                }
            }
        }
        "handled-before" | "handled-after" => {
            while !INTERRUPTED.load(std::sync::atomic::Ordering::Acquire) {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            println!("interrupted, finishing normally");
        }
        "wait" | "big" => loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        },
        other => {
            eprintln!("unknown ending {other:?}: use return, exit, panic, abort, segfault or wait");
            std::process::exit(2);
        }
    }
}

static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// The action `handle_sigint` replaced, called after ours when it was a handler.
static REPLACED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

extern "C" fn on_sigint(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    INTERRUPTED.store(true, std::sync::atomic::Ordering::Release);
    let replaced = REPLACED.load(std::sync::atomic::Ordering::Acquire);
    if replaced != 0 && replaced != libc::SIG_DFL && replaced != libc::SIG_IGN {
        // SAFETY: the address of an SA_SIGINFO handler, which BorrowScope's is.
        let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) = unsafe { std::mem::transmute(replaced) };
        f(signal, info, context);
    }
}

/// Installs a SIGINT handler that notes the signal (and, when `chain`, calls the one it
/// replaced).
fn handle_sigint(chain: bool) {
    // SAFETY: plain sigaction calls with valid structures.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigint as extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) as usize;
        action.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut action.sa_mask);
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGINT, &action, &mut old);
        if chain {
            REPLACED.store(old.sa_sigaction, std::sync::atomic::Ordering::Release);
        }
    }
}
