//! The uses of bindings a macro's arguments name, found in rust-analyzer's expansion of the
//! macro: every path there (what `uses` decides for each as it does in the function), and
//! what a `match` in the macro's own code does to its scrutinee.

use ra_ap_hir::Semantics;
use ra_ap_ide_db::RootDatabase;
use ra_ap_syntax::{AstNode, SyntaxNode, ast};
use type_info_schema::{Position, Use, UseKind};

use crate::named::{Named, by_type, unknown};
use crate::resolve::local_of;

/// Every path naming one binding in the arguments of a macro, as rust-analyzer expanded it,
/// keyed by its token as written: `#[trace_borrow]` instruments the arguments of the standard
/// formatting and assertion macros and `vec!` (`type_info_schema::INSTRUMENTED_MACROS`) and
/// asks, of any other macro, whether the bindings it names are only borrowed or copied there,
/// or moved whenever the statement around the call runs (`settle::macro_moves`).
pub(crate) fn macro_paths(sema: &Semantics<'_, RootDatabase>, text: &str, root: &SyntaxNode) -> Vec<Named> {
    let mut out: Vec<Named> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // The names each function binds: only a token that may name one of them is looked up in
    // the macro's expansion.
    let mut bound: std::collections::HashMap<ra_ap_syntax::TextRange, std::collections::HashSet<String>> = Default::default();
    for call in root.descendants().filter_map(ast::MacroCall::cast) {
        let Some(tree) = call.token_tree() else { continue };
        let Some(function) = call.syntax().ancestors().find_map(ast::Fn::cast) else { continue };
        let names = bound.entry(function.syntax().text_range()).or_insert_with(|| {
            function
                .syntax()
                .descendants()
                .filter_map(ast::IdentPat::cast)
                .filter_map(|p| ast::HasName::name(&p))
                .map(|n| n.text().to_string())
                .collect()
        });
        let idents = tree
            .syntax()
            .descendants_with_tokens()
            .filter_map(|t| t.into_token())
            .filter(|t| t.kind() == ra_ap_syntax::SyntaxKind::IDENT && names.contains(t.text()));
        for token in idents {
            let Some(position) = Position::from_byte_offset(text, token.text_range().start().into()) else { continue };
            if !seen.insert((position.line, position.column)) {
                continue;
            }
            let expanded = sema.descend_into_macros_exact(token.clone()).into_iter().find_map(|t| {
                let path = t.parent_ancestors().find_map(ast::PathExpr::cast)?;
                let single = path.path()?.as_single_name_ref()?;
                (single.syntax().first_token()? == t).then_some(path)
            });
            if let Some(expanded) = expanded {
                out.push(Named { name: token.text().to_owned(), position, expanded, call: Some(call.clone()) });
            }
        }
    }
    out
}

/// A binding that is the scrutinee of a `match` in a macro's expansion (`matches!(d, ..)`,
/// `dbg!(e)`: `match e { tmp => .. }`), keyed by its token as written: the expansion leaves
/// such a macro as written, so what the `match` does is one use, whichever arm runs: read
/// where no arm binds anything of it by value, moved where every arm moves it whole, and
/// "unknown" otherwise. Only where nothing else keyed a use at the token.
pub(crate) fn macro_scrutinees(sema: &Semantics<'_, RootDatabase>, text: &str, root: &SyntaxNode, known: &[Use]) -> Vec<Use> {
    let db = sema.db;
    let mut out = Vec::new();
    for named in macro_paths(sema, text, root) {
        if known.iter().any(|u| u.position() == named.position) {
            continue;
        }
        let Some(found) = named.expanded.syntax().parent().and_then(ast::MatchExpr::cast) else { continue };
        if !found.expr().is_some_and(|e| e.syntax() == named.expanded.syntax()) {
            continue;
        }
        let Some(local) = local_of(sema, &named.expanded) else { continue };
        let (kind, reason) = if let Some(decided) = by_type(db, &local.ty(db)) {
            decided
        } else {
            let arms: Vec<Option<UseKind>> = found
                .match_arm_list()
                .into_iter()
                .flat_map(|arms| arms.arms())
                .map(|arm| arm.pat().and_then(|p| crate::partial::pattern(sema, &p)).and_then(|l| l.kind()))
                .collect();
            if arms.iter().all(|a| *a == Some(UseKind::SharedBorrow)) {
                (UseKind::SharedBorrow, None)
            } else if !arms.is_empty() && arms.iter().all(|a| *a == Some(UseKind::Move)) {
                crate::partial::unless_refilled(sema, (UseKind::Move, None), found.syntax(), root, &named.name)
            } else {
                unknown("a match in the macro's code moves it on some arms only")
            }
        };
        out.push(named.used(kind, reason));
    }
    out
}
