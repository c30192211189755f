//! `--all`: the instrumented copy of a workspace nobody edited, under
//! `<target>/borrowscope/workspace/`. Every function with a body and every `impl` block of the
//! workspace's member crates gets `#[::borrowscope_macro::trace_borrow]` in the copy, inserted
//! on its own line's text without moving any line (the columns it shifts are kept, to map the
//! trace back: [`Columns`]); the members' manifests get the runtime and the macro as path
//! dependencies. The user's files, manifests and lock file are never written.
//!
//! A refresh rewrites only the copy's files whose content changed (an unchanged file keeps its
//! modification time, so Cargo's incremental build and the analyzer's no-change check see
//! nothing new), and removes the copy's files whose original is gone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, bail};

use crate::items::{ATTRIBUTE, instrument, module_path, uses_trace_borrow};

/// What `--all` copies and how: the workspace, where the copy goes, and `--trace`'s patterns
/// (empty: everything).
pub(crate) struct Plan<'a> {
    /// The user's workspace root.
    pub(crate) root: &'a Path,
    /// The workspace's members and target folder (never copied).
    pub(crate) workspace: &'a Workspace,
    /// `--trace` patterns: paths of modules, types or functions, `*` matching within one
    /// segment.
    pub(crate) patterns: &'a [String],
}

/// The refreshed copy.
pub(crate) struct Copied {
    /// The copy's workspace root.
    pub(crate) root: PathBuf,
    /// The columns the inserted attributes shifted, to map sites back.
    pub(crate) columns: Columns,
    /// How many files were written this time (the rest were already up to date).
    pub(crate) written: usize,
    /// How many items got the attribute.
    pub(crate) items: usize,
    /// Whether the user's lock file was copied this time (the first time, or it changed):
    /// the copy's lock is then resolved again, and the user's versions put back in it.
    pub(crate) lock_copied: bool,
}

impl Copied {
    /// The copy of `path` (a path in the user's workspace at `user_root`).
    pub(crate) fn of(&self, user_root: &Path, path: &Path) -> Option<PathBuf> {
        path.strip_prefix(user_root).ok().map(|relative| self.root.join(relative))
    }
}

/// The columns each inserted attribute shifted: per file (relative to the workspace root,
/// with `/`, as `file!()` names it) and line, the 1-based columns (in characters, as
/// `column!()` counts) where an attribute was inserted in the copy's line, in order.
#[derive(Default, Debug)]
pub(crate) struct Columns(BTreeMap<String, BTreeMap<u32, Vec<u32>>>);

impl Columns {
    /// The user's column for column `column` of line `line` of the copy's `file`.
    pub(crate) fn original(&self, file: &str, line: u32, column: u32) -> u32 {
        let Some(inserted) = self.0.get(file).and_then(|lines| lines.get(&line)) else { return column };
        let width = ATTRIBUTE.chars().count() as u32;
        // Each insertion at copy column `at` (counted in the copy, after the earlier ones)
        // moved everything from `at` on by `width`; a column inside an attribute is the
        // column of the item it marks.
        let mut shift = 0;
        for &at in inserted {
            if column >= at + width {
                shift += width;
            } else if column >= at {
                return at - shift;
            } else {
                break;
            }
        }
        column - shift
    }

