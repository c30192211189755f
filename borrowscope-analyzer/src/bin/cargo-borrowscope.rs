//! `cargo borrowscope analyze [PATH] [OPTIONS]`: the analyzer as a Cargo subcommand (Cargo
//! runs `cargo-borrowscope borrowscope analyze ...`).

#[path = "../cli.rs"]
mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
