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
use proc_macro2::LineColumn;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

/// The attribute the copy puts on each item, followed by the space that separates it from the
/// item on the same line.
const ATTRIBUTE: &str = "#[::borrowscope_macro::trace_borrow] ";

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
    /// Its folder.
    dir: PathBuf,
    edition: String,
    /// A proc-macro crate: copied as it is (it runs in the compiler).
    proc_macro: bool,
    /// Build scripts (never instrumented).
    build_scripts: Vec<PathBuf>,
    /// The root file of each crate it builds (library, binaries, tests, examples, benches).
    crate_roots: Vec<PathBuf>,
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
                member.build_scripts.push(path);
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
    let mut copy = Copied { root: copy_root.clone(), columns: Columns::default(), written: 0, items: 0 };
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
    for path in &files {
        let relative = path.strip_prefix(root).expect("collected under the root");
        let destination = copy_root.join(relative);
        kept.insert(destination.clone());
        let member = owner(members, path);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let content = if name == "Cargo.toml" {
            let instrument = members.iter().any(|m| m.dir == path.parent().unwrap_or(root) && instrumented(m));
            let deps = instrument.then_some((runtime.as_path(), macros.as_path()));
            Some(manifest(path, root, deps, path.parent() == Some(root))?)
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
            // root: declared after its last line, so that no line moves.
            if member.edition == "2015" && member.crate_roots.contains(path) {
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str("extern crate borrowscope_macro;\nextern crate borrowscope_runtime;\n");
            }
            Some(text)
        } else {
            None
        };
        let changed = match content {
            Some(content) => write_if_changed(&destination, content.as_bytes())?,
            // The lock file Cargo completes in the copy (BorrowScope's crates added): copied
            // again only when the user's is newer.
            None if path == &root.join("Cargo.lock") => copy_if_newer(path, &destination, false)?,
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

/// Whether a parsed file puts `#[trace_borrow]` (by any path) on an item.
fn uses_trace_borrow(file: &syn::File) -> bool {
    struct Finder(bool);
    impl Visit<'_> for Finder {
        fn visit_attribute(&mut self, attribute: &syn::Attribute) {
            self.0 |= attribute.path().segments.last().is_some_and(|s| s.ident == "trace_borrow");
        }
    }
    let mut finder = Finder(false);
    finder.visit_file(file);
    finder.0
}

/// The module path of a source file, from its place in the package: `src/a/b.rs` and
/// `src/a/b/mod.rs` are `a::b`, a crate root is empty, `tests/it.rs` is `it`.
fn module_path(package: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(package).unwrap_or(file);
    let mut segments: Vec<String> = relative.with_extension("").components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if segments.first().is_some_and(|s| s == "src") {
        segments.remove(0);
        if segments.first().is_some_and(|s| s == "bin") {
            segments.remove(0);
        }
    } else if segments.first().is_some_and(|s| matches!(s.as_str(), "tests" | "examples" | "benches")) {
        segments.remove(0);
    }
    if segments.last().is_some_and(|s| s == "mod") || segments.len() == 1 && matches!(segments[0].as_str(), "lib" | "main") {
        segments.pop();
    }
    segments
}

/// Whether `--trace` patterns select an item at `path` (module segments, then the type and
/// the function): some run of the path's segments matches the pattern segment by segment.
fn selected(patterns: &[String], path: &[String]) -> bool {
    patterns.is_empty()
        || patterns.iter().any(|pattern| {
            let wanted: Vec<&str> = pattern.trim_start_matches("crate::").split("::").collect();
            wanted.len() <= path.len() && path.windows(wanted.len()).any(|run| run.iter().zip(&wanted).all(|(s, w)| glob(w, s)))
        })
}

/// `*` matches any run of characters (within one segment).
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else { return false };
            (0..=tail.len()).filter(|&i| tail.is_char_boundary(i)).any(|i| glob(rest, &tail[i..]))
        }
    }
}

/// Where the attribute goes in a file: the (line, column) of each chosen item's first token
/// after its attributes, 1-based line and 0-based column in characters (proc-macro2's).
struct Items<'p> {
    patterns: &'p [String],
    module: Vec<String>,
    at: Vec<LineColumn>,
}

impl Items<'_> {
    fn mark(&mut self, start: LineColumn) {
        self.at.push(start);
    }
}

