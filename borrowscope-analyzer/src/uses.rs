//! Uses of local bindings whose kind syntax cannot tell: a binding that is a method call's
//! receiver is moved, copied or borrowed as the resolved method's `self` access, the
//! receiver's autoref and autoderef, and the binding's `Copy`-ness decide; a called closure
//! binding is consumed when it is `FnOnce`; a `match` scrutinee is moved when an arm binds a
//! non-`Copy` part of it by value; any other use of a binding's value moves, copies or
//! borrows it as its type, the `&` around it and its adjustments decide.
//!
//! A receiver use is keyed by the binding's name where it is used; and what a closure or
//! `async` block does to each binding it captures, from rust-analyzer's capture analysis, is
//! keyed by the closure's first token.

use ra_ap_hir as hir;
use ra_ap_hir::Semantics;
use ra_ap_ide_db::RootDatabase;
use ra_ap_syntax::{AstNode, SyntaxNode, ast};
use type_info_schema::{Position, Use, UseKind};

use crate::macro_uses::macro_paths;
use crate::named::{Named, by_type, unknown};
use crate::places::{assignee, destructured_by, destructuring, placed};
use crate::resolve::{expanded_as, local_of};

fn named(sema: &Semantics<'_, RootDatabase>, text: &str, path: &ast::PathExpr) -> Option<Named> {
    let name = path.path()?.as_single_name_ref()?;
    let token = name.syntax().first_token()?;
    let position = Position::from_byte_offset(text, token.text_range().start().into())?;
    let expanded = expanded_as(sema, path);
    Some(Named { name: name.text().to_string(), position, expanded, call: None })
}

/// Every path naming one binding: in the file (through an attribute macro's expansion) and
/// in the arguments of the formatting and assertion macros.
fn paths(sema: &Semantics<'_, RootDatabase>, text: &str, root: &SyntaxNode) -> Vec<Named> {
    let mut out: Vec<Named> = root.descendants().filter_map(ast::PathExpr::cast).filter_map(|p| named(sema, text, &p)).collect();
    out.extend(macro_paths(sema, text, root));
    out
}

/// Every receiver use in a file's syntax tree.
pub(crate) fn uses(sema: &Semantics<'_, RootDatabase>, text: &str, root: &SyntaxNode) -> Vec<Use> {
    let mut out = Vec::new();
    for call in root.descendants().filter_map(ast::MethodCallExpr::cast) {
        // In parentheses too (`(i).iter_elements()`, nom's parsers): they change nothing.
        let Some(receiver) = call.receiver().and_then(unparenthesized) else { continue };
        let Some(named) = named(sema, text, &receiver) else { continue };
        out.extend(receiver_of(sema, &named, call, receiver));
    }
    for named in macro_paths(sema, text, root) {
        let mut operand = named.expanded.syntax().clone();
        while let Some(around) = operand.parent().filter(|p| ast::ParenExpr::can_cast(p.kind())) {
            operand = around;
        }
        let call = operand.parent().and_then(ast::MethodCallExpr::cast);
        if let Some(call) = call.filter(|c| c.receiver().is_some_and(|r| *r.syntax() == operand)) {
            let receiver = named.expanded.clone();
            out.extend(receiver_of(sema, &named, call, receiver));
        }
    }
    out
}

/// The path an expression is, in any number of parentheses.
fn unparenthesized(expr: ast::Expr) -> Option<ast::PathExpr> {
    match expr {
        ast::Expr::PathExpr(path) => Some(path),
        ast::Expr::ParenExpr(paren) => unparenthesized(paren.expr()?),
        _ => None,
    }
}

/// The use of the binding `named` as the receiver of `call` (as written, or expanded).
fn receiver_of(sema: &Semantics<'_, RootDatabase>, named: &Named, call: ast::MethodCallExpr, receiver: ast::PathExpr) -> Option<Use> {
    let (call, receiver) = named
        .expanded
        .syntax()
        .parent()
        .and_then(ast::MethodCallExpr::cast)
        .filter(|c| c.receiver().is_some_and(|r| r.syntax() == named.expanded.syntax()))
        .map(|c| (c, named.expanded.clone()))
        .unwrap_or((call, receiver));
    let local = local_of(sema, &receiver)?;
    let root = receiver.syntax().ancestors().last()?;
    let refill = |kind| crate::partial::unless_refilled(sema, kind, receiver.syntax(), &root, &named.name);
    let (kind, reason) = receiver_use(sema, &call, &receiver, local, refill);
    let mut used = named.used(kind, reason);
    call_ends(sema, &call, &mut used);
    Some(used)
}

