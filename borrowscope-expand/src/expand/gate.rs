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

/// Whether a closure's body may carry the gate too, with a copy as written: a closure made
/// while tracing was on keeps its instrumented body for every later call (memchr's tests hand
/// closures to a runner that calls them for every haystack, long after the event cap: their
/// parameters' guards were most of the run's time). Its return type is inferred from its
/// body, so the two copies must give the same type: a closure or `async` block inside would be
/// two different types, as might what an unknown macro expands to; and nothing in it may
/// exist twice, as for a function.
pub(crate) fn closure_runs_as_written(closure: &syn::ExprClosure) -> bool {
    if closure.asyncness.is_some() || closure.constness.is_some() {
        return false;
    }
    let mut finder = Finder { in_closure: true, ..Finder::default() };
    finder.visit_expr(&closure.body);
    !finder.found
}

/// Finds what may not be duplicated: `impl Trait`, nested items, item-defining macro
/// statements; in a closure's body, also closures, `async` blocks and other macros.
#[derive(Default)]
struct Finder {
    found: bool,
    in_closure: bool,
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

    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        self.found |= self.in_closure;
        visit::visit_expr_closure(self, closure);
    }

    fn visit_expr_async(&mut self, block: &'ast syn::ExprAsync) {
        self.found |= self.in_closure;
        visit::visit_expr_async(self, block);
    }

    fn visit_expr_macro(&mut self, mac: &'ast syn::ExprMacro) {
        let name = mac.mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        self.found |= self.in_closure && !EXPRESSION_MACROS.contains(&name.as_str()) && name != "matches";
        visit::visit_expr_macro(self, mac);
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

    #[test]
    fn a_closure_is_gated_unless_its_copies_could_differ_in_type() {
        let gated = |text: &str| super::closure_runs_as_written(&syn::parse_str(text).unwrap());
        assert!(!gated("|h: &[u8], n: u8| h.iter().position(|&b| b == n).is_some()"), "a closure inside is a type of its own");
        assert!(gated("|h: &[u8], n: u8| { let found = memchr(n, h); assert_eq!(found, None); found }"));
        assert!(gated("|x| x + 1"));
        assert!(!gated("|x| async move { x }"), "two async blocks are two types");
        assert!(!gated("|x| my_macro!(x)"), "a macro may expand to a closure");
        assert!(!gated("|| { fn inner() {} inner() }"), "an item would exist twice");
        assert!(!gated("async |x| x"));
    }
}