fn has_trace_borrow(attributes: &[syn::Attribute]) -> bool {
    attributes.iter().any(|a| a.path().segments.last().is_some_and(|s| s.ident == "trace_borrow"))
}

/// The first token after the attributes: the visibility when there is one, else what `span`
/// starts at.
fn item_start(vis: &syn::Visibility, rest: proc_macro2::Span) -> LineColumn {
    match vis {
        syn::Visibility::Inherited => rest.start(),
        vis => vis.span().start(),
    }
}

/// The name of an `impl` block's type (`Parser` for `impl<T> Trait for parser::Parser<T>`).
fn impl_type(item: &syn::ItemImpl) -> String {
    match &*item.self_ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
        other => quote::ToTokens::to_token_stream(other).to_string(),
    }
}

impl Items<'_> {
    /// The items of a module's tokens, each parsed on its own: an item ends after a `;` or a
    /// `{...}` at the top level. An item that does not parse is skipped, but for a module,
    /// whose content is read the same way.
    fn visit_tokens(&mut self, tokens: proc_macro2::TokenStream) {
        use proc_macro2::{Delimiter, TokenTree};
        let mut item = Vec::new();
        for token in tokens {
            let ends = match &token {
                TokenTree::Punct(p) => p.as_char() == ';',
                TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
                _ => false,
            };
            item.push(token);
            if ends {
                let tokens: proc_macro2::TokenStream = std::mem::take(&mut item).into_iter().collect();
                self.visit_chunk(tokens);
            }
        }
    }

    fn visit_chunk(&mut self, tokens: proc_macro2::TokenStream) {
        if let Ok(item) = syn::parse2::<syn::Item>(tokens.clone()) {
            self.visit_item(&item);
            return;
        }
        // `[pub] mod name { ... }` whose content has what syn does not take.
        let trees: Vec<proc_macro2::TokenTree> = tokens.into_iter().collect();
        let position = trees.iter().position(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == "mod"));
        if let Some(at) = position
            && let (Some(proc_macro2::TokenTree::Ident(name)), Some(proc_macro2::TokenTree::Group(body))) = (trees.get(at + 1), trees.last())
            && trees.len() == at + 3
        {
            self.module.push(name.to_string());
            self.visit_tokens(body.stream());
            self.module.pop();
        }
    }
}

impl<'ast> Visit<'ast> for Items<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if has_trace_borrow(&f.attrs) {
            return;
        }
        let mut path = self.module.clone();
        path.push(f.sig.ident.to_string());
        if f.sig.constness.is_none() && f.sig.abi.is_none() && selected(self.patterns, &path) {
            self.mark(item_start(&f.vis, f.sig.span()));
            // The attribute instruments the items nested in the body too.
            return;
        }
        visit::visit_item_fn(self, f);
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        if has_trace_borrow(&item.attrs) {
            return;
        }
        let mut path = self.module.clone();
        path.push(impl_type(item));
        if selected(self.patterns, &path) {
            let first = item.defaultness.map(|t| t.span).or(item.unsafety.map(|t| t.span)).unwrap_or(item.impl_token.span);
            self.mark(first.start());
            return;
        }
        for member in &item.items {
            if let syn::ImplItem::Fn(f) = member {
                let mut method = path.clone();
                method.push(f.sig.ident.to_string());
                if f.sig.constness.is_none() && f.sig.abi.is_none() && !has_trace_borrow(&f.attrs) && selected(self.patterns, &method) {
                    let start = match (&f.vis, f.defaultness) {
                        (syn::Visibility::Inherited, Some(default)) => default.span.start(),
                        (vis, _) => item_start(vis, f.sig.span()),
                    };
                    self.mark(start);
                }
            }
        }
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        self.module.push(item.ident.to_string());
        visit::visit_item_mod(self, item);
        self.module.pop();
    }

    fn visit_item_trait(&mut self, _: &'ast syn::ItemTrait) {
        // Default methods are left as written (as the trial does).
    }
}

