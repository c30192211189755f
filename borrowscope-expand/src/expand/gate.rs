//! The per-call gate: a traced function checks once, on entry, whether any event could be
//! kept (`__private::active()`), and runs its body exactly as written when none could (the
//! event cap reached, tracking compiled out), so that a function called millions of times
//! costs one check per call from then on instead of one recorder call per event.
//!
//! The body is then emitted twice, instrumented and as written, which is only the same program
//! when nothing in it has an identity of its own: a nested item (a `static`, an `impl`, a
//! `#[no_mangle]` function; not a `const` or a `use`) would exist twice, a macro statement may
//! define one (`thread_local!`, `macro_rules!`), and an `impl Trait` return type cannot be two
//! different closures or iterators. Such functions are instrumented without the gate, and so is
//! an `#[inline(always)]` one: inlined even in debug builds, its two copies would land in each
//! of its caller's two copies, so a chain of them doubled at every level (aho-corasick's Teddy
//! searchers, five levels deep in thirty-two instances, ran LLVM out of memory).

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
/// events nobody keeps. Any loop of a function that carries the gate itself (not an
/// `#[inline(always)]` one), whose body holds nothing two copies could disagree on, as for a
/// closure, and no `.await` (each copy would be a state of the future). An outer loop is
/// copied too: md5's `consume` runs a loop over every byte of its input around an inner loop
/// run once in 64, and ran its outer body's hooks for 4 GiB in one call. The copy is of the
/// body as written, so a loop nested `d` deep has its body as written `d + 1` times, not
/// `2^d`. Whether the instrumented body may skip its hooks for an iteration is decided after
/// its expansion (`skippable`).
pub(crate) fn loop_body_runs_as_written(body: &syn::Block) -> bool {
    let mut finder = Finder { in_closure: true, in_loop: true, ..Finder::default() };
    finder.visit_block(body);
    !finder.found
}

/// What an iteration run as written does first to the outer bindings whose hooks it skips.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Skipped {
    /// Moved, dropped or probed by the body: a move, a drop or a probe skipped would leave
    /// the guard recording a drop that may not have happened, so their end is unknown
    /// (`maybe_moved`).
    pub(crate) unknown: Vec<proc_macro2::Ident>,
    /// Assigned a new value by the body: no event would name the instance they may hold
    /// now, and the events after it would name the old one, so nothing more is recorded of
    /// them (`forgotten`). A trace then lacks their end, as it lacks every event past the
    /// cap; it never names one value for another.
    pub(crate) forgotten: Vec<proc_macro2::Ident>,
}

/// Whether an instrumented loop body may skip its hooks for an iteration: every hook in it
/// writes events, or can only make an outer binding's end less certain or its later events
/// absent ([`Skipped`] says which). `None` when the body must run instrumented throughout:
/// anything else done to an outer guard; a linked channel's queue, which must see every
/// message. An outer guard copied, its id read, or named as the owner a borrow records, only
/// records.
pub(crate) fn skippable(body: &syn::Block) -> Option<Skipped> {
    use quote::ToTokens;
    let tokens = body.to_token_stream();
    let mut declared = std::collections::HashSet::new();
    declared_guards(tokens.clone(), &mut declared);
    let mut skipped = Skipped::default();
    scan(tokens, &declared, None, &mut skipped).then_some(skipped)
}

/// The hooks on an outer binding's guard that only record.
const RECORDING_METHODS: &[&str] = &["copied", "event", "id"];

/// The hooks on an outer binding's guard, or the probes given one, that can only end its
/// value or make its end uncertain.
const ENDING_METHODS: &[&str] = &["moved", "dropped", "maybe_moved", "passed_on", "never_dropped", "used", "receiver", "passed", "returned"];

/// The hooks on an outer binding's guard, or the runtime functions given one, that give the
/// binding a new value.
const ASSIGNING_METHODS: &[&str] = &["overwritten", "overwritten_by", "assigned"];

/// The hooks that keep a linked channel's queue.
const QUEUE_HOOKS: &[&str] = &["linked_channel", "sending", "sent", "received", "received_item", "bind_received"];

