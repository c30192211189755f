//! The copy's lock file: the user's, completed by Cargo with BorrowScope's crates. Cargo
//! re-resolves a member whose dependencies changed to the newest releases, which can move
//! versions the user's lock names; they are taken back here, and what cannot be is reported.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Context;

/// The oldest versions known to build BorrowScope's crates that the copy adds (the runtime, the
/// macro and what they use): `scripts/oldest-versions.sh` builds them pinned to these, and the
/// workspace's manifest asks for no more (a test below). Where adding them made Cargo move a
/// version the user's lock names, the copy's lock is taken down to these first, so that the
/// user's versions fit again.
pub(crate) const OLDEST: &[(&str, &str)] = &[
    ("serde", "1.0.100"),
    ("serde_derive", "1.0.100"),
    ("serde_json", "1.0.40"),
    ("xxhash-rust", "0.8.5"),
    ("syn", "2.0.82"),
    ("quote", "1.0.35"),
    ("proc-macro2", "1.0.83"),
    ("libc", "0.2.60"),
];

/// The registry packages of a lock file: name to versions.
fn locked(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let Ok(document) = text.parse::<toml_edit::DocumentMut>() else { return out };
    let Some(packages) = document.get("package").and_then(|p| p.as_array_of_tables()) else { return out };
    for package in packages {
        let field = |key: &str| package.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        // Packages from a registry or git: the workspace's own (no source) are not pinned.
        if let (Some(name), Some(version), Some(_)) = (field("name"), field("version"), field("source")) {
            out.entry(name).or_default().insert(version);
        }
    }
    out
}

/// Whether two versions are semver-compatible as Cargo counts it (`1.x` with `1.y`, `0.2.x`
/// with `0.2.y`), so that one lock file cannot hold both.
fn compatible(a: &str, b: &str) -> bool {
    let key = |v: &str| {
        let mut parts = v.split('.');
        let major = parts.next().unwrap_or_default().to_owned();
        if major == "0" { format!("0.{}", parts.next().unwrap_or_default()) } else { major }
    };
    key(a) == key(b)
}

/// The `cargo update -p SPEC --precise VERSION` steps that put the user's versions back in
/// the copy's lock: first the packages only BorrowScope's crates brought in, down to
/// [`OLDEST`] (a newest `serde_json` asks for a newer `serde` than the user's), then each
/// version the user's lock names that the copy's lost, in place of the compatible one that
/// replaced it.
pub(crate) fn repins(user_lock: &str, copy_lock: &str) -> Vec<(String, String)> {
    let moved = moved_versions(user_lock, copy_lock);
    let (user, copy) = (locked(user_lock), locked(copy_lock));
    let mut steps = Vec::new();
    for (name, oldest) in OLDEST {
        let theirs = user.get(*name).cloned().unwrap_or_default();
        for version in copy.get(*name).into_iter().flatten() {
            let added = !theirs.iter().any(|t| compatible(t, version));
            // `serde_derive` generates code for the `serde` of its own version: one the user
            // does not have follows their `serde`, even when nothing of theirs moved (the
            // newest `serde_derive` calls into a `serde` newer than thin-vec's 1.0.167).
            let paired = PAIRED.iter().find(|(derive, _)| derive == name).and_then(|(_, base)| user.get(*base));
            let paired = paired.and_then(|versions| versions.iter().find(|v| compatible(v, version)));
            if moved.is_empty() && paired.is_none() {
                continue;
            }
            let target = paired.map_or(*oldest, String::as_str);
            if added && compatible(version, target) && version != target {
                steps.push((format!("{name}@{version}"), target.to_owned()));
            }
        }
    }
    for (name, lost, _) in moved {
        for version in lost {
            let replacement = copy[&name].iter().find(|new| compatible(new, &version) && !user[&name].contains(*new));
            // Not below the oldest version BorrowScope's crates build with: proc-macro2 1.0.24
            // (bincode's) is as far as it can go, 1.0.83, rather than the newest.
            let oldest = OLDEST.iter().find(|(n, v)| *n == name && compatible(v, &version)).map(|(_, v)| *v);
            let target = match oldest {
                Some(oldest) if newer(oldest, &version) => oldest.to_owned(),
                _ => version,
            };
            if let Some(new) = replacement.filter(|new| **new != target) {
                steps.push((format!("{name}@{new}"), target));
            }
        }
    }
    steps
}

/// Derive crates that go with a base crate of the same version.
const PAIRED: &[(&str, &str)] = &[("serde_derive", "serde")];

