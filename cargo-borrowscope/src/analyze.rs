//! `cargo borrowscope analyze` and the `borrowscope-analyzer` binary: analyzes a Cargo
//! workspace with the analyzer library and writes `.borrowscope/type-info.json` for
//! `#[trace_borrow]`, skipping the work when nothing changed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use borrowscope_analyzer::config::FeatureSelection;
use borrowscope_analyzer::load::{LoadOptions, load};
use borrowscope_analyzer::std_sources::StdSources;
use borrowscope_analyzer::walk::analyze;
use clap::Parser;
use type_info_schema::{ContentHash, TypeInfo};

/// What `analyze` (and `borrowscope-analyzer`) takes.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The workspace to analyze (a folder at or below its Cargo.toml); the current one by default.
    path: Option<PathBuf>,
    /// Where to write the file (default: <workspace root>/.borrowscope/type-info.json).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Do not write: exit 1 and name the files that differ when the existing file is stale.
    #[arg(long)]
    check: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    /// Features to activate, comma-separated.
    #[arg(long, value_delimiter = ',')]
    features: Vec<String>,
    /// Activate every feature.
    #[arg(long)]
    all_features: bool,
    /// Do not activate the `default` feature.
    #[arg(long)]
    no_default_features: bool,
    /// Do not run build scripts (faster; cfgs they set are then unknown).
    #[arg(long)]
    no_build_scripts: bool,
    /// Do not expand procedural macros.
    #[arg(long)]
    no_proc_macros: bool,
}

/// Analyzes a Cargo workspace with rust-analyzer and writes .borrowscope/type-info.json.
#[derive(Parser, Debug)]
#[command(name = "borrowscope-analyzer", version)]
struct Standalone {
    #[command(flatten)]
    args: Args,
}

/// The `borrowscope-analyzer` binary: the analysis with the process's arguments.
pub fn main() -> ExitCode {
    let args = Standalone::parse().args;
    match run(&args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Analyzes the workspace at `root` quietly (skipped when nothing changed), for the
/// commands that build and run with tracing on.
/// With the features the build has (`cargo borrowscope test --features ...`), so that the
/// analysis reads the code the build compiles.
pub(crate) fn analyze_quietly(root: &Path, features: &crate::Features) -> anyhow::Result<()> {
    let mut argv = vec![std::ffi::OsString::from("borrowscope-analyzer"), root.as_os_str().to_owned(), "--quiet".into()];
    if !features.features.is_empty() {
        argv.push(format!("--features={}", features.features.join(",")).into());
    }
    if features.all {
        argv.push("--all-features".into());
    }
    if features.no_default {
        argv.push("--no-default-features".into());
    }
    let args = Standalone::parse_from(argv).args;
    run(&args).map(|_| ())
}

/// What decides whether a re-run can be skipped: the analyzer itself (its version, the
/// schema, and the program file's size and time, so an upgrade or a rebuild analyzes again and
/// writes what the new version knows), the options, and every Rust file of the workspace with
/// its hash (also files no analysis reached, such as a module behind a feature that is off: a
/// change there may matter with other options).
fn fingerprint(root: &Path, args: &Args) -> String {
    let mut text = format!(
        "analyzer={} schema={} program={}\nfeatures={:?} all={} no_default={} build_scripts={} proc_macros={}\n",
        env!("CARGO_PKG_VERSION"),
        type_info_schema::SCHEMA_VERSION,
        program_stamp(),
        args.features,
        args.all_features,
        args.no_default_features,
        !args.no_build_scripts,
        !args.no_proc_macros
    );
    let mut files = rust_files(root);
    files.sort();
    for path in files {
        let hash = std::fs::read(root.join(&path)).map(|bytes| ContentHash::of(&bytes).to_string()).unwrap_or_default();
        text.push_str(&format!("{path} {hash}\n"));
    }
    text
}

/// The running program's size and modification time, or `unknown` (then the stamp still
/// matches itself, and the version and schema decide).
fn program_stamp() -> String {
    let metadata = std::env::current_exe().and_then(std::fs::metadata);
    let Ok(metadata) = metadata else { return "unknown".to_owned() };
    let time = metadata.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
    match time {
        Some(time) => format!("{}:{}.{:09}", metadata.len(), time.as_secs(), time.subsec_nanos()),
        None => format!("{}:unknown", metadata.len()),
    }
}

/// Whether nothing changed since the analysis that wrote `state`: then loading is skipped.
fn unchanged(root: &Path, args: &Args, state: &Path) -> bool {
    std::fs::read_to_string(state).is_ok_and(|recorded| recorded == fingerprint(root, args))
}

/// The workspace's Rust files (outside `target/` and hidden folders), relative, with `/`.
fn rust_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    stack.push(path);
                }
            } else if name.ends_with(".rs")
                && let Ok(relative) = path.strip_prefix(root)
            {
                out.push(relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
            }
        }
    }
    out
}

