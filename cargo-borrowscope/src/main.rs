//! `cargo-borrowscope`: see the crate's documentation.

fn main() -> std::process::ExitCode {
    cargo_borrowscope::main()
}
