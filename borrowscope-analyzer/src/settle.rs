//! A binding moved out of part by part more than once (two fields, a field and a pattern, two
//! arms' worth of uses): what stays at its end depends on which of the moves ran. When they
//! are fields taken one after the other on one path (`let a = p.a; let b = p.b;`, `(self.a,
//! self.b)`), each that runs ran after the ones before it, and the last leaves what every one
//! of them left: the binding is moved by the last when nothing that needs dropping stays, and
//! in part by each otherwise. Parts taken on paths that never both run (two arms of a
//! `match`), or each from a value made from the binding's own (`v = S { a, ..v }`), are each
//! a move in part. Any other such uses are "unknown". A field taken from a binding whose other
//! fields' need of dropping depends on type parameters (`rhs.numer` of a `Ratio<T>`) is
//! settled here too: the last of fields taken in turn that leave nothing moves the binding,
//! and the others stay "unknown" (what stays after them depends on the type).

use ra_ap_hir as hir;
use ra_ap_hir::Semantics;
use ra_ap_ide_db::RootDatabase;
use ra_ap_syntax::{AstNode, SyntaxKind, SyntaxNode, ast};
use type_info_schema::{Position, Use, UseKind};

use crate::resolve::{expanded, expanded_as, local_of};

/// A partial use's binding: its name and function, and the binding itself where the use is a
/// path that resolves to it.
struct Key<'db> {
    name: String,
    function: Option<usize>,
    local: Option<hir::Local<'db>>,
}

impl Key<'_> {
    /// Whether two uses may be of one binding: of one name in one function, and not two
    /// bindings known apart (one shadowing the other).
    fn may_meet(&self, other: &Self) -> bool {
        self.name == other.name && self.function == other.function && (self.local.is_none() || other.local.is_none() || self.local == other.local)
    }
}

