//! Expression sites syntax cannot classify: FFI and `unsafe fn` calls, calls of functions
//! returning smart pointers, union field accesses, static reads and writes, const uses,
//! clones, locks and RefCell borrows by the receiver's type, raw-pointer dereferences.
//!
//! A site is keyed by the token that names the operation: the method name of a method call,
//! the field name of a field access, the `*` of a dereference, the first token of a path.

use ra_ap_hir as hir;
use ra_ap_hir::{HirDisplay, Semantics};
use ra_ap_ide_db::RootDatabase;
use ra_ap_syntax::ast::HasArgList;
use ra_ap_syntax::{AstNode, SyntaxNode, SyntaxToken, ast};
use type_info_schema::{Position, Site, SiteKind};

use crate::resolve::{std_adt, std_owner};

/// Every site in a file's syntax tree.
pub(crate) fn sites(sema: &Semantics<'_, RootDatabase>, text: &str, root: &SyntaxNode) -> Vec<Site> {
    let mut out = Vec::new();
    for node in root.descendants() {
        let Some(key) = key_token(&node) else { continue };
        // Inside an item an attribute macro rewrites, rust-analyzer knows the expanded node:
        // descend by the key token and analyze the node of the same kind found there. The
        // position stays the user's.
        let expanded_token = sema.descend_into_macros_single_exact(key.clone());
        let expanded = expanded_token.parent_ancestors().find(|n| n.kind() == node.kind()).unwrap_or_else(|| node.clone());
        let found = if let Some(call) = ast::CallExpr::cast(expanded.clone()) {
            call_site(sema, &call)
        } else if let Some(call) = ast::MethodCallExpr::cast(expanded.clone()) {
            method_site(sema, &call)
        } else if let Some(field) = ast::FieldExpr::cast(expanded.clone()) {
            field_site(sema, &field)
        } else if let Some(path) = ast::PathExpr::cast(expanded.clone()) {
            path_site(sema, &path)
        } else if let Some(prefix) = ast::PrefixExpr::cast(expanded.clone()) {
            deref_site(sema, &prefix)
        } else {
            None
        };
        let found = found.or_else(|| ast::MacroCall::cast(node.clone()).and_then(|call| expression_macro(sema, &call)));
        let traced = traced_call(sema, &expanded);
        for (_, kind, target) in found.into_iter().chain(traced) {
            if let Some(position) = Position::from_byte_offset(text, key.text_range().start().into()) {
                let function = crate::resolve::function_path(sema, &expanded);
                out.push(Site { line: position.line, column: position.column, kind, target, function });
            }
        }
    }
    out
}

/// The token that names a node's operation, which keys its site: the method or field name,
/// the `*` of a dereference, the first token of a call or path.
fn key_token(node: &SyntaxNode) -> Option<SyntaxToken> {
    if let Some(call) = ast::MethodCallExpr::cast(node.clone()) {
        return call.name_ref()?.syntax().first_token();
    }
    if let Some(field) = ast::FieldExpr::cast(node.clone()) {
        return field.name_ref()?.syntax().first_token();
    }
    if let Some(prefix) = ast::PrefixExpr::cast(node.clone()) {
        return prefix.op_token();
    }
    if ast::CallExpr::can_cast(node.kind()) || ast::PathExpr::can_cast(node.kind()) {
        return node.first_token();
    }
    if let Some(call) = ast::MacroCall::cast(node.clone()) {
        return call.path()?.segment()?.name_ref()?.syntax().first_token();
    }
    None
}

