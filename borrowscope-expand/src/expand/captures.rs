//! What a closure (or an `async` block) does to the bindings of its enclosing function that it
//! mentions, decided
//! from the code as written where that is certain and "unknown" where it is not: a `move`
//! closure moves (or copies) a binding it uses as a whole; one that only uses fields of it
//! captures just those places (edition 2021), which syntax cannot follow; a closure without
//! `move` captures by reference what it only borrows (`&x`), and may take anything else by
//! value (`|| drop(x)`), which only capture analysis can tell. Also the expansion of a
//! closure and of an `async` block as a whole: captures recorded where it is made, a
//! closure's parameters tracked in its body.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::visit_mut::VisitMut;
use syn::{Expr, ExprClosure};

use super::patterns::pattern_names;
use super::{Expander, uses};
use crate::config::Group;

/// How a closure body mentions one outer binding: as a whole or through a field (`x.f`),
/// each outside or inside a borrow (`&x`, `&x.f`). A mention syntax cannot follow (inside a
/// macro or a nested `move` closure) counts as a whole one outside any borrow.
#[derive(Default)]
struct Mentions {
    whole: bool,
    field: bool,
    borrowed_whole: bool,
    borrowed_field: bool,
    /// Rebound inside the body (a `let`, a pattern, a nested closure's parameter), so a
    /// mention may not be this binding at all.
    rebound: bool,
}

struct Finder<'n> {
    name: &'n str,
    mentions: Mentions,
    /// Inside a `&` operand or a field access chain, and inside a nested `move` closure.
    in_borrow: usize,
    in_field: usize,
    in_move_closure: usize,
}

impl Finder<'_> {
    /// Visits a nested closure's or `async` block's body (`moves`: a `move` one), which is a
    /// context of its own: a field or borrow outside it does not reach in.
    fn nested(&mut self, moves: bool, visit: impl FnOnce(&mut Self)) {
        self.in_move_closure += usize::from(moves);
        let (borrow, field) = (std::mem::take(&mut self.in_borrow), std::mem::take(&mut self.in_field));
        visit(self);
        (self.in_borrow, self.in_field) = (borrow, field);
        self.in_move_closure -= usize::from(moves);
    }
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_expr(&mut self, expr: &'ast Expr) {
        match expr {
            Expr::Path(p) if p.path.is_ident(self.name) => {
                let m = &mut self.mentions;
                match (self.in_move_closure > 0, self.in_borrow > 0, self.in_field > 0) {
                    (true, _, _) | (false, false, false) => m.whole = true,
                    (false, false, true) => m.field = true,
                    (false, true, false) => m.borrowed_whole = true,
                    (false, true, true) => m.borrowed_field = true,
                }
            }
            Expr::Reference(r) => {
                self.in_borrow += 1;
                self.visit_expr(&r.expr);
                self.in_borrow -= 1;
            }
            Expr::Field(f) => {
                self.in_field += 1;
                self.visit_expr(&f.base);
                self.in_field -= 1;
            }
            Expr::Async(a) => self.nested(a.capture.is_some(), |this| this.visit_block(&a.block)),
            Expr::Closure(c) => {
                let names = c.inputs.iter().flat_map(pattern_names);
                if names.into_iter().any(|n| n == self.name) {
                    self.mentions.rebound = true;
                }
                self.nested(c.capture.is_some(), |this| this.visit_expr(&c.body));
            }
            _ => visit::visit_expr(self, expr),
        }
    }

    fn visit_pat(&mut self, pat: &'ast syn::Pat) {
        if pattern_names(pat).iter().any(|n| n == self.name) {
            self.mentions.rebound = true;
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if uses::mentions(&mac.tokens, self.name) {
            self.mentions.whole = true;
        }
    }
}