/// The guards a body declares itself (`let __borrowscope_gN = ..`, a run's
/// `let [__borrowscope_gN, ..] = ..`, and in a `let` chain
/// `let ::core::option::Option::Some(__borrowscope_gN) = ..`).
fn declared_guards(tokens: proc_macro2::TokenStream, declared: &mut std::collections::HashSet<String>) {
    use proc_macro2::TokenTree;
    let mut after_let = false;
    // Within `let ::core::option::Option::Some`, before its parenthesis.
    let mut in_some = false;
    for tree in tokens {
        match tree {
            TokenTree::Group(group) => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                // `let [__borrowscope_g4, __borrowscope_g5] = ..`: a run's guards.
                if after_let && group.delimiter() == proc_macro2::Delimiter::Bracket {
                    let names = inner.iter().filter_map(|tree| match tree {
                        TokenTree::Ident(ident) if is_guard(&ident.to_string()) => Some(ident.to_string()),
                        _ => None,
                    });
                    declared.extend(names);
                }
                if in_some && let [TokenTree::Ident(ident)] = inner.as_slice() {
                    let name = ident.to_string();
                    if is_guard(&name) {
                        declared.insert(name);
                    }
                }
                declared_guards(group.stream(), declared);
            }
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                if after_let && is_guard(&name) {
                    declared.insert(name.clone());
                }
                in_some = (after_let || in_some) && matches!(name.as_str(), "core" | "option" | "Option" | "Some");
                after_let = name == "let";
                continue;
            }
            TokenTree::Punct(punct) if (after_let || in_some) && punct.as_char() == ':' => {
                (after_let, in_some) = (false, true);
                continue;
            }
            _ => {}
        }
        after_let = false;
        in_some = false;
    }
}

fn is_guard(name: &str) -> bool {
    name.strip_prefix("__borrowscope_g").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// `skippable` over `tokens`, the arguments of a call to `callee` when it is one; adds the
/// outer guards an iteration run as written must mark to `skipped`.
fn scan(tokens: proc_macro2::TokenStream, declared: &std::collections::HashSet<String>, callee: Option<&str>, skipped: &mut Skipped) -> bool {
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
                if !scan(group.stream(), declared, called.as_deref(), skipped) {
                    return false;
                }
            }
            TokenTree::Ident(guard) => {
                let name = guard.to_string();
                if QUEUE_HOOKS.contains(&name.as_str()) {
                    return false;
                }
                if !is_guard(&name) || declared.contains(&name) {
                    continue;
                }
                let method = punct(Some(i + 1), '.').then(|| ident(Some(i + 2))).flatten();
                let given_to = punct(i.checked_sub(1), '&').then_some(callee).flatten();
                let is = |list: &[&str]| method.as_deref().is_some_and(|m| list.contains(&m)) || given_to.is_some_and(|c| list.contains(&c));
                if is(RECORDING_METHODS) || given_to == Some("borrows") {
                    continue;
                }
                let marks = if is(ENDING_METHODS) {
                    &mut skipped.unknown
                } else if is(ASSIGNING_METHODS) {
                    &mut skipped.forgotten
                } else {
                    return false;
                };
                if !marks.iter().any(|known| *known == name) {
                    marks.push(guard.clone());
                }
            }
            _ => {}
        }
    }
    true
}

/// Finds what may not be duplicated: `impl Trait`, nested items, item-defining macro
/// statements, large arrays; in a closure's body, also closures, `async` blocks and other
/// macros; in a loop's body, also `.await`.
#[derive(Default)]
struct Finder {
    found: bool,
    in_closure: bool,
    in_loop: bool,
}

