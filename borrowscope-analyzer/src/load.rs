//! Loading a Cargo workspace into rust-analyzer's database: the only module that calls
//! `ra_ap_load_cargo`. Everything rust-analyzer returns is kept inside [`Workspace`].

use std::path::{Path, PathBuf};

use ra_ap_ide_db::RootDatabase;
use ra_ap_load_cargo::{LoadCargoConfig, ProcMacroServerChoice, load_workspace_at};

use crate::config::{ConfigError, FeatureSelection, cargo_config};
use crate::std_sources::StdSources;

/// How to load a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// The Cargo features to analyze with.
    pub features: FeatureSelection,
    /// Run build scripts (`cargo check`), so the cfgs they set are known. On by default.
    pub build_scripts: bool,
    /// Expand procedural macros (derives, attributes). On by default.
    pub proc_macros: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { features: FeatureSelection::Default, build_scripts: true, proc_macros: true }
    }
}

/// A loaded workspace: rust-analyzer's database, its virtual file system, and the root.
pub struct Workspace {
    pub(crate) db: RootDatabase,
    pub(crate) vfs: ra_ap_vfs::Vfs,
    /// The workspace root: the folder of the manifest that was loaded.
    pub root: PathBuf,
}

/// Why a workspace could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// No `Cargo.toml` at or above the path.
    #[error("no Cargo.toml found at {0}: run the analyzer in a Cargo workspace, or pass its path")]
    NoManifest(PathBuf),
    /// The configuration could not be built.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Cargo or rust-analyzer refused the workspace (a manifest that does not parse, say).
    #[error("cannot load the workspace at {path}: {message}")]
    Cargo {
        /// The workspace.
        path: PathBuf,
        /// What Cargo or rust-analyzer reported.
        message: String,
    },
}

/// Loads the workspace whose manifest is at or above `path`.
pub fn load(path: &Path, std: &StdSources, options: &LoadOptions, progress: &(dyn Fn(String) + Sync)) -> Result<Workspace, LoadError> {
    let root = workspace_root(path)?;
    let cargo = cargo_config(std, &options.features)?;
    let load = LoadCargoConfig {
        load_out_dirs_from_check: options.build_scripts,
        with_proc_macro_server: if options.proc_macros { ProcMacroServerChoice::Sysroot } else { ProcMacroServerChoice::None },
        prefill_caches: false,
        num_worker_threads: 1,
        proc_macro_processes: 1,
    };
    let (db, vfs, _proc_macros) =
        load_workspace_at(&root, &cargo, &load, progress).map_err(|err| LoadError::Cargo { path: root.clone(), message: format!("{err:#}") })?;
    Ok(Workspace { db, vfs, root })
}

/// The root of the Cargo workspace `path` belongs to, as Cargo itself decides it (a package
/// whose manifest has a `[workspace]` table is its own workspace, whatever lies above it).
pub fn workspace_root(path: &Path) -> Result<PathBuf, LoadError> {
    let path = std::path::absolute(path).map_err(|_| LoadError::NoManifest(path.to_owned()))?;
    let dir = path.ancestors().find(|dir| dir.join("Cargo.toml").is_file()).ok_or_else(|| LoadError::NoManifest(path.clone()))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .current_dir(dir)
        .output()
        .map_err(|err| LoadError::Cargo { path: dir.to_owned(), message: format!("cannot run cargo: {err}") })?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        return Err(LoadError::Cargo { path: dir.to_owned(), message });
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    Ok(manifest.parent().map_or_else(|| dir.to_owned(), Path::to_owned))
}