    /// Whether any column moved.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One workspace member, from `cargo metadata`.
struct Member {
    /// Its package's name.
    name: String,
    /// Its folder.
    dir: PathBuf,
    edition: String,
    /// A proc-macro crate: copied as it is (it runs in the compiler).
    proc_macro: bool,
    /// Build scripts, and the files they bring in with `include!` or `mod` (never
    /// instrumented: a build script does not depend on BorrowScope's crates).
    build_scripts: Vec<PathBuf>,
    /// The root file of each crate it builds (library, binaries, tests, examples, benches).
    crate_roots: Vec<PathBuf>,
}

/// `script` and every file it brings in, at any depth: `include!("file.rs")`, and `mod name;`
/// (`name.rs` or `name/mod.rs` beside it, or the file a `#[path]` names). crossbeam-utils'
/// build script includes `build-common.rs`, which holds functions.
fn build_script_files(script: &Path, files: &mut Vec<PathBuf>) {
    // `a/../b.rs` as `b.rs`, so that it compares with the paths of the files copied.
    let mut path = PathBuf::new();
    for part in std::path::absolute(script).unwrap_or_else(|_| script.to_owned()).components() {
        match part {
            std::path::Component::ParentDir => {
                path.pop();
            }
            std::path::Component::CurDir => {}
            part => path.push(part),
        }
    }
    if files.contains(&path) {
        return;
    }
    files.push(path.clone());
    let Ok(file) = std::fs::read_to_string(&path).map_err(|_| ()).and_then(|text| syn::parse_file(&text).map_err(|_| ())) else { return };
    struct Brought {
        dir: PathBuf,
        found: Vec<PathBuf>,
    }
    impl<'ast> syn::visit::Visit<'ast> for Brought {
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            if mac.path.segments.last().is_some_and(|s| s.ident == "include")
                && let Ok(name) = mac.parse_body::<syn::LitStr>()
            {
                self.found.push(self.dir.join(name.value()));
            }
        }
        fn visit_item_mod(&mut self, module: &'ast syn::ItemMod) {
            if module.content.is_some() {
                return syn::visit::visit_item_mod(self, module);
            }
            let named = module.attrs.iter().find(|a| a.path().is_ident("path")).and_then(|a| match &a.meta {
                syn::Meta::NameValue(syn::MetaNameValue { value: syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }), .. }) => Some(s.value()),
                _ => None,
            });
            let name = module.ident.to_string();
            let candidates = match named {
                Some(named) => vec![self.dir.join(named)],
                None => vec![self.dir.join(format!("{name}.rs")), self.dir.join(&name).join("mod.rs")],
            };
            self.found.extend(candidates.into_iter().filter(|c| c.is_file()));
        }
    }
    let mut brought = Brought { dir: path.parent().map(Path::to_owned).unwrap_or_default(), found: Vec::new() };
    syn::visit::Visit::visit_file(&mut brought, &file);
    for found in brought.found {
        build_script_files(&found, files);
    }
}

/// What `cargo metadata --no-deps` says of the workspace.
pub(crate) struct Workspace {
    members: Vec<Member>,
    /// Where Cargo builds it (`CARGO_TARGET_DIR`, `build.target-dir` or `target/`).
    pub(crate) target: PathBuf,
}

/// The workspace at `root`, from `cargo metadata --no-deps`.
pub(crate) fn workspace(root: &Path) -> anyhow::Result<Workspace> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .output()
        .context("running cargo metadata")?;
    if !output.status.success() {
        bail!("cargo metadata failed on {}: {}", root.display(), String::from_utf8_lossy(&output.stderr).trim());
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).context("reading cargo metadata's output")?;
    let mut members = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let manifest = PathBuf::from(package["manifest_path"].as_str().context("a package without a manifest path")?);
        let mut member = Member {
            name: package["name"].as_str().unwrap_or_default().to_owned(),
            dir: manifest.parent().context("a manifest without a folder")?.to_owned(),
            edition: package["edition"].as_str().unwrap_or("2015").to_owned(),
            proc_macro: false,
            build_scripts: Vec::new(),
            crate_roots: Vec::new(),
        };
        for target in package["targets"].as_array().into_iter().flatten() {
            let kinds: Vec<&str> = target["kind"].as_array().into_iter().flatten().filter_map(|k| k.as_str()).collect();
            let Some(path) = target["src_path"].as_str().map(PathBuf::from) else { continue };
            if kinds.contains(&"custom-build") {
                build_script_files(&path, &mut member.build_scripts);
            } else {
                member.proc_macro |= kinds.contains(&"proc-macro");
                member.crate_roots.push(path);
            }
        }
        members.push(member);
    }
    let target = PathBuf::from(metadata["target_directory"].as_str().context("cargo metadata gives no target directory")?);
    Ok(Workspace { members, target })
}

/// BorrowScope's own crates, from the sources this command was built from.
fn borrowscope_crate(name: &str) -> anyhow::Result<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(|dir| dir.join(name)).unwrap_or_default();
    if !path.join("Cargo.toml").is_file() {
        bail!(
            "--all adds BorrowScope's {name} to the copy from the sources cargo-borrowscope was built from, and {} is not there any more; reinstall cargo-borrowscope from a BorrowScope checkout (`cargo install --locked --path cargo-borrowscope`)",
            path.display()
        );
    }
    Ok(path)
}

