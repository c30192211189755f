//! A traced program that ends in the ways a real one does, for `tests/tests/exits.rs`:
//! `exits exit` calls `std::process::exit(3)`, `exits panic` panics in `main`, `exits worker`
//! runs a traced function that panics on a worker thread and then returns normally, and
//! `exits many` records a few hundred events and returns.

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
        other => {
            eprintln!("unknown mode {other:?}: use exit, panic, worker or many");
            std::process::exit(2);
        }
    }
}