/// The statements that record what closure `c` does to each tracked outer binding it
/// mentions, at its creation; `to` is the closure's own binding, if it has one.
pub(crate) fn record(exp: &mut Expander<'_>, c: &ExprClosure, to: &TokenStream) -> Vec<TokenStream> {
    let params: Vec<String> = c.inputs.iter().flat_map(pattern_names).map(|i| i.to_string()).collect();
    // The first token, by which the analyzer keys the closure's captures.
    let first = c
        .lifetimes
        .as_ref()
        .map(|l| l.for_token.span)
        .or(c.constness.map(|t| t.span))
        .or(c.movability.map(|t| t.span))
        .or(c.asyncness.map(|t| t.span))
        .or(c.capture.map(|t| t.span))
        .unwrap_or(c.or1_token.span);
    let key = c.attrs.is_empty().then_some(first);
    record_captures(exp, c.capture.is_some(), &params, &c.body, c.span(), key, to)
}

/// The same for an `async` block, which captures like a closure (`async move` moves).
pub(crate) fn record_async(exp: &mut Expander<'_>, a: &syn::ExprAsync) -> Vec<TokenStream> {
    let body = Expr::Block(syn::ExprBlock { attrs: Vec::new(), label: None, block: a.block.clone() });
    let key = a.attrs.is_empty().then_some(a.async_token.span);
    record_captures(exp, a.capture.is_some(), &[], &body, a.span(), key, &quote!(0))
}