/// `text` with the attribute before each chosen item, and where each went: (1-based line,
/// 1-based column in characters in the copy's line). A file that does not parse as Rust (a
/// fragment for `include!`, a template) is copied as it is.
fn instrument(text: &str, module: &[String], patterns: &[String]) -> (String, Vec<(u32, u32)>) {
    let mut items = Items { patterns, module: module.to_vec(), at: Vec::new() };
    match syn::parse_file(text) {
        Ok(file) => items.visit_file(&file),
        // Syntax syn does not take (an edition-2015 trait method's unnamed parameter): item by
        // item, so that only the items it cannot read are left as written.
        Err(_) => match text.parse::<proc_macro2::TokenStream>() {
            Ok(tokens) => items.visit_tokens(tokens),
            Err(_) => return (text.to_owned(), Vec::new()),
        },
    }
    if items.at.is_empty() {
        return (text.to_owned(), Vec::new());
    }
    // Byte offsets of each line's start (lines as proc-macro2 counts them: after each '\n').
    let starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let offset = |at: LineColumn| -> usize {
        let start = starts[at.line - 1];
        text[start..].char_indices().nth(at.column).map_or(text.len(), |(i, _)| start + i)
    };
    let mut places: Vec<(usize, LineColumn)> = items.at.iter().map(|&at| (offset(at), at)).collect();
    places.sort_by_key(|&(offset, _)| offset);
    places.dedup_by_key(|&mut (offset, _)| offset);
    let width = ATTRIBUTE.chars().count() as u32;
    let mut out = String::with_capacity(text.len() + places.len() * ATTRIBUTE.len());
    let mut inserted = Vec::new();
    let mut last = 0;
    let mut previous: Option<(usize, u32)> = None;
    for (offset, at) in places {
        out.push_str(&text[last..offset]);
        out.push_str(ATTRIBUTE);
        last = offset;
        // Earlier insertions on the same line moved this one right.
        let earlier = match previous {
            Some((line, count)) if line == at.line => count,
            _ => 0,
        };
        inserted.push((at.line as u32, at.column as u32 + 1 + earlier * width));
        previous = Some((at.line, earlier + 1));
    }
    out.push_str(&text[last..]);
    (out, inserted)
}

/// A manifest for the copy: relative path dependencies that leave the workspace point at the
/// original place; a member to instrument gets BorrowScope's two crates (`deps`); the root
/// gets a `[workspace]` table when it has none, so that the copy is a workspace of its own.
fn manifest(path: &Path, root: &Path, deps: Option<(&Path, &Path)>, is_root: bool) -> anyhow::Result<String> {
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
        optimized_runtime(&mut document);
    }
    Ok(document.to_string())
}

