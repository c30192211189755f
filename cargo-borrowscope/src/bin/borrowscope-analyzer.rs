//! `borrowscope-analyzer [PATH] [OPTIONS]`: analyzes a Cargo workspace and writes
//! `.borrowscope/type-info.json` (the same as `cargo borrowscope analyze`).

fn main() -> std::process::ExitCode {
    cargo_borrowscope::analyze::main()
}
