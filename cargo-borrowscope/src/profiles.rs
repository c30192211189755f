//! The build profiles of the instrumented copy: what BorrowScope's own crates are built with,
//! and what keeps the user's optimized builds seeing the code as the plain build does.

/// What the copy builds optimized in the debug profile (`cargo run`, `cargo test`): the runtime
/// (recording and writing the trace cost 5x less time than in an unoptimized runtime: strsim's
/// unit tests 0.55 s to 0.10 s, against 0.04 s untraced), and the macro with what it runs on
/// at expansion time (an unoptimized macro took 1.55 s of aho-corasick's 3.96 s library build,
/// optimized 0.57 s; reading the type-info file and hashing the sources it names, in
/// `serde_json` and `xxhash-rust`, 2% of hashbrown's). Only speed changes: a package of the
/// user's workspace keeps its profile (proc-macro2 0.89's own tests ran optimized and without
/// its debug assertions until the twenty-third session), and what a program may also use as
/// it runs keeps its checks.
pub(crate) const OPTIMIZED: &[&str] = &[
    "borrowscope-runtime",
    "borrowscope-macro",
    "borrowscope-expand",
    "type-info-schema",
    "syn",
    "proc-macro2",
    "quote",
    "serde_json",
    "xxhash-rust",
];

/// Of [`OPTIMIZED`], what only BorrowScope's macro uses, inside the compiler: built without
/// debug assertions and overflow checks too. (syn, proc-macro2 and quote keep theirs: a
/// program may use them as it runs, where a `debug_assert!` that fires plain must fire traced.)
pub(crate) const UNCHECKED: &[&str] = &["borrowscope-macro", "borrowscope-expand", "type-info-schema"];

/// [`OPTIMIZED`] at `opt-level = 3` in the debug profile, but for the packages of the user's
/// workspace (`own`); a setting of the user's for one of them is kept.
pub(crate) fn optimized_dependencies(document: &mut toml_edit::DocumentMut, own: &[String]) {
    let profile = document.entry("profile").or_insert(toml_edit::table());
    if let Some(table) = profile.as_table_mut() {
        table.set_implicit(true);
    }
    let Some(profile) = profile.as_table_like_mut() else { return };
    let dev = profile.entry("dev").or_insert(toml_edit::table());
    let Some(dev) = dev.as_table_like_mut() else { return };
    let packages = dev.entry("package").or_insert(toml_edit::table());
    if let Some(table) = packages.as_table_mut() {
        table.set_implicit(true);
    }
    let Some(packages) = packages.as_table_like_mut() else { return };
    for name in OPTIMIZED {
        if !packages.contains_key(name) && !own.iter().any(|member| member == name) {
            let mut package = toml_edit::Table::new();
            package.insert("opt-level", toml_edit::value(3));
            if UNCHECKED.contains(name) {
                package.insert("debug-assertions", toml_edit::value(false));
                package.insert("overflow-checks", toml_edit::value(false));
            }
            packages.insert(name, toml_edit::Item::Table(package));
        }
    }
}

/// One codegen unit for the user's crates in a profile with fat LTO (`lto = "fat"` or `true`)
/// that names no number of its own. A checked optimization such as `#[no_panic]` (ahash
/// 0.8.11's tests, built with `opt-level = 2` and fat LTO) needs the optimizer to prove that a
/// call cannot unwind; a function the hooks made too large to inline is, in another codegen
/// unit, a call it can prove nothing about before the units are merged, and the check failed to
/// link with the type-info file. Fat LTO merges every unit into one before generating code
/// anyway, so this costs little: the units' optimization, done in one piece.
pub(crate) fn whole_before_lto(document: &mut toml_edit::DocumentMut) {
    let Some(profiles) = document.get_mut("profile").and_then(|p| p.as_table_like_mut()) else { return };
    for (_, profile) in profiles.iter_mut() {
        let Some(profile) = profile.as_table_like_mut() else { continue };
        let fat = match profile.get("lto") {
            Some(lto) => lto.as_bool() == Some(true) || lto.as_str() == Some("fat"),
            None => false,
        };
        if fat && !profile.contains_key("codegen-units") {
            profile.insert("codegen-units", toml_edit::value(1));
        }
    }
}

#[cfg(test)]
mod tests {
    fn adjusted(manifest: &str) -> String {
        let mut document: toml_edit::DocumentMut = manifest.parse().unwrap();
        super::whole_before_lto(&mut document);
        document.to_string()
    }

    #[test]
    fn a_profile_with_fat_lto_gets_one_codegen_unit_unless_it_names_its_own() {
        let out = adjusted("[profile.test]\nopt-level = 2\nlto = \"fat\"\n\n[profile.release]\nlto = true\ncodegen-units = 4\n");
        let parsed: toml_edit::DocumentMut = out.parse().unwrap();
        assert_eq!(parsed["profile"]["test"]["codegen-units"].as_integer(), Some(1), "{out}");
        assert_eq!(parsed["profile"]["release"]["codegen-units"].as_integer(), Some(4), "the user's number is kept: {out}");
        for thin in ["lto = \"thin\"", "lto = false", "opt-level = 3"] {
            let out = adjusted(&format!("[profile.bench]\n{thin}\n"));
            assert!(!out.contains("codegen-units"), "{thin}: {out}");
        }
        assert_eq!(adjusted("[package]\nname = \"a\"\n"), "[package]\nname = \"a\"\n", "no profile, nothing added");
    }
}