/// Whether version `a` is newer than `b` (numeric parts compared in order).
fn newer(a: &str, b: &str) -> bool {
    let parts = |v: &str| -> Vec<u64> { v.split(['.', '-', '+']).map_while(|p| p.parse().ok()).collect() };
    parts(a) > parts(b)
}

/// Puts back, in the copy's lock file, the versions the user's lock names that Cargo moved
/// when BorrowScope's crates were added to the copy (it re-resolves a member whose
/// dependencies changed, to the newest versions); what cannot be put back is reported by
/// [`moved_note`]. Nothing to do without a lock file, or when nothing moved.
pub(crate) fn keep_users_versions(root: &Path, copy_root: &Path) -> anyhow::Result<()> {
    let Ok(user) = std::fs::read_to_string(root.join("Cargo.lock")) else { return Ok(()) };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = copy_root.join("Cargo.toml");
    let quiet = |args: &[&str]| -> anyhow::Result<bool> {
        let output = std::process::Command::new(&cargo)
            .args(args)
            .arg("--manifest-path")
            .arg(&manifest)
            .output()
            .with_context(|| format!("running cargo {}", args.join(" ")))?;
        Ok(output.status.success())
    };
    // Resolves the copy's lock (as the build would), then takes it back step by step: a step
    // that conflicts with another pin fails and is skipped; each round can unblock the next.
    quiet(&["metadata", "--format-version", "1"])?;
    let lock = copy_root.join("Cargo.lock");
    for _ in 0..3 {
        let copy = std::fs::read_to_string(&lock).unwrap_or_default();
        let steps = repins(&user, &copy);
        let mut changed = false;
        for (spec, version) in &steps {
            changed |= quiet(&["update", "--quiet", "-p", spec, "--precise", version])?;
        }
        if !changed {
            break;
        }
    }
    Ok(())
}

/// The packages whose version the copy's lock file changed: for each name the user's lock
/// names, the versions it has that the copy's lock lost, and the copy's versions it lacks
/// (BorrowScope's crates added to the copy can make Cargo move a shared dependency up to the
/// version they require). Empty when the user has no lock file or the copy none yet.
pub(crate) fn moved_versions(user_lock: &str, copy_lock: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    let (user, copy) = (locked(user_lock), locked(copy_lock));
    let mut moved = Vec::new();
    for (name, theirs) in &user {
        let Some(ours) = copy.get(name) else { continue };
        let lost: Vec<String> = theirs.difference(ours).cloned().collect();
        if !lost.is_empty() {
            moved.push((name.clone(), lost, ours.difference(theirs).cloned().collect()));
        }
    }
    moved
}

