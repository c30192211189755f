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
    BUILT.get_or_init(|| release_binary("borrowscope-analyzer")).clone()
}

/// The `cargo-borrowscope` binary (the analyzer and the trace commands), built in release
/// mode once per test process, like [`analyzer`].
pub fn cargo_borrowscope() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| release_binary("cargo-borrowscope")).clone()
}

/// Builds a binary of the `cargo-borrowscope` crate in release mode; its path.
fn release_binary(name: &str) -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--locked", "-p", "cargo-borrowscope", "--bin", name])
        .current_dir(workspace())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building {name} failed");
    target().join("release").join(name)
}

/// Copies a fixture of `tests/fixtures/` into a fresh folder, so that a test never writes into
/// the repository; its `target` folder is left out. Path dependencies written relative to the
/// fixture (`path = "../../../borrowscope-runtime"`) are pointed at the repository.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let base = workspace().join("tests/fixtures").join(name);
    let mut stack = vec![base.clone()];
    while let Some(path) = stack.pop() {
        for entry in std::fs::read_dir(&path).expect("the fixture is readable").flatten() {
            let relative = entry.path().strip_prefix(&base).expect("inside the fixture").to_owned();
            if entry.path().is_dir() {
                if entry.file_name() != "target" {
                    std::fs::create_dir_all(dir.path().join(&relative)).expect("a folder in the copy");
                    stack.push(entry.path());
                }
            } else if entry.file_name() == "Cargo.toml" {
                let manifest = std::fs::read_to_string(entry.path()).expect("a readable manifest");
                let manifest = manifest.replace("path = \"../../../", &format!("path = \"{}/", workspace().display()));
                std::fs::write(dir.path().join(&relative), manifest).expect("the manifest is written");
            } else {
                std::fs::copy(entry.path(), dir.path().join(&relative)).expect("the file is copied");
            }
        }
    }
    dir
}
