//! What cannot be traced: `const fn` and functions with a non-Rust ABI, refused with the
//! seeds' explanations, on the span of the offending keyword.

use syn::Signature;

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