/// Analyzes (or checks) as `args` say.
pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let start = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let std = StdSources::discover()?;
    let features = if args.all_features {
        FeatureSelection::All
    } else if args.features.is_empty() && !args.no_default_features {
        FeatureSelection::Default
    } else {
        FeatureSelection::Selected { features: args.features.clone(), no_default: args.no_default_features }
    };
    let options = LoadOptions { features, build_scripts: !args.no_build_scripts, proc_macros: !args.no_proc_macros };
    // The no-change check needs only the root and the previous output, not a load.
    if let Ok(root) = borrowscope_analyzer::load::workspace_root(&start) {
        let output = args.output.clone().unwrap_or_else(|| root.join(".borrowscope/type-info.json"));
        let state = output.with_extension("state");
        if !args.check && TypeInfo::read(&output).is_ok() && unchanged(&root, args, &state) {
            stop_awaiting(&output);
            if !args.quiet {
                eprintln!("borrowscope-analyzer: nothing changed since {}; not re-analyzing", output.display());
            }
            return Ok(ExitCode::SUCCESS);
        }
    }
    let progress = |message: String| {
        if !args.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            eprint!("\r\x1b[2K{message}");
        }
    };
    let workspace = load(&start, &std, &options, &progress).context("loading the workspace")?;
    if !args.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprint!("\r\x1b[2K");
    }
    let info = analyze(&workspace);
    let output = args.output.clone().unwrap_or_else(|| workspace.root.join(".borrowscope/type-info.json"));
    if args.check {
        let existing = TypeInfo::read(&output).ok();
        let stale: Vec<&String> = info
            .files
            .iter()
            .filter(|(path, entry)| existing.as_ref().and_then(|e| e.file(path)) != Some(*entry))
            .map(|(path, _)| path)
            .chain(existing.iter().flat_map(|e| e.files.keys()).filter(|p| !info.files.contains_key(*p)))
            .collect();
        if stale.is_empty() {
            if !args.quiet {
                eprintln!("borrowscope-analyzer: {} is up to date", output.display());
            }
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("borrowscope-analyzer: {} is stale for:", output.display());
        stale.iter().for_each(|p| eprintln!("  {p}"));
        eprintln!("re-run `borrowscope-analyzer` to refresh it");
        return Ok(ExitCode::from(1));
    }
    let folder = output.parent().context("the output path has no folder")?;
    std::fs::create_dir_all(folder).with_context(|| format!("cannot create {}", folder.display()))?;
    info.write(&output)?;
    std::fs::write(output.with_extension("state"), fingerprint(&workspace.root, args))
        .with_context(|| format!("cannot write next to {}", output.display()))?;
    stop_awaiting(&output);
    if !args.quiet {
        let bindings: usize = info.files.values().map(|f| f.bindings.len()).sum();
        eprintln!("borrowscope-analyzer: wrote {} ({} files, {} bindings)", output.display(), info.files.len(), bindings);
    }
    // Dropping rust-analyzer's database takes seconds on large workspaces; the process ends.
    std::mem::forget(workspace);
    Ok(ExitCode::SUCCESS)
}

/// Deletes the marker a syntax-only build left next to the output (see
/// [`type_info_schema::AWAITING_FILE`]), so that Cargo rebuilds the crates that read it.
fn stop_awaiting(output: &Path) {
    if let Some(folder) = output.parent() {
        // Absent unless a build ran before there was a file: nothing to do then.
        let _ = std::fs::remove_file(folder.join(type_info_schema::AWAITING_FILE));
    }
}