/// For a receiver borrowed by `call`: whether the call never returns, and whether its result
/// cannot hold the borrow (which then ends as the call returns).
fn call_ends(sema: &Semantics<'_, RootDatabase>, call: &ast::MethodCallExpr, used: &mut Use) {
    if matches!(used.kind, UseKind::SharedBorrow | UseKind::MutableBorrow) {
        let result = sema.type_of_expr(&ast::Expr::MethodCallExpr(call.clone())).map(|t| t.original);
        // The method's declared return type: the call's own type is not `!` where it is
        // coerced to what its place expects.
        used.never_returns = result.as_ref().is_some_and(|ty| ty.is_never())
            || sema.resolve_method_call(call).is_some_and(|function| function.ret_type(sema.db).is_never());
        used.ends_with_call = result.is_some_and(|ty| holds_no_borrow(sema.db, &ty, 0));
    }
}

/// Whether a value of `ty` cannot hold a borrow: no reference, no type with a lifetime
/// parameter, no type left generic, opaque, dynamic or a closure, anywhere in it (scalars,
/// `()`, raw pointers, and tuples, arrays and lifetime-free types of such: `usize`,
/// `Option<u8>`, `String`, `Vec<i32>`). `!` is not: a call that never returns ends no borrow.
fn holds_no_borrow(db: &RootDatabase, ty: &hir::Type<'_>, depth: usize) -> bool {
    if depth > 8 || ty.is_unknown() || ty.is_never() || ty.is_reference() {
        return false;
    }
    if ty.is_scalar() || ty.is_unit() || ty.is_raw_ptr() {
        return true;
    }
    if ty.is_tuple() {
        return ty.tuple_fields(db).iter().all(|field| holds_no_borrow(db, field, depth + 1));
    }
    if let Some((element, _)) = ty.as_array(db) {
        return holds_no_borrow(db, &element, depth + 1);
    }
    let Some(adt) = ty.as_adt() else { return false };
    hir::GenericDef::from(adt).lifetime_params(db).is_empty() && ty.type_arguments().all(|arg| holds_no_borrow(db, &arg, depth + 1))
}

