//! One destructor for a run of bindings whose drop runs no code. Each tracked binding has a
//! guard declared just before it, whose drop records the binding's end; every call in a
//! guard's scope then needs a path that drops it while unwinding. Dropping a `Copy` value, a
//! reference or plain data runs no code, so when a block declares several such bindings one
//! after another, with no other local declared between them (nothing whose drop could run
//! between their ends), one destructor declared before the first records all their ends, in
//! the order their own guards would have, at the moment they would have: the run's guards
//! are declared together (`emit::guard_run`) before the first one's, and each gets its
//! binding's instance where its own declaration was (`emit::guard_armed`), so instances are
//! numbered as without runs. Which drops run no code only the analyzer tells (`copy_guards`).
//! The same holds of a function's parameters, whose guards are declared one after another
//! before its body, and of the names one pattern binds (`Some((a, b))`), guarded first in the
//! body they are in scope for.

use proc_macro2::TokenTree;
use syn::{Expr, Ident, Stmt};

use super::{Expander, emit};

/// What the analyzer's facts about a binding whose guard `guard` was just given the last site
/// handed out mean for that guard: a reference's guard is noted (`receivers`), and the site's
/// row is returned when the binding may join a run (its drop runs no code, and no sampling
/// leaves some instances out).
pub(crate) fn member_row(exp: &mut Expander<'_>, known: Option<&type_info_schema::Binding>, guard: &Ident) -> Option<u32> {
    if known.is_some_and(super::copies::analyzer_reference) {
        exp.references.insert(guard.to_string());
    }
    let row = exp.last_row();
    (known.is_some_and(super::copies::analyzer_drops_nothing) && exp.config.sample.is_none()).then_some(row)
}

/// The run of bindings whose drop runs no code a block is declaring.
#[derive(Default)]
pub(crate) struct Run {
    /// Each member's guard, its site's row, and where its declaration is in the block's
    /// statements.
    members: Vec<(Ident, u32, usize)>,
}

impl Run {
    /// Takes in the statements a block's statement expanded to, `stmts[start..]`, the user's
    /// own at `own`; `copies` the guards of its bindings when it is a `let` of bindings whose
    /// drop runs no code alone. Such a `let` joins the run; any other local declared ends it.
    pub(super) fn statement(&mut self, exp: &mut Expander<'_>, stmts: &mut Vec<Stmt>, start: usize, own: usize, copies: Option<Vec<(Ident, u32)>>) {
        let mut found = Vec::new();
        let mut other = false;
        for (index, stmt) in stmts.iter().enumerate().skip(start) {
            if index == own && copies.is_some() {
                continue;
            }
            match declares(stmt) {
                Declares::Nothing => {}
                Declares::Guard(name) if copies.iter().flatten().any(|(guard, _)| *guard == name) => found.push((name, index)),
                Declares::Guard(_) | Declares::Other => other = true,
            }
        }
        match copies {
            Some(copies) if !other && found.len() == copies.len() => {
                for (guard, row) in copies {
                    let Some(&(_, index)) = found.iter().find(|(name, _)| *name == guard) else { return self.close(exp, stmts) };
                    self.push(guard, row, index);
                }
            }
            Some(_) => self.close(exp, stmts),
            None if other => self.close(exp, stmts),
            None => {}
        }
    }

    /// Adds the guard `guard` of the binding at row `row`, declared at `stmts[index]` by a
    /// statement of its own, after the run's others with nothing else declared between.
    pub(crate) fn push(&mut self, guard: Ident, row: u32, index: usize) {
        self.members.push((guard, row, index));
    }

    /// Ends the run: two or more members share one destructor, declared just before the first
    /// member's guard was; a single member keeps its own.
    pub(crate) fn close(&mut self, exp: &mut Expander<'_>, stmts: &mut Vec<Stmt>) {
        let members = std::mem::take(&mut self.members);
        if members.len() < 2 {
            return;
        }
        let run = exp.ident("r");
        let guards: Vec<Ident> = members.iter().map(|(guard, ..)| guard.clone()).collect();
        let rows: Vec<u32> = members.iter().map(|(_, row, _)| *row).collect();
        let first = members[0].2;
        for (guard, _, index) in &members {
            stmts[*index] = emit::guard_armed(guard);
        }
        stmts.insert(first, emit::guard_run(&run, &guards, &rows));
    }
}

/// What a statement declares in its block.
enum Declares {
    Nothing,
    /// A generated `let __borrowscope_gN = ..;`.
    Guard(Ident),
    /// Any other local, or a macro statement that may declare one.
    Other,
}

fn declares(stmt: &Stmt) -> Declares {
    match stmt {
        Stmt::Local(_) => Declares::Other,
        Stmt::Item(_) => Declares::Nothing,
        Stmt::Macro(mac) => macro_declares(&mac.mac),
        Stmt::Expr(Expr::Macro(mac), _) => macro_declares(&mac.mac),
        Stmt::Expr(Expr::Verbatim(tokens), _) => {
            let mut trees = tokens.clone().into_iter().peekable();
            // Past any attributes (`#[cfg(..)]`).
            while matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '#') {
                trees.next();
                trees.next();
            }
            match (trees.next(), trees.next()) {
                (Some(TokenTree::Ident(keyword)), Some(TokenTree::Ident(name))) if keyword == "let" => Declares::Guard(name),
                (Some(TokenTree::Ident(keyword)), _) if keyword == "let" => Declares::Other,
                _ => Declares::Nothing,
            }
        }
        Stmt::Expr(..) => Declares::Nothing,
    }
}

/// A statement macro may declare locals in the block (`pin_mut!(x)`), except the standard
/// ones that only evaluate expressions.
fn macro_declares(mac: &syn::Macro) -> Declares {
    let name = mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
    if super::gate::EXPRESSION_MACROS.contains(&name.as_str()) { Declares::Nothing } else { Declares::Other }
}
