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

/// Whether a loop's body may be emitted a second time as written, inside the instrumented
/// function, behind a gate checked once per iteration (`Span::live_iteration`): a loop
/// entered before the event cap may run on long past it, paying every hook of its body for
/// events nobody keeps. Only an innermost loop (an outer one would copy the inner loop's
/// copies again) in a function that carries the gate itself (not an `#[inline(always)]` one),
/// whose body holds nothing two copies could disagree on, as for a closure, and no `.await`
/// (each copy would be a state of the future). Whether the instrumented body may skip its
/// hooks for an iteration is decided after its expansion (`only_records`).
pub(crate) fn loop_body_runs_as_written(body: &syn::Block) -> bool {
    let mut finder = Finder { in_closure: true, in_loop: true, ..Finder::default() };
    finder.visit_block(body);
    !finder.found
}

/// Whether an instrumented loop body only records: every hook in it writes events and
/// nothing else, so an iteration run as written instead leaves the runtime's state as the
/// instrumented one would (no event lost that a later one depends on). A binding declared
/// outside the body may only be copied or have its id read (`copied`, `event`, `id`, or be
/// the owner a borrow names): a move, a drop, an assignment or a probe would change what its
/// guard records at its end. A linked channel's queue must see every message.
pub(crate) fn only_records(body: &syn::Block) -> bool {
    use quote::ToTokens;
    let tokens = body.to_token_stream();
    let mut declared = std::collections::HashSet::new();
    declared_guards(tokens.clone(), &mut declared);
    records_only(tokens, &declared, None)
}

/// The hooks on an outer binding's guard that only record.
const RECORDING_METHODS: &[&str] = &["copied", "event", "id"];

/// The hooks that keep a linked channel's queue.
const QUEUE_HOOKS: &[&str] = &["linked_channel", "sending", "sent", "received", "received_item", "bind_received"];

/// The guards a body declares itself (`let __borrowscope_gN = ..`).
fn declared_guards(tokens: proc_macro2::TokenStream, declared: &mut std::collections::HashSet<String>) {
    let mut after_let = false;
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Group(group) => declared_guards(group.stream(), declared),
            proc_macro2::TokenTree::Ident(ident) => {
                let name = ident.to_string();
                if after_let && is_guard(&name) {
                    declared.insert(name.clone());
                }
                after_let = name == "let";
                continue;
            }
            _ => {}
        }
        after_let = false;
    }
}

fn is_guard(name: &str) -> bool {
    name.strip_prefix("__borrowscope_g").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// `only_records` over `tokens`, the arguments of a call to `callee` when it is one.
fn records_only(tokens: proc_macro2::TokenStream, declared: &std::collections::HashSet<String>, callee: Option<&str>) -> bool {
    use proc_macro2::{Delimiter, TokenTree};
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let ident = |i: Option<usize>| match i.and_then(|i| trees.get(i)) {
        Some(TokenTree::Ident(ident)) => Some(ident.to_string()),
        _ => None,
    };
    let punct = |i: Option<usize>, c: char| matches!(i.and_then(|i| trees.get(i)), Some(TokenTree::Punct(p)) if p.as_char() == c);
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Group(group) => {
                let called = (group.delimiter() == Delimiter::Parenthesis).then(|| ident(i.checked_sub(1))).flatten();
                if !records_only(group.stream(), declared, called.as_deref()) {
                    return false;
                }
            }
            TokenTree::Ident(name) => {
                let name = name.to_string();
                if QUEUE_HOOKS.contains(&name.as_str()) {
                    return false;
                }
                if is_guard(&name) && !declared.contains(&name) {
                    let recorded = punct(Some(i + 1), '.') && ident(Some(i + 2)).is_some_and(|m| RECORDING_METHODS.contains(&m.as_str()));
                    let owner = punct(i.checked_sub(1), '&') && callee == Some("borrows");
                    if !recorded && !owner {
                        return false;
                    }
                }
            }
            _ => {}
        }
    }
    true
}

/// Finds what may not be duplicated: `impl Trait`, nested items, item-defining macro
/// statements; in a closure's body, also closures, `async` blocks and other macros; in a
/// loop's body, also loops and `.await`.
#[derive(Default)]
struct Finder {
    found: bool,
    in_closure: bool,
    in_loop: bool,
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