/// A macro call whose one argument (a call or a method call) its expansion evaluates once,
/// before anything else: the scrutinee of a `match` that is the whole expansion, after any
/// items (`ready!(e)` as the standard library, the `futures` crates and many crates of their
/// own define it: `{ use Poll; match e { Poll::Ready(t) => t, Poll::Pending => return
/// Poll::Pending } }`). Its argument can be instrumented as any expression.
fn expression_macro(sema: &Semantics<'_, RootDatabase>, call: &ast::MacroCall) -> Found {
    let name = call.path()?.segment()?.name_ref()?.syntax().first_token()?;
    let tree = call.token_tree()?;
    // The argument's first and last tokens (a nested group's are its delimiters), past the
    // tree's delimiters and a trailing comma; each found once in the expansion.
    let mut parts: Vec<ra_ap_syntax::SyntaxElement> = tree.syntax().children_with_tokens().filter(|t| !t.kind().is_trivia()).collect();
    if parts.len() < 3 {
        return None;
    }
    parts.remove(0);
    parts.pop();
    if parts.last().is_some_and(|t| t.kind() == ra_ap_syntax::SyntaxKind::COMMA) {
        parts.pop();
    }
    let edge = |part: &ra_ap_syntax::SyntaxElement, first: bool| match part {
        ra_ap_syntax::NodeOrToken::Token(t) => Some(t.clone()),
        ra_ap_syntax::NodeOrToken::Node(n) if first => n.first_token(),
        ra_ap_syntax::NodeOrToken::Node(n) => n.last_token(),
    };
    let [first] = sema.descend_into_macros_exact(edge(parts.first()?, true)?).into_inner().ok()?;
    let [last] = sema.descend_into_macros_exact(edge(parts.last()?, false)?).into_inner().ok()?;
    let argument = first
        .parent_ancestors()
        .filter_map(ast::Expr::cast)
        .find(|e| e.syntax().text_range().start() == first.text_range().start() && e.syntax().text_range().end() == last.text_range().end())?;
    if !matches!(argument, ast::Expr::CallExpr(_) | ast::Expr::MethodCallExpr(_)) {
        return None;
    }
    // A fragment the expansion put in parentheses of its own.
    let mut fragment = argument.syntax().clone();
    while let Some(parens) = fragment.parent().filter(|p| p.kind() == ra_ap_syntax::SyntaxKind::PAREN_EXPR) {
        fragment = parens;
    }
    let scrutinee = ast::MatchExpr::cast(fragment.parent()?)?;
    if scrutinee.expr()?.syntax() != &fragment {
        return None;
    }
    // Nothing is evaluated before the `match`: every node around it holds only items besides.
    let mut inner = scrutinee.syntax().clone();
    for around in scrutinee.syntax().ancestors().skip(1) {
        let only_items = around
            .children()
            .filter(|c| c != &inner)
            .all(|c| ast::Item::can_cast(c.kind()) || ast::Stmt::cast(c.clone()).is_some_and(|s| matches!(s, ast::Stmt::Item(_))));
        let kind = around.kind();
        use ra_ap_syntax::SyntaxKind as K;
        if !matches!(kind, K::BLOCK_EXPR | K::STMT_LIST | K::MACRO_STMTS | K::MACRO_EXPR | K::EXPR_STMT | K::PAREN_EXPR) || !only_items {
            return None;
        }
        inner = around;
    }
    Some((name, SiteKind::ExprMacro, call.path()?.syntax().text().to_string()))
}

type Found = Option<(SyntaxToken, SiteKind, String)>;

fn display(sema: &Semantics<'_, RootDatabase>, ty: &hir::Type<'_>, node: &SyntaxNode) -> String {
    let db = sema.db;
    let krate = sema.scope(node).map(|s| s.krate());
    match krate {
        Some(krate) => ty.display_truncated(db, None, hir::DisplayTarget::from_crate(db, krate.into())).to_string(),
        None => String::new(),
    }
}

fn call_site(sema: &Semantics<'_, RootDatabase>, call: &ast::CallExpr) -> Found {
    let ast::Expr::PathExpr(callee) = call.expr()? else { return None };
    let path = callee.path()?;
    let hir::PathResolution::Def(hir::ModuleDef::Function(function)) = sema.resolve_path(&path)? else { return None };
    let token = callee.syntax().first_token()?;
    let target = path.syntax().text().to_string();
    function_site(sema, function, call.syntax(), token, target)
}

