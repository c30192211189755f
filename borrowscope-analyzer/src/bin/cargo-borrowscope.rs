//! `cargo borrowscope`: the analyzer as a Cargo subcommand, and the commands that read
//! traces and run the whole workflow. Cargo runs `cargo-borrowscope borrowscope ARGS...`.
//!
//! - `cargo borrowscope analyze [PATH] [OPTIONS]` (or `cargo borrowscope [PATH]`): writes
//!   `.borrowscope/type-info.json`;
//! - `cargo borrowscope run [--bin NAME] [-- ARGS]`, `cargo borrowscope test [TESTNAME]`:
//!   analyze, build and run with tracing on, write the trace and its report under
//!   `target/borrowscope/`;
//! - `cargo borrowscope show|report|why|dot|chrome ...`: read a trace.

#[path = "../cli.rs"]
mod cli;
#[path = "../commands.rs"]
mod commands;

fn main() -> std::process::ExitCode {
    let mut argv: Vec<String> = std::env::args().collect();
    if argv.get(1).map(String::as_str) == Some("borrowscope") {
        argv.remove(1);
    }
    match argv.get(1).map(String::as_str) {
        Some(command) if commands::NAMES.contains(&command) => commands::main(argv),
        Some("analyze") => {
            argv.remove(1);
            cli::main_with(argv)
        }
        _ => cli::main_with(argv),
    }
}