/// Refreshes the instrumented copy of the workspace.
pub(crate) fn refresh(plan: &Plan<'_>) -> anyhow::Result<Copied> {
    let root = plan.root;
    let members = &plan.workspace.members;
    let copy_root = plan.workspace.target.join("borrowscope/workspace");
    let runtime = borrowscope_crate("borrowscope-runtime")?;
    let macros = borrowscope_crate("borrowscope-macro")?;
    let mut copy = Copied { root: copy_root.clone(), columns: Columns::default(), written: 0, items: 0, lock_copied: false };
    let mut kept = BTreeSet::new();
    let (mut files, mut links) = (Vec::new(), Vec::new());
    collect(root, root, &plan.workspace.target, &mut files, &mut links)?;
    for link in &links {
        let destination = copy_root.join(link.strip_prefix(root).expect("collected under the root"));
        kept.insert(destination.clone());
        link_folder(link, &destination)?;
    }
    // Members whose author already put `#[trace_borrow]` on their items keep them as they are.
    let mut authored = BTreeSet::new();
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "rs")) {
        if let Some(member) = owner(members, path)
            && std::fs::read_to_string(path).is_ok_and(|text| text.contains("trace_borrow"))
            && syn::parse_file(&std::fs::read_to_string(path).unwrap_or_default()).is_ok_and(|file| uses_trace_borrow(&file))
        {
            authored.insert(member.dir.clone());
        }
    }
    let instrumented = |member: &Member| !member.proc_macro && !authored.contains(&member.dir);
    // BorrowScope's crates are built only where a member uses them: otherwise (a workspace of
    // proc-macro crates) their profile settings would name packages cargo warns it cannot find.
    let optimize = members.iter().any(|m| instrumented(m) || authored.contains(&m.dir));
    let own: Vec<String> = members.iter().map(|m| m.name.clone()).collect();
    for path in &files {
        let relative = path.strip_prefix(root).expect("collected under the root");
        let destination = copy_root.join(relative);
        kept.insert(destination.clone());
        let member = owner(members, path);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let content = if name == "Cargo.toml" {
            let instrument = members.iter().any(|m| m.dir == path.parent().unwrap_or(root) && instrumented(m));
            let deps = instrument.then_some((runtime.as_path(), macros.as_path()));
            Some(manifest(path, root, deps, path.parent() == Some(root), optimize.then_some(&own[..]))?)
        } else if name.ends_with(".rs")
            && let Some(member) = member.filter(|m| instrumented(m) && !m.build_scripts.contains(path))
        {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let module = module_path(&member.dir, path);
            let (mut text, inserted) = instrument(&text, &module, plan.patterns);
            copy.items += inserted.len();
            let key = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            for (line, column) in inserted {
                copy.columns.0.entry(key.clone()).or_default().entry(line).or_default().push(column);
            }
            // An edition-2015 crate reaches other crates only through `extern crate` at its
            // root: declared after its last line, so that no line moves. A crate none of whose
            // functions is traced uses neither, which its own `deny(unused_extern_crates)`
            // would refuse (bitfield's): allowed there, but where the crate forbids the lint
            // (an `allow` would not compile).
            if member.edition == "2015" && member.crate_roots.contains(path) {
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                let forbidden = text.contains("forbid(") && (text.contains("unused_extern_crates") || text.contains("rust_2018_idioms"));
                let allow = if forbidden { "" } else { "#[allow(unused_extern_crates)] " };
                text.push_str(&format!("{allow}extern crate borrowscope_macro;\n{allow}extern crate borrowscope_runtime;\n"));
            }
            Some(text)
        } else {
            None
        };
        let changed = match content {
            Some(content) => write_if_changed(&destination, content.as_bytes())?,
            // The lock file Cargo completes in the copy (BorrowScope's crates added): copied
            // again only when the user's is newer.
            None if path == &root.join("Cargo.lock") => {
                copy.lock_copied = copy_if_newer(path, &destination, false)?;
                copy.lock_copied
            }
            None => copy_if_newer(path, &destination, true)?,
        };
        copy.written += usize::from(changed);
    }
    // The copy's files whose original is gone (not the copy's own build output, analysis or
    // lock file, which Cargo keeps up to date).
    let own = [copy_root.join("target"), copy_root.join(".borrowscope"), copy_root.join("Cargo.lock")];
    remove_stale(&copy_root, &kept, &own)?;
    Ok(copy)
}

