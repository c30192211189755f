//! A batch of generated programs as a Cargo project: the programs (plain, or each function
//! under `#[trace_borrow]`), the oracle's predictions as tables, and the judge's `main`.
//! Building it, dropping the programs rustc rejects, and running it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::oracle::{self, Fate};
use crate::program::Program;

/// The inputs each program runs on: enough for each condition to go both ways.
pub const INPUTS: std::ops::Range<u32> = 0..6;

/// Writes the batch's project into `dir`: `Cargo.toml` depending on the runtime and macro
/// at `repo`, and `src/main.rs`.
pub fn write(dir: &Path, repo: &Path, programs: &[Program], traced: bool) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    let manifest = format!(
        "[package]\nname = \"generated\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n\
         borrowscope-macro = {{ path = \"{0}/borrowscope-macro\" }}\nborrowscope-runtime = {{ path = \"{0}/borrowscope-runtime\" }}\n\n[workspace]\n\n\
         [profile.dev]\ndebug = 0\n",
        repo.display()
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    write_if_changed(&dir.join("src/harness.rs"), include_str!("../template/harness.rs"))?;
    write_if_changed(&dir.join("src/main.rs"), &main_rs(programs, traced))
}

fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text)
}

/// The first line of each program's code in `src/main.rs`, to map rustc's errors back.
pub fn program_lines(programs: &[Program], traced: bool) -> Vec<(usize, usize)> {
    let mut line = header(traced).lines().count() + 1;
    let mut out = Vec::new();
    for program in programs {
        let lines = program.rust(traced).lines().count() + 1;
        out.push((program.id, line));
        line += lines;
    }
    out
}

fn header(traced: bool) -> String {
    let import = if traced { "use borrowscope_macro::trace_borrow;\n" } else { "" };
    // Random programs leave variables unused, assigned and never read, declared `mut` for
    // nothing: the generated crate allows what they cause, nothing of ours.
    let allowed = ["unused_mut", "unused_variables", "unused_assignments", "dead_code", "clippy::all"].join(", ");
    format!(
        "#![allow({allowed})]\n\
         mod harness;\nuse harness::{{Fate, Noisy, Pair, Tagged, consume, judge, look, new, pass}};\n{import}\
         macro_rules! swallow {{ ($v:expr) => {{{{ let taken = $v; consume(taken); }}}} }}\n\
         macro_rules! swallow_if {{ ($c:expr, $v:expr) => {{ if $c {{ consume($v); }} }} }}\n"
    )
}

fn main_rs(programs: &[Program], traced: bool) -> String {
    let mut out = header(traced);
    for program in programs {
        let _ = writeln!(out, "{}", program.rust(traced));
    }
    // Each program's checks in a function of their own: one `main` of thousands of calls with
    // their tables is a function the compiler's passes take minutes over.
    out.push_str("fn main() {\n");
    for program in programs {
        let _ = writeln!(out, "    check_p{}();", program.id);
    }
    out.push_str("    harness::LOG.lock().unwrap().clear();\n}\n");
    for program in programs {
        let _ = writeln!(out, "fn check_p{}() {{", program.id);
        for k in INPUTS {
            let Some(run) = oracle::run(program, k) else {
                let _ = writeln!(out, "    println!(\"log p{}/{k} unpredicted: the oracle found a use of a moved value\");", program.id);
                continue;
            };
            let expected: Vec<String> = run
                .instances
                .iter()
                .map(|i| {
                    let fate = if i.fate == Fate::Drop { "Fate::Drop" } else { "Fate::Move" };
                    format!("(\"{}\", {}, {fate}, \"{}\", &{:?}, &{:?}, &{:?})", i.name, i.occurrence, i.construct, i.dropped, i.made_of, i.moved)
                })
                .collect();
            let _ = writeln!(out, "    judge(\"p{0}\", {k}, || p{0}({k}), &[{1}], &{2:?});", program.id, expected.join(", "), run.log);
        }
        out.push_str("}\n");
    }
    out
}

/// What building a batch said.
pub struct Built {
    /// The ids of the programs rustc rejected.
    pub rejected: Vec<usize>,
    /// rustc's first error, when it named no program.
    pub other_error: Option<String>,
}

/// Builds the batch in `dir` (target folder `target`); the programs its errors point into.
pub fn build(dir: &Path, target: &Path, programs: &[Program], traced: bool) -> Built {
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "--quiet", "--message-format=json"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("BORROWSCOPE_TYPE_INFO")
        .output()
        .expect("cargo runs");
    let lines = program_lines(programs, traced);
    let mut rejected = Vec::new();
    let mut other_error = None;
    for message in String::from_utf8_lossy(&output.stdout).lines() {
        if !message.contains("\"level\":\"error\"") {
            continue;
        }
        let line = error_line(message);
        match line.and_then(|l| lines.iter().rev().find(|(_, start)| *start <= l)) {
            Some((id, _)) if !rejected.contains(id) => rejected.push(*id),
            Some(_) => {}
            None if other_error.is_none() && message.contains("\"rendered\"") => {
                other_error = Some(rendered(message));
            }
            None => {}
        }
    }
    if !output.status.success() && rejected.is_empty() && other_error.is_none() {
        other_error = Some(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Built { rejected, other_error }
}

/// The line of the primary span of a compiler message (JSON), in `src/main.rs`.
fn error_line(message: &str) -> Option<usize> {
    let at = message.find("\"file_name\":\"src/main.rs\"")?;
    let rest = &message[at..];
    let start = rest.find("\"line_start\":")? + "\"line_start\":".len();
    rest[start..].split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

fn rendered(message: &str) -> String {
    let at = message.find("\"rendered\":\"").map_or(0, |i| i + 12);
    message[at..].chars().take(600).collect::<String>().replace("\\n", "\n")
}

/// Runs the built batch; its judge's output.
pub fn run(dir: &Path, target: &Path) -> String {
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["run", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("BORROWSCOPE_TYPE_INFO")
        .output()
        .expect("cargo runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The repository's root (this crate's parent).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("truthgen is in the repository").to_owned()
}
