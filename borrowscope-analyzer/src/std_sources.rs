//! Finding the standard library's sources (`rust-src`), without which rust-analyzer knows no
//! std type: every `Rc`, `Vec` or `Mutex` would be `{unknown}`.
//!
//! The sources are looked for where rustup installs them, `<sysroot>/lib/rustlib/src/rust/
//! library`, unless `RUST_SRC_PATH` names a folder. We never let rust-analyzer look for them
//! itself: when it finds none it runs `rustup component add rust-src`, which hangs or fails
//! offline.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The environment variable that overrides where the std sources are.
pub const RUST_SRC_PATH: &str = "RUST_SRC_PATH";

/// Where the toolchain and its std sources are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StdSources {
    /// The toolchain's sysroot, as `rustc --print sysroot` prints it.
    pub sysroot: PathBuf,
    /// The `library` folder of the std sources (it holds `core`, `alloc`, `std`).
    pub library: PathBuf,
}

/// Why the std sources could not be found.
#[derive(Debug, thiserror::Error)]
pub enum StdSourcesError {
    /// `rustc` could not be run or did not print a sysroot.
    #[error("cannot find the Rust toolchain: `rustc --print sysroot` failed ({0}); make sure `rustc` is on PATH")]
    NoSysroot(String),
    /// `RUST_SRC_PATH` is set but does not hold the std sources.
    #[error(
        "RUST_SRC_PATH is set to {0}, which does not hold the standard library's sources (no `std/src/lib.rs` under it); point it at the `library` folder of the Rust sources or unset it"
    )]
    BadOverride(PathBuf),
    /// The toolchain has no `rust-src` component.
    #[error(
        "the standard library's sources are not installed (looked in {0}); install them with `rustup component add rust-src`, or set RUST_SRC_PATH to the `library` folder of the Rust sources"
    )]
    Missing(PathBuf),
}

impl StdSources {
    /// Finds the sysroot with `rustc --print sysroot` and the sources in it or at
    /// `RUST_SRC_PATH`.
    pub fn discover() -> Result<StdSources, StdSourcesError> {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let output = Command::new(rustc).args(["--print", "sysroot"]).output().map_err(|err| StdSourcesError::NoSysroot(err.to_string()))?;
        if !output.status.success() {
            return Err(StdSourcesError::NoSysroot(String::from_utf8_lossy(&output.stderr).trim().to_owned()));
        }
        let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        let override_path = std::env::var_os(RUST_SRC_PATH).filter(|p| !p.is_empty()).map(PathBuf::from);
        StdSources::locate(sysroot, override_path)
    }

    /// Finds the sources for a known sysroot: `override_path` when given, else the rustup
    /// location inside the sysroot.
    pub fn locate(sysroot: PathBuf, override_path: Option<PathBuf>) -> Result<StdSources, StdSourcesError> {
        if let Some(library) = override_path {
            return if holds_std(&library) { Ok(StdSources { sysroot, library }) } else { Err(StdSourcesError::BadOverride(library)) };
        }
        let library = rustup_location(&sysroot);
        if holds_std(&library) { Ok(StdSources { sysroot, library }) } else { Err(StdSourcesError::Missing(library)) }
    }
}

/// Where rustup puts the `library` folder of the `rust-src` component.
pub fn rustup_location(sysroot: &Path) -> PathBuf {
    sysroot.join("lib/rustlib/src/rust/library")
}

fn holds_std(library: &Path) -> bool {
    library.join("std/src/lib.rs").is_file() && library.join("core/src/lib.rs").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn fake_library(root: &Path) -> PathBuf {
        let library = root.join("lib/rustlib/src/rust/library");
        for krate in ["std", "core"] {
            fs::create_dir_all(library.join(krate).join("src")).unwrap();
            fs::write(library.join(krate).join("src/lib.rs"), "").unwrap();
        }
        library
    }

    #[test]
    fn sources_are_found_where_rustup_puts_them() {
        let sysroot = tempfile::tempdir().unwrap();
        let library = fake_library(sysroot.path());
        let found = StdSources::locate(sysroot.path().to_owned(), None).unwrap();
        assert_eq!(found, StdSources { sysroot: sysroot.path().to_owned(), library });
    }

    #[test]
    fn rust_src_path_wins_over_the_sysroot() {
        let sysroot = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let library = fake_library(elsewhere.path());
        let found = StdSources::locate(sysroot.path().to_owned(), Some(library.clone())).unwrap();
        assert_eq!(found.library, library);
    }

    #[test]
    fn missing_sources_say_how_to_install_them() {
        let sysroot = tempfile::tempdir().unwrap();
        let err = StdSources::locate(sysroot.path().to_owned(), None).unwrap_err();
        assert!(matches!(err, StdSourcesError::Missing(_)));
        assert!(err.to_string().contains("rustup component add rust-src"), "{err}");
    }

    /// The sources of this machine's toolchain, which `scripts/provide-rust-src.sh` provides
    /// (CI runs it; rustup users have them from `rustup component add rust-src`).
    #[test]
    fn this_toolchains_sources_are_found() {
        let found = StdSources::discover().unwrap_or_else(|err| panic!("{err} (or run scripts/provide-rust-src.sh)"));
        assert!(found.library.join("alloc/src/rc.rs").is_file());
    }

    #[test]
    fn a_wrong_rust_src_path_is_named() {
        let sysroot = tempfile::tempdir().unwrap();
        let wrong = sysroot.path().join("nowhere");
        let err = StdSources::locate(sysroot.path().to_owned(), Some(wrong.clone())).unwrap_err();
        assert!(matches!(&err, StdSourcesError::BadOverride(p) if *p == wrong));
        assert!(err.to_string().contains("RUST_SRC_PATH is set to"), "{err}");
    }
}
