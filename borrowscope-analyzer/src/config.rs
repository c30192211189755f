//! The rust-analyzer Cargo configuration the analyzer loads workspaces with.

use std::path::Path;

use ra_ap_paths::AbsPathBuf;
use ra_ap_project_model::{CargoConfig, CargoFeatures, RustLibSource};
use type_info_schema::ANALYZING_ENV;

use crate::std_sources::StdSources;

/// Which Cargo features of the user's workspace to analyze with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FeatureSelection {
    /// The package's default features.
    #[default]
    Default,
    /// `--features a,b` and optionally `--no-default-features`.
    Selected {
        /// The features named.
        features: Vec<String>,
        /// Whether `default` is left off.
        no_default: bool,
    },
    /// `--all-features`.
    All,
}

/// Why a configuration could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A path that rust-analyzer needs absolute is not.
    #[error("the path {0} is not absolute")]
    NotAbsolute(std::path::PathBuf),
}

fn absolute(path: &Path) -> Result<AbsPathBuf, ConfigError> {
    let utf8 = ra_ap_paths::Utf8PathBuf::from_path_buf(path.to_owned()).map_err(|_| ConfigError::NotAbsolute(path.to_owned()))?;
    AbsPathBuf::try_from(utf8).map_err(|p| ConfigError::NotAbsolute(p.into()))
}

/// The configuration for loading a workspace: the sysroot and its sources are given
/// explicitly (never `RustLibSource::Discover` without a source path, which makes
/// rust-analyzer run `rustup component add rust-src` by itself), the features requested, and
/// the environment variable that makes `#[trace_borrow]` pass its input through untouched
/// while rust-analyzer expands it, so positions are those of the user's code.
pub fn cargo_config(std: &StdSources, features: &FeatureSelection) -> Result<CargoConfig, ConfigError> {
    let features = match features {
        FeatureSelection::Default => CargoFeatures::default(),
        FeatureSelection::Selected { features, no_default } => {
            CargoFeatures::Selected { features: features.clone(), no_default_features: *no_default }
        }
        FeatureSelection::All => CargoFeatures::All,
    };
    let mut config = CargoConfig {
        features,
        sysroot: Some(RustLibSource::Path(absolute(&std.sysroot)?)),
        sysroot_src: Some(absolute(&std.library)?),
        all_targets: true,
        set_test: true,
        ..CargoConfig::default()
    };
    config.extra_env.insert(ANALYZING_ENV.to_owned(), Some("1".to_owned()));
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn std_at(root: &Path) -> StdSources {
        StdSources { sysroot: root.to_owned(), library: root.join("lib/rustlib/src/rust/library") }
    }

    #[test]
    fn the_sysroot_and_its_sources_are_explicit_so_rust_analyzer_never_runs_rustup() {
        let root = std::env::temp_dir();
        let config = cargo_config(&std_at(&root), &FeatureSelection::Default).unwrap();
        assert!(matches!(&config.sysroot, Some(RustLibSource::Path(p)) if p.as_str() == root.to_str().unwrap()));
        assert_eq!(
            config.sysroot_src.as_ref().map(|p| p.as_str().to_owned()),
            Some(root.join("lib/rustlib/src/rust/library").to_str().unwrap().to_owned())
        );
        assert_eq!(config.extra_env.get(ANALYZING_ENV), Some(&Some("1".to_owned())));
    }

    #[test]
    fn feature_selection_reaches_cargo() {
        let root = std::env::temp_dir();
        let all = cargo_config(&std_at(&root), &FeatureSelection::All).unwrap();
        assert_eq!(all.features, CargoFeatures::All);
        let some = FeatureSelection::Selected { features: vec!["serde".into()], no_default: true };
        let config = cargo_config(&std_at(&root), &some).unwrap();
        assert_eq!(config.features, CargoFeatures::Selected { features: vec!["serde".into()], no_default_features: true });
    }

    #[test]
    fn relative_paths_are_refused() {
        let err = cargo_config(&std_at(Path::new("relative/sysroot")), &FeatureSelection::Default).unwrap_err();
        assert!(err.to_string().contains("is not absolute"), "{err}");
    }
}
