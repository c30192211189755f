//! Loops: `for _ in 0..n` with a `break` on a condition, `while let Some(x) = list.pop()`,
//! and `for x in list`, which takes the list and drops what it did not reach as it ends.

use super::{Flow, Machine, Val, holds};
use crate::program::{Cond, Stmt};

/// How one iteration ended.
pub(super) enum Step {
    /// On to the next.
    Next,
    /// Its `break` ran.
    Break,
    /// It left the function.
    Return,
}

impl Machine<'_> {
    /// One iteration: `bound` (the loop's binding, if any) and the body's bindings in a scope
    /// of their own, which ends with the iteration, then `if brk { break }`.
    pub(super) fn iteration(&mut self, bound: Option<(String, Val)>, body: &[Stmt], brk: Option<Cond>) -> Step {
        self.scopes.push(Vec::new());
        if let Some((name, val)) = bound {
            self.bind(name, val);
        }
        let ran = self.stmts(body);
        let broke = matches!(ran, Flow::Normal) && brk.is_some_and(|c| holds(c, self.k));
        self.close_scope(match ran {
            Flow::Return => "early return",
            _ if broke => "break",
            _ => "scope end",
        });
        match ran {
            Flow::Return => Step::Return,
            Flow::Normal if broke => Step::Break,
            Flow::Normal => Step::Next,
        }
    }

    /// `while let Some(x) = list.pop() { body }`.
    pub(super) fn while_let_pop(&mut self, list: &str, x: &str, body: &[Stmt]) -> Flow {
        loop {
            let popped = match &mut self.binding(list).slot {
                Some(Val::List(items)) => items.pop(),
                _ => {
                    self.stuck = true;
                    None
                }
            };
            let Some(item) = popped else { return Flow::Normal };
            if let Flow::Return = self.block(body, Some((x.to_owned(), item))) {
                return Flow::Return;
            }
        }
    }

    /// `for x in list { body; if brk { break } }`: what the loop did not reach is dropped, in
    /// order, as it ends (on a `break` or a `return` too, before the blocks around it).
    pub(super) fn for_each(&mut self, list: &str, x: &str, body: &[Stmt], brk: Option<Cond>) -> Flow {
        let items = match self.take(list, "moved into a for loop") {
            Val::List(items) => items,
            _ => {
                self.stuck = true;
                Vec::new()
            }
        };
        let mut rest = items.into_iter();
        let mut flow = Flow::Normal;
        for item in rest.by_ref() {
            match self.iteration(Some((x.to_owned(), item)), body, brk) {
                Step::Return => {
                    flow = Flow::Return;
                    break;
                }
                Step::Break => break,
                Step::Next => {}
            }
        }
        for item in rest {
            self.drop_val(&item);
        }
        flow
    }
}