/// The runtime optimized in the debug profile (`cargo run`, `cargo test`): recording and
/// writing the trace cost 5x less time than in an unoptimized runtime (strsim's unit tests:
/// 0.55 s to 0.10 s, against 0.04 s untraced), and the user's own crates keep their profile.
/// A setting of the user's for the runtime is kept.
fn optimized_runtime(document: &mut toml_edit::DocumentMut) {
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
    if !packages.contains_key("borrowscope-runtime") {
        let mut runtime = toml_edit::Table::new();
        runtime.insert("opt-level", toml_edit::value(3));
        packages.insert("borrowscope-runtime", toml_edit::Item::Table(runtime));
    }
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

    fn instrumented(text: &str, patterns: &[&str]) -> String {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        instrument(text, &["parser".to_owned()], &patterns).0
    }

    #[test]
    fn every_function_and_impl_gets_the_attribute_and_no_line_moves() {
        let text = "/// Docs.\npub fn a(x: String) {\n    fn inner() {}\n}\nconst fn c() {}\nextern \"C\" fn e() {}\n\
                    impl S {\n    fn m(&self) {}\n}\nmod m {\n    pub(crate) async unsafe fn d() {}\n}\ntrait T { fn t() {} }\n";
        let out = instrumented(text, &[]);
        assert_eq!(out.lines().count(), text.lines().count());
        assert_eq!(
            out,
            "/// Docs.\n#[::borrowscope_macro::trace_borrow] pub fn a(x: String) {\n    fn inner() {}\n}\nconst fn c() {}\nextern \"C\" fn e() {}\n\
             #[::borrowscope_macro::trace_borrow] impl S {\n    fn m(&self) {}\n}\nmod m {\n    \
             #[::borrowscope_macro::trace_borrow] pub(crate) async unsafe fn d() {}\n}\ntrait T { fn t() {} }\n"
        );
    }

    #[test]
    fn a_file_syn_cannot_read_is_instrumented_item_by_item() {
        let text = "pub trait Double {\n    fn double(&self, u32) -> u32;\n}\nmod inner {\n    trait T { fn t(u8); }\n    fn f() {}\n}\nfn g() {}\n";
        assert!(syn::parse_file(text).is_err(), "an edition-2015 unnamed parameter");
        assert_eq!(
            instrumented(text, &[]),
            "pub trait Double {\n    fn double(&self, u32) -> u32;\n}\nmod inner {\n    trait T { fn t(u8); }\n    \
             #[::borrowscope_macro::trace_borrow] fn f() {}\n}\n#[::borrowscope_macro::trace_borrow] fn g() {}\n"
        );
        assert_eq!(instrumented(text, &["inner::f"]).matches("trace_borrow").count(), 1);
    }

    #[test]
    fn items_already_traced_keep_their_own_attribute() {
        let text = "#[trace_borrow(verbose)]\nfn a() { fn b() {} }\n#[borrowscope_macro::trace_borrow]\nimpl S {}\n";
        assert_eq!(instrumented(text, &[]), text);
    }

    #[test]
    fn trace_patterns_select_modules_types_and_functions() {
        let text = "fn parse() {}\nfn print() {}\nimpl Lexer {\n    fn next(&mut self) {}\n    fn peek(&self) {}\n}\n";
        let out = instrumented(text, &["Lexer::peek", "parse"]);
        assert_eq!(
            out,
            "#[::borrowscope_macro::trace_borrow] fn parse() {}\nfn print() {}\nimpl Lexer {\n    fn next(&mut self) {}\n    \
             #[::borrowscope_macro::trace_borrow] fn peek(&self) {}\n}\n"
        );
        // The module selects everything in it; a type its whole `impl`.
        assert_eq!(instrumented(text, &["parser"]).matches("trace_borrow").count(), 3);
        assert!(instrumented(text, &["Lexer"]).contains("trace_borrow] impl Lexer"));
        assert_eq!(instrumented(text, &["lexer"]), text);
        // `*` within a segment.
        assert_eq!(instrumented(text, &["p*t"]), text.replace("fn print", "#[::borrowscope_macro::trace_borrow] fn print"));
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
    fn module_paths_follow_the_file_layout() {
        let package = Path::new("/p");
        assert_eq!(module_path(package, Path::new("/p/src/lib.rs")), Vec::<String>::new());
        assert_eq!(module_path(package, Path::new("/p/src/a/b.rs")), ["a", "b"]);
        assert_eq!(module_path(package, Path::new("/p/src/a/mod.rs")), ["a"]);
        assert_eq!(module_path(package, Path::new("/p/tests/it.rs")), ["it"]);
        assert_eq!(module_path(package, Path::new("/p/src/bin/tool.rs")), ["tool"]);
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
    fn the_root_gets_a_workspace_and_an_optimized_runtime_and_keeps_the_users_settings() {
        let dir = tempfile::tempdir().unwrap();
        let manifest_path = dir.path().join("Cargo.toml");
        std::fs::write(&manifest_path, "[package]\nname = \"app\"\n\n[profile.dev]\nopt-level = 1\n").unwrap();
        let out = manifest(&manifest_path, dir.path(), None, true).unwrap();
        assert!(out.contains("[workspace]"), "{out}");
        assert!(out.contains("[profile.dev]\nopt-level = 1\n"), "{out}");
        assert!(out.contains("[profile.dev.package.borrowscope-runtime]\nopt-level = 3\n"), "{out}");
        let parsed: toml_edit::DocumentMut = out.parse().unwrap();
        assert_eq!(parsed["profile"]["dev"]["package"]["borrowscope-runtime"]["opt-level"].as_integer(), Some(3));

        std::fs::write(&manifest_path, "[workspace]\n\n[profile.dev.package.borrowscope-runtime]\nopt-level = 0\n").unwrap();
        let out = manifest(&manifest_path, dir.path(), None, true).unwrap();
        assert!(out.contains("opt-level = 0") && !out.contains("opt-level = 3"), "the user's setting is kept: {out}");
    }

    fn manifest_for_test(path: &Path, root: &Path) -> String {
        manifest(path, root, Some((Path::new("/rt"), Path::new("/mac"))), false).unwrap()
    }
}