/// Every other use of a binding's value: a path in a value position (an argument, a field
/// or element of a literal, a returned value or a block's tail, a `let` initializer, a `?`
/// operand, an operand, an assignment's right side). Borrowed when it is the operand of `&`
/// or `&mut` or an adjustment reborrows it (`f(r)` with `r: &mut T`); copied when its type
/// is `Copy`; moved otherwise. Receivers, callees and `match` scrutinees have their own
/// passes; a place written (`a = ..`) or reached through (`a.f`, `a[i]` built in, `*a`) is
/// not a use of the binding's value, but the base of an overloaded index is borrowed. Keyed
/// by the binding's name there.
pub(crate) fn values(sema: &Semantics<'_, RootDatabase>, text: &str, root: &SyntaxNode) -> Vec<Use> {
    let db = sema.db;
    let mut out = Vec::new();
    for named in paths(sema, text, root) {
        let path = named.expanded.clone();
        let Some(local) = local_of(sema, &path) else { continue };
        // Inside a closure that captures the binding, a use takes from the closure's capture:
        // the capture, recorded where the closure is made, is the binding's use (a field
        // moved in the closure's body and by its capture is one move, not two).
        if crate::captures::captured_here(sema, &path, local) {
            continue;
        }
        let Some(parent) = path.syntax().parent() else { continue };
        let is_path = |e: Option<ast::Expr>| e.is_some_and(|e| e.syntax() == path.syntax());
        let refill = |kind| crate::partial::unless_refilled(sema, kind, path.syntax(), root, &named.name);
        // `&(x)` borrows `x` as `&x` does (a macro's `&($left)`, pretty_assertions'
        // `assert_str_eq!`): parentheses change nothing of how the value inside is used.
        let mut operand = path.syntax().clone();
        while let Some(around) = operand.parent().filter(|p| ast::ParenExpr::can_cast(p.kind())) {
            operand = around;
        }
        let reference = operand.parent().and_then(ast::RefExpr::cast);
        // A method call's receiver in parentheses: the receivers' pass (`uses`) has it.
        let receiver = operand.parent().and_then(ast::MethodCallExpr::cast).and_then(|c| c.receiver());
        if operand != *path.syntax() && receiver.is_some_and(|r| *r.syntax() == operand) {
            continue;
        }
        // Anywhere else a binding in parentheses is not looked at further (`(a).0` takes a
        // field, `consume((a))` moves it): "unknown", unless its type is `Copy`.
        if operand != *path.syntax() && reference.is_none() {
            let ty = local.ty(db);
            let (kind, reason) = if !ty.is_unknown() && ty.is_copy(db) {
                (UseKind::Copy, None)
            } else {
                unknown("it is used in parentheses, which the analysis does not look through")
            };
            out.push(named.used(kind, reason));
            continue;
        }
        // A place a destructuring assignment writes (`x` in `(x, _) = pair`), or a field of
        // one: not a use of its value.
        if assignee(path.syntax()) {
            continue;
        }
        // The value a destructuring assignment takes apart (`(x, _) = pair`): like a `let`
        // pattern, it moves what is assigned by value and leaves what `_` and `..` skip.
        if let Some(bin) = ast::BinExpr::cast(parent.clone())
            && is_path(bin.rhs())
            && let Some(lhs) = bin.lhs().filter(|l| destructuring(l.syntax()))
        {
            let left = crate::partial::assignee(sema, &lhs, &local.ty(db));
            let kind = left.map_or_else(|| unknown("what the assignment leaves in the binding could not be told"), |l| l.used());
            let (kind, reason) = refill(kind);
            out.push(named.used(kind, reason));
            continue;
        }
        // A field used by value moves that part of the binding; a pattern that destructures
        // the binding moves what it binds by value.
        if ast::FieldExpr::can_cast(parent.kind()) {
            if let Some(used) = field_receiver(sema, &named, &parent, &local.ty(db)) {
                out.push(used);
            } else if let Some(used) = field_use(sema, &parent, &local.ty(db)) {
                let (kind, reason) = refill(used);
                out.push(named.used(kind, reason));
            }
            continue;
        }
        if let Some(pat) = destructured_by(&parent, &path) {
            let (kind, reason) = refill(match crate::partial::pattern(sema, &pat) {
                Some(left) => left.used(),
                None => unknown("what the pattern leaves in the binding could not be told"),
            });
            out.push(named.used(kind, reason));
            continue;
        }
        // The base of struct update syntax gives up only the fields not written.
        if let Some(list) = ast::RecordExprFieldList::cast(parent.clone())
            && is_path(list.spread())
        {
            let literal = list.syntax().parent().and_then(ast::RecordExpr::cast);
            let kind = literal.and_then(|l| crate::partial::spread(sema, &l));
            let (kind, reason) = refill(kind.map_or_else(|| unknown("which fields the update takes could not be told"), |k| (k, None)));
            out.push(named.used(kind, reason));
            continue;
        }
        // The base of an overloaded index (`m["a"]`, `v[i]` on a `Vec`) is borrowed by the
        // `index` or `index_mut` call it becomes, as the adjustment says; a built-in one (an
        // array, a slice) is a place reached through, as is anything through a reference.
        if let Some(index) = ast::IndexExpr::cast(parent.clone())
            && is_path(index.base())
        {
            let ty = local.ty(db);
            let adjusted = sema.expr_adjustments(&ast::Expr::PathExpr(path.clone())).unwrap_or_default();
            let borrow = adjusted.iter().find_map(|a| match a.kind {
                hir::Adjust::Borrow(hir::AutoBorrow::Ref(m)) => Some(m),
                _ => None,
            });
            let through = adjusted.iter().any(|a| matches!(a.kind, hir::Adjust::Deref(_)));
            match borrow {
                // rust-analyzer resolves an array's or slice's index through `Index` too; rustc
                // indexes them built in, borrowing nothing.
                Some(_) if ty.is_array() || ty.is_slice() => {}
                Some(_) if ty.is_reference() || ty.is_raw_ptr() || ty.is_unknown() || through => {}
                Some(hir::Mutability::Mut) => out.push(named.used(UseKind::MutableBorrow, None)),
                Some(hir::Mutability::Shared) => out.push(named.used(UseKind::SharedBorrow, None)),
                None => {}
            }
            continue;
        }
        // `*b` of a box by value moves its content out (the macro records a `let x = *b;`
        // from `x`'s type), unless the function fills it again (`*b = ..`), which the path
        // taken decides: any other dereference is a place reached through.
        if let Some(deref) = ast::PrefixExpr::cast(parent.clone()).filter(|p| p.op_kind() == Some(ast::UnaryOp::Deref)) {
            if crate::partial::moved_out_of_box(sema, &deref, &local.ty(db)) {
                let (kind, reason) = refill((UseKind::Move, None));
                out.push(named.used(kind, reason));
            }
            continue;
        }
        // A reference cast to a raw pointer (`k as *const T`, indexmap's tests) is coerced
        // through a reborrow (`&raw const *k`): a `&mut` stays where it is, as a `&` does.
        if ast::CastExpr::cast(parent.clone()).is_some_and(|c| is_path(c.expr())) && local.ty(db).is_reference() {
            let kind = if local.ty(db).is_mutable_reference() { UseKind::MutableBorrow } else { UseKind::Copy };
            out.push(named.used(kind, None));
            continue;
        }
        let skipped = placed(&parent, path.syntax()) || reference.as_ref().is_some_and(|r| r.raw_token().is_some());
        if skipped {
            continue;
        }
        let ty = local.ty(db);
        let adjusted = sema.expr_adjustments(&ast::Expr::PathExpr(path.clone())).unwrap_or_default();
        // A reference coerced to a raw pointer where one is expected (`ptr::read(r)`,
        // `ptr::write(r, v)`, im-rc's `Node::insert`) is reborrowed (`&raw mut *r`), as a cast
        // is: a `&mut` stays where it is, used again after the call; a `&` is copied.
        let to_raw = adjusted.iter().any(|a| matches!(a.kind, hir::Adjust::Borrow(hir::AutoBorrow::RawPtr(_))));
        if to_raw && reference.is_none() && ty.is_reference() {
            let kind = if ty.is_mutable_reference() { UseKind::MutableBorrow } else { UseKind::Copy };
            out.push(named.used(kind, None));
            continue;
        }
        let reborrow = adjusted.iter().rev().find_map(|a| match a.kind {
            hir::Adjust::Borrow(hir::AutoBorrow::Ref(m)) => Some(m),
            _ => None,
        });
        let (kind, reason) = match (reference, reborrow) {
            // `format_args!` takes each argument by reference.
            _ if ast::FormatArgsArg::can_cast(parent.kind()) => (UseKind::SharedBorrow, None),
            (Some(r), _) if r.mut_token().is_some() => (UseKind::MutableBorrow, None),
            (Some(_), _) => (UseKind::SharedBorrow, None),
            (None, Some(hir::Mutability::Mut)) => (UseKind::MutableBorrow, None),
            (None, Some(hir::Mutability::Shared)) => (UseKind::SharedBorrow, None),
            (None, None) if ty.is_unknown() => unknown("the binding's type could not be inferred"),
            (None, None) if ty.is_copy(db) => (UseKind::Copy, None),
            (None, None) => (UseKind::Move, None),
        };
        out.push(named.used(kind, reason));
    }
    out
}

