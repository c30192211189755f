//! A traced program that ends in the ways a real one does, for `tests/tests/exits.rs`:
//! `exits exit` calls `std::process::exit(3)`, `exits panic` panics in `main`, `exits worker`
//! runs a traced function that panics on a worker thread and then returns normally, and
//! `exits many` records a few hundred events and returns; `exits ending HOW` records about
//! 1,600 events, prints `ready`, and ends by `return`, `exit` (status 3), `panic`, `abort`,
//! `segfault` (a write through a null pointer), or `wait` (until a signal ends it).

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
            println!("{}", many(400));
            println!("ready");
            let how = std::env::args().nth(2).unwrap_or_default();
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
        "wait" => loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        },
        other => {
            eprintln!("unknown ending {other:?}: use return, exit, panic, abort, segfault or wait");
            std::process::exit(2);
        }
    }
}
