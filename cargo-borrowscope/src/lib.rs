//! `cargo borrowscope`: BorrowScope's command line, one parser with a subcommand for each
//! step. Cargo runs `cargo-borrowscope borrowscope ARGS...`.
//!
//! - `analyze [PATH] [OPTIONS]`: writes `.borrowscope/type-info.json` (the analyzer, a
//!   library, with rust-analyzer's; also the `borrowscope-analyzer` binary);
//! - `run [--bin NAME] [-- ARGS]`, `test [TESTNAME]` (with cargo's options for features,
//!   targets and the profile): analyze, build and run with tracing on, write the trace and
//!   its report under `target/borrowscope/` (`workflow.rs`);
//! - `show`, `why`, `report`, `dot`, `chrome`: read a trace or what a crash left (`read.rs`).
//!
//! Without the default `analyzer` feature the crate builds without rust-analyzer (21
//! crates instead of 179): the readers work, `run` and `test` build with syntax only, and
//! `analyze` says how to get the analyzer. The only crate of the workspace that uses
//! `anyhow`.

#[cfg(feature = "analyzer")]
pub mod analyze;
mod copy;
mod items;
mod profiles;
mod read;
mod versions;
mod workflow;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// See, at run time, how a Rust program's values are owned, borrowed, moved and dropped.
#[derive(Parser, Debug)]
#[command(name = "cargo borrowscope", bin_name = "cargo borrowscope", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Analyzes a Cargo workspace with rust-analyzer and writes .borrowscope/type-info.json
    /// (skipped when nothing changed since the last analysis).
    #[cfg(feature = "analyzer")]
    Analyze(analyze::Args),
    /// Analyzes a Cargo workspace (this build of cargo-borrowscope has no analyzer: it was
    /// installed with --no-default-features).
    #[cfg(not(feature = "analyzer"))]
    Analyze {
        /// What `analyze` takes.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        rest: Vec<String>,
    },
    /// Analyzes the workspace (skipped when unchanged), runs a binary with tracing on, and
    /// writes its trace and report under target/borrowscope/.
    Run {
        /// The binary to run, when the package has several.
        #[arg(long, value_name = "NAME")]
        bin: Option<String>,
        /// The example to run.
        #[arg(long, value_name = "NAME", conflicts_with = "bin")]
        example: Option<String>,
        /// The package to run, in a workspace of several.
        #[arg(long, short)]
        package: Option<String>,
        #[command(flatten)]
        build: Build,
        #[command(flatten)]
        scope: Scope,
        /// Arguments for the program.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Analyzes the workspace (skipped when unchanged), runs the tests with tracing on, and
    /// writes a trace and a report per test program under target/borrowscope/.
    Test {
        /// Only tests whose name contains this.
        testname: Option<String>,
        /// The package to test, in a workspace of several.
        #[arg(long, short)]
        package: Option<String>,
        /// Run every test program, even after one failed (cargo test's --no-fail-fast).
        #[arg(long)]
        no_fail_fast: bool,
        #[command(flatten)]
        targets: Targets,
        #[command(flatten)]
        build: Build,
        #[command(flatten)]
        scope: Scope,
        /// Arguments for the test programs.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Prints a trace as text, one event per line, optionally filtered.
    Show {
        /// The trace (JSON, as BORROWSCOPE_TRACE or export_json writes it).
        trace: PathBuf,
        /// Only events about variables with this name.
        #[arg(long)]
        var: Option<String>,
        /// Only events of this thread (its index, as `t0` or `0`).
        #[arg(long)]
        thread: Option<String>,
        /// Only events of this test (libtest runs each test on a thread named after it:
        /// `tests::parses`, or `parses` when no other test has that name).
        #[arg(long, conflicts_with = "thread")]
        test: Option<String>,
        /// Only events in this function (found in the source files when they can be read).
        #[arg(long = "fn")]
        function: Option<String>,
        /// Only these operations, comma-separated (`new,drop,borrow`).
        #[arg(long, value_delimiter = ',')]
        op: Vec<String>,
    },
    /// Tells the story of a variable in words: its lifetime, borrows, moves and shares.
    Why {
        /// The variable's name.
        name: String,
        /// The trace.
        trace: PathBuf,
    },
    /// Writes the HTML report of a trace.
    Report {
        /// The trace.
        trace: PathBuf,
        /// Where to write it (default: the trace's path with `.html`).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Writes the ownership graph as Graphviz DOT (to standard output without `-o`).
    Dot {
        /// The trace.
        trace: PathBuf,
        /// Where to write it.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Writes the trace as Chrome trace-event JSON, for Perfetto (to standard output
    /// without `-o`).
    Chrome {
        /// The trace.
        trace: PathBuf,
        /// Where to write it.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

/// What `run` and `test` trace: the functions the user marked, or with `--all` every function
/// and `impl` block of the workspace's members, in an instrumented copy.
#[derive(clap::Args, Debug, Default)]
pub(crate) struct Scope {
    /// Trace every function and `impl` block of the workspace's member crates without editing
    /// them: an instrumented copy under target/borrowscope/workspace/ is analyzed, built and
    /// run (every site still names your files and lines).
    #[arg(long)]
    all: bool,
    /// With --all, trace only these (repeatable): a module, a type or a function, by path
    /// (`parser`, `Lexer`, `Lexer::next`, `parse_*`; `*` matches within a segment).
    #[arg(long, value_name = "PATH", requires = "all")]
    trace: Vec<String>,
    /// With --all, skip the analysis: the macro decides from the syntax alone (quicker to
    /// start, and more moves and copies recorded as unknown).
    #[arg(long, requires = "all")]
    syntax_only: bool,
}

/// How cargo builds, as `cargo run` and `cargo test` take it: passed on to cargo, and the
/// features to the analysis too, so that it reads the code the build compiles.
#[derive(clap::Args, Debug, Default)]
pub(crate) struct Build {
    /// Features to activate, comma- or space-separated (repeatable; `PACKAGE/FEATURE` as
    /// cargo takes them).
    #[arg(long, short = 'F', value_name = "FEATURES")]
    features: Vec<String>,
    /// Activate every feature of the selected packages.
    #[arg(long)]
    all_features: bool,
    /// Do not activate the `default` feature of the selected packages.
    #[arg(long)]
    no_default_features: bool,
    /// Build in release mode.
    #[arg(long, short)]
    release: bool,
}

/// Which test programs `test` builds and runs, as `cargo test` selects them (all of them, the
/// doctests included, when none is given).
#[derive(clap::Args, Debug, Default)]
pub(crate) struct Targets {
    /// Test only the library's unit tests.
    #[arg(long)]
    lib: bool,
    /// Test only the unit tests of every binary.
    #[arg(long)]
    bins: bool,
    /// Test only the unit tests of this binary (repeatable).
    #[arg(long, value_name = "NAME")]
    bin: Vec<String>,
    /// Test only the integration tests (every `tests/*.rs`) and the unit tests of the
    /// library and binaries.
    #[arg(long)]
    tests: bool,
    /// Test only this integration test (repeatable).
    #[arg(long, value_name = "NAME")]
    test: Vec<String>,
    /// Test only the examples.
    #[arg(long)]
    examples: bool,
    /// Test only this example (repeatable).
    #[arg(long, value_name = "NAME")]
    example: Vec<String>,
    /// Test only the library's documentation (its doctests).
    #[arg(long)]
    doc: bool,
}

/// The features the analysis loads the workspace with.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Features {
    /// As cargo takes them, each `PACKAGE/FEATURE` or a feature of the root package.
    pub(crate) features: Vec<String>,
    pub(crate) all: bool,
    pub(crate) no_default: bool,
}

/// Runs the command line with the process's arguments.
pub fn main() -> ExitCode {
    let mut argv: Vec<String> = std::env::args().collect();
    // Cargo passes the subcommand's name first: `cargo-borrowscope borrowscope show ...`.
    if argv.get(1).map(String::as_str) == Some("borrowscope") {
        argv.remove(1);
    }
    let cli = Cli::parse_from(argv);
    match run(cli.command) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        #[cfg(feature = "analyzer")]
        Command::Analyze(args) => analyze::run(&args),
        #[cfg(not(feature = "analyzer"))]
        Command::Analyze { .. } => anyhow::bail!(
            "this cargo-borrowscope was built without the analyzer (--no-default-features); install it with `cargo install --locked --path cargo-borrowscope` to analyze"
        ),
        Command::Show { trace, var, thread, test, function, op } => {
            read::show(&trace, var.as_deref(), thread.as_deref(), test.as_deref(), function.as_deref(), &op)
        }
        Command::Report { trace, output } => read::report(&trace, output),
        Command::Why { name, trace } => read::why_command(&name, &trace),
        Command::Dot { trace, output } => read::dot(&trace, output.as_deref()),
        Command::Chrome { trace, output } => read::chrome(&trace, output.as_deref()),
        Command::Run { bin, example, package, build, scope, args } => {
            workflow::run(workflow::Program { bin, example }, package, &build, &scope, args)
        }
        Command::Test { testname, package, no_fail_fast, targets, build, scope, args } => {
            workflow::test(testname, package, no_fail_fast, &targets, &build, &scope, args)
        }
    }
}