/// Every call of a callable binding (`f()`): a closure is consumed when it is `FnOnce` and
/// borrowed when it is `Fn` or `FnMut`; any other callable (`Box<dyn Fn()>`, a generic
/// `F: FnOnce()`) is called through the most permissive of the three it implements, as the
/// compiler does; a function pointer or a reference is copied. Keyed by the binding's name at
/// the call, as written or in a macro's arguments (`println!("{}", show())`).
pub(crate) fn calls(sema: &Semantics<'_, RootDatabase>, text: &str, root: &SyntaxNode) -> Vec<Use> {
    let mut out = Vec::new();
    for call in root.descendants().filter_map(ast::CallExpr::cast) {
        let Some(ast::Expr::PathExpr(callee)) = call.expr() else { continue };
        let Some(named) = named(sema, text, &callee) else { continue };
        out.extend(call_use(sema, &named));
    }
    for named in macro_paths(sema, text, root) {
        let call = named.expanded.syntax().parent().and_then(ast::CallExpr::cast);
        if call.is_some_and(|c| c.expr().is_some_and(|callee| callee.syntax() == named.expanded.syntax())) {
            out.extend(call_use(sema, &named));
        }
    }
    out
}

/// What calling the binding `named` does to it, by the trait the call goes through.
fn call_use(sema: &Semantics<'_, RootDatabase>, named: &Named) -> Option<Use> {
    let db = sema.db;
    let ty = local_of(sema, &named.expanded)?.ty(db);
    let fn_trait = match (ty.as_closure(), ty.as_callable(db).map(|c| c.kind())) {
        (Some(closure), _) => closure.fn_trait(db),
        _ if ty.is_copy(db) => return Some(named.used(UseKind::Copy, None)),
        (None, Some(hir::CallableKind::FnImpl(fn_trait))) => fn_trait,
        _ => return None,
    };
    let kind = match fn_trait {
        hir::FnTrait::FnOnce | hir::FnTrait::AsyncFnOnce => UseKind::Move,
        hir::FnTrait::FnMut | hir::FnTrait::AsyncFnMut => UseKind::MutableBorrow,
        hir::FnTrait::Fn | hir::FnTrait::AsyncFn => UseKind::SharedBorrow,
    };
    Some(named.used(kind, None))
}