/// The note printed when the copy builds other versions than the user's lock file names.
pub(crate) fn moved_note(root: &Path, copy_root: &Path) -> Option<String> {
    let user = std::fs::read_to_string(root.join("Cargo.lock")).ok()?;
    let copy = std::fs::read_to_string(copy_root.join("Cargo.lock")).ok()?;
    let moved = moved_versions(&user, &copy);
    if moved.is_empty() {
        return None;
    }
    let list: Vec<String> = moved
        .iter()
        .map(|(name, lost, new)| match new.is_empty() {
            true => format!("{name} {} (gone)", lost.join(", ")),
            false => format!("{name} {} -> {}", lost.join(", "), new.join(", ")),
        })
        .collect();
    Some(format!(
        "cargo borrowscope: warning: the traced copy builds other versions than your Cargo.lock names: {}. BorrowScope's own crates need them; the traced build may warn or behave differently where your code depends on those crates' versions",
        list.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_the_copys_lock_moved_are_named() {
        let lock = |packages: &[(&str, &str)]| -> String {
            let mut text = "version = 4\n".to_owned();
            for (name, version) in packages {
                let source =
                    if *name == "app" { String::new() } else { "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n".to_owned() };
                text += &format!("\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\n{source}");
            }
            text
        };
        let user = lock(&[("app", "0.1.0"), ("serde", "1.0.123"), ("syn", "1.0.60"), ("libc", "0.2.150")]);
        let copy = lock(&[("app", "0.1.0"), ("serde", "1.0.229"), ("syn", "1.0.60"), ("syn", "2.0.104"), ("libc", "0.2.150"), ("quote", "1.0.40")]);
        assert_eq!(moved_versions(&user, &copy), vec![("serde".to_owned(), vec!["1.0.123".to_owned()], vec!["1.0.229".to_owned()])]);
        assert!(moved_versions(&user, &user).is_empty());
        assert!(moved_versions("", &copy).is_empty() && moved_versions(&user, "not toml [").is_empty());
    }

    #[test]
    fn the_users_versions_are_put_back_after_borrowscopes_own_come_down() {
        let lock = |packages: &[(&str, &str)]| -> String {
            let mut text = "version = 4\n".to_owned();
            for (name, version) in packages {
                text += &format!(
                    "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
                );
            }
            text
        };
        // bincode 1.3.3's lock, and what Cargo made of it with BorrowScope's crates added.
        let user = lock(&[("serde", "1.0.123"), ("serde_derive", "1.0.123"), ("syn", "1.0.60"), ("proc-macro2", "1.0.24")]);
        let copy = lock(&[
            ("serde", "1.0.229"),
            ("serde_derive", "1.0.229"),
            ("serde_json", "1.0.154"),
            ("syn", "2.0.119"),
            ("proc-macro2", "1.0.107"),
            ("libc", "0.2.60"),
        ]);
        let steps = repins(&user, &copy);
        let step = |spec: &str, version: &str| (spec.to_owned(), version.to_owned());
        assert_eq!(
            steps,
            vec![
                // Only BorrowScope's crates asked for these: down to the oldest that builds them
                // (libc is already there; syn 2 is not the user's syn 1).
                step("serde_json@1.0.154", "1.0.40"),
                step("syn@2.0.119", "2.0.82"),
                // Then the user's own versions, in place of the ones that replaced them (syn
                // 1.0.60 has no compatible replacement to take down; proc-macro2 goes no lower
                // than BorrowScope's crates build with).
                step("proc-macro2@1.0.107", "1.0.83"),
                step("serde@1.0.229", "1.0.123"),
                step("serde_derive@1.0.229", "1.0.123"),
            ]
        );
        assert!(repins(&user, &user).is_empty(), "nothing moved, nothing to do");
        // A user with serde but without serde_derive: the derive BorrowScope brought follows
        // their serde, not the oldest.
        let user = lock(&[("serde", "1.0.123")]);
        let copy = lock(&[("serde", "1.0.229"), ("serde_derive", "1.0.229")]);
        assert_eq!(repins(&user, &copy), vec![step("serde_derive@1.0.229", "1.0.123"), step("serde@1.0.229", "1.0.123")]);
        // Nothing of the user's moved, but the newest serde_derive Cargo chose for
        // BorrowScope's crates is newer than the user's serde (thin-vec 0.2.21's lock): it
        // follows their serde all the same, and nothing else comes down.
        let user = lock(&[("serde", "1.0.167"), ("serde_test", "1.0.167")]);
        let copy = lock(&[("serde", "1.0.167"), ("serde_derive", "1.0.229"), ("serde_json", "1.0.154"), ("serde_test", "1.0.167")]);
        assert_eq!(repins(&user, &copy), vec![step("serde_derive@1.0.229", "1.0.167")]);
        // Nothing of the user's moved: BorrowScope's own stay as Cargo chose them.
        assert!(repins(&lock(&[("libc", "0.2.191")]), &lock(&[("libc", "0.2.191"), ("serde_json", "1.0.154")])).is_empty());
        assert!(compatible("0.2.60", "0.2.191") && !compatible("0.2.60", "0.3.1") && compatible("1.0.1", "1.9.0") && !compatible("1.0.0", "2.0.0"));
    }

    #[test]
    fn the_workspace_asks_for_no_newer_versions_than_oldest() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let read = |name: &str| -> toml_edit::DocumentMut { std::fs::read_to_string(root.join(name)).unwrap().parse().unwrap() };
        let workspace = read("Cargo.toml");
        let shared = &workspace["workspace"]["dependencies"];
        let ours = ["type-info-schema", "borrowscope-runtime", "borrowscope-expand", "borrowscope-macro"];
        for member in ours {
            let manifest = read(&format!("{member}/Cargo.toml"));
            let mut tables = vec![manifest.get("dependencies")];
            if let Some(targets) = manifest.get("target").and_then(|t| t.as_table_like()) {
                tables.extend(targets.iter().map(|(_, target)| target.get("dependencies")));
            }
            for (name, _) in tables.into_iter().flatten().filter_map(|t| t.as_table_like()).flat_map(|t| t.iter()) {
                if ours.contains(&name) {
                    continue;
                }
                let oldest = OLDEST.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
                let oldest = oldest.unwrap_or_else(|| panic!("{member} depends on {name}, not in OLDEST: find the oldest version that builds it"));
                let asked = shared[name].as_str().or_else(|| shared[name].get("version").and_then(|v| v.as_str()));
                assert_eq!(asked, Some(oldest), "{member}'s {name}: the workspace asks for {asked:?}; OLDEST has {oldest}");
            }
        }
    }
}