    fn visit_expr_await(&mut self, expr: &'ast syn::ExprAwait) {
        self.found |= self.in_loop;
        visit::visit_expr_await(self, expr);
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast syn::ExprForLoop) {
        self.found |= self.in_loop;
        visit::visit_expr_for_loop(self, expr);
    }

    fn visit_expr_while(&mut self, expr: &'ast syn::ExprWhile) {
        self.found |= self.in_loop;
        visit::visit_expr_while(self, expr);
    }

    fn visit_expr_loop(&mut self, expr: &'ast syn::ExprLoop) {
        self.found |= self.in_loop;
        visit::visit_expr_loop(self, expr);
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

    /// How many loops of `item`'s expansion run as written once no event can be kept.
    fn gated_loops(item: &str) -> usize {
        let tokens = crate::expand::item(quote::quote!(), item.parse().unwrap()).unwrap();
        tokens.to_string().matches("live_iteration").count()
    }

    #[test]
    fn an_innermost_loop_that_only_records_runs_as_written_once_no_event_can_be_kept() {
        let sum = "fn f(v: &[u8]) -> usize { let mut n = 0; for b in v { let d = *b as usize; n += d; } n }";
        assert_eq!(gated_loops(sum), 1);
        let nested = "fn f(v: &[Vec<u8>]) -> usize { let mut n = 0; for row in v { for b in row { n += *b as usize; } } n }";
        assert_eq!(gated_loops(nested), 1, "the inner loop only: the outer would copy it again");
        let labelled = "fn f(mut i: u32) { 'outer: loop { while i < 10 { i += 1; if i == 5 { continue 'outer; } } break; } }";
        assert_eq!(gated_loops(labelled), 1);
    }

    #[test]
    fn a_loop_whose_body_changes_an_outer_binding_or_may_disagree_runs_instrumented_throughout() {
        let moves = "fn f(s: String) -> Vec<String> { let mut out = Vec::new(); loop { out.push(s); break; } out }";
        assert_eq!(gated_loops(moves), 0, "a move of `s` must reach its guard");
        let assigns = "fn f() { let mut s = String::new(); for _ in 0..3 { s = String::from(\"x\"); } drop(s); }";
        assert_eq!(gated_loops(assigns), 0, "the old value's drop is recorded at the assignment");
        let dropped = "fn f(v: Vec<String>) { let keep = String::new(); for x in v { drop(keep); break; } }";
        assert_eq!(gated_loops(dropped), 0);
        let closure = "fn f(v: &[u8]) -> Vec<Box<dyn Fn() -> u8>> { let mut out: Vec<Box<dyn Fn() -> u8>> = Vec::new(); for &b in v { out.push(Box::new(move || b)); } out }";
        assert_eq!(gated_loops(closure), 0, "two copies of a closure are two types");
        let awaits = "async fn f(v: Vec<u8>) { for b in v { g(b).await; } }";
        assert_eq!(gated_loops(awaits), 0);
        let inline = "#[inline(always)] fn f(v: &[u8]) -> usize { let mut n = 0; for b in v { n += *b as usize; } n }";
        assert_eq!(gated_loops(inline), 0, "a function without the gate has no copies at all");
    }

    #[test]
    fn only_an_outer_guard_copied_or_named_as_an_owner_counts_as_recording() {
        let records = |text: &str| super::only_records(&syn::parse_str(text).unwrap());
        assert!(records("{ __borrowscope_g4.copied(&S[5], 0); let __borrowscope_g8 = Guard::new(&S[1]); __borrowscope_g8.bind(&x); }"));
        assert!(records("{ let __borrowscope_g8 = Guard::new(&S[1]); __borrowscope_g8.borrows(&__borrowscope_g2, false); }"));
        assert!(!records("{ __borrowscope_g4.moved(&S[5], 0); }"));
        assert!(!records("{ (&Probe(&pos)).used(&__borrowscope_g3, &S[13], 0); }"));
        assert!(!records("{ x = assigned(&__borrowscope_g3, 1); }"));
        assert!(!records("{ received_item(&Q); }"), "a linked channel's queue must see every message");
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