/// Every `match` whose scrutinee is a binding (`match o { Some(x) => .. }`): the match moves
/// it when an arm binds a part of it by value whose type is not `Copy`; otherwise it only
/// reads it (patterns of literals, wildcards, `ref` or `Copy` bindings, or binding modes that
/// borrow). Keyed by the binding's name at the scrutinee.
pub(crate) fn scrutinees(sema: &Semantics<'_, RootDatabase>, text: &str, root: &SyntaxNode) -> Vec<Use> {
    let db = sema.db;
    let mut out = Vec::new();
    for found in root.descendants().filter_map(ast::MatchExpr::cast) {
        let Some(ast::Expr::PathExpr(scrutinee)) = found.expr() else { continue };
        let Some(named) = named(sema, text, &scrutinee) else { continue };
        let written: Vec<ast::MatchArm> = found.match_arm_list().into_iter().flat_map(|arms| arms.arms()).collect();
        let (found, scrutinee) = named
            .expanded
            .syntax()
            .parent()
            .and_then(ast::MatchExpr::cast)
            .filter(|m| m.expr().is_some_and(|e| e.syntax() == named.expanded.syntax()))
            .map(|m| (m, named.expanded.clone()))
            .unwrap_or((found, scrutinee));
        let Some(local) = local_of(sema, &scrutinee) else { continue };
        let ty = local.ty(db);
        let (kind, reason) = if let Some(decided) = by_type(db, &ty) {
            decided
        } else {
            let bindings = found
                .match_arm_list()
                .into_iter()
                .flat_map(|arms| arms.arms())
                .filter_map(|arm| arm.pat())
                .flat_map(|pat| pat.syntax().descendants().filter_map(ast::IdentPat::cast).collect::<Vec<_>>());
            let mut moves = false;
            let mut unsure = false;
            for binding in bindings {
                // A name that resolves to a constant or a unit variant binds nothing.
                if sema.resolve_bind_pat_to_const(&binding).is_some() {
                    continue;
                }
                match (sema.binding_mode_of_pat(&binding), sema.type_of_binding_in_pat(&binding)) {
                    (Some(hir::BindingMode::Move), Some(ty)) if !ty.is_copy(db) => moves = true,
                    (Some(_), Some(_)) => {}
                    _ => unsure = true,
                }
            }
            match (moves, unsure) {
                (true, _) => crate::partial::unless_refilled(sema, (UseKind::Move, None), found.syntax(), root, &named.name),
                (false, true) => unknown("a pattern binding's mode or type could not be inferred"),
                (false, false) => (UseKind::SharedBorrow, None),
            }
        };
        // What each arm does to it, keyed by the arm's pattern as written: the arm taken at
        // run time decides whether the binding moved.
        if !ty.is_unknown() && !ty.is_copy(db) {
            let arms = found.match_arm_list().into_iter().flat_map(|arms| arms.arms());
            for (written, arm) in written.iter().zip(arms) {
                let (Some(key), Some(pat)) = (written.pat().and_then(|p| p.syntax().first_token()), arm.pat()) else { continue };
                let Some(position) = Position::from_byte_offset(text, key.text_range().start().into()) else { continue };
                let (kind, reason) = crate::partial::unless_refilled(
                    sema,
                    match crate::partial::pattern(sema, &pat) {
                        Some(left) => left.used(),
                        None => unknown("what the arm's pattern leaves in the binding could not be told"),
                    },
                    found.syntax(),
                    root,
                    &named.name,
                );
                out.push(Use {
                    line: position.line,
                    column: position.column,
                    name: named.name.clone(),
                    kind,
                    reason,
                    ends_with_call: false,
                    never_returns: false,
                });
            }
        }
        out.push(named.used(kind, reason));
    }
    out
}