/// Settles the partial moves of `uses`, found in `root` (whose text is `text`): a binding's
/// one partial move stays one; several become a move by the last (or stay partial moves)
/// when they are fields taken in turn, and "unknown" otherwise.
pub(crate) fn settle(sema: &Semantics<'_, RootDatabase>, uses: &mut [Use], text: &str, root: &SyntaxNode) {
    let partial: Vec<Position> = uses.iter().filter(|u| u.kind == UseKind::PartialMove).map(Use::position).collect();
    if partial.is_empty() {
        return;
    }
    // Each function's span, as positions.
    let functions: Vec<(Position, Position)> = root
        .descendants()
        .filter_map(ast::Fn::cast)
        .filter_map(|f| {
            let range = f.syntax().text_range();
            let at = |offset: ra_ap_syntax::TextSize| Position::from_byte_offset(text, offset.into());
            Some((at(range.start())?, at(range.end())?))
        })
        .collect();
    // The innermost function around a use: the one that starts last among those around it.
    let function_of = |at: Position| {
        functions.iter().enumerate().filter(|(_, (start, end))| *start <= at && at <= *end).max_by_key(|(_, (start, _))| *start).map(|(i, _)| i)
    };
    // The path at each partial use's position and the binding it resolves to. A path in a
    // macro's arguments is the one in the macro's expansion, whose shape is what runs
    // (`assert_eq!(f(t.0), S { a: t.1, b: t.2 })`), with the macro's call.
    let mut paths: Vec<(Position, ast::PathExpr, hir::Local<'_>, Option<ast::MacroCall>)> = Vec::new();
    for path in root.descendants().filter_map(ast::PathExpr::cast) {
        let Some(token) = path.path().and_then(|p| p.as_single_name_ref()).and_then(|n| n.syntax().first_token()) else { continue };
        let Some(at) = Position::from_byte_offset(text, token.text_range().start().into()) else { continue };
        if partial.contains(&at)
            && let Some(local) = local_of(sema, &expanded_as(sema, &path))
        {
            paths.push((at, path, local, None));
        }
    }
    for named in crate::macro_uses::macro_paths(sema, text, root) {
        if partial.contains(&named.position)
            && !paths.iter().any(|(at, ..)| *at == named.position)
            && let Some(local) = local_of(sema, &named.expanded)
        {
            paths.push((named.position, named.expanded, local, named.call));
        }
    }
    let path_at = |at: Position| paths.iter().find(|(p, ..)| *p == at);
    // Each partial use's node: its path, or the closure whose capture it is (keyed by the
    // closure's first token).
    let closures: Vec<(Position, SyntaxNode)> = root
        .descendants()
        .filter(|n| ast::ClosureExpr::can_cast(n.kind()))
        .filter_map(|n| Some((Position::from_byte_offset(text, n.text_range().start().into())?, n)))
        .filter(|(at, _)| partial.contains(at))
        .collect();
    let node_at =
        |at: Position| path_at(at).map(|(_, p, ..)| p.syntax().clone()).or_else(|| closures.iter().find(|(c, _)| *c == at).map(|(_, n)| n.clone()));
    let keys: Vec<Option<Key<'_>>> = uses
        .iter()
        .map(|u| {
            (u.kind == UseKind::PartialMove).then(|| Key {
                name: u.name.clone(),
                function: function_of(u.position()),
                local: path_at(u.position()).map(|(_, _, l, _)| *l),
            })
        })
        .collect();
    for i in 0..uses.len() {
        let Some(key) = &keys[i] else { continue };
        // The uses that may take from the value this one takes from: of the same binding, and
        // not each in the value of an assignment to the binding itself (`v = S { a, ..v }`),
        // which takes from the value before it and makes the next.
        let name = &uses[i].name;
        let meeting: Vec<usize> = (0..uses.len())
            .filter(|&j| keys[j].as_ref().is_some_and(|k| k.may_meet(key)))
            .filter(|&j| {
                j == i || !matches!((node_at(uses[i].position()), node_at(uses[j].position())), (Some(a), Some(b)) if other_values(&a, &b, name))
            })
            .collect();
        if meeting.len() < 2 {
            continue;
        }
        // Each on a path of its own: in different branches of an `if` or arms of a `match`
        // that nothing repeats, the binding never given a value again.
        let own_path = path_at(uses[i].position()).is_some_and(|(_, here, ..)| {
            meeting
                .iter()
                .filter(|&&j| j != i)
                .all(|&j| path_at(uses[j].position()).is_some_and(|(_, there, ..)| apart(here.syntax(), there.syntax(), &uses[i].name)))
        });
        if own_path {
            continue;
        }
        // In the order written, which `taken_in_turn` holds to the order run.
        let mut meeting = meeting;
        meeting.sort_by_key(|&j| uses[j].position());
        let in_turn: Option<Vec<(ast::PathExpr, Option<ast::MacroCall>)>> =
            meeting.iter().map(|&j| path_at(uses[j].position()).map(|(_, p, _, f)| (p.clone(), f.clone()))).collect();
        match in_turn.and_then(|p| taken_in_turn(sema, &p, &uses[i].name)) {
            // A field none of them takes needs dropping: it stays through each.
            Some(false) => uses[i].reason = None,
            // Nothing that needs dropping stays after the last: it moves the binding.
            Some(true) if meeting.iter().all(|&j| uses[j].position() <= uses[i].position()) => {
                uses[i].kind = UseKind::Move;
                uses[i].reason = None;
            }
            Some(true) => {}
            None => {
                uses[i].kind = UseKind::Unknown;
                uses[i].reason = Some("it is moved out of part by part: what stays depends on the path taken".to_owned());
            }
        }
    }
    // A field taken whose siblings' need of dropping depends on type parameters, and that the
    // above did not settle: whether anything that needs dropping stays is not known.
    for used in uses.iter_mut().filter(|u| u.kind == UseKind::PartialMove && u.reason.as_deref() == Some(crate::partial::REST_UNKNOWN)) {
        used.kind = UseKind::Unknown;
    }
}

/// A move of a binding in the arguments of a macro the expansion leaves as written
/// (`assert_data_eq!(raw, ..)`, `dbg!(e)`, a `macro_rules!` of the crate's own): the expansion
/// records it after the statement around the macro's call, so it stays a move only where the
/// macro's code moves the binding whenever that statement runs to its end (every node from
/// the use up to the statement runs each time the one around it does), and is "unknown"
/// otherwise (in a branch, a loop or a closure of the macro's code, or of the statement's).
pub(crate) fn macro_moves(sema: &Semantics<'_, RootDatabase>, uses: &mut [Use], text: &str, root: &SyntaxNode) {
    for named in crate::macro_uses::macro_paths(sema, text, root) {
        let Some(call) = &named.call else { continue };
        let macro_name = call.path().and_then(|p| p.segment()).and_then(|s| s.name_ref()).map(|n| n.text().to_string());
        if macro_name.is_none_or(|n| type_info_schema::INSTRUMENTED_MACROS.contains(&n.as_str())) {
            continue;
        }
        for used in uses.iter_mut().filter(|u| u.position() == named.position && u.kind == UseKind::Move) {
            if !whenever_its_statement_runs(sema, named.expanded.syntax()) {
                used.kind = UseKind::Unknown;
                used.reason = Some("it is moved in a macro's code on some paths only".to_owned());
            }
        }
    }
}

/// Whether `node`, in a macro's expansion, runs whenever the statement around the macro's
/// call (in the function, or a block's tail) runs to its end.
fn whenever_its_statement_runs(sema: &Semantics<'_, RootDatabase>, node: &SyntaxNode) -> bool {
    let lineage = lineage(sema, node);
    // The macro call in the function itself: the outermost in the lineage.
    let Some(top) = lineage.iter().rposition(|n| ast::MacroCall::can_cast(n.kind())) else { return false };
    let Some(statement) = (top..lineage.len()).find(|&i| lineage.get(i + 1).is_some_and(|p| p.kind() == SyntaxKind::STMT_LIST)) else {
        return false;
    };
    lineage[..=statement].windows(2).all(|w| runs_with(&w[0], &w[1]))
}

/// Whether `a` and `b` never both run in one call of their function: they are in different
/// branches of an `if` (neither in its condition) or different arms of a `match` (neither in a
/// guard), with no loop or closure around that, and nothing assigns to the binding `name`.
fn apart(a: &SyntaxNode, b: &SyntaxNode, name: &str) -> bool {
    if !same_tree(a, b) {
        return false;
    }
    let Some(common) = a.ancestors().find(|x| x.text_range().contains_range(b.text_range())) else { return false };
    let inside = |node: Option<SyntaxNode>, n: &SyntaxNode| node.is_some_and(|c| c.text_range().contains_range(n.text_range()));
    let split = if let Some(branch) = ast::IfExpr::cast(common.clone()) {
        let condition = branch.condition().map(|c| c.syntax().clone());
        let then = branch.then_branch().map(|t| t.syntax().clone());
        let otherwise = branch.else_branch().map(|e| match e {
            ast::ElseBranch::Block(b) => b.syntax().clone(),
            ast::ElseBranch::IfExpr(i) => i.syntax().clone(),
        });
        !inside(condition.clone(), a)
            && !inside(condition, b)
            && (inside(then.clone(), a) && inside(otherwise.clone(), b) || inside(then, b) && inside(otherwise, a))
    } else if ast::MatchArmList::can_cast(common.kind()) {
        let guarded = |n: &SyntaxNode| n.ancestors().take_while(|x| x != &common).any(|x| ast::MatchGuard::can_cast(x.kind()));
        !guarded(a) && !guarded(b)
    } else {
        false
    };
    let Some(function) = common.ancestors().find(|x| ast::Fn::can_cast(x.kind())) else { return false };
    let repeated = common.ancestors().take_while(|x| x != &function).any(|x| {
        use ra_ap_syntax::SyntaxKind as K;
        matches!(x.kind(), K::LOOP_EXPR | K::WHILE_EXPR | K::FOR_EXPR | K::CLOSURE_EXPR)
    });
    split && !repeated && !assigned(&function, name, None)
}

/// Whether the uses at `a` and `b` (paths or closures) of the binding `name` never take from
/// one value: an assignment to the binding (`name = ..`) runs between them whenever both
/// run (the first in its value or before it, the second after it, the assignment on every
/// path from one to the other, no loop or closure around any of them), or each is in the
/// value of an assignment of its own.
fn other_values(a: &SyntaxNode, b: &SyntaxNode, name: &str) -> bool {
    use ra_ap_syntax::SyntaxKind as K;
    let repeated = |node: &SyntaxNode| {
        node.ancestors()
            .skip(1)
            .take_while(|x| !ast::Fn::can_cast(x.kind()))
            .any(|x| matches!(x.kind(), K::LOOP_EXPR | K::WHILE_EXPR | K::FOR_EXPR | K::CLOSURE_EXPR))
    };
    if !same_tree(a, b) {
        return false;
    }
    if let (Some(x), Some(y)) = (refilling(a, name), refilling(b, name)) {
        return x != y;
    }
    let (first, second) = if a.text_range().start() <= b.text_range().start() { (a, b) } else { (b, a) };
    if repeated(first) || repeated(second) {
        return false;
    }
    let Some(common) = first.ancestors().find(|x| x.text_range().contains_range(second.text_range())) else { return false };
    let Some(function) = common.ancestors().find(|x| ast::Fn::can_cast(x.kind())) else { return false };
    function.descendants().filter_map(ast::BinExpr::cast).any(|bin| {
        let at = bin.syntax().text_range();
        let assigns = matches!(bin.op_kind(), Some(ast::BinaryOp::Assignment { op: None }))
            && matches!(bin.lhs(), Some(ast::Expr::PathExpr(lhs)) if lhs.path().and_then(|p| p.as_single_name_ref()).is_some_and(|n| n.text() == name));
        let in_value = bin.rhs().is_some_and(|r| r.syntax().text_range().contains_range(first.text_range()));
        assigns
            && (first.text_range().end() <= at.start() || in_value)
            && second.text_range().start() >= at.end()
            && !repeated(bin.syntax())
            && bin.syntax().ancestors().skip(1).take_while(|x| x != &common).all(|x| in_order(&x))
    })
}

/// Whether two nodes are in one syntax tree: the file's, or one macro call's expansion (whose
/// text ranges count from the expansion's start, not the file's).
fn same_tree(a: &SyntaxNode, b: &SyntaxNode) -> bool {
    a.ancestors().last() == b.ancestors().last()
}

/// The assignment to the binding named `name` (`name = ..`, not a field of it) whose value
/// holds `path`, within its statement.
fn refilling(path: &SyntaxNode, name: &str) -> Option<ra_ap_syntax::SyntaxNode> {
    for around in path.ancestors().skip(1) {
        if ast::Stmt::can_cast(around.kind()) || ast::ClosureExpr::can_cast(around.kind()) || ast::Fn::can_cast(around.kind()) {
            return None;
        }
        if let Some(bin) = ast::BinExpr::cast(around.clone())
            && matches!(bin.op_kind(), Some(ast::BinaryOp::Assignment { op: None }))
            && bin.rhs().is_some_and(|r| r.syntax().text_range().contains_range(path.text_range()))
            && let Some(ast::Expr::PathExpr(lhs)) = bin.lhs()
            && lhs.path().and_then(|p| p.as_single_name_ref()).is_some_and(|n| n.text() == name)
        {
            return Some(around);
        }
    }
    None
}

/// A field of a struct, by its definition, or of a tuple, by its index.
#[derive(PartialEq)]
enum Part {
    Named(hir::Field),
    Tuple(u32),
}

/// Whether `paths` (one binding's, named `name`, in the order written, each in a macro's
/// expansion with the macro's call as written) are each the base of a field moved out of it
/// (`p.a`, one level deep, the binding a struct or tuple of its own, not behind a reference),
/// all taken on one path, each running only after the ones before it and nothing assigned to
/// the binding in its function: then whether the fields taken leave nothing that needs
/// dropping. `None` for anything else, or a type the analyzer does not know.
fn taken_in_turn(sema: &Semantics<'_, RootDatabase>, paths: &[(ast::PathExpr, Option<ast::MacroCall>)], name: &str) -> Option<bool> {
    let db = sema.db;
    let mut container: Option<hir::Type<'_>> = None;
    let mut taken: Vec<Part> = Vec::new();
    // Each use's node: the field taken (`p.a`), or the struct literal whose base it is (`S {
    // a, ..p }`, which takes every field the literal does not write).
    let mut nodes: Vec<SyntaxNode> = Vec::new();
    for (path, _) in paths {
        let parent = path.syntax().parent()?;
        let (base, node) = if let Some(field) = ast::FieldExpr::cast(parent.clone()) {
            let expanded = expanded_as(sema, &field);
            let resolved = sema.resolve_field(&expanded)?;
            taken.push(match (resolved.left(), resolved.right()) {
                (Some(field), _) => Part::Named(field),
                (None, Some(tuple)) => Part::Tuple(tuple.index),
                (None, None) => return None,
            });
            (sema.type_of_expr(&expanded.expr()?)?, field.syntax().clone())
        } else if let Some(list) = ast::RecordExprFieldList::cast(parent) {
            let literal = ast::RecordExpr::cast(list.syntax().parent()?)?;
            let expanded = expanded_as(sema, &literal);
            let whole = sema.type_of_expr(&ast::Expr::RecordExpr(expanded.clone()))?.original;
            let written: Vec<hir::Field> =
                expanded.record_expr_field_list()?.fields().filter_map(|f| sema.resolve_record_field(&f)).map(|(f, _, _)| f).collect();
            taken.extend(whole.fields(db).into_iter().map(|(f, _)| f).filter(|f| !written.contains(f)).map(Part::Named));
            (sema.type_of_expr(&ast::Expr::PathExpr(expanded_as(sema, path)))?, literal.syntax().clone())
        } else {
            return None;
        };
        if base.has_adjustment() || base.original.is_reference() || base.original.contains_unknown() {
            return None;
        }
        if container.as_ref().is_some_and(|c| *c != base.original) {
            return None;
        }
        container = Some(base.original);
        nodes.push(node);
    }
    let container = container?;
    let all: Vec<(Part, hir::Type<'_>)> = match container.as_adt() {
        Some(hir::Adt::Struct(hir::Struct { .. })) if !container.fields(db).is_empty() => {
            container.fields(db).into_iter().map(|(f, ty)| (Part::Named(f), ty)).collect()
        }
        _ if container.is_tuple() => container.tuple_fields(db).into_iter().enumerate().map(|(i, ty)| (Part::Tuple(i as u32), ty)).collect(),
        _ => return None,
    };
    // One path: each use's node (in the function as rust-analyzer expanded it, through the
    // macro calls it is in) runs whenever the nearest node around all of them does, which
    // runs its parts in turn; and the uses run in the order written (a macro may reorder its
    // arguments).
    let lineages: Vec<Vec<SyntaxNode>> =
        paths.iter().zip(&nodes).map(|((_, call), node)| lineage(sema, &if call.is_some() { node.clone() } else { expanded(sema, node) })).collect();
    let common = lineages[0].iter().find(|a| lineages.iter().all(|l| l.contains(a)))?.clone();
    if !in_order(&common) || lineages.iter().any(|l| l.windows(2).take_while(|w| w[0] != common).any(|w| !runs_with(&w[0], &w[1]))) {
        return None;
    }
    for pair in lineages.windows(2) {
        let meeting = pair[0].iter().position(|a| pair[1].contains(a))?;
        let there = pair[1].iter().position(|a| *a == pair[0][meeting])?;
        let (Some(first), Some(second)) = (meeting.checked_sub(1), there.checked_sub(1)) else { return None };
        if !same_tree(&pair[0][first], &pair[1][second]) || pair[0][first].text_range().start() >= pair[1][second].text_range().start() {
            return None;
        }
    }
    // Nothing gives the binding a value between them: no assignment to it or a field of it in
    // the function, but the one whose value holds the last (which ends the value they all took
    // from).
    let function = lineages[0].last().filter(|f| ast::Fn::can_cast(f.kind()))?;
    let last = paths.last()?;
    let last = if last.1.is_some() { last.0.syntax().clone() } else { expanded(sema, last.0.syntax()) };
    if assigned(function, name, refilling(&last, name).as_ref()) {
        return None;
    }
    let mut everything = true;
    for (field, ty) in &all {
        if !taken.contains(field) {
            everything &= !crate::partial::needs_drop(db, ty)?;
        }
    }
    Some(everything)
}

/// `node` and the nodes around it up to its function: in a macro's expansion, up to the
/// expansion's root and on from the macro's call (in the function as rust-analyzer expanded
/// it, or in the macro around it).
fn lineage(sema: &Semantics<'_, RootDatabase>, node: &SyntaxNode) -> Vec<SyntaxNode> {
    let mut out: Vec<SyntaxNode> = Vec::new();
    let mut at = Some(node.clone());
    while let Some(here) = at {
        out.push(here.clone());
        if ast::Fn::can_cast(here.kind()) || out.len() > 10_000 {
            break;
        }
        at = here.parent().or_else(|| {
            let call = sema.hir_file_for(&here).call_node(sema.db)?.value;
            ast::MacroCall::can_cast(call.kind()).then_some(call)
        });
    }
    out
}

/// Whether `child` runs each time `parent` runs: `parent` runs all its parts in turn, or
/// `child` is the scrutinee of a `match` or the condition of an `if`, or the expansion of the
/// macro call `parent`.
fn runs_with(child: &SyntaxNode, parent: &SyntaxNode) -> bool {
    let holds = |part: Option<SyntaxNode>| part.is_some_and(|p| p == *child);
    in_order(parent)
        || (ast::MacroCall::can_cast(parent.kind()) && !same_tree(child, parent))
        || ast::MatchExpr::cast(parent.clone()).is_some_and(|m| holds(m.expr().map(|e| e.syntax().clone())))
        || ast::IfExpr::cast(parent.clone()).is_some_and(|i| holds(i.condition().map(|e| e.syntax().clone())))
}

/// Whether every part of `node` that is evaluated is evaluated each time it is, in the order
/// written: a block's statements, a call's arguments, a tuple, a macro's expansion (once
/// expanded, its parts are the expansion's); not a branch, a loop, a closure or `&&`.
fn in_order(node: &SyntaxNode) -> bool {
    match node.kind() {
        SyntaxKind::STMT_LIST
        | SyntaxKind::EXPR_STMT
        | SyntaxKind::LET_STMT
        | SyntaxKind::PAREN_EXPR
        | SyntaxKind::TUPLE_EXPR
        | SyntaxKind::ARG_LIST
        | SyntaxKind::CALL_EXPR
        | SyntaxKind::METHOD_CALL_EXPR
        | SyntaxKind::FIELD_EXPR
        | SyntaxKind::REF_EXPR
        | SyntaxKind::RECORD_EXPR
        | SyntaxKind::RECORD_EXPR_FIELD_LIST
        | SyntaxKind::RECORD_EXPR_FIELD
        | SyntaxKind::ARRAY_EXPR
        | SyntaxKind::RETURN_EXPR
        | SyntaxKind::TRY_EXPR
        | SyntaxKind::PREFIX_EXPR
        | SyntaxKind::CAST_EXPR
        | SyntaxKind::INDEX_EXPR
        | SyntaxKind::MACRO_EXPR
        | SyntaxKind::MACRO_STMTS => true,
        SyntaxKind::BLOCK_EXPR => ast::BlockExpr::cast(node.clone())
            .is_some_and(|b| matches!(b.modifier(), None | Some(ast::BlockModifier::Unsafe(_) | ast::BlockModifier::Label(_)))),
        SyntaxKind::BIN_EXPR => ast::BinExpr::cast(node.clone()).and_then(|b| b.op_kind()).is_some_and(|op| !matches!(op, ast::BinaryOp::LogicOp(_))),
        _ => false,
    }
}

/// Whether anything in `function` assigns to the binding named `name` or a field of it, but
/// `except`.
fn assigned(function: &SyntaxNode, name: &str, except: Option<&SyntaxNode>) -> bool {
    function.descendants().filter_map(ast::BinExpr::cast).any(|bin| {
        if except == Some(bin.syntax()) || !bin.op_kind().is_some_and(|op| matches!(op, ast::BinaryOp::Assignment { .. })) {
            return false;
        }
        let mut place = bin.lhs();
        loop {
            match place {
                Some(ast::Expr::FieldExpr(f)) => place = f.expr(),
                Some(ast::Expr::ParenExpr(p)) => place = p.expr(),
                Some(ast::Expr::IndexExpr(i)) => place = i.base(),
                Some(ast::Expr::PathExpr(p)) => return p.path().and_then(|p| p.as_single_name_ref()).is_none_or(|n| n.text() == name),
                // A place behind a dereference: not the binding's own (a binding moved out of
                // in part cannot be borrowed again to reach it).
                _ => return false,
            }
        }
    })
}
