//! `cargo run --release -p truthgen -- [--seed N] [--programs N] [--batch N] [--jobs N]
//! [--analyzer PATH] [--show ID] [--shrink]`: the long run of the generated-programs oracle;
//! prints the figures (right / unknown / wrong per construct, with and without type-info) and
//! every wrong case's program; `--shrink` also deletes statements from the first wrong program
//! while it stays wrong. `--jobs` batches are built and run at once (default: one per core).

use std::path::PathBuf;

fn main() {
    let mut seed = 1;
    let mut programs = 2000;
    let mut batch = 400;
    let mut jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut analyzer = truthgen::batch::repo().join("target/release/borrowscope-analyzer");
    let mut show = None;
    let mut shrink = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| fail(&format!("{arg} needs a value")));
        match arg.as_str() {
            "--seed" => seed = number(&value()),
            "--programs" => programs = number(&value()) as usize,
            "--batch" => batch = number(&value()) as usize,
            "--jobs" => jobs = number(&value()) as usize,
            "--analyzer" => analyzer = PathBuf::from(value()),
            "--show" => show = Some(number(&value()) as usize),
            "--shrink" => shrink = true,
            other => fail(&format!("unknown option {other}; the options are --seed, --programs, --batch, --jobs, --analyzer, --show, --shrink")),
        }
    }
    if let Some(id) = show {
        let mut rng = truthgen::generate::Rng::new(seed);
        let program = (0..=id).map(|i| truthgen::generate::program(&mut rng, i)).last().expect("one program");
        print!("{}", program.rust(true));
        return;
    }
    if !analyzer.exists() {
        fail(&format!(
            "the analyzer is not at {}: build it with `cargo build --release -p cargo-borrowscope --bin borrowscope-analyzer`, or pass --analyzer PATH",
            analyzer.display()
        ));
    }
    let work = tempfile::tempdir().unwrap_or_else(|e| fail(&format!("no temporary folder: {e}")));
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| truthgen::batch::repo().join("target"), PathBuf::from).join("truthgen");
    let options = truthgen::Options { seed, programs, batch: batch.max(1), work: work.path().to_owned(), target, analyzer, jobs: jobs.max(1) };
    let report = truthgen::run_reporting(&options, |so_far| {
        let (without, with) = (so_far.without.total(), so_far.with.total());
        eprintln!("truthgen: {} of {programs} generated, {} kept; without type-info {without}; with {with}", so_far.generated, so_far.kept);
    });
    print!("{}", report.text());
    let wrong = report.without.wrong.iter().map(|w| ("without type-info", w)).chain(report.with.wrong.iter().map(|w| ("with type-info", w)));
    let mut shown: Vec<usize> = Vec::new();
    for (mode, (id, line)) in wrong {
        println!("wrong ({mode}): {line}");
        if !shown.contains(id) && shown.len() < 10 {
            shown.push(*id);
            println!("{}", report.programs.iter().find(|p| p.id == *id).map(|p| p.rust(true)).unwrap_or_default());
        }
    }
    let first = report.without.wrong.first().map(|(id, _)| (*id, false)).or(report.with.wrong.first().map(|(id, _)| (*id, true)));
    if let (true, Some((id, with))) = (shrink, first)
        && let Some(program) = report.programs.iter().find(|p| p.id == id)
    {
        let small = truthgen::shrink(&options, program, with);
        println!("program {id} shrunk to {} statements:\n{}", truthgen::program::size(&small.body), small.rust(true));
    }
    // What the file left unknown, for whoever works on it next (`--show ID` prints the
    // program).
    for (id, line) in report.with.unknown.iter().take(20) {
        println!("unknown with type-info (program {id}): {line}");
    }
    for (id, text) in report.broken.iter().take(5) {
        println!("broken by the macro (program {id}):\n{text}");
    }
    for line in report.disagreements.iter().take(5) {
        println!("oracle disagreement: {line}");
    }
    if report.any_wrong() {
        std::process::exit(1);
    }
}

fn number(text: &str) -> u64 {
    text.parse().unwrap_or_else(|_| fail(&format!("{text} is not a number")))
}

fn fail(message: &str) -> ! {
    eprintln!("truthgen: {message}");
    std::process::exit(2)
}