/// A chain of fields on a binding that is a method call's receiver (`inv.items.len()`,
/// `self.queue.push(x)` on a local): the call's autoref borrows that field, so the binding,
/// shared or mutably. Nothing where the chain passes through a reference or a pointer (the
/// binding's own type, or a field's: what is borrowed is what it points to), or where the
/// method takes the field some other way (by value, or a field that is itself a reference).
fn field_receiver(sema: &Semantics<'_, RootDatabase>, named: &Named, parent: &ra_ap_syntax::SyntaxNode, root: &hir::Type<'_>) -> Option<Use> {
    if root.is_reference() || root.is_raw_ptr() || root.is_unknown() {
        return None;
    }
    let mut outer = ast::FieldExpr::cast(parent.clone())?;
    let mut chain = vec![outer.clone()];
    while let Some(up) = outer.syntax().parent().and_then(ast::FieldExpr::cast) {
        outer = up;
        chain.push(outer.clone());
    }
    let call = outer.syntax().parent().and_then(ast::MethodCallExpr::cast)?;
    call.receiver().filter(|r| r.syntax() == outer.syntax())?;
    // The root itself is reached through by the first field (`p.x` of `p: &Point` derefs p).
    let root_adjusted = sema.expr_adjustments(&ast::Expr::PathExpr(named.expanded.clone())).unwrap_or_default();
    let inner_derefs = chain[..chain.len() - 1]
        .iter()
        .any(|f| sema.expr_adjustments(&ast::Expr::FieldExpr(f.clone())).unwrap_or_default().iter().any(|a| matches!(a.kind, hir::Adjust::Deref(_))));
    if inner_derefs || root_adjusted.iter().any(|a| matches!(a.kind, hir::Adjust::Deref(_))) {
        return None;
    }
    // The receiver's own adjustments: an overloaded deref (`Vec` to a slice) still borrows the
    // field; a built-in one reaches through a reference the field holds.
    let adjusted = sema.expr_adjustments(&ast::Expr::FieldExpr(outer.clone())).unwrap_or_default();
    if adjusted.iter().any(|a| matches!(a.kind, hir::Adjust::Deref(None))) {
        return None;
    }
    let kind = match adjusted.iter().rev().find_map(|a| match a.kind {
        hir::Adjust::Borrow(hir::AutoBorrow::Ref(m)) => Some(m),
        _ => None,
    })? {
        hir::Mutability::Mut => UseKind::MutableBorrow,
        hir::Mutability::Shared => UseKind::SharedBorrow,
    };
    let mut used = named.used(kind, None);
    call_ends(sema, &call, &mut used);
    Some(used)
}

