//! Walking a loaded workspace: every binding of the workspace's own crates, with its
//! resolved type, trait facts, initializer kind and enclosing function.

use std::collections::BTreeMap;

use ra_ap_hir as hir;
use ra_ap_hir::{HirDisplay, Semantics};
use ra_ap_ide_db::RootDatabase;
use ra_ap_syntax::ast::HasName;
use ra_ap_syntax::{AstNode, ast};
use type_info_schema::{Binding, ContentHash, FileEntry, Position, ResolvedType, TraitFacts, TypeInfo};

use crate::classify;
use crate::load::Workspace;
use crate::resolve::{expanded_as, function_path};

/// The analysis of a workspace, in the type-info format.
pub fn analyze(ws: &Workspace) -> TypeInfo {
    hir::attach_db(&ws.db, || analyze_attached(ws))
}

fn analyze_attached(ws: &Workspace) -> TypeInfo {
    let db = &ws.db;
    let sema = Semantics::new(db);
    let mut info = TypeInfo::new("borrowscope-analyzer", env!("CARGO_PKG_VERSION"));
    let mut files: BTreeMap<String, FileEntry> = BTreeMap::new();
    for krate in hir::Crate::all(db) {
        if !krate.origin(db).is_local() {
            continue;
        }
        let traits = classify::Traits::find(db, krate);
        let target = hir::DisplayTarget::from_crate(db, krate.into());
        for module in krate.modules(db) {
            let source = module.definition_source(db);
            if !matches!(source.value, hir::ModuleSource::SourceFile(_)) {
                continue;
            }
            let Some(file) = source.file_id.file_id() else { continue };
            let Some(path) = relative_path(ws, file.file_id(db)) else { continue };
            if files.contains_key(&path) {
                continue;
            }
            let Ok(bytes) = std::fs::read(ws.root.join(&path)) else { continue };
            files.insert(path, file_entry(&sema, &traits, target, file, ContentHash::of(&bytes)));
        }
    }
    info.files = files;
    info.normalize();
    info
}

/// What the analysis knows about one source file (whose bytes hash to `hash`): its bindings,
/// sites and uses.
pub(crate) fn file_entry(
    sema: &Semantics<'_, RootDatabase>,
    traits: &classify::Traits,
    target: hir::DisplayTarget,
    file: hir::EditionedFileId,
    hash: ContentHash,
) -> FileEntry {
    let mut entry = FileEntry::new(hash);
    let tree = sema.parse(file);
    let text = tree.syntax().text().to_string();
    for pat in tree.syntax().descendants().filter_map(ast::IdentPat::cast) {
        let offset = pat.name().map(|n| n.syntax().text_range().start().into());
        if let Some(binding) = offset.and_then(|offset| binding(sema, traits, target, &text, &pat, offset)) {
            entry.bindings.push(binding);
        }
    }
    // The bindings a macro's arguments make (a closure's parameters in `assert_eq!(..)`'s),
    // found in its expansion by their name's token, keyed where the user wrote them.
    for call in tree.syntax().descendants().filter_map(ast::MacroCall::cast) {
        let Some(arguments) = call.token_tree() else { continue };
        let names =
            arguments.syntax().descendants_with_tokens().filter_map(|e| e.into_token()).filter(|t| t.kind() == ra_ap_syntax::SyntaxKind::IDENT);
        for name in names {
            let Ok([expanded]) = sema.descend_into_macros_exact(name.clone()).into_inner() else { continue };
            let Some(pat) = expanded.parent().filter(|n| ast::Name::can_cast(n.kind())).and_then(|n| n.parent()).and_then(ast::IdentPat::cast) else {
                continue;
            };
            if let Some(binding) = binding(sema, traits, target, &text, &pat, name.text_range().start().into()) {
                entry.bindings.push(binding);
            }
        }
    }
    entry.sites = crate::sites::sites(sema, &text, tree.syntax());
    entry.sites.extend(crate::channels::sites(sema, &text, tree.syntax()));
    entry.uses = crate::uses::uses(sema, &text, tree.syntax());
    entry.uses.extend(crate::captures::captures(sema, &text, tree.syntax()));
    entry.uses.extend(crate::uses::calls(sema, &text, tree.syntax()));
    entry.uses.extend(crate::uses::scrutinees(sema, &text, tree.syntax()));
    entry.uses.extend(crate::uses::values(sema, &text, tree.syntax()));
    let in_macros = crate::macro_uses::macro_scrutinees(sema, &text, tree.syntax(), &entry.uses);
    entry.uses.extend(in_macros);
    crate::settle::settle(sema, &mut entry.uses, &text, tree.syntax());
    crate::settle::macro_moves(sema, &mut entry.uses, &text, tree.syntax());
    entry
}

