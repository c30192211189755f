//! The borrow of a tracked binding by the method called on it, or on a chain of its fields,
//! where the analyzer found that the call borrows its receiver, and the end of that borrow
//! where the call's result cannot hold it.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Expr;

use super::Expander;

/// The borrow of a tracked binding by the method called on it, where the analyzer found
/// that the call borrows its receiver (by autoref, or through a deref): `event(site, Borrow
/// or BorrowMut, 0, guard.id())`, to record as the call starts.
/// Its site is named by the method, of kind `receiver`; a binding that is a reference
/// records nothing (its type decides, `ViaReference`). Without the file, nothing: a method
/// may take `self` by value.
/// `by` names the method, or the macro (`write!`) whose expansion calls one on `receiver`.
pub(crate) fn receiver_borrow(exp: &Expander<'_>, receiver: &Expr, by: &str, span: proc_macro2::Span) -> Option<ReceiverBorrow> {
    if let Expr::Field(_) = receiver {
        return field_receiver_borrow(exp, receiver, by, span);
    }
    let (ident, guard, _) = exp.tracked_path(receiver)?;
    // A binding the analyzer says is a reference is reborrowed through: nothing to record,
    // and no probe to ask.
    if exp.references.contains(&guard.to_string()) {
        return None;
    }
    let (line, column, op) = receiver_borrow_op(exp, &ident)?;
    let site = exp.site(by, &ident.to_string(), "receiver", span);
    // A reference binding is reborrowed through, not borrowed: its type decides.
    let probe = super::emit::probe(super::emit::Probe::Reference, &ident, quote!(receiver_borrow(#site, #op, #guard.id())));
    // Where the result cannot hold the borrow, the same probe gives the owner's id back, for
    // `borrowed_for` to record the end as the call returns.
    let ends = exp
        .types
        .ends_with_call(line, column)
        .then(|| super::emit::probe(super::emit::Probe::Reference, &ident, quote!(receiver_borrow_for(#site, #op, #guard.id()))));
    let never_returns = exp.types.never_returns(line, column);
    Some(ReceiverBorrow { event: Expr::Verbatim(probe), ends, never_returns })
}

/// The position of a receiver binding and the borrow the analyzer saw there (shared or
/// mutable), when the ownership group records it. Never for `self`: it is mostly a
/// reference, and its methods are where one that never returns (a parser's `self.fail(..)
/// -> !`) would make the recording around the call unreachable code (a new warning).
fn receiver_borrow_op(exp: &Expander<'_>, ident: &syn::Ident) -> Option<(u32, u32, super::vocabulary::Op)> {
    use type_info_schema::UseKind;
    if ident == "self" {
        return None;
    }
    let (line, column) = exp.position(ident.span())?;
    let op = match exp.types.use_kind(line, column)? {
        UseKind::SharedBorrow => super::vocabulary::BORROW,
        UseKind::MutableBorrow => super::vocabulary::BORROW_MUT,
        _ => return None,
    };
    exp.has(crate::config::Group::Ownership).then_some((line, column, op))
}

/// `receiver_borrow` for a chain of fields on a tracked binding (`inv.items.len()`): the
/// analyzer keys the borrow at the binding's name, and has left out bindings and fields that
/// are references, so no probe is needed, and none may be taken: `&inv` could conflict with a
/// borrow of another field that is alive, or with a field moved out.
fn field_receiver_borrow(exp: &Expander<'_>, receiver: &Expr, by: &str, span: proc_macro2::Span) -> Option<ReceiverBorrow> {
    let mut root = receiver;
    while let Expr::Field(field) = root {
        root = &field.base;
    }
    let (ident, guard, _) = exp.tracked_path(root)?;
    let (line, column, op) = receiver_borrow_op(exp, &ident)?;
    let site = exp.site(by, &ident.to_string(), "receiver", span);
    let event = super::emit::event(&site, op, super::emit::Number(0), quote!(#guard.id()));
    // The same site for the borrow and its end, as the probes give it back.
    let ends = exp.types.ends_with_call(line, column).then(|| {
        let named = syn::Ident::new("site", proc_macro2::Span::mixed_site());
        let recorded = super::emit::event(&quote!(#named.0, #named.1), op, super::emit::Number(0), quote!(#guard.id()));
        quote!({
            let #named = (#site);
            #recorded;
            (#guard.id(), #named)
        })
    });
    let never_returns = exp.types.never_returns(line, column);
    Some(ReceiverBorrow { event, ends, never_returns })
}

/// What `receiver_borrow` found.
pub(crate) struct ReceiverBorrow {
    /// Records the borrow as the call starts.
    pub(crate) event: Expr,
    /// The call's result cannot hold the borrow: the probe that records the borrow and gives
    /// the owner's id and the site back, for `borrowed_for` to record the end after the call.
    pub(crate) ends: Option<TokenStream>,
    /// The call never returns: the borrow goes first in a block ending with the call, where
    /// nothing follows it (a function around it would be an "unreachable call").
    pub(crate) never_returns: bool,
}

impl ReceiverBorrow {
    /// `borrowed_for(probe, call)`: the borrow recorded as the call starts and its end as it
    /// returns (at the same site), when the end is known.
    pub(crate) fn around(&self, call: &Expr) -> Option<Expr> {
        let probe = self.ends.as_ref()?;
        Some(super::emit::borrowed_for(probe.clone(), call.clone()))
    }
}
