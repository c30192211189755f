//! What instrumenting costs a crate at build time: its library rebuilt alone (`cargo build
//! --lib`, dependencies already built, not incremental, every source file touched first, as
//! a first build after an edit of everything), three times, the median wall time and the
//! median peak resident memory of the build (the largest process cargo waited for, which is
//! the crate's own rustc).
//!
//! The peak comes from `getrusage(RUSAGE_CHILDREN)` in a process of its own (`xtask
//! peak-memory COMMAND...`): the figure is the largest of every child a process ever waited
//! for, so each measured build needs a fresh parent.

use std::path::Path;
use std::process::Command;
use std::time::{Instant, SystemTime};

use anyhow::{Context, Result, bail};

/// One build's cost.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cost {
    pub(crate) seconds: f64,
    pub(crate) peak_mib: f64,
}

impl Cost {
    /// "1.44 s, 249 MiB".
    pub(crate) fn text(self) -> String {
        format!("{:.2} s, {:.0} MiB", self.seconds, self.peak_mib)
    }

    /// "4.61 s (3.20x), 372 MiB (1.49x)": this cost against `plain`'s.
    pub(crate) fn against(self, plain: Cost) -> String {
        format!("{:.2} s ({:.2}x), {:.0} MiB ({:.2}x)", self.seconds, self.seconds / plain.seconds, self.peak_mib, self.peak_mib / plain.peak_mib)
    }
}

/// Measures the library build of the package whose manifest is `manifest` (the median of
/// three); `None` when the package has no library.
pub(crate) fn library_build(manifest: &Path) -> Result<Option<Cost>> {
    let package = manifest.parent().context("a manifest has a folder")?;
    let cargo = |measured: bool| -> Result<std::process::Output> {
        let mut command = if measured {
            let mut command = Command::new(std::env::current_exe()?);
            command.args(["peak-memory", "cargo"]);
            command
        } else {
            Command::new("cargo")
        };
        command.args(["build", "--lib", "--quiet", "--manifest-path"]).arg(manifest).env("CARGO_INCREMENTAL", "0");
        command.output().context("running cargo build")
    };
    let warm = cargo(false)?;
    if !warm.status.success() {
        let log = String::from_utf8_lossy(&warm.stderr);
        if log.contains("no library targets") {
            return Ok(None);
        }
        bail!("building the library of {} failed:\n{log}", manifest.display());
    }
    let mut costs = Vec::new();
    for _ in 0..3 {
        touch_sources(package)?;
        let started = Instant::now();
        let output = cargo(true)?;
        let seconds = started.elapsed().as_secs_f64();
        if !output.status.success() {
            bail!("rebuilding the library of {} failed:\n{}", manifest.display(), String::from_utf8_lossy(&output.stderr));
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let kib: f64 = stdout
            .lines()
            .filter_map(|l| l.strip_prefix("peak-memory-kib "))
            .next_back()
            .and_then(|n| n.trim().parse().ok())
            .context("the measured build printed no peak memory")?;
        costs.push(Cost { seconds, peak_mib: kib / 1024.0 });
    }
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    Ok(Some(Cost { seconds: median(costs.iter().map(|c| c.seconds).collect()), peak_mib: median(costs.iter().map(|c| c.peak_mib).collect()) }))
}

/// Sets the modification time of every `.rs` file under `dir` (outside `target/` and hidden
/// folders) to now, so that cargo rebuilds the crate.
fn touch_sources(dir: &Path) -> Result<()> {
    let now = SystemTime::now();
    let mut stack = vec![dir.to_owned()];
    while let Some(path) = stack.pop() {
        for entry in std::fs::read_dir(&path)?.flatten() {
            let name = entry.file_name();
            let path = entry.path();
            if path.is_dir() {
                if name != "target" && !name.to_string_lossy().starts_with('.') {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                std::fs::File::options().append(true).open(&path)?.set_modified(now)?;
            }
        }
    }
    Ok(())
}

/// `xtask peak-memory PROGRAM ARGS...`: runs the program, then prints the peak resident memory
/// of the largest process it and its children waited for, in KiB, and exits as it did.
pub(crate) fn peak_memory(command: &[String]) -> Result<i32> {
    let (program, args) = command.split_first().context("usage: xtask peak-memory PROGRAM [ARGS...]")?;
    let status = Command::new(program).args(args).status().with_context(|| format!("running {program}"))?;
    // SAFETY: `getrusage` writes one `rusage` into the zeroed value it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) != 0 {
            bail!("getrusage failed: {}", std::io::Error::last_os_error());
        }
        usage
    };
    // Linux gives `ru_maxrss` in KiB.
    println!("peak-memory-kib {}", usage.ru_maxrss);
    Ok(status.code().unwrap_or(1))
}