/// The site of a call of `function` (a plain or method call).
fn function_site(sema: &Semantics<'_, RootDatabase>, function: hir::Function, node: &SyntaxNode, token: SyntaxToken, target: String) -> Found {
    let db = sema.db;
    if function.extern_block(db).is_some() {
        return Some((token, SiteKind::FfiCall, target));
    }
    // More arguments than parameters (past a C variadic's, which is FFI above): an intrinsic
    // whose last arguments are const generics (`_mm_alignr_epi8(a, b, 15)`,
    // `#[rustc_legacy_const_generics]`), which the call must name directly; recording before
    // it would pass the callee through a function.
    let arguments = ast::CallExpr::cast(node.clone()).and_then(|c| c.arg_list()).map_or(0, |list| list.args().count());
    if arguments > function.params_without_self(db).len() + usize::from(function.self_param(db).is_some()) {
        return None;
    }
    let caller = node.ancestors().find_map(ast::Fn::cast).and_then(|f| sema.to_def(&f));
    // Whether a call is unsafe depends on the caller's edition: `std::env::set_var` is an
    // `unsafe fn` to code of edition 2024 only.
    let edition = sema.scope(node).map_or_else(|| function.module(db).krate(db).edition(db), |scope| scope.krate().edition(db));
    if function.is_unsafe_to_call(db, caller, edition) {
        return Some((token, SiteKind::UnsafeFnCall, target));
    }
    let from_std = crate::resolve::is_std(db, function.module(db).krate(db));
    if !from_std && matches!(std_adt(db, &function.ret_type(db)).as_deref(), Some("Rc" | "Arc" | "Box")) {
        return Some((token, SiteKind::PointerFactoryCall, target));
    }
    None
}

fn method_site(sema: &Semantics<'_, RootDatabase>, call: &ast::MethodCallExpr) -> Found {
    let db = sema.db;
    let name = call.name_ref()?;
    let token = name.syntax().first_token()?;
    let function = sema.resolve_method_call(call)?;
    let method = name.text().to_string();
    // The type that defines the method (a `Mutex` reached through an `Arc` by auto-deref).
    let owner = std_owner(db, function, false);
    let receiver = call.receiver().and_then(|r| sema.type_of_expr(&r)).map(|t| t.original.strip_references());
    let receiver_text = receiver.as_ref().map(|t| display(sema, t, call.syntax())).unwrap_or_default();
    let receiver_std = receiver.as_ref().and_then(|t| std_adt(db, t));
    let kind = match (method.as_str(), owner.as_deref(), receiver_std.as_deref()) {
        ("clone", _, Some("Rc")) => Some(SiteKind::RcClone),
        ("clone", _, Some("Arc")) => Some(SiteKind::ArcClone),
        ("clone", _, Some("Weak")) => Some(SiteKind::WeakClone),
        ("clone", _, _) => Some(SiteKind::GenericClone),
        ("lock" | "try_lock", Some("Mutex"), _) => Some(SiteKind::MutexLock),
        ("read" | "try_read", Some("RwLock"), _) => Some(SiteKind::RwLockRead),
        ("write" | "try_write", Some("RwLock"), _) => Some(SiteKind::RwLockWrite),
        ("borrow" | "try_borrow", Some("RefCell"), _) => Some(SiteKind::RefCellBorrow),
        ("borrow_mut" | "try_borrow_mut", Some("RefCell"), _) => Some(SiteKind::RefCellBorrowMut),
        _ => None,
    };
    match kind {
        Some(kind) => Some((token, kind, receiver_text)),
        None => function_site(sema, function, call.syntax(), token, method),
    }
}

/// A call of a function `#[trace_borrow]` instruments (the attribute on it or on its `impl`
/// block, not under `cfg_attr`), which returns: its parameters and its returned binding are
/// linked to the caller's arguments and binding. Method syntax, or a path call of a function
/// without `self` (a method called by path takes its receiver as the first argument, which
/// would shift the arguments against the parameters).
fn traced_call(sema: &Semantics<'_, RootDatabase>, node: &SyntaxNode) -> Found {
    let db = sema.db;
    let (function, token, target) = if let Some(call) = ast::CallExpr::cast(node.clone()) {
        let ast::Expr::PathExpr(callee) = call.expr()? else { return None };
        let path = callee.path()?;
        let hir::PathResolution::Def(hir::ModuleDef::Function(function)) = sema.resolve_path(&path)? else { return None };
        if function.self_param(db).is_some() {
            return None;
        }
        (function, callee.syntax().first_token()?, path.segment()?.name_ref()?.text().to_string())
    } else if let Some(call) = ast::MethodCallExpr::cast(node.clone()) {
        let name = call.name_ref()?;
        (sema.resolve_method_call(&call)?, name.syntax().first_token()?, name.text().to_string())
    } else {
        return None;
    };
    if crate::resolve::is_std(db, function.module(db).krate(db)) || function.ret_type(db).is_never() || !is_traced(sema, function) {
        return None;
    }
    Some((token, SiteKind::TracedCall, target))
}

