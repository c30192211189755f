//! The generated-programs oracle on a fixed seed: a few hundred random programs, built and
//! run plain, traced without the type-info file and traced with it. Fails on any fate, drop
//! order or link recorded wrong, on a program the macro stopped from compiling, and on an
//! oracle that mispredicted a plain run. `BORROWSCOPE_GEN_PROGRAMS` and
//! `BORROWSCOPE_GEN_SEED` change the size and the seed; the long run is
//! `cargo run --release -p truthgen -- --programs 20000`.

use std::process::Command;

#[test]
fn generated_programs_are_never_recorded_wrong() {
    let number = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let programs = number("BORROWSCOPE_GEN_PROGRAMS", 300) as usize;
    let seed = number("BORROWSCOPE_GEN_SEED", 19);
    let repo = truthgen::batch::repo();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--locked", "-p", "cargo-borrowscope", "--bin", "borrowscope-analyzer"])
        .current_dir(&repo)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building the analyzer failed");
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| repo.join("target"), Into::into);
    let work = tempfile::tempdir().expect("a temporary folder");
    let options = truthgen::Options {
        seed,
        programs,
        // Two batches built at once: the compiler's front end uses one core per build.
        batch: programs.div_ceil(2).max(1),
        work: work.path().to_owned(),
        target: target.join("truthgen"),
        analyzer: target.join("release/borrowscope-analyzer"),
        jobs: 2,
    };
    let report = truthgen::run(&options);
    print!("{}", report.text());
    for (mode, figures) in [("without type-info", &report.without), ("with type-info", &report.with)] {
        let lines: Vec<&str> = figures.wrong.iter().map(|(_, line)| line.as_str()).collect();
        assert!(lines.is_empty(), "{mode}: recorded wrong:\n{}", lines.join("\n"));
    }
    assert!(
        report.broken.is_empty(),
        "the macro broke programs that compile plain:\n{}",
        report.broken.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("\n")
    );
    assert!(report.disagreements.is_empty(), "the oracle mispredicted plain runs:\n{}", report.disagreements.join("\n"));
    assert!(report.kept * 10 >= report.generated * 8, "most programs should compile: {}", report.text());
    // The file turns unknowns into the truth, never the other way.
    assert!(report.with.total().right > report.without.total().right, "{}", report.text());
}