/// The files of the workspace to copy: everything under `dir` but the target folder, version
/// control and BorrowScope's own analysis of the original.
fn collect(root: &Path, dir: &Path, target: &Path, out: &mut Vec<PathBuf>, links: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            let skipped = path == target || (dir == root && (name == "target" || name == ".git" || name == ".borrowscope"));
            if !skipped {
                collect(root, &path, target, out, links)?;
            }
        } else if kind.is_symlink() && path.is_dir() {
            // A linked folder stays a link, to the folder the original's link leads to.
            links.push(path);
        } else if path.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

/// Makes `to` a link to the folder `from` leads to, unless it already is one.
fn link_folder(from: &Path, to: &Path) -> anyhow::Result<()> {
    let folder = std::fs::canonicalize(from).with_context(|| format!("cannot follow {}", from.display()))?;
    if std::fs::read_link(to).is_ok_and(|existing| existing == folder) {
        return Ok(());
    }
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let _ = std::fs::remove_file(to);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&folder, to).with_context(|| format!("cannot link {} to {}", to.display(), folder.display()))?;
    #[cfg(not(unix))]
    bail!("{} is a link to a folder, which --all copies only on Unix", from.display());
    #[cfg(unix)]
    Ok(())
}

/// The member whose folder holds `path` (the innermost, for nested packages).
fn owner<'m>(members: &'m [Member], path: &Path) -> Option<&'m Member> {
    members.iter().filter(|m| path.starts_with(&m.dir)).max_by_key(|m| m.dir.components().count())
}

/// A manifest for the copy: relative path dependencies that leave the workspace point at the
/// original place; a member to instrument gets BorrowScope's two crates (`deps`); the root
/// gets a `[workspace]` table when it has none, so that the copy is a workspace of its own,
/// and, when `optimize` (some member uses BorrowScope's crates), their profile settings, for
/// the packages not among the workspace's own (named in it).
fn manifest(path: &Path, root: &Path, deps: Option<(&Path, &Path)>, is_root: bool, optimize: Option<&[String]>) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut document: toml_edit::DocumentMut = text.parse().with_context(|| format!("{} is not valid TOML", path.display()))?;
    let dir = path.parent().unwrap_or(root);
    outside_paths(document.as_item_mut(), dir, root, 0);
    if let Some((runtime, macros)) = deps {
        let table = document.entry("dependencies").or_insert(toml_edit::table()).as_table_like_mut().context("[dependencies] is not a table")?;
        for (name, place) in [("borrowscope-macro", macros), ("borrowscope-runtime", runtime)] {
            if !table.contains_key(name) {
                let mut dependency = toml_edit::InlineTable::new();
                dependency.insert("path", place.to_string_lossy().as_ref().into());
                table.insert(name, toml_edit::value(dependency));
            }
        }
    }
    if is_root && !document.contains_key("workspace") {
        document.insert("workspace", toml_edit::table());
    }
    if is_root {
        crate::profiles::whole_before_lto(&mut document);
    }
    if let Some(own) = optimize.filter(|_| is_root) {
        crate::profiles::optimized_dependencies(&mut document, own);
    }
    Ok(document.to_string())
}

/// Rewrites, anywhere in a manifest, each `path = "..."` that is relative and leads out of
/// the workspace (a path dependency, a `[patch]` entry) to the original's absolute path.
fn outside_paths(item: &mut toml_edit::Item, dir: &Path, root: &Path, depth: usize) {
    if depth > 6 {
        return;
    }
    let Some(table) = item.as_table_like_mut() else { return };
    for (key, value) in table.iter_mut() {
        if key == "path"
            && let Some(relative) = value.as_str().map(PathBuf::from)
            && relative.is_relative()
        {
            let absolute = normalize(&dir.join(&relative));
            if !absolute.starts_with(root) {
                *value = toml_edit::value(absolute.to_string_lossy().as_ref());
            }
        } else {
            outside_paths(value, dir, root, depth + 1);
        }
    }
}

