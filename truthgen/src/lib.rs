//! Generated programs as the truth oracle of BorrowScope's traces.
//!
//! The generator (`generate`) writes random, well-typed Rust functions in a small ownership
//! language (`program`) over values that log their own drops: lets and shadowing, reassignment
//! (also from a right side that consumes the old value), moves into calls and traced
//! functions and into a macro of the crate's own (always, or under a condition), `drop`,
//! fields and patterns that move part of a value, struct update syntax,
//! `match` and `if let` by value and by `ref`, branches, loops with `break`, early returns,
//! closures, deferred initialisation. Branches depend on a run-time input, so one program
//! takes several paths. The oracle (`oracle`) runs each program on each input in a model of
//! Rust's rules and predicts its drop log and how each binding instance ends; the plain build's
//! real drop log must match the prediction, or the program is set aside as an oracle
//! disagreement (the values' own logs judge the oracle). Programs rustc rejects are discarded.
//!
//! Each batch (`batch`) is built and run plain, traced without the analyzer's type-info file,
//! and traced with it; every binding instance's recorded fate, every drop's order and every
//! link a trace claims is judged, and counted per construct (`Figures`).

pub mod batch;
pub mod generate;
pub mod oracle;
pub mod program;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use program::Program;

/// right / unknown / wrong.
#[derive(Clone, Copy, Default, Debug)]
pub struct Count {
    /// Recorded as it really happened.
    pub right: usize,
    /// Recorded as unknown (`scope_end`), or not recorded at all.
    pub unknown: usize,
    /// Recorded otherwise than it happened.
    pub wrong: usize,
}

impl Count {
    fn add(&mut self, verdict: &str) {
        match verdict {
            "right" => self.right += 1,
            "unknown" | "untracked" => self.unknown += 1,
            _ => self.wrong += 1,
        }
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} right / {} unknown / {} wrong", self.right, self.unknown, self.wrong)
    }
}

/// The verdicts of one mode (traced without or with the type-info file).
#[derive(Clone, Default, Debug)]
pub struct Figures {
    /// Fates by construct.
    pub fates: BTreeMap<String, Count>,
    /// Drop orders, one per run of a program.
    pub orders: Count,
    /// Links the trace claims (a move or a receive naming the binding a value went to).
    pub links: Count,
    /// Runs whose trace tells one story: no two of its events contradict each other (a
    /// value used or dropped after it was moved out, say); "wrong" once per contradiction.
    pub consistent: Count,
    /// Each line judged wrong, with the program it came from.
    pub wrong: Vec<(usize, String)>,
    /// Each fate or link left unknown, with the program it came from.
    pub unknown: Vec<(usize, String)>,
}

impl Figures {
    fn add(&mut self, output: &str) {
        for line in output.lines() {
            let mut words = line.split(' ');
            let (Some(kind), Some(case)) = (words.next(), words.next()) else { continue };
            let program = case.trim_start_matches('p').split('/').next().and_then(|p| p.parse().ok()).unwrap_or(0);
            let verdict = line.rsplit(' ').next().unwrap_or_default();
            match kind {
                "binding" | "extra" => {
                    let construct = line.splitn(3, ' ').nth(2).unwrap_or_default();
                    let construct = construct.split(" real=").next().unwrap_or_default();
                    let construct = construct.rsplit_once(' ').map_or(construct, |(c, _)| c);
                    let construct =
                        if kind == "extra" { "instances made" } else { construct.trim_end_matches(|c: char| c.is_ascii_digit() || c == '#') };
                    self.fates.entry(construct.to_owned()).or_default().add(verdict);
                }
                "order" => self.orders.add(verdict),
                "link" => self.links.add(verdict),
                "consistent" => self.consistent.add(verdict),
                _ => continue,
            }
            match verdict {
                "right" => {}
                "unknown" | "untracked" => self.unknown.push((program, line.to_owned())),
                _ => self.wrong.push((program, line.to_owned())),
            }
        }
    }

    fn absorb(&mut self, other: Figures) {
        for (construct, count) in other.fates {
            let mine = self.fates.entry(construct).or_default();
            mine.right += count.right;
            mine.unknown += count.unknown;
            mine.wrong += count.wrong;
        }
        for (mine, theirs) in [(&mut self.orders, other.orders), (&mut self.links, other.links), (&mut self.consistent, other.consistent)] {
            mine.right += theirs.right;
            mine.unknown += theirs.unknown;
            mine.wrong += theirs.wrong;
        }
        self.wrong.extend(other.wrong);
        self.unknown.extend(other.unknown);
    }

