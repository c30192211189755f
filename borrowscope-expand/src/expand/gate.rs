//! The per-call gate: a traced function checks once, on entry, whether any event could be
//! kept (`__private::active()`), and runs its body exactly as written when none could (the
//! event cap reached, tracking compiled out), so that a function called millions of times
//! costs one check per call from then on instead of one recorder call per event.
//!
//! The body is then emitted twice, instrumented and as written, which is only the same
//! program when nothing in it has an identity of its own: a nested item (a `static`, an
//! `impl`, a `#[no_mangle]` function) would exist twice, a macro statement may define one
//! (`thread_local!`, `macro_rules!`), and an `impl Trait` return type cannot be two
//! different closures or iterators. Such functions are instrumented without the gate, and so
//! is an `#[inline(always)]` one: inlined even in debug builds, its two copies would land in
//! each of its caller's two copies, so a chain of them doubled at every level (aho-corasick's
//! Teddy searchers, five levels deep in thirty-two instances, ran LLVM out of memory).

use syn::visit::{self, Visit};
use syn::{ItemFn, ReturnType};

/// Whether `function` may carry the gate, with a copy of its body as written.
pub(crate) fn runs_as_written(function: &ItemFn) -> bool {
    if function.attrs.iter().any(inline_always) {
        return false;
    }
    let opaque_return = match &function.sig.output {
        ReturnType::Default => false,
        ReturnType::Type(_, ty) => {
            let mut finder = Finder::default();
            finder.visit_type(ty);
            finder.found
        }
    };
    let mut finder = Finder::default();
    finder.visit_block(&function.block);
    !opaque_return && !finder.found
}

/// Finds what may not be duplicated: `impl Trait`, nested items, item-defining macro
/// statements.
#[derive(Default)]
struct Finder {
    found: bool,
}

/// Statement macros that only evaluate expressions, never define items.
const EXPRESSION_MACROS: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "dbg",
    "eprint",
    "eprintln",
    "format",
    "panic",
    "print",
    "println",
    "todo",
    "unimplemented",
    "unreachable",
    "vec",
    "write",
    "writeln",
];

impl<'ast> Visit<'ast> for Finder {
    fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
        self.found = true;
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {
        self.found = true;
    }

    fn visit_stmt_macro(&mut self, mac: &'ast syn::StmtMacro) {
        let name = mac.mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        if !EXPRESSION_MACROS.contains(&name.as_str()) {
            self.found = true;
        }
        visit::visit_stmt_macro(self, mac);
    }
}

/// `#[inline(always)]`.
fn inline_always(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("inline") && attr.parse_args::<syn::Ident>().is_ok_and(|arg| arg == "always")
}

#[cfg(test)]
mod tests {
    use super::runs_as_written;

    #[test]
    fn an_inline_always_function_has_no_copy_as_written() {
        let gated = |text: &str| runs_as_written(&syn::parse_str(text).unwrap());
        assert!(gated("fn f() -> u32 { 1 }"));
        assert!(gated("#[inline] fn f() -> u32 { 1 }"));
        assert!(!gated("#[inline(always)] fn f() -> u32 { 1 }"));
        assert!(!gated("fn f() -> impl Fn() { || {} }"));
        assert!(!gated("fn f() { static X: u8 = 0; }"));
    }
}
