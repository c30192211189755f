//! Uses of local bindings whose kind syntax cannot tell: a binding that is a method call's
//! receiver is moved, copied or borrowed as the resolved method's `self` access, the
//! receiver's autoref and autoderef, and the binding's `Copy`-ness decide.
//!
//! A use is keyed by the binding's name where it is used, the receiver's first token.

use ra_ap_hir as hir;
use ra_ap_hir::Semantics;
use ra_ap_ide_db::RootDatabase;
use ra_ap_syntax::{AstNode, SyntaxNode, ast};
use type_info_schema::{Position, Use, UseKind};

/// Every receiver use in a file's syntax tree.
pub(crate) fn uses(sema: &Semantics<'_, RootDatabase>, text: &str, root: &SyntaxNode) -> Vec<Use> {
    let mut out = Vec::new();
    for call in root.descendants().filter_map(ast::MethodCallExpr::cast) {
        let Some(ast::Expr::PathExpr(receiver)) = call.receiver() else { continue };
        let Some(name) = receiver.path().and_then(|p| p.as_single_name_ref()) else { continue };
        let Some(token) = name.syntax().first_token() else { continue };
        // Inside an item an attribute macro rewrites, analyze the call rust-analyzer expanded
        // (the same code while the analyzer runs); the position stays the user's.
        let expanded = sema.descend_into_macros_single_exact(token.clone());
        let call = expanded
            .parent_ancestors()
            .find_map(ast::PathExpr::cast)
            .and_then(|path| {
                let call = path.syntax().parent().and_then(ast::MethodCallExpr::cast)?;
                (call.receiver()?.syntax() == path.syntax()).then_some((call, path))
            })
            .unwrap_or((call, receiver));
        let (call, receiver) = call;
        let Some(hir::PathResolution::Local(local)) = receiver.path().and_then(|p| sema.resolve_path(&p)) else { continue };
        let Some(position) = Position::from_byte_offset(text, token.text_range().start().into()) else { continue };
        let (kind, reason) = receiver_use(sema, &call, &receiver, local);
        out.push(Use { line: position.line, column: position.column, name: name.text().to_string(), kind, reason });
    }
    out
}

fn unknown(reason: &str) -> (UseKind, Option<String>) {
    (UseKind::Unknown, Some(reason.to_owned()))
}

/// What calling the method does to the receiver binding `local`.
fn receiver_use(
    sema: &Semantics<'_, RootDatabase>,
    call: &ast::MethodCallExpr,
    receiver: &ast::PathExpr,
    local: hir::Local<'_>,
) -> (UseKind, Option<String>) {
    let db = sema.db;
    let Some(function) = sema.resolve_method_call(call) else { return unknown("the method could not be resolved") };
    let Some(self_param) = function.self_param(db) else { return unknown("the method has no `self` parameter") };
    let adjustments = sema.expr_adjustments(&ast::Expr::PathExpr(receiver.clone())).unwrap_or_default();
    let dereferenced = adjustments.iter().any(|a| matches!(a.kind, hir::Adjust::Deref(_)));
    let borrowed = adjustments.iter().rev().find_map(|a| match a.kind {
        hir::Adjust::Borrow(hir::AutoBorrow::Ref(m)) => Some(m),
        _ => None,
    });
    match (borrowed, self_param.access(db)) {
        // Autoref (`v.len()`): the binding, or a place reached through it, is borrowed.
        (Some(hir::Mutability::Shared), _) => (UseKind::SharedBorrow, None),
        (Some(hir::Mutability::Mut), _) => (UseKind::MutableBorrow, None),
        // By value through a dereference: what moves is a place behind the binding.
        (None, hir::Access::Owned) if dereferenced => unknown("a by-value method reached through a dereference"),
        (None, hir::Access::Owned) if local.ty(db).is_unknown() => unknown("the binding's type could not be inferred"),
        (None, hir::Access::Owned) if local.ty(db).is_copy(db) => (UseKind::Copy, None),
        (None, hir::Access::Owned) => (UseKind::Move, None),
        // A reference binding passed as `&self`/`&mut self` itself: copied, or reborrowed.
        (None, hir::Access::Shared) => (UseKind::Copy, None),
        (None, hir::Access::Exclusive) => (UseKind::MutableBorrow, None),
    }
}
