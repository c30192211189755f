//! The hot-loop benchmark: small lookup functions, like a Unicode table crate's, called for
//! every code point, plainly or instrumented (feature `traced`). Prints the loop's time per
//! call, so `scripts/hot-loop.sh` can compare builds and profiles; the whole-process time is
//! what it reports.
//!
//! Usage: borrowscope-hot-loop [ROUNDS]   (default 10: 11 million calls of each function)

mod lookup;

fn main() {
    let rounds: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let start = std::time::Instant::now();
    let mut checksum = 0u64;
    let mut calls = 0u64;
    for _ in 0..rounds {
        for code in 0..=0x10FFFFu32 {
            checksum += u64::from(lookup::width(code));
            checksum += lookup::category(code) as u64;
            calls += 2;
        }
    }
    let elapsed = start.elapsed();
    println!(
        "{calls} calls, checksum {checksum}, {:.1} ns per call",
        elapsed.as_nanos() as f64 / calls as f64
    );
}
