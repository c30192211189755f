//! Workspace-level tests of BorrowScope, and what they share. The tests live in
//! `tests/tests/`, the fixture projects they analyse and build in `tests/fixtures/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The repository's root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the repository").to_owned()
}

/// The target folder of the build running the tests.
pub fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace().join("target"), PathBuf::from)
}

/// The analyzer binary, built in release mode once per test process (a debug build of
/// rust-analyzer's libraries is about 11x slower).
pub fn analyzer() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "--release", "--locked", "-p", "borrowscope-analyzer", "--bin", "borrowscope-analyzer"])
                .current_dir(workspace())
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building the analyzer failed");
            target().join("release/borrowscope-analyzer")
        })
        .clone()
}
