//! Where a binding's name stands in the syntax tree: a place rather than a value (a
//! receiver, a callee, a scrutinee, what an assignment writes, including the places of a
//! destructuring assignment's left side), or the value a pattern takes apart.

use ra_ap_hir::Semantics;
use ra_ap_ide_db::RootDatabase;
use ra_ap_syntax::{AstNode, SyntaxKind, ast};

/// The pattern of a `let` (other than a plain name) or `if let`/`while let` whose value is
/// the path `path` (the child of `parent`).
pub(crate) fn destructured_by(parent: &ra_ap_syntax::SyntaxNode, path: &ast::PathExpr) -> Option<ast::Pat> {
    let (pat, value) = if let Some(stmt) = ast::LetStmt::cast(parent.clone()) {
        (stmt.pat()?, stmt.initializer()?)
    } else {
        let cond = ast::LetExpr::cast(parent.clone())?;
        (cond.pat()?, cond.expr()?)
    };
    let plain = matches!(&pat, ast::Pat::IdentPat(p) if p.pat().is_none());
    (value.syntax() == path.syntax() && !plain).then_some(pat)
}

/// Whether `node` is (a field chain within) a place that the left side of a destructuring
/// assignment writes: `x` and `s.f` in `(x, [s.f, _]) = v`, `S { a: x }`, `T(x)`.
pub(crate) fn assignee(node: &ra_ap_syntax::SyntaxNode) -> bool {
    let mut child = node.clone();
    while let Some(up) = child.parent().filter(|p| ast::FieldExpr::can_cast(p.kind())) {
        child = up;
    }
    let mut inside = false;
    while let Some(up) = child.parent() {
        if let Some(bin) = ast::BinExpr::cast(up.clone())
            && bin.op_kind().is_some_and(|op| matches!(op, ast::BinaryOp::Assignment { op: None }))
        {
            return inside && bin.lhs().is_some_and(|l| l.syntax() == &child);
        }
        inside = true;
        if !destructuring(&up) && !matches!(up.kind(), SyntaxKind::ARG_LIST | SyntaxKind::RECORD_EXPR_FIELD | SyntaxKind::RECORD_EXPR_FIELD_LIST) {
            return false;
        }
        child = up;
    }
    false
}

/// Whether an assignment's left side of this kind destructures the value rather than naming
/// one place: a tuple, an array, a struct or tuple struct, `_`, or one of them in parentheses.
pub(crate) fn destructuring(node: &ra_ap_syntax::SyntaxNode) -> bool {
    match node.kind() {
        SyntaxKind::TUPLE_EXPR | SyntaxKind::ARRAY_EXPR | SyntaxKind::RECORD_EXPR | SyntaxKind::CALL_EXPR | SyntaxKind::UNDERSCORE_EXPR => true,
        SyntaxKind::PAREN_EXPR => ast::ParenExpr::cast(node.clone()).and_then(|p| p.expr()).is_some_and(|e| destructuring(e.syntax())),
        _ => false,
    }
}

/// Whether `child` is, in `parent`, a place rather than a value: a method call's receiver, a
/// callee, a `match` scrutinee, an assignment's left side, an indexed base, a prefix
/// operator's operand (each has a pass of its own, or uses no value).
pub(crate) fn placed(parent: &ra_ap_syntax::SyntaxNode, child: &ra_ap_syntax::SyntaxNode) -> bool {
    let is_child = |e: Option<ast::Expr>| e.is_some_and(|e| e.syntax() == child);
    ast::MethodCallExpr::cast(parent.clone()).is_some_and(|c| is_child(c.receiver()))
        || ast::CallExpr::cast(parent.clone()).is_some_and(|c| is_child(c.expr()))
        || ast::MatchExpr::cast(parent.clone()).is_some_and(|m| is_child(m.expr()))
        || ast::BinExpr::cast(parent.clone())
            .is_some_and(|b| b.op_kind().is_some_and(|op| matches!(op, ast::BinaryOp::Assignment { .. })) && is_child(b.lhs()))
        || ast::IndexExpr::cast(parent.clone()).is_some_and(|i| is_child(i.base()))
        || ast::PrefixExpr::can_cast(parent.kind())
}

/// Whether a field of a binding named `name` is given a value (`name.f = ..`, `name.0.g =
/// ..`), or what it points to (`*name = ..`), in the function around `node`, or anywhere in
/// the file when `node` is in no function of it (a macro's expansion). A field or a box's
/// content moved out is filled again by such an assignment, and the binding then holds a value
/// to drop. By name, so a binding it shadows counts too. Only an assignment that can run
/// after the use counts: one written after it, in a loop around both, or in a closure (called
/// whenever); one before it in straight-line code gave the field its value before the move.
pub(crate) fn refilled(sema: &Semantics<'_, RootDatabase>, node: &ra_ap_syntax::SyntaxNode, file: &ra_ap_syntax::SyntaxNode, name: &str) -> bool {
    let scope = node.ancestors().find(|n| ast::Fn::can_cast(n.kind())).unwrap_or_else(|| file.clone());
    // Compared where they are written: an attribute macro's expansion (the instrumented body
    // and, behind the gate, the body as written) holds each of them twice.
    let used = sema.original_range_opt(node);
    let may_follow = |bin: &ast::BinExpr| {
        let Some(used) = used else { return true };
        let Some(at) = sema.original_range_opt(bin.syntax()).filter(|at| at.file_id == used.file_id) else { return true };
        at.range.start() >= used.range.end()
            || bin.syntax().ancestors().take_while(|a| a != &scope).any(|a| {
                ast::ClosureExpr::can_cast(a.kind())
                    || (matches!(a.kind(), SyntaxKind::LOOP_EXPR | SyntaxKind::WHILE_EXPR | SyntaxKind::FOR_EXPR)
                        && sema.original_range_opt(&a).is_none_or(|l| l.range.contains_range(used.range)))
            })
    };
    scope.descendants().filter_map(ast::BinExpr::cast).any(|bin| {
        if !bin.op_kind().is_some_and(|op| matches!(op, ast::BinaryOp::Assignment { op: None })) || !may_follow(&bin) {
            return false;
        }
        let names = |e: Option<ast::Expr>| match e {
            Some(ast::Expr::PathExpr(root)) => root.path().and_then(|p| p.as_single_name_ref()).is_some_and(|n| n.text() == name),
            _ => false,
        };
        // `*b = ..`: a box whose content moved out is filled again.
        if let Some(ast::Expr::PrefixExpr(deref)) = bin.lhs()
            && deref.op_kind() == Some(ast::UnaryOp::Deref)
        {
            return names(deref.expr());
        }
        let Some(ast::Expr::FieldExpr(mut field)) = bin.lhs() else { return false };
        loop {
            match field.expr() {
                Some(ast::Expr::FieldExpr(inner)) => field = inner,
                inner => return names(inner),
            }
        }
    })
}