/// Whether `#[trace_borrow]` is written on the function or on the `impl` block around it. An
/// attribute macro's expansion replaces the item: the attribute is then on the item the
/// expansion came from.
pub(crate) fn is_traced(sema: &Semantics<'_, RootDatabase>, function: hir::Function) -> bool {
    use ra_ap_syntax::ast::HasAttrs;
    let db = sema.db;
    let Some(source) = hir::HasSource::source(function, db) else { return false };
    let traced = |node: &SyntaxNode| {
        node.ancestors().filter(|n| ast::Fn::can_cast(n.kind()) || ast::Impl::can_cast(n.kind())).any(|item| {
            let attrs: Vec<ast::Attr> = match (ast::Fn::cast(item.clone()), ast::Impl::cast(item)) {
                (Some(f), _) => f.attrs().collect(),
                (None, Some(i)) => i.attrs().collect(),
                (None, None) => Vec::new(),
            };
            attrs.iter().any(|a| a.path().and_then(|p| p.segment()).and_then(|s| s.name_ref()).is_some_and(|n| n.text() == "trace_borrow"))
        })
    };
    let (mut file, mut node) = (source.file_id, source.value.syntax().clone());
    // A few levels of expansion at most: the attribute's own, and a macro around it.
    for _ in 0..4 {
        if traced(&node) {
            return true;
        }
        let Some(call) = file.call_node(db) else { return false };
        (file, node) = (call.file_id, call.value);
    }
    false
}

fn field_site(sema: &Semantics<'_, RootDatabase>, field: &ast::FieldExpr) -> Found {
    let db = sema.db;
    let receiver = sema.type_of_expr(&field.expr()?)?.original.strip_references();
    let hir::Adt::Union(union) = receiver.as_adt()? else { return None };
    let name = field.name_ref()?;
    let target = format!("{}.{}", union.name(db).as_str(), name.text());
    Some((name.syntax().first_token()?, SiteKind::UnionFieldAccess, target))
}

fn path_site(sema: &Semantics<'_, RootDatabase>, path_expr: &ast::PathExpr) -> Found {
    let path = path_expr.path()?;
    let token = path_expr.syntax().first_token()?;
    let target = path.syntax().text().to_string();
    match sema.resolve_path(&path)? {
        hir::PathResolution::Def(hir::ModuleDef::Static(_)) => {
            let kind = if is_written(path_expr.syntax()) { SiteKind::StaticWrite } else { SiteKind::StaticRead };
            Some((token, kind, target))
        }
        hir::PathResolution::Def(hir::ModuleDef::Const(_)) => Some((token, SiteKind::ConstUse, target)),
        _ => None,
    }
}

/// Whether a place is written: the left side of `=` or `op=`, or borrowed `&mut`.
fn is_written(place: &SyntaxNode) -> bool {
    let Some(parent) = place.parent() else { return false };
    if let Some(bin) = ast::BinExpr::cast(parent.clone()) {
        let assigns = matches!(bin.op_kind(), Some(ast::BinaryOp::Assignment { .. }));
        return assigns && bin.lhs().is_some_and(|lhs| lhs.syntax() == place);
    }
    ast::RefExpr::cast(parent).is_some_and(|r| r.mut_token().is_some())
}

fn deref_site(sema: &Semantics<'_, RootDatabase>, prefix: &ast::PrefixExpr) -> Found {
    if prefix.op_kind() != Some(ast::UnaryOp::Deref) {
        return None;
    }
    let operand = sema.type_of_expr(&prefix.expr()?)?.original;
    if !operand.is_raw_ptr() {
        return None;
    }
    let target = display(sema, &operand, prefix.syntax());
    Some((prefix.op_token()?, SiteKind::RawPtrDeref, target))
}
