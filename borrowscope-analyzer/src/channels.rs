//! Channels whose every send and receive the macro instruments, so that the value a receive
//! takes can be linked to the binding that was sent (`linked_channel`, `linked_send`,
//! `linked_recv` sites).
//!
//! The runtime follows a channel's messages with a queue of its own, one entry per message
//! in the order the channel holds them. That queue is exact only when nothing sends or
//! receives on the channel where the macro did not instrument it: one untraced `send` or
//! `recv` would shift every later link onto the wrong message. So a channel is linked only
//! when its whole life is in sight: made by `let (tx, rx) = std::sync::mpsc::channel()` in a
//! traced function, and every use of its two ends, and of every sender cloned from them, in
//! that function's body is one of:
//!
//! - `tx.send(v)`, `rx.recv()`, `rx.try_recv()`, `rx.recv_timeout(d)` (a site each);
//! - a `for` loop over `rx`, `&rx`, `rx.iter()` or `rx.try_iter()` (a site at `for`);
//! - `let t = tx.clone();` (`t` is then an end too);
//! - `drop(tx)`;
//!
//! reached through no closure or `async` block other than `move` closures (a `move` closure
//! carries the queue along; another would have to borrow it), with no end named inside a
//! macro call (which the macro cannot rewrite) and no `cfg` attribute in the body (code the
//! analysis did not see may be compiled). A bounded `sync_channel` is never linked: its
//! `send` blocks, and the runtime's queue is locked across a send.

use ra_ap_hir as hir;
use ra_ap_hir::Semantics;
use ra_ap_ide_db::RootDatabase;
use ra_ap_syntax::ast::{HasArgList, HasAttrs, HasLoopBody, HasName};
use ra_ap_syntax::{AstNode, SyntaxKind, SyntaxNode, SyntaxToken, ast};
use type_info_schema::{Position, Site, SiteKind};

use crate::resolve::{expanded, expanded_as, function_path, is_std, local_of, std_owner};

/// Every linked channel in a file's syntax tree, with its sends and receives.
pub(crate) fn sites(sema: &Semantics<'_, RootDatabase>, text: &str, root: &SyntaxNode) -> Vec<Site> {
    let mut out = Vec::new();
    for stmt in root.descendants().filter_map(ast::LetStmt::cast) {
        let Some((channel, uses)) = linked(sema, &stmt) else { continue };
        let Some(at) = Position::from_byte_offset(text, channel.text_range().start().into()) else { continue };
        let function = function_path(sema, &expanded(sema, stmt.syntax()));
        let site = |token: &SyntaxToken, kind: SiteKind, target: String| {
            let position = Position::from_byte_offset(text, token.text_range().start().into())?;
            Some(Site { line: position.line, column: position.column, kind, target, function: function.clone() })
        };
        let mut found = vec![site(&channel, SiteKind::LinkedChannel, "std::sync::mpsc::channel".to_owned())];
        let target = format!("{}:{}", at.line, at.column);
        found.extend(uses.iter().map(|(token, kind)| site(token, *kind, target.clone())));
        // A position that does not map leaves a use without its site: no link at all.
        if let Some(found) = found.into_iter().collect::<Option<Vec<_>>>() {
            out.extend(found);
        }
    }
    out
}

/// One end of a channel: the local, and whether it sends.
struct End<'db> {
    local: hir::Local<'db>,
    name: String,
    sends: bool,
}

/// The token that keys a linked channel (the first of its `channel` callee) and its sends
/// and receives, if `stmt` makes one.
fn linked(sema: &Semantics<'_, RootDatabase>, stmt: &ast::LetStmt) -> Option<(SyntaxToken, Vec<(SyntaxToken, SiteKind)>)> {
    let db = sema.db;
    if stmt.attrs().next().is_some() || stmt.let_else().is_some() {
        return None;
    }
    let ast::Pat::TuplePat(tuple) = stmt.pat()? else { return None };
    let ends: Vec<ast::Pat> = tuple.fields().collect();
    let [ast::Pat::IdentPat(tx), ast::Pat::IdentPat(rx)] = ends.as_slice() else { return None };
    let ast::Expr::CallExpr(call) = stmt.initializer()? else { return None };
    let ast::Expr::PathExpr(callee) = call.expr()? else { return None };
    let function = resolved_function(sema, &callee)?;
    if !std_function(db, function, "mpsc", "channel") {
        return None;
    }
    let item = stmt.syntax().ancestors().find_map(ast::Fn::cast)?;
    let def = expanded(sema, stmt.syntax()).ancestors().find_map(ast::Fn::cast).and_then(|f| sema.to_def(&f))?;
    if !crate::sites::is_traced(sema, def) {
        return None;
    }
    let body = item.body()?;
    let cfg = body
        .syntax()
        .descendants()
        .filter_map(ast::Attr::cast)
        .any(|a| a.path().and_then(|p| p.segment()).and_then(|s| s.name_ref()).is_some_and(|n| n.text() == "cfg" || n.text() == "cfg_attr"));
    if cfg {
        return None;
    }
    let mut ends = vec![end(sema, tx, true)?, end(sema, rx, false)?];
    let mut uses = Vec::new();
    let mut next = 0;
    while let Some(end) = ends.get(next) {
        next += 1;
        if named_in_macro(body.syntax(), &end.name) {
            return None;
        }
        let (local, sends) = (end.local, end.sends);
        for path in body.syntax().descendants().filter_map(ast::PathExpr::cast) {
            let expanded = expanded_as(sema, &path);
            if local_of(sema, &expanded) != Some(local) {
                continue;
            }
            if !only_move_closures(path.syntax(), stmt.syntax()) {
                return None;
            }
            match use_of(sema, &path, sends)? {
                Use::Site(token, kind) => uses.push((token, kind)),
                Use::Cloned(pat) => ends.push(self::end(sema, &pat, true)?),
                Use::Dropped => {}
            }
        }
    }
    Some((callee.syntax().first_token()?, uses))
}

