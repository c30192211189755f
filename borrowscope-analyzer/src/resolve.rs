//! What rust-analyzer resolves, asked the same way by every module: the node in the
//! expansion of the attribute around it, the path of a function, the binding a path names,
//! and the standard-library types that define a function or are a type.

use ra_ap_base_db::CrateOrigin;
use ra_ap_hir as hir;
use ra_ap_hir::{AsAssocItem, Semantics};
use ra_ap_ide_db::RootDatabase;
use ra_ap_syntax::{AstNode, SyntaxNode, ast};

/// The node of the same kind in the expansion rust-analyzer made of an attribute macro
/// around `node` (`#[trace_borrow]` passes its input through while the analyzer runs), found
/// by its first token; `node` itself outside one.
pub(crate) fn expanded(sema: &Semantics<'_, RootDatabase>, node: &SyntaxNode) -> SyntaxNode {
    let Some(token) = node.first_token() else { return node.clone() };
    sema.descend_into_macros_single_exact(token).parent_ancestors().find(|n| n.kind() == node.kind()).unwrap_or_else(|| node.clone())
}

/// `expanded` for a typed node.
pub(crate) fn expanded_as<N: AstNode + Clone>(sema: &Semantics<'_, RootDatabase>, node: &N) -> N {
    N::cast(expanded(sema, node.syntax())).unwrap_or_else(|| node.clone())
}

/// The path of the function (or closure's function) around a node: `krate::module::Type::name`.
pub(crate) fn function_path(sema: &Semantics<'_, RootDatabase>, node: &SyntaxNode) -> String {
    let Some(function) = node.ancestors().find_map(ast::Fn::cast).and_then(|f| sema.to_def(&f)) else {
        return String::new();
    };
    path_of(sema.db, function)
}

/// The path of a function: `krate::module::Type::name`.
pub(crate) fn path_of(db: &RootDatabase, function: hir::Function) -> String {
    let module = function.module(db);
    let mut parts: Vec<String> = module.path_to_root(db).iter().rev().filter_map(|m| m.name(db)).map(|n| n.as_str().to_owned()).collect();
    parts.insert(0, module.krate(db).display_name(db).map(|n| n.to_string()).unwrap_or_default());
    if let Some(hir::AssocItemContainer::Impl(imp)) = function.as_assoc_item(db).map(|a| a.container(db))
        && let Some(adt) = imp.self_ty(db).as_adt()
    {
        parts.push(adt.name(db).as_str().to_owned());
    }
    parts.push(function.name(db).as_str().to_owned());
    parts.join("::")
}

/// The local binding a path resolves to.
pub(crate) fn local_of<'db>(sema: &Semantics<'db, RootDatabase>, path: &ast::PathExpr) -> Option<hir::Local<'db>> {
    match sema.resolve_path(&path.path()?)? {
        hir::PathResolution::Local(local) => Some(local),
        _ => None,
    }
}

/// Whether a crate is one of the standard library's (core, alloc, std...).
pub(crate) fn is_std(db: &RootDatabase, krate: hir::Crate) -> bool {
    matches!(krate.origin(db), CrateOrigin::Lang(_))
}

/// A std (core, alloc, std) type's name, if `ty` is one.
pub(crate) fn std_adt(db: &RootDatabase, ty: &hir::Type<'_>) -> Option<String> {
    let adt = ty.as_adt()?;
    is_std(db, adt.module(db).krate(db)).then(|| adt.name(db).as_str().to_owned())
}

/// Where a std function is defined: the std type whose `impl` holds it (a `Mutex` method
/// reached through an `Arc` by auto-deref is `Mutex`'s), or, with `traits`, the std trait
/// that declares it (`Clone::clone`, resolved before its `impl` is chosen).
pub(crate) fn std_owner(db: &RootDatabase, function: hir::Function, traits: bool) -> Option<String> {
    match function.as_assoc_item(db)?.container(db) {
        hir::AssocItemContainer::Impl(imp) => std_adt(db, &imp.self_ty(db)),
        hir::AssocItemContainer::Trait(t) if traits => is_std(db, t.module(db).krate(db)).then(|| t.name(db).as_str().to_owned()),
        hir::AssocItemContainer::Trait(_) => None,
    }
}
