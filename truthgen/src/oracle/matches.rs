//! Matches on an `Option<Noisy>`: `match` and `if let`, by value or by `ref`, and
//! `let`-`else`.

use super::{Flow, Machine, Val};
use crate::program::Stmt;

impl Machine<'_> {
    /// `match v { Some(x) => some, None => none }` (or `if let`): the payload moves into `x`
    /// unless it is bound by `ref`.
    pub(super) fn match_opt(&mut self, v: &str, x: &str, by_ref: bool, some: &[Stmt], none: &[Stmt], construct: &'static str) -> Flow {
        let payload = matches!(&self.binding(v).slot, Some(Val::Opt(Some(_))));
        if !payload {
            return self.block(none, None);
        }
        let bound = if by_ref {
            Val::Plain
        } else {
            let whole = self.take(v, construct);
            match whole {
                Val::Opt(Some(inner)) => *inner,
                other => other,
            }
        };
        self.block(some, Some((x.to_owned(), bound)))
    }

    /// `let Some(x) = v else { return; };`: `None` leaves the function; `Some` gives its
    /// payload to `x`, in the enclosing block.
    pub(super) fn let_else(&mut self, v: &str, x: &str) -> Flow {
        if !matches!(&self.binding(v).slot, Some(Val::Opt(Some(_)))) {
            return Flow::Return;
        }
        let payload = match self.take(v, "let-else") {
            Val::Opt(Some(inner)) => *inner,
            other => other,
        };
        self.bind(x.to_owned(), payload);
        Flow::Normal
    }
}