    /// All fates.
    pub fn total(&self) -> Count {
        self.fates.values().fold(Count::default(), |a, c| Count {
            right: a.right + c.right,
            unknown: a.unknown + c.unknown,
            wrong: a.wrong + c.wrong,
        })
    }
}

/// What a run of the generator found.
#[derive(Clone, Default, Debug)]
pub struct Report {
    /// The seed the programs were generated from.
    pub seed: u64,
    /// How many programs were generated.
    pub generated: usize,
    /// Rejected by rustc (the borrow checker, mostly): discarded.
    pub rejected: usize,
    /// The plain build's drop log differed from the oracle's: not judged.
    pub disagreements: Vec<String>,
    /// Compiled plain but not traced: the macro broke the build.
    pub broken: Vec<(usize, String)>,
    /// Judged: compiled plain and traced, and predicted by the oracle.
    pub kept: usize,
    /// Traced without the analyzer's type-info file.
    pub without: Figures,
    /// Traced with it.
    pub with: Figures,
    /// The kept programs, to shrink or show a wrong case.
    pub programs: Vec<Program>,
}

impl Report {
    /// Adds another batch's findings to these.
    fn absorb(&mut self, other: Report) {
        self.generated += other.generated;
        self.rejected += other.rejected;
        self.disagreements.extend(other.disagreements);
        self.broken.extend(other.broken);
        self.kept += other.kept;
        self.without.absorb(other.without);
        self.with.absorb(other.with);
        self.programs.extend(other.programs);
    }

    /// Whether anything was recorded wrong.
    pub fn any_wrong(&self) -> bool {
        !self.broken.is_empty() || !self.without.wrong.is_empty() || !self.with.wrong.is_empty()
    }

    /// The figures as printed: one line per mode, then per construct.
    pub fn text(&self) -> String {
        let mut out = format!(
            "generated programs, seed {}: {} generated, {} rejected by rustc, {} kept, {} oracle disagreements, {} broken by the macro\n",
            self.seed,
            self.generated,
            self.rejected,
            self.kept,
            self.disagreements.len(),
            self.broken.len()
        );
        for (mode, f) in [("without type-info", &self.without), ("with type-info", &self.with)] {
            out += &format!("{mode}: fates {}; drop orders {}; links {}; traces consistent {}\n", f.total(), f.orders, f.links, f.consistent);
            for (construct, count) in &f.fates {
                out += &format!("    {construct}: {count}\n");
            }
        }
        out
    }
}

/// Where a run works and what it runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// The seed of the programs.
    pub seed: u64,
    /// How many to generate.
    pub programs: usize,
    /// Programs per project built.
    pub batch: usize,
    /// Where the batch projects go.
    pub work: PathBuf,
    /// Their target folder (kept between runs, so that only the programs are rebuilt).
    pub target: PathBuf,
    /// The analyzer binary.
    pub analyzer: PathBuf,
    /// How many batches are built and run at once (each in a folder and a target folder of
    /// its own under `work` and `target`).
    pub jobs: usize,
}

/// Generates, builds, runs and judges `options.programs` programs.
pub fn run(options: &Options) -> Report {
    run_reporting(options, |_| {})
}

