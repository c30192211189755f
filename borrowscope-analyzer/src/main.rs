//! `borrowscope-analyzer [PATH] [OPTIONS]`: analyzes a Cargo workspace and writes
//! `.borrowscope/type-info.json`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