/// Statement macros that only evaluate expressions, never define items.
pub(super) const EXPRESSION_MACROS: &[&str] = &[
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

    /// A nested item would exist twice, except one without an identity of its own: a `const`
    /// (each use is a value of its own anyway; its expression is searched, for an item in a
    /// block of it) and a `use` (base64's `decode_helper` names its chunk sizes as `const`s,
    /// and ran its hooks to the end of its tests, past the event cap, without the gate).
    fn visit_item(&mut self, item: &'ast syn::Item) {
        match item {
            syn::Item::Const(constant) => self.visit_expr(&constant.expr),
            syn::Item::Use(_) => {}
            _ => self.found = true,
        }
    }

    fn visit_expr(&mut self, expr: &'ast syn::Expr) {
        match expr {
            syn::Expr::Closure(_) | syn::Expr::Async(_) => self.found |= self.in_closure,
            syn::Expr::Await(_) => self.found |= self.in_loop,
            syn::Expr::Repeat(repeat) => self.found |= length(&repeat.len).is_some_and(|n| n >= LARGE_ARRAY),
            _ => {}
        }
        visit::visit_expr(self, expr);
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

/// The length from which an array written `[v; N]` keeps its function, closure or loop body
/// from being held twice. A debug build gives each local a slot of its own in the frame, so
/// two copies of a body are two arrays on the stack: a recursion that fits a thread's stack as
/// written would overflow it traced (rayon-core's tests recurse 32 frames deep with a 1 MiB
/// array in each, on a 48 MiB stack they ask for themselves). An element is a byte at least:
/// from 4 KiB on, the stack matters more than the hooks an unneeded copy would spare.
const LARGE_ARRAY: u128 = 4096;

/// The value of an array length written as integer literals and arithmetic (`1024 * 1024`,
/// `1 << 20`), or `None` (a constant's name, an overflow).
fn length(expr: &syn::Expr) -> Option<u128> {
    use syn::BinOp;
    match expr {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(int), .. }) => int.base10_parse().ok(),
        syn::Expr::Paren(p) => length(&p.expr),
        syn::Expr::Group(g) => length(&g.expr),
        syn::Expr::Binary(b) => {
            let (left, right) = (length(&b.left)?, length(&b.right)?);
            match b.op {
                BinOp::Add(_) => left.checked_add(right),
                BinOp::Sub(_) => left.checked_sub(right),
                BinOp::Mul(_) => left.checked_mul(right),
                BinOp::Div(_) => left.checked_div(right),
                BinOp::Shl(_) => u32::try_from(right).ok().and_then(|r| left.checked_shl(r)).filter(|v| v >> right == left),
                _ => None,
            }
        }
        _ => None,
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
        assert!(gated("fn f() -> usize { const N: usize = 32; use std::mem::size_of; N * size_of::<u8>() }"));
        assert!(!gated("fn f() { const _: () = { impl S {} }; }"), "an item inside a constant's block would exist twice");
        assert!(!gated("fn f() { let b = [0u8; 1024 * 1024]; g(&b); }"), "a large array would be on the stack twice");
        assert!(!gated("fn f() { let b = [0u64; 1 << 12]; g(&b); }"));
        assert!(gated("fn f() { let b = [0u8; 64]; g(&b); }"));
        assert!(gated("fn f() { let b = [0u8; SIZE]; g(&b); }"), "a constant's value is not known here");
    }

    /// How many loops of `item`'s expansion run as written once no event can be kept.
    fn gated_loops(item: &str) -> usize {
        let tokens = crate::expand::item(quote::quote!(), item.parse().unwrap()).unwrap();
        tokens.to_string().matches("live_iteration").count()
    }

    #[test]
    fn a_loop_that_only_records_runs_as_written_once_no_event_can_be_kept() {
        let sum = "fn f(v: &[u8]) -> usize { let mut n = 0; for b in v { let d = *b as usize; n += d; } n }";
        assert_eq!(gated_loops(sum), 1);
        let nested = "fn f(v: &[Vec<u8>]) -> usize { let mut n = 0; for row in v { for b in row { n += *b as usize; } } n }";
        assert_eq!(gated_loops(nested), 2, "each loop: an outer one entered before the cap may run long past it");
        let labelled = "fn f(mut i: u32) { 'outer: loop { while i < 10 { i += 1; if i == 5 { continue 'outer; } } break; } }";
        assert_eq!(gated_loops(labelled), 2);
        let tokens = crate::expand::item(quote::quote!(), nested.parse().unwrap()).unwrap().to_string();
        assert_eq!(tokens.matches("n += * b as usize").count(), 3, "the inner body as written: the function's copy, the outer loop's and its own");
    }

    #[test]
    fn a_loop_whose_body_assigns_an_outer_binding_forgets_it_when_an_iteration_runs_as_written() {
        let assigns = "fn f() { let mut s = String::new(); for _ in 0..3 { s = String::from(\"x\"); } drop(s); }";
        let tokens = crate::expand::item(quote::quote!(), assigns.parse().unwrap()).unwrap().to_string();
        assert_eq!(tokens.matches("live_iteration").count(), 1);
        assert!(tokens.contains(". forgotten ()"), "{tokens}");
    }

    #[test]
    fn a_loop_whose_body_may_disagree_runs_instrumented_throughout() {
        let closure = "fn f(v: &[u8]) -> Vec<Box<dyn Fn() -> u8>> { let mut out: Vec<Box<dyn Fn() -> u8>> = Vec::new(); for &b in v { out.push(Box::new(move || b)); } out }";
        assert_eq!(gated_loops(closure), 0, "two copies of a closure are two types");
        let awaits = "async fn f(v: Vec<u8>) { for b in v { g(b).await; } }";
        assert_eq!(gated_loops(awaits), 0);
        let inline = "#[inline(always)] fn f(v: &[u8]) -> usize { let mut n = 0; for b in v { n += *b as usize; } n }";
        assert_eq!(gated_loops(inline), 0, "a function without the gate has no copies at all");
        let large = "fn f(n: usize) { for i in 0..n { let b = [0u8; 1 << 16]; g(&b, i); } }";
        assert_eq!(gated_loops(large), 0, "a large array would be on the stack twice");
    }

    #[test]
    fn an_iteration_may_skip_hooks_that_record_or_only_end_an_outer_binding() {
        let unknown = |text: &str| {
            super::skippable(&syn::parse_str(text).unwrap()).map(|skipped| skipped.unknown.iter().map(|g| g.to_string()).collect::<Vec<_>>())
        };
        let forgotten = |text: &str| {
            super::skippable(&syn::parse_str(text).unwrap()).map(|skipped| skipped.forgotten.iter().map(|g| g.to_string()).collect::<Vec<_>>())
        };
        let none: Vec<String> = Vec::new();
        assert_eq!(
            unknown("{ __borrowscope_g4.copied(&S[5], 0); let __borrowscope_g8 = Guard::new(&S[1]); __borrowscope_g8.bind(&x); }"),
            Some(none.clone())
        );
        assert_eq!(unknown("{ let __borrowscope_g8 = Guard::new(&S[1]); __borrowscope_g8.borrows(&__borrowscope_g2, false); }"), Some(none.clone()));
        let chained = "{ if let ::core::option::Option::Some(__borrowscope_g8) = ::core::option::Option::Some(Guard::new(&S[1])) \
                       && let Some(w) = v.pop() && { __borrowscope_g8.bind(&w); true } { consume({ __borrowscope_g8.moved(&S[2], 0); w }); } }";
        assert_eq!(unknown(chained), Some(none), "a guard a `let` chain declares is the body's own");
        assert_eq!(unknown("{ __borrowscope_g4.moved(&S[5], 0); }"), Some(vec!["__borrowscope_g4".to_string()]));
        assert_eq!(unknown("{ (&Probe(&pos)).used(&__borrowscope_g3, &S[13], 0); }"), Some(vec!["__borrowscope_g3".to_string()]));
        let passed = "{ called(transform({ __borrowscope_g3.passed(&state, &S[29], &\"transform\", 0u32); state })); }";
        assert_eq!(unknown(passed), Some(vec!["__borrowscope_g3".to_string()]), "a move into a traced call, staged for it");
        assert_eq!(
            forgotten("{ x = assigned(&__borrowscope_g3, 1); }"),
            Some(vec!["__borrowscope_g3".to_string()]),
            "events after it would name the old value"
        );
        assert_eq!(forgotten("{ __borrowscope_g3.overwritten_by(&S[2], &a); }"), Some(vec!["__borrowscope_g3".to_string()]));
        assert_eq!(unknown("{ __borrowscope_g3.releases(RELEASE); }"), None);
        assert_eq!(unknown("{ received_item(&Q); }"), None, "a linked channel's queue must see every message");
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