/// `run`, calling `progress` with the figures so far after each batch.
pub fn run_reporting(options: &Options, mut progress: impl FnMut(&Report)) -> Report {
    let mut report = Report { seed: options.seed, ..Report::default() };
    let mut rng = generate::Rng::new(options.seed);
    let mut next = 0;
    let jobs = options.jobs.max(1);
    while next < options.programs {
        // Up to `jobs` batches, generated in order (the seed decides every program), run at once.
        let mut batches = Vec::new();
        while batches.len() < jobs && next < options.programs {
            let n = options.batch.max(1).min(options.programs - next);
            batches.push((next..next + n).map(|id| generate::program(&mut rng, id)).collect::<Vec<Program>>());
            next += n;
        }
        let results: Vec<Report> = std::thread::scope(|scope| {
            let running: Vec<_> = batches
                .into_iter()
                .enumerate()
                .map(|(slot, programs)| {
                    let mut own = options.clone();
                    if jobs > 1 {
                        own.work = options.work.join(format!("job{slot}"));
                        own.target = options.target.join(format!("job{slot}"));
                    }
                    scope.spawn(move || {
                        let mut part = Report { generated: programs.len(), ..Report::default() };
                        run_batch(&own, programs, &mut part);
                        part
                    })
                })
                .collect();
            running.into_iter().map(|job| job.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
        });
        for part in results {
            report.absorb(part);
        }
        progress(&report);
    }
    report
}

fn run_batch(options: &Options, mut programs: Vec<Program>, report: &mut Report) {
    let repo = batch::repo();
    let plain = options.work.join("plain");
    let traced = options.work.join("traced");
    let target = &options.target;
    let started = std::time::Instant::now();
    let first = programs.first().map_or(0, |p| p.id);
    let lap = |what: &str| eprintln!("truthgen:   batch from p{first}: {what} done at {:.1} s", started.elapsed().as_secs_f64());
    // Plain: what rustc rejects is discarded; what the oracle mispredicts is set aside.
    for _ in 0..8 {
        batch::write(&plain, &repo, &programs, false).expect("the batch is written");
        let built = batch::build(&plain, target, &programs, false);
        if let Some(error) = built.other_error {
            panic!("the generated batch does not build for a reason of its own (a generator bug):\n{error}");
        }
        if built.rejected.is_empty() {
            break;
        }
        report.rejected += built.rejected.len();
        programs.retain(|p| !built.rejected.contains(&p.id));
    }
    lap("plain build");
    let output = batch::run(&plain, target);
    lap("plain run");
    let mut mispredicted = Vec::new();
    for line in output.lines().filter(|l| l.starts_with("log ")) {
        let id = line.split(' ').nth(1).and_then(|c| c.trim_start_matches('p').split('/').next()?.parse().ok()).unwrap_or(usize::MAX);
        if !mispredicted.contains(&id) {
            mispredicted.push(id);
            report.disagreements.push(line.to_owned());
        }
    }
    programs.retain(|p| !mispredicted.contains(&p.id));
    // Traced: a program that compiled plain must compile traced.
    for _ in 0..8 {
        batch::write(&traced, &repo, &programs, true).expect("the batch is written");
        let _ = std::fs::remove_dir_all(traced.join(".borrowscope"));
        let built = batch::build(&traced, target, &programs, true);
        if let Some(error) = built.other_error {
            report.broken.push((usize::MAX, error));
            return;
        }
        if built.rejected.is_empty() {
            break;
        }
        for id in &built.rejected {
            report.broken.push((*id, programs.iter().find(|p| p.id == *id).map(|p| p.rust(true)).unwrap_or_default()));
        }
        programs.retain(|p| !built.rejected.contains(&p.id));
    }
    report.kept += programs.len();
    lap("traced build");
    report.without.add(&batch::run(&traced, target));
    lap("traced run");
    analyze(&options.analyzer, &traced);
    lap("analysis");
    report.with.add(&batch::run(&traced, target));
    lap("rebuild and run with type-info");
    let _ = std::fs::remove_dir_all(traced.join(".borrowscope"));
    report.programs.extend(programs);
}

fn analyze(analyzer: &Path, dir: &Path) {
    let status = Command::new(analyzer).arg(dir).arg("--quiet").status().expect("the analyzer runs");
    assert!(status.success(), "the analyzer failed on the generated batch in {}", dir.display());
}

/// The smallest program found, by deleting statements one at a time, that is still recorded
/// wrong in the same mode as `program` (`with_type_info`): each round builds every one-deletion
/// variant of the current program as one batch and keeps the shortest that still fails. A
/// variant that no longer compiles or that the oracle cannot predict is not kept.
pub fn shrink(options: &Options, program: &Program, with_type_info: bool) -> Program {
    let mut current = program.clone();
    loop {
        let variants: Vec<Program> = program::deletions(&current.body).into_iter().enumerate().map(|(id, body)| Program { id, body }).collect();
        if variants.is_empty() {
            return current;
        }
        let mut report = Report::default();
        run_batch(options, variants, &mut report);
        let failing = if with_type_info { &report.with.wrong } else { &report.without.wrong };
        let smallest = report.programs.iter().filter(|p| failing.iter().any(|(id, _)| *id == p.id)).min_by_key(|p| program::size(&p.body));
        match smallest {
            Some(smaller) => current = Program { id: program.id, body: smaller.body.clone() },
            None => return current,
        }
    }
}