/// What a chain of fields on a binding (`w.0`, `c.inner.name`, the parent of its path) does
/// to it when the chain's value is used: only a value position takes the field by value (a
/// receiver, a callee, a place written or reached through is no use of it). The operand of
/// `&`/`&mut` borrows the binding (`&mut counter.hits`), unless the binding is itself a
/// reference, through which the field is reached. `None` when the chain is neither used by
/// value nor borrowed here.
fn field_use(sema: &Semantics<'_, RootDatabase>, parent: &ra_ap_syntax::SyntaxNode, root: &hir::Type<'_>) -> Option<(UseKind, Option<String>)> {
    let mut outer = ast::FieldExpr::cast(parent.clone())?;
    while let Some(up) = outer.syntax().parent().and_then(ast::FieldExpr::cast) {
        outer = up;
    }
    let up = outer.syntax().parent()?;
    if let Some(reference) = ast::RefExpr::cast(up.clone())
        && reference.raw_token().is_none()
    {
        if root.is_reference() || root.is_raw_ptr() || root.is_unknown() {
            return None;
        }
        return Some((if reference.mut_token().is_some() { UseKind::MutableBorrow } else { UseKind::SharedBorrow }, None));
    }
    let destructured = ast::LetStmt::cast(up.clone()).is_some_and(|l| !matches!(l.pat(), Some(ast::Pat::IdentPat(p)) if p.pat().is_none()));
    // Taken apart by a destructuring assignment (`(x, _) = w.pair`): what stays is not told.
    if let Some(bin) = ast::BinExpr::cast(up.clone())
        && bin.rhs().is_some_and(|r| r.syntax() == outer.syntax())
        && bin.lhs().is_some_and(|l| destructuring(l.syntax()))
    {
        return Some((UseKind::Unknown, None));
    }
    if placed(&up, outer.syntax()) || ast::RefExpr::can_cast(up.kind()) || ast::LetExpr::can_cast(up.kind()) || destructured {
        return None;
    }
    let adjusted = sema.expr_adjustments(&ast::Expr::FieldExpr(outer.clone())).unwrap_or_default();
    // A field that is a reference, coerced to a raw pointer (`ptr::read(w.r)`), is reborrowed
    // as one passed where a reference is expected.
    let reborrow = adjusted.iter().rev().find_map(|a| match a.kind {
        hir::Adjust::Borrow(hir::AutoBorrow::Ref(m) | hir::AutoBorrow::RawPtr(m)) => Some(m),
        _ => None,
    });
    Some(match reborrow {
        Some(hir::Mutability::Mut) => (UseKind::MutableBorrow, None),
        Some(hir::Mutability::Shared) => (UseKind::SharedBorrow, None),
        None => crate::partial::field(sema, &outer).unwrap_or((UseKind::Unknown, None)),
    })
}

/// What calling the method does to the receiver binding `local`; `refilled` weighs a move out
/// of a box against the function filling it again.
fn receiver_use(
    sema: &Semantics<'_, RootDatabase>,
    call: &ast::MethodCallExpr,
    receiver: &ast::PathExpr,
    local: hir::Local<'_>,
    refilled: impl Fn((UseKind, Option<String>)) -> (UseKind, Option<String>),
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
        // By value through a dereference: a copy of a `Copy` content, or a move out of a
        // box (the only by-value move through a dereference Rust allows).
        (None, hir::Access::Owned) if dereferenced => {
            let content = adjustments.iter().rev().find(|a| matches!(a.kind, hir::Adjust::Deref(_))).map(|a| &a.target);
            match content {
                Some(ty) if !ty.contains_unknown() && ty.is_copy(db) => (UseKind::Copy, None),
                // Unless the function fills the box again (`*b = v`).
                Some(ty) if !ty.contains_unknown() && crate::resolve::std_adt(db, &local.ty(db)).as_deref() == Some("Box") => {
                    refilled((UseKind::Move, None))
                }
                _ => unknown("a by-value method reached through a dereference"),
            }
        }
        (None, hir::Access::Owned) if local.ty(db).is_unknown() => unknown("the binding's type could not be inferred"),
        (None, hir::Access::Owned) if local.ty(db).is_copy(db) => (UseKind::Copy, None),
        (None, hir::Access::Owned) => (UseKind::Move, None),
        // A reference binding passed as `&self`/`&mut self` itself: copied, or reborrowed.
        (None, hir::Access::Shared) => (UseKind::Copy, None),
        (None, hir::Access::Exclusive) => (UseKind::MutableBorrow, None),
    }
}
