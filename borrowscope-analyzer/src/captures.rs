//! What closures and `async` blocks do to the bindings they capture (rust-analyzer's capture
//! analysis), and which uses of a binding are inside one that captured it.

use ra_ap_hir as hir;
use ra_ap_hir::Semantics;
use ra_ap_ide_db::RootDatabase;
use ra_ap_syntax::{AstNode, SyntaxNode, ast};
use type_info_schema::{Position, Use, UseKind};

/// What each closure and `async` block in a file's syntax tree does to the bindings it
/// captures, keyed by its first token; also one written in a macro's arguments
/// (`assert_eq!(minima(|i| m[i]), expected)`), found in the macro's expansion.
pub(crate) fn captures(sema: &Semantics<'_, RootDatabase>, text: &str, root: &SyntaxNode) -> Vec<Use> {
    let mut out = Vec::new();
    for node in root.descendants() {
        let is_async_block = ast::BlockExpr::cast(node.clone()).is_some_and(|b| b.async_token().is_some());
        if !(ast::ClosureExpr::can_cast(node.kind()) || is_async_block) {
            continue;
        }
        // An attribute would come first, where the macro does not look.
        let Some(token) = node.first_token().filter(|t| t.text() != "#") else { continue };
        let expanded = sema.descend_into_macros_single_exact(token.clone());
        let node = expanded.parent_ancestors().find(|n| n.kind() == node.kind()).unwrap_or(node);
        closure_uses(sema, text, root, &token, node, &mut out);
    }
    for tree in root.descendants().filter_map(ast::MacroCall::cast).filter_map(|call| call.token_tree()) {
        let firsts =
            tree.syntax().descendants_with_tokens().filter_map(|t| t.into_token()).filter(|t| matches!(t.text(), "|" | "||" | "move" | "async"));
        for token in firsts {
            for expanded in sema.descend_into_macros_exact(token.clone()) {
                let closure = expanded
                    .parent_ancestors()
                    .find(|n| ast::ClosureExpr::can_cast(n.kind()) || ast::BlockExpr::cast(n.clone()).is_some_and(|b| b.async_token().is_some()));
                if let Some(closure) = closure.filter(|c| c.first_token().as_ref() == Some(&expanded)) {
                    closure_uses(sema, text, root, &token, closure, &mut out);
                    break;
                }
            }
        }
    }
    out
}

/// The uses of the closure or `async` block `node` (as rust-analyzer expanded it), keyed by
/// `token`, its first token as written.
fn closure_uses(
    sema: &Semantics<'_, RootDatabase>,
    text: &str,
    root: &SyntaxNode,
    token: &ra_ap_syntax::SyntaxToken,
    node: SyntaxNode,
    out: &mut Vec<Use>,
) {
    let db = sema.db;
    let Some(expr) = ast::Expr::cast(node) else { return };
    let Some(ty) = sema.type_of_expr(&expr).map(|t| t.original) else { return };
    let items = match (ty.as_closure(), ty.as_coroutine()) {
        (Some(closure), _) => closure.captured_items(db),
        (None, Some(coroutine)) => coroutine.captured_items(db),
        (None, None) => return,
    };
    let Some(position) = Position::from_byte_offset(text, token.text_range().start().into()) else { return };
    let mut locals: Vec<hir::Local<'_>> = Vec::new();
    for item in &items {
        if !locals.contains(&item.local()) {
            locals.push(item.local());
        }
    }
    for local in locals {
        let of_local: Vec<_> = items.iter().filter(|i| i.local() == local).collect();
        let name = local.name(db).as_str().to_owned();
        let (kind, reason) = capture_use(db, &of_local, |kind| crate::partial::unless_refilled(sema, kind, expr.syntax(), root, &name));
        out.push(Use { line: position.line, column: position.column, name, kind, reason, ends_with_call: false, never_returns: false });
    }
}

/// What the captures of one binding do to it: a by-value capture of the whole binding moves
/// it (copies it if `Copy`); by-value captures of parts of it leave it whole only when every
/// part is `Copy`; captures by reference borrow it. `refill` judges a move of parts.
fn capture_use(
    db: &RootDatabase,
    captures: &[&hir::ClosureCapture<'_>],
    refill: impl Fn((UseKind, Option<String>)) -> (UseKind, Option<String>),
) -> (UseKind, Option<String>) {
    let by_value: Vec<_> = captures.iter().filter(|c| matches!(c.kind(), hir::CaptureKind::Move)).collect();
    // The whole binding: no field, and no dereference (which would change the type).
    if let Some(whole) = by_value.iter().find(|c| !c.has_field_projections() && c.ty(db) == c.local().ty(db)) {
        return if whole.ty(db).is_copy(db) { (UseKind::Copy, None) } else { (UseKind::Move, None) };
    }
    if by_value.iter().any(|c| !c.ty(db).is_copy(db)) {
        // Every field moved in whole (edition 2021 captures `book.title` and `book.author`,
        // not `book`): moved when nothing that needs dropping stays behind.
        return refill(match crate::partial::captured_fields(db, captures) {
            Some(left) => left.used(),
            None => (UseKind::Unknown, Some("it moves only part of the binding into the closure".to_owned())),
        });
    }
    if by_value.is_empty() && captures.iter().all(|c| matches!(c.kind(), hir::CaptureKind::SharedRef)) {
        return (UseKind::SharedBorrow, None);
    }
    if by_value.is_empty() {
        return (UseKind::MutableBorrow, None);
    }
    (UseKind::Copy, None)
}

/// Whether `path` is in the body of the nearest closure or `async` block around it, and that
/// one captures `local` (declared outside it).
pub(crate) fn captured_here(sema: &Semantics<'_, RootDatabase>, path: &ast::PathExpr, local: hir::Local<'_>) -> bool {
    let around = path
        .syntax()
        .ancestors()
        .skip(1)
        .find(|n| ast::ClosureExpr::can_cast(n.kind()) || ast::BlockExpr::cast(n.clone()).is_some_and(|b| b.async_token().is_some()));
    let Some(ty) = around.and_then(ast::Expr::cast).and_then(|e| sema.type_of_expr(&e)).map(|t| t.original) else { return false };
    let items = match (ty.as_closure(), ty.as_coroutine()) {
        (Some(closure), _) => closure.captured_items(sema.db),
        (None, Some(coroutine)) => coroutine.captured_items(sema.db),
        (None, None) => return false,
    };
    items.iter().any(|item| item.local() == local)
}
