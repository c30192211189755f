//! The toolchain pins that keep the analyzer building on stable 1.95 stay in place.
//!
//! `ra_ap_*` 0.0.349 and later use an unstable std feature, and salsa 0.28.5 breaks
//! ra_ap 0.0.348; an innocent `cargo update` would bring either in.

use std::path::Path;

fn read(name: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    std::fs::read_to_string(root.join(name)).unwrap()
}

#[test]
fn every_ra_ap_crate_is_pinned_exactly_in_the_root_manifest() {
    let manifest = read("Cargo.toml");
    let pins: Vec<_> = manifest.lines().filter(|l| l.starts_with("ra_ap_")).collect();
    assert!(pins.len() >= 5, "the root manifest lists too few ra_ap crates: {pins:?}");
    for line in pins {
        assert!(line.ends_with("= \"=0.0.348\""), "not pinned to =0.0.348: {line}");
    }
    for member in ["type-info-schema", "borrowscope-runtime", "borrowscope-macro", "borrowscope-analyzer", "cargo-borrowscope", "tests"] {
        let member_manifest = read(&format!("{member}/Cargo.toml"));
        for line in member_manifest.lines().filter(|l| l.starts_with("ra_ap_")) {
            assert!(line.contains(".workspace = true"), "{member} sets its own ra_ap version: {line}");
        }
    }
}

#[test]
fn the_lock_file_holds_salsa_at_0_28_2_and_ra_ap_at_0_0_348() {
    let lock = read("Cargo.lock");
    let packages: Vec<(&str, &str)> = lock
        .split("[[package]]")
        .filter_map(|block| {
            let field = |key: &str| block.lines().find_map(|l| l.strip_prefix(key)).map(|v| v.trim_matches('"'));
            Some((field("name = ")?, field("version = ")?))
        })
        .collect();
    for salsa in ["salsa", "salsa-macros", "salsa-macro-rules"] {
        let versions: Vec<_> = packages.iter().filter(|(n, _)| *n == salsa).map(|(_, v)| *v).collect();
        assert_eq!(versions, ["0.28.2"], "{salsa} in Cargo.lock");
    }
    let ra_ap: Vec<_> = packages.iter().filter(|(n, _)| n.starts_with("ra_ap_")).collect();
    assert!(!ra_ap.is_empty(), "no ra_ap crate in Cargo.lock");
    for (name, version) in ra_ap {
        assert_eq!(*version, "0.0.348", "{name} in Cargo.lock");
    }
}