/// `path` with `.` and `..` resolved in the text (no symbolic link is followed).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Writes `content` to `path` unless it already holds exactly that; whether it wrote.
fn write_if_changed(path: &Path, content: &[u8]) -> anyhow::Result<bool> {
    if std::fs::read(path).is_ok_and(|existing| existing == content) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, content).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(true)
}

/// Copies `from` to `to` unless `to` is not older (and, with `same_size`, has the same size);
/// whether it copied.
fn copy_if_newer(from: &Path, to: &Path, same_size: bool) -> anyhow::Result<bool> {
    let source = std::fs::metadata(from)?;
    if let Ok(existing) = std::fs::metadata(to)
        && (!same_size || existing.len() == source.len())
        && existing.modified()? >= source.modified()?
    {
        return Ok(false);
    }
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::copy(from, to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    Ok(true)
}

/// Removes the files under `dir` that are not in `kept` (nor under one of `own`).
fn remove_stale(dir: &Path, kept: &BTreeSet<PathBuf>, own: &[PathBuf]) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(()) };
    for entry in entries.flatten() {
        let path = entry.path();
        if own.contains(&path) {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_symlink() && !kept.contains(&path) {
            std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        } else if kind.is_dir() {
            remove_stale(&path, kept, own)?;
            if std::fs::read_dir(&path).is_ok_and(|mut e| e.next().is_none()) {
                let _ = std::fs::remove_dir(&path);
            }
        } else if !kept.contains(&path) {
            std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_script_brings_in_what_it_includes_and_its_modules_at_any_depth() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("build/gen")).unwrap();
        std::fs::write(root.join("build.rs"), "include!(\"build-common.rs\");\nmod build_util;\nfn main() {}\n").unwrap();
        std::fs::write(root.join("build-common.rs"), "#[path = \"build/gen/mod.rs\"]\nmod generated;\nfn common() {}\n").unwrap();
        std::fs::write(root.join("build_util.rs"), "fn util() { include!(\"build/../shared.rs\") }\n").unwrap();
        std::fs::write(root.join("build/gen/mod.rs"), "fn generated() {}\n").unwrap();
        std::fs::write(root.join("shared.rs"), "1 + 1").unwrap();
        std::fs::write(root.join("lib.rs"), "fn lib() {}\n").unwrap();
        let mut files = Vec::new();
        build_script_files(&root.join("build.rs"), &mut files);
        let mut names: Vec<String> = files.iter().map(|f| f.strip_prefix(root).unwrap().display().to_string()).collect();
        names.sort();
        assert_eq!(names, ["build-common.rs", "build.rs", "build/gen/mod.rs", "build_util.rs", "shared.rs"]);
    }

    #[test]
    fn columns_map_back_to_the_user_line() {
        let text = "fn a(x: u8) {} fn b(y: u8) {}\n";
        let (out, inserted) = instrument(text, &[], &[]);
        let mut columns = Columns::default();
        for (line, column) in &inserted {
            columns.0.entry("src/lib.rs".to_owned()).or_default().entry(*line).or_default().push(*column);
        }
        // `y` in the copy and in the original.
        let copy_y = out.find("y: u8").unwrap() as u32 + 1;
        let user_y = text.find("y: u8").unwrap() as u32 + 1;
        assert_eq!(columns.original("src/lib.rs", 1, copy_y), user_y);
        let copy_x = out.find("x: u8").unwrap() as u32 + 1;
        assert_eq!(columns.original("src/lib.rs", 1, copy_x), text.find("x: u8").unwrap() as u32 + 1);
        // The attribute itself maps to the item it marks; other files and lines are as given.
        assert_eq!(columns.original("src/lib.rs", 1, 3), 1);
        assert_eq!(columns.original("src/lib.rs", 2, 9), 9);
        assert_eq!(columns.original("src/main.rs", 1, 9), 9);
    }

    #[test]
    fn paths_leaving_the_workspace_point_at_the_original() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        std::fs::create_dir_all(root.join("app")).unwrap();
        let manifest = root.join("app/Cargo.toml");
        std::fs::write(
            &manifest,
            "[package]\nname = \"app\"\n\n[dependencies]\nnear = { path = \"../near\" }\nfar = { path = \"../../far\" }\n\n[patch.crates-io]\nx = { path = \"../../x\" }\n",
        )
        .unwrap();
        let out = manifest_for_test(&manifest, &root);
        assert!(out.contains("near = { path = \"../near\" }"), "{out}");
        assert!(out.contains(&format!("far = {{ path = \"{}\" }}", dir.path().join("far").display())), "{out}");
        assert!(out.contains(&format!("x = {{ path = \"{}\" }}", dir.path().join("x").display())), "{out}");
        assert!(out.contains("borrowscope-runtime = { path = \"/rt\" }"), "{out}");
        assert!(!out.contains("[workspace]"), "a member is not made a workspace root");
    }

    #[test]
    fn the_root_gets_a_workspace_and_optimized_dependencies_and_keeps_the_users_settings() {
        let dir = tempfile::tempdir().unwrap();
        let manifest_path = dir.path().join("Cargo.toml");
        std::fs::write(&manifest_path, "[package]\nname = \"app\"\n\n[profile.dev]\nopt-level = 1\n").unwrap();
        let out = manifest(&manifest_path, dir.path(), None, true, Some(&[])).unwrap();
        assert!(out.contains("[workspace]"), "{out}");
        assert!(out.contains("[profile.dev]\nopt-level = 1\n"), "{out}");
        assert!(out.contains("[profile.dev.package.borrowscope-runtime]\nopt-level = 3\n"), "{out}");
        let parsed: toml_edit::DocumentMut = out.parse().unwrap();
        for name in crate::profiles::OPTIMIZED {
            let package = &parsed["profile"]["dev"]["package"][name];
            assert_eq!(package["opt-level"].as_integer(), Some(3), "{name}: {out}");
            let checked = !crate::profiles::UNCHECKED.contains(name);
            for setting in ["debug-assertions", "overflow-checks"] {
                assert_eq!(package.get(setting).and_then(|v| v.as_bool()).unwrap_or(true), checked, "{name} {setting}: {out}");
            }
        }
        assert!(out.contains("[profile.dev.package.borrowscope-runtime]\nopt-level = 3\n\n"), "the runtime keeps the checks: {out}");

        std::fs::write(&manifest_path, "[workspace]\n\n[profile.dev.package.syn]\nopt-level = 0\n").unwrap();
        let out = manifest(&manifest_path, dir.path(), None, true, Some(&[])).unwrap();
        let parsed: toml_edit::DocumentMut = out.parse().unwrap();
        assert_eq!(parsed["profile"]["dev"]["package"]["syn"]["opt-level"].as_integer(), Some(0), "the user's setting is kept: {out}");
        assert_eq!(parsed["profile"]["dev"]["package"]["borrowscope-macro"]["opt-level"].as_integer(), Some(3), "{out}");

        // A workspace where no member uses BorrowScope's crates (only proc-macro crates, as
        // async-trait): settings for them would draw "profile package spec .. did not match
        // any packages" from cargo, five warnings the user's build does not have.
        std::fs::write(&manifest_path, "[package]\nname = \"derive\"\n\n[lib]\nproc-macro = true\n").unwrap();
        let out = manifest(&manifest_path, dir.path(), None, true, None).unwrap();
        assert!(!out.contains("borrowscope"), "{out}");

        // A package of the user's own keeps its profile: proc-macro2's tests, traced, ran
        // optimized and without debug assertions.
        std::fs::write(&manifest_path, "[package]\nname = \"proc-macro2\"\n").unwrap();
        let out = manifest(&manifest_path, dir.path(), None, true, Some(&["proc-macro2".to_owned()])).unwrap();
        let parsed: toml_edit::DocumentMut = out.parse().unwrap();
        assert!(parsed["profile"]["dev"]["package"].get("proc-macro2").is_none(), "{out}");
        assert_eq!(parsed["profile"]["dev"]["package"]["syn"]["opt-level"].as_integer(), Some(3), "{out}");
    }

    fn manifest_for_test(path: &Path, root: &Path) -> String {
        manifest(path, root, Some((Path::new("/rt"), Path::new("/mac"))), false, Some(&[])).unwrap()
    }
}
