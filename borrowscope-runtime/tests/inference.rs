//! Linking the runtime must not change how user code type-checks. A dependency that
//! implements std traits on std types (serde_json's `PartialEq<Value> for &str` and friends)
//! makes `&[]` below ambiguous; with only the runtime linked it must still compile.

use borrowscope_runtime::track_new;

#[test]
fn inference_that_extra_std_trait_impls_would_break_still_works() {
    let v: Vec<i32> = track_new("v", Vec::new());
    assert_eq!(&v[..], &[]);
    let s = track_new("s", String::from("a"));
    assert!(s == "a");
    assert!("a" == s);
    let n: u64 = track_new("n", 3);
    assert_eq!(n.to_string(), "3");
}

#[test]
fn the_runtime_depends_on_no_crate_but_libc_on_unix() {
    let manifest = include_str!("../Cargo.toml");
    let deps = manifest.split("\n[dependencies]").nth(1).unwrap().split("\n[").next().unwrap();
    assert_eq!(
        deps.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).count(),
        0,
        "the runtime's [dependencies] must stay empty: {deps}"
    );
    // libc declares C's types and functions and implements no std trait on a std type; the
    // spool and the signal handlers need it on Unix.
    let unix = manifest.split("\n[target.'cfg(unix)'.dependencies]").nth(1).unwrap().split("\n[").next().unwrap();
    let lines: Vec<&str> = unix.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).collect();
    assert_eq!(lines, ["libc.workspace = true"]);
    assert_eq!(manifest.matches("dependencies]").count(), 3, "a dependency section other than [dependencies], the unix one and [dev-dependencies]");
}