/// What one use of an end does, when it is one the runtime's queue can follow.
enum Use {
    Site(SyntaxToken, SiteKind),
    /// `let t = tx.clone();`: `t` is a sender of the same channel.
    Cloned(ast::IdentPat),
    Dropped,
}

fn use_of(sema: &Semantics<'_, RootDatabase>, path: &ast::PathExpr, sends: bool) -> Option<Use> {
    let db = sema.db;
    let parent = path.syntax().parent()?;
    if let Some(call) = ast::MethodCallExpr::cast(parent.clone()).filter(|c| c.receiver().is_some_and(|r| r.syntax() == path.syntax())) {
        let name = call.name_ref()?;
        let expanded = expanded_as(sema, &call);
        let function = sema.resolve_method_call(&expanded)?;
        // The type whose `impl` defines the method, or the std trait that declares it
        // (`Clone::clone`, resolved before its `impl` is chosen).
        let owner = std_owner(db, function, true)?;
        let token = name.syntax().first_token()?;
        return match (sends, owner.as_str(), name.text()) {
            (true, "Sender", "send") => Some(Use::Site(token, SiteKind::LinkedSend)),
            (true, "Sender" | "Clone", "clone") => {
                let stmt = call.syntax().parent().and_then(ast::LetStmt::cast)?;
                let clean = stmt.attrs().next().is_none() && stmt.let_else().is_none();
                match stmt.pat()? {
                    ast::Pat::IdentPat(pat) if clean && plain(&pat) => Some(Use::Cloned(pat)),
                    _ => None,
                }
            }
            (false, "Receiver", "recv" | "try_recv" | "recv_timeout") => Some(Use::Site(token, SiteKind::LinkedRecv)),
            (false, "Receiver", "iter" | "try_iter") => for_over(call.syntax()),
            _ => None,
        };
    }
    if !sends {
        if let Some(reference) = ast::RefExpr::cast(parent.clone()) {
            return if reference.mut_token().is_none() { for_over(reference.syntax()) } else { None };
        }
        if ast::ForExpr::can_cast(parent.kind()) {
            return for_over(path.syntax());
        }
    }
    // `drop(end)`.
    let call = parent.parent().and_then(ast::CallExpr::cast).filter(|_| parent.kind() == SyntaxKind::ARG_LIST)?;
    let ast::Expr::PathExpr(callee) = call.expr()? else { return None };
    let function = resolved_function(sema, &callee)?;
    (std_function(db, function, "mem", "drop") && call.arg_list()?.args().count() == 1).then_some(Use::Dropped)
}

/// The `for` loop whose iterable is `node`, as a receive site keyed by `for`.
fn for_over(node: &SyntaxNode) -> Option<Use> {
    let for_expr = node.parent().and_then(ast::ForExpr::cast)?;
    if for_expr.iterable()?.syntax() != node || for_expr.loop_body().is_none() {
        return None;
    }
    Some(Use::Site(for_expr.for_token()?, SiteKind::LinkedRecv))
}

fn end<'db>(sema: &Semantics<'db, RootDatabase>, pat: &ast::IdentPat, sends: bool) -> Option<End<'db>> {
    if !plain(pat) {
        return None;
    }
    let expanded = expanded_as(sema, pat);
    let local = sema.to_def(&expanded)?;
    Some(End { local, name: pat.name()?.text().to_string(), sends })
}

/// `x` or `mut x`: no `ref`, no `@` subpattern.
fn plain(pat: &ast::IdentPat) -> bool {
    pat.ref_token().is_none() && pat.pat().is_none() && pat.name().is_some()
}

/// Whether every closure or `async` block between `node` and `top` is a `move` closure.
fn only_move_closures(node: &SyntaxNode, top: &SyntaxNode) -> bool {
    let Some(scope) = top.parent() else { return false };
    for ancestor in node.ancestors().take_while(|a| a != &scope) {
        if let Some(closure) = ast::ClosureExpr::cast(ancestor.clone()) {
            if closure.move_token().is_none() {
                return false;
            }
        } else if let Some(block) = ast::BlockExpr::cast(ancestor)
            && (block.async_token().is_some() || block.const_token().is_some() || block.gen_token().is_some())
        {
            return false;
        }
    }
    true
}

/// Whether `name` is an identifier inside any macro call under `root`.
fn named_in_macro(root: &SyntaxNode, name: &str) -> bool {
    root.descendants()
        .filter_map(ast::MacroCall::cast)
        .filter_map(|m| m.token_tree())
        .any(|tree| tree.syntax().descendants_with_tokens().filter_map(|t| t.into_token()).any(|t| t.kind() == SyntaxKind::IDENT && t.text() == name))
}

fn resolved_function(sema: &Semantics<'_, RootDatabase>, callee: &ast::PathExpr) -> Option<hir::Function> {
    let expanded = expanded_as(sema, callee);
    match sema.resolve_path(&expanded.path()?)? {
        hir::PathResolution::Def(hir::ModuleDef::Function(function)) => Some(function),
        _ => None,
    }
}

/// Whether `function` is the standard library's `module::name` (`mpsc::channel`).
fn std_function(db: &RootDatabase, function: hir::Function, module: &str, name: &str) -> bool {
    let home = function.module(db);
    is_std(db, home.krate(db)) && function.name(db).as_str() == name && home.name(db).is_some_and(|m| m.as_str() == module)
}