/// The workspace-relative path of a file, with forward slashes; `None` outside the root.
fn relative_path(ws: &Workspace, file: ra_ap_vfs::FileId) -> Option<String> {
    let path = ws.vfs.file_path(file).as_path()?.to_owned();
    let relative = std::path::Path::new(path.as_str()).strip_prefix(&ws.root).ok()?;
    Some(relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
}

/// The binding `pat` makes, keyed by `offset` (of its name where the user wrote it).
fn binding(
    sema: &Semantics<'_, RootDatabase>,
    traits: &classify::Traits,
    target: hir::DisplayTarget,
    text: &str,
    pat: &ast::IdentPat,
    offset: usize,
) -> Option<Binding> {
    let db = sema.db;
    let name = pat.name()?;
    // Inside an item an attribute macro rewrites (`#[trace_borrow]`, which passes its input
    // through while the analyzer runs), rust-analyzer knows the expanded pattern: descend into
    // the expansion, and resolve and classify the pattern found there.
    let pat = &expanded_as(sema, pat);
    let local = sema.to_def(pat)?;
    let position = Position::from_byte_offset(text, offset)?;
    let ty = local.ty(db);
    let (ty_text, facts) = if ty.is_unknown() {
        (ResolvedType::Unknown { unknown: "the type could not be inferred".to_owned() }, None)
    } else {
        (ResolvedType::Known(ty.display_truncated(db, None, target).to_string()), Some(traits.facts(db, &ty)))
    };
    let declared_type = declared_type(sema, pat).filter(|declared| match &ty_text {
        ResolvedType::Known(resolved) => declared != resolved,
        ResolvedType::Unknown { .. } => true,
    });
    Some(Binding {
        line: position.line,
        column: position.column,
        name: name.text().to_string(),
        ty: ty_text,
        declared_type,
        kind: classify::initializer(sema, pat),
        factory: classify::factory(sema, pat),
        function: function_path(sema, pat.syntax()),
        traits: facts.map(|f: TraitFacts| f),
    })
}

/// The type as the user wrote it: the `let`'s annotation, or the alias a constructor is
/// called through (`MyRc::new(1)` is a `MyRc`).
fn declared_type(sema: &Semantics<'_, RootDatabase>, pat: &ast::IdentPat) -> Option<String> {
    let local = pat.syntax().ancestors().find_map(ast::LetStmt::cast)?;
    // Only for a binding that is the whole pattern; in `(a, b)` the annotation is the tuple's.
    if local.pat()?.syntax() != pat.syntax() {
        return None;
    }
    if let Some(ty) = local.ty() {
        return Some(ty.syntax().text().to_string());
    }
    let ast::Expr::CallExpr(call) = local.initializer()? else { return None };
    let ast::Expr::PathExpr(callee) = call.expr()? else { return None };
    let qualifier = callee.path()?.qualifier()?;
    match sema.resolve_path(&qualifier)? {
        hir::PathResolution::Def(hir::ModuleDef::TypeAlias(alias)) => Some(alias.name(sema.db).as_str().to_owned()),
        _ => None,
    }
}
