//! Lock and `RefCell` guards wherever the program takes them: `cell.borrow_mut()`,
//! `m.lock()`, `rw.read()`/`write()` record the guard's acquisition and, where the trace can
//! follow it, its release where Rust releases it.
//!
//! What the guard's end is depends on how the call's value is used, which the parent
//! expression tells before it is expanded (`GuardUse`):
//! - used as a place (a method's receiver, a field's base, `*`, `[]`, `&`, a formatting
//!   macro's argument): the guard is a temporary of the statement, condition or `match`. The
//!   call becomes `hold(site, event, call).0`, one temporary tuple whose second field records
//!   the acquisition when made and the release when dropped, just after the guard: Rust
//!   drops the tuple where it would have dropped the guard, and its fields in order;
//! - bound by a `let` the analyzer classified as a guard: the binding's instance is the
//!   guard's, and the binding records the release when it drops;
//! - anything else (passed on, returned, kept in a field): the acquisition only, with no
//!   instance, and the trace says it does not follow the guard.
//!
//! The `try_` forms record nothing: a failed attempt holds no guard.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Expr, Ident};
use type_info_schema::SiteKind;

use super::Expander;
use super::emit::{self, Number, Probe};
use super::vocabulary;
use crate::config::Group;

/// The site kind of a guard the macro follows; the runtime's `graph::GUARD_TAKEN`.
pub(crate) const GUARD_TAKEN: &str = "guard_taken";

/// How the value of the expression about to be expanded is used, as a guard would be.
#[derive(Clone, Default, Debug, PartialEq, Eq)]
pub(crate) enum GuardUse {
    /// Moved somewhere the macro does not follow.
    #[default]
    Value,
    /// Used where it is, as a place: a temporary that lives to the end of its statement.
    Place,
    /// Bound by a `let` whose binding (this guard) records the release.
    Bound(Ident),
}

/// The methods that take a guard.
pub(crate) fn takes_guard(method: &str) -> bool {
    matches!(method, "borrow" | "borrow_mut" | "lock" | "read" | "write")
}

/// How the receiver of `.method(..)` is used, the call itself being used as `own`: the guard
/// moves into the value of `unwrap`/`expect`, which is used as the call is; the other
/// by-value methods of `Result` and `Option` take it somewhere the macro does not follow;
/// any other method is called on the receiver where it is.
pub(crate) fn receiver_use(method: &str, own: &GuardUse) -> GuardUse {
    match method {
        "unwrap" | "expect" => own.clone(),
        "ok" | "err" | "map" | "map_err" | "and_then" | "or_else" | "unwrap_or" | "unwrap_or_else" | "unwrap_or_default" | "unwrap_err"
        | "expect_err" | "unwrap_unchecked" | "into" | "into_inner" | "into_iter" | "flatten" | "and" | "or" | "inspect" | "inspect_err" => {
            GuardUse::Value
        }
        _ => GuardUse::Place,
    }
}

/// The acquisition `receiver.method()` records, as an `Option<(Op, u64)>` expression: the
/// analyzer's site there when it found one, else (the receiver a place, so that probing it
/// evaluates nothing twice) what the receiver's type decides where the code is compiled.
pub(crate) fn acquisition(exp: &Expander<'_>, receiver: &Expr, method: &str, span: Span) -> Option<TokenStream> {
    if let Some((line, column)) = exp.position(span) {
        let known = [
            (SiteKind::RefCellBorrow, vocabulary::REFCELL_BORROW, 0, Group::SmartPointers),
            (SiteKind::RefCellBorrowMut, vocabulary::REFCELL_BORROW_MUT, 0, Group::SmartPointers),
            (SiteKind::MutexLock, vocabulary::LOCK, 0, Group::Methods),
            (SiteKind::RwLockRead, vocabulary::LOCK, 1, Group::Methods),
            (SiteKind::RwLockWrite, vocabulary::LOCK, 2, Group::Methods),
        ];
        if let Some((_, op, arg, group)) = known.into_iter().find(|(kind, ..)| exp.types.site(line, column, *kind).is_some()) {
            return exp.has(group).then(|| emit::known_event(op, Number(arg)));
        }
    }
    let group = if method.starts_with("borrow") { Group::SmartPointers } else { Group::Methods };
    (is_place(receiver) && exp.has(group)).then(|| emit::probe(Probe::Typed, receiver, quote!(typed(#method))))
}

/// `expr` (the call, expanded) recording the guard it takes, used as `used`.
pub(crate) fn record(exp: &Expander<'_>, expr: &Expr, event: TokenStream, label: &str, method: &str, span: Span, used: &GuardUse) -> Expr {
    let site = exp.site(label, method, GUARD_TAKEN, span);
    match used {
        GuardUse::Place => emit::held(&site, event, expr),
        GuardUse::Bound(guard) => emit::taken(&site, event, quote!(#guard.id()), expr),
        GuardUse::Value => emit::after(&site, event, expr),
    }
}

/// The guard method a `let` initializer ends in, through `unwrap`/`expect`: `Some(true)`
/// for a `try_` form, `Some(false)` for a guard taken for sure.
pub(crate) fn initializer_guard(init: &Expr) -> Option<bool> {
    match init {
        Expr::MethodCall(call) if matches!(call.method.to_string().as_str(), "unwrap" | "expect") => initializer_guard(&call.receiver),
        Expr::MethodCall(call) => {
            let method = call.method.to_string();
            match method.strip_prefix("try_") {
                Some(rest) if takes_guard(rest) => Some(true),
                _ if takes_guard(&method) => Some(false),
                _ => None,
            }
        }
        Expr::Paren(p) => initializer_guard(&p.expr),
        _ => None,
    }
}

/// A receiver the macro can probe without evaluating anything twice: a binding, or a field
/// of one (`x`, `self.cell`, `state.inner.lock`).
pub(crate) fn is_place(expr: &Expr) -> bool {
    match expr {
        Expr::Path(p) => p.qself.is_none() && p.path.get_ident().is_some(),
        Expr::Field(f) => is_place(&f.base),
        _ => false,
    }
}

/// Whether the analyzer classified the binding `name` as a lock's or `RefCell`'s guard.
pub(crate) fn holds_guard(exp: &Expander<'_>, name: &syn::Ident) -> bool {
    use type_info_schema::InitializerKind as K;
    let known = exp.position(name.span()).and_then(|(line, column)| exp.types.binding(line, column));
    known.is_some_and(|b| matches!(b.kind, K::RefCellBorrow | K::RefCellBorrowMut | K::MutexLock | K::RwLockRead | K::RwLockWrite))
}