fn record_captures(
    exp: &mut Expander<'_>,
    moves: bool,
    params: &[String],
    body: &Expr,
    span: proc_macro2::Span,
    key: Option<proc_macro2::Span>,
    to: &TokenStream,
) -> Vec<TokenStream> {
    // The analyzer's capture analysis, when the type-info file has it for this closure.
    let analyzed = key.and_then(|k| exp.position(k)).map_or(&[][..], |(line, column)| exp.types.uses(line, column));
    let mut names: Vec<String> = uses::names_in_expr(body).into_iter().filter(|n| !params.contains(n)).collect();
    names.sort();
    let mut records = Vec::new();
    for name in names {
        let Some((guard, copies)) = exp.tracked(&name) else { continue };
        // A `Copy` value is never moved by a capture; a `move` closure's copy is recorded.
        if copies == super::Copies::Yes && !moves {
            continue;
        }
        let ident = syn::Ident::new(&name, body.span());
        let mut finder = Finder { name: &name, mentions: Mentions::default(), in_borrow: 0, in_field: 0, in_move_closure: 0 };
        finder.visit_expr(body);
        let m = finder.mentions;
        // Used again after this statement: the closure did not take it by value, or it is
        // given a new value before that use, or the closure took a field of it (edition 2021
        // captures the place `x.f`), and the binding's other fields, or that one given a new
        // value, are used later. The capture analysis tells which.
        if uses::used_later(exp, &name) {
            let analyzed_fate = analyzed.iter().find(|u| u.name == name).map(|u| super::vocabulary::use_fate(u.kind));
            if m.field && !m.whole && analyzed_fate.is_none_or(|f| f == super::vocabulary::Fate::Unknown) {
                // A field taken, perhaps: "unknown", unless a field given a value again
                // later (`Guard::refilled`) makes the binding hold a value to drop.
                records.push(quote!(#guard.maybe_moved();));
                continue;
            }
            if analyzed_fate != Some(super::vocabulary::Fate::Moves) {
                if analyzed_fate != Some(super::vocabulary::Fate::Stays)
                    && let Some(note) = uses::uncertain(exp, &ident, &guard, copies)
                {
                    records.push(quote!(#note;));
                }
                continue;
            }
        }
        if !analyzed.is_empty() {
            // A binding it does not capture (only shadowed inside, say) has no use.
            match analyzed.iter().find(|u| u.name == name).map(|u| super::vocabulary::use_fate(u.kind)) {
                Some(super::vocabulary::Fate::Moves) => {
                    let site = exp.site(&name, "move", "capture", span);
                    records.push(uses::record_use(&ident, &guard, super::Copies::No, &site, to));
                }
                Some(super::vocabulary::Fate::Unknown) => records.push(quote!(#guard.maybe_moved();)),
                Some(super::vocabulary::Fate::Stays) | None => {}
            }
            continue;
        }
        // A `move` closure takes by value every place it mentions: the whole binding if it
        // is used whole anywhere, otherwise only some fields of it. One without `move`
        // borrows what it only mentions inside `&`.
        let moves_whole = moves && (m.whole || m.borrowed_whole);
        let only_borrowed = !moves && !m.whole && !m.field;
        if m.rebound || !(moves_whole || only_borrowed) {
            records.push(quote!(#guard.maybe_moved();));
        } else if moves_whole {
            let site = exp.site(&name, "move", "capture", span);
            records.push(uses::record_use(&ident, &guard, copies, &site, to));
        }
    }
    records
}

/// A closure: what it does to the bindings it captures, where it is made, and its
/// parameters, tracked in its body.
pub(crate) fn closure(exp: &mut Expander<'_>, expr: &mut Expr) {
    let Expr::Closure(c) = expr else { return };
    // What it does to outer bindings, decided before its body is rewritten; recorded
    // where it is created, in a block that keeps the closure's expected type.
    let to = exp.closure_binding.take().map_or(quote!(0), |g| quote!(#g.id()));
    let records = if exp.has(Group::Ownership) { record(exp, c, &to) } else { Vec::new() };
    let as_written = super::gate::closure_runs_as_written(c).then(|| (*c.body).clone());
    // Its parameters are tracked like `let` bindings of its body, on each call.
    let guards = exp.in_closure(|exp| {
        let (mut guards, mut bound) = (Vec::new(), Vec::new());
        for input in &c.inputs {
            let (more, names) = super::patterns::pattern_guards(exp, input);
            guards.extend(more);
            bound.extend(names);
        }
        if !guards.is_empty() {
            super::flow::as_block(&mut c.body);
        }
        exp.scoped(bound, |exp| exp.visit_expr_mut(&mut c.body));
        guards
    });
    super::flow::prepend_all(&mut c.body, guards);
    // The per-call gate, as for a function: once no event can be kept, each call runs the
    // body as written.
    // (Not when nothing in the body was instrumented.)
    if let Some(as_written) = as_written.filter(|a| quote!(#a).to_string() != c.body.to_token_stream().to_string()) {
        let instrumented = std::mem::replace(&mut *c.body, Expr::Verbatim(TokenStream::new()));
        // Built as syntax: a body that starts with a block (`|x| { '0' } <= x`) would parse
        // as a statement of its own inside `{ .. }`; syn's printer adds the parentheses. A
        // body that is a block is the branch itself: inside another block, a block holding
        // only an expression is reported as "unnecessary braces around block return value"
        // (indexmap's tests write `|(i, x)| { map.get_index_of(x) == Some(i) }`).
        let branch = |body: Expr| match super::without_parens(body) {
            Expr::Block(block) if block.label.is_none() && block.attrs.is_empty() => block.block,
            body => syn::Block { brace_token: Default::default(), stmts: vec![syn::Stmt::Expr(body, None)] },
        };
        let gate = super::emit::gate(super::emit::active(), branch(instrumented), branch(as_written));
        *c.body = super::tail_block(Vec::new(), gate);
    }
    if !records.is_empty() {
        let original = std::mem::replace(expr, Expr::Verbatim(TokenStream::new()));
        let records = records.into_iter().map(|r| syn::Stmt::Expr(Expr::Verbatim(r), None)).collect();
        *expr = super::tail_block(records, original);
    }
}

/// An `async` block: its captures where it is made, and its span.
pub(crate) fn async_block(exp: &mut Expander<'_>, expr: &mut Expr) {
    let Expr::Async(a) = expr else { return };
    // Like a closure, it captures the bindings it mentions where it is made.
    let records = if exp.has(Group::Ownership) { record_async(exp, a) } else { Vec::new() };
    exp.in_closure(|exp| exp.visit_block_mut(&mut a.block));
    if exp.has(Group::Async) {
        let site = exp.site("", "", "async", a.async_token.span);
        let (enter, exit) = super::vocabulary::ASYNC_BLOCK;
        let span = exp.ident("block");
        super::emit::open_span(&mut a.block, &span, site, enter, exit);
    }
    if !records.is_empty() {
        let original = std::mem::replace(expr, Expr::Verbatim(TokenStream::new()));
        let records = records.into_iter().map(|r| syn::Stmt::Expr(Expr::Verbatim(r), None)).collect();
        *expr = super::tail_block(records, original);
    }
}
