//! Channels the analyzer linked (`linked_channel` sites): the queue declared with the
//! channel, each send and receive the analyzer listed rewritten to go through it, and the
//! binding a receive initializes linked to the binding that was sent (the runtime's
//! `__private::channels` tells how).
//!
//! The queue is exact only if every listed send and receive goes through it. The macro
//! declares the queue where it meets the channel and counts the sites it rewrites; the
//! queue is linked (`linked_channel(true)`) only if, once the whole function is expanded,
//! it rewrote them all: the flag is a `const` emitted with the function's prologue, which is
//! in scope in the whole body. A site it did not reach leaves the channel unlinked, never
//! one link off.

use proc_macro2::Span;
use quote::format_ident;
use syn::{Expr, Ident, Stmt};
use type_info_schema::SiteKind;

use super::Expander;
use crate::config::Group;

/// A channel whose queue this function declares.
pub(crate) struct Declared {
    /// The position of its `linked_channel` site.
    at: (u32, u32),
    /// How many `linked_send`/`linked_recv` sites the analyzer listed for it.
    listed: usize,
    /// The positions of those the macro rewrote.
    rewritten: Vec<(u32, u32)>,
}

/// The local holding the queue of the channel at `at`, and its flag.
fn names((line, column): (u32, u32)) -> (Ident, Ident) {
    (
        format_ident!("__borrowscope_channel_{}_{}", line, column, span = Span::mixed_site()),
        format_ident!("__BORROWSCOPE_CHANNEL_{}_{}", line, column, span = Span::mixed_site()),
    )
}

/// For `let (tx, rx) = <callee>(..)`: the queue's declaration, to go before the `let`, when
/// the analyzer linked the channel made there.
pub(crate) fn declare(exp: &mut Expander<'_>, callee: Span) -> Option<Stmt> {
    if !exp.has(Group::Methods) {
        return None;
    }
    let at = exp.position(callee)?;
    exp.types.site(at.0, at.1, SiteKind::LinkedChannel)?;
    let target = format!("{}:{}", at.0, at.1);
    let listed = exp.types.count_sites(SiteKind::LinkedSend, &target) + exp.types.count_sites(SiteKind::LinkedRecv, &target);
    exp.channels.push(Declared { at, listed, rewritten: Vec::new() });
    let (local, flag) = names(at);
    Some(super::emit::linked_channel(&local, &flag))
}

/// The queue of the channel a send or receive site of `kind` at `span` belongs to, when this
/// function declared it; the site counts as rewritten, so the caller must rewrite it.
pub(crate) fn rewrite(exp: &mut Expander<'_>, span: Span, kind: SiteKind) -> Option<Ident> {
    let at = exp.position(span)?;
    let site = exp.types.site(at.0, at.1, kind)?;
    let (line, column) = site.target.split_once(':')?;
    let channel = (line.parse().ok()?, column.parse().ok()?);
    let declared = exp.channels.iter_mut().find(|d| d.at == channel)?;
    if !declared.rewritten.contains(&at) {
        declared.rewritten.push(at);
    }
    Some(names(channel).0)
}

/// Whether the receive at `span` was rewritten (so a binding it initializes may claim what
/// it took).
pub(crate) fn rewritten(exp: &Expander<'_>, span: Span) -> bool {
    exp.position(span).is_some_and(|at| exp.channels.iter().any(|d| d.rewritten.contains(&at)))
}

/// The flags of the channels this function declared, for its prologue.
pub(crate) fn flags(exp: &Expander<'_>) -> Vec<Stmt> {
    exp.channels
        .iter()
        .map(|d| {
            let (_, flag) = names(d.at);
            let linked = d.rewritten.len() == d.listed;
            syn::parse_quote!(const #flag: bool = #linked;)
        })
        .collect()
}

/// The argument `v` of `tx.send(v)` on a linked channel, queued once computed with the
/// instance `id` it moves out of (0: none).
pub(crate) fn sending(arg: &mut Expr, channel: &Ident, id: proc_macro2::TokenStream) {
    *arg = super::emit::sending(channel, id, super::emit::take(arg));
}

/// The whole `tx.send(..)` whose argument is `sending`: the queue is released after it.
pub(crate) fn sent(expr: &mut Expr, channel: &Ident) {
    *expr = super::emit::sent(channel, super::emit::take(expr));
}

/// `rx.recv()` (or `try_recv`, `recv_timeout`) on a linked channel.
pub(crate) fn receive(expr: &mut Expr, channel: &Ident) {
    *expr = super::emit::received(channel, super::emit::take(expr));
}

/// The span of the method of `expr` when it is a receive call (`recv`, `try_recv`,
/// `recv_timeout`), which a linked channel's receiver may be making.
pub(crate) fn receive_call(expr: &Expr) -> Option<Span> {
    match expr {
        Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "recv" | "try_recv" | "recv_timeout") => Some(m.method.span()),
        _ => None,
    }
}

/// The receive call in a `let` initializer whose value is what it took:
/// `rx.recv().unwrap()`, `rx.recv().expect("..")`, `rx.recv()?`. Returns its method's span.
pub(crate) fn received_by(init: &Expr) -> Option<Span> {
    let inner = match init {
        Expr::Try(t) => &*t.expr,
        // A literal message runs no code between the receive and the binding.
        Expr::MethodCall(m) if m.method == "unwrap" && m.args.is_empty() => &*m.receiver,
        Expr::MethodCall(m) if m.method == "expect" && matches!(m.args.first(), Some(Expr::Lit(_))) && m.args.len() == 1 => &*m.receiver,
        _ => return None,
    };
    receive_call(inner)
}
