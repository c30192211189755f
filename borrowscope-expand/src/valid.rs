//! What cannot be traced: `const fn` and functions with a non-Rust ABI, refused with the
//! seeds' explanations, on the span of the offending keyword; and functions an attribute may
//! make `const` after the expansion.

use syn::Signature;

/// Refuses a function whose attribute may make it `const` once the attribute expands (after
/// `#[trace_borrow]`): `#[rustversion::attr(since(1.64), const)]`, as compact_str writes.
pub(crate) fn attributes(attrs: &[syn::Attribute]) -> syn::Result<()> {
    match attrs.iter().find(|a| may_make_const(a)) {
        Some(attribute) => Err(syn::Error::new_spanned(
            attribute,
            "#[trace_borrow] cannot be applied to a function this attribute may make `const`: a const fn \
             cannot call the tracking code; remove the attribute, or `#[trace_borrow]`",
        )),
        None => Ok(()),
    }
}

/// Whether the attribute's arguments hold the keyword `const`.
fn may_make_const(attribute: &syn::Attribute) -> bool {
    fn holds(tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => ident == "const",
            proc_macro2::TokenTree::Group(group) => holds(group.stream()),
            _ => false,
        })
    }
    matches!(&attribute.meta, syn::Meta::List(list) if holds(list.tokens.clone()))
}

/// Refuses a signature that cannot be instrumented.
pub(crate) fn signature(sig: &Signature) -> syn::Result<()> {
    if let Some(constness) = &sig.constness {
        return Err(syn::Error::new_spanned(
            constness,
            "#[trace_borrow] cannot be applied to a `const fn`: tracking records events at run time, \
             but a const fn may be evaluated by the compiler, where the tracking calls could not run \
             (and const contexts cannot call them); remove `const` or remove the attribute",
        ));
    }
    if let Some(abi) = &sig.abi {
        let name = abi.name.as_ref().map(|n| n.value());
        if !matches!(name.as_deref(), Some("Rust")) {
            let shown = name.map_or_else(|| "extern".to_owned(), |n| format!("extern \"{n}\""));
            return Err(syn::Error::new_spanned(
                abi,
                format!(
                    "#[trace_borrow] cannot be applied to an `{shown}` function: functions with a non-Rust ABI \
                     must keep their foreign calling convention, which instrumentation could break; trace the \
                     Rust functions it calls instead"
                ),
            ));
        }
    }
    Ok(())
}
