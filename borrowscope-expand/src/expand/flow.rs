//! Control flow: loops (entry, iterations, exit), `match` (entry, arm taken, exit), `if`
//! branches, `return`, `?`, `break` and `continue`. Entry and exit are bracketed by a runtime
//! `Span` whose drop records the exit, so a construct left early is still closed.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Block, Expr, Stmt};

use super::patterns::pattern_guards;
use super::vocabulary::{self, Op};
use super::{Expander, emit, uses};
use crate::config::Group;

/// Expands `expr` if it is a control-flow construct; returns whether it did (children
/// included).
pub(crate) fn expr(exp: &mut Expander<'_>, expr: &mut Expr) -> bool {
    match expr {
        Expr::ForLoop(l) => {
            let as_written = as_written(exp, &l.body);
            exp.visit_expr_mut(&mut l.expr);
            uses::by_value(exp, &mut l.expr);
            // Over a linked channel's receiver: each iteration took a message, whose queued
            // instance its binding claims.
            let queue = super::channels::rewrite(exp, l.for_token.span, type_info_schema::SiteKind::LinkedRecv);
            let (mut guards, bound) = match &queue {
                Some(_) => super::patterns::received_guards(exp, &l.pat, super::patterns::plain_name),
                None => pattern_guards(exp, &l.pat),
            };
            if let Some(queue) = queue {
                guards.insert(0, emit::received_item(&queue));
            }
            exp.scoped(bound, |exp| exp.visit_block_mut(&mut l.body));
            l.body.stmts.splice(0..0, guards);
            loop_span(exp, expr, "for", as_written);
        }
        Expr::While(l) => {
            let as_written = as_written(exp, &l.body);
            let (guards, bound) = condition(exp, &mut l.cond, true);
            exp.scoped(bound, |exp| exp.visit_block_mut(&mut l.body));
            l.body.stmts.splice(0..0, guards);
            loop_span(exp, expr, "while", as_written);
        }
        Expr::Loop(l) => {
            let as_written = as_written(exp, &l.body);
            exp.visit_block_mut(&mut l.body);
            loop_span(exp, expr, "loop", as_written);
        }
        Expr::Match(m) => {
            let returning = std::mem::take(&mut exp.returning_here);
            let into = exp.into_here.take();
            exp.visit_expr_mut(&mut m.expr);
            // The analyzer knows what each arm moves out of a binding it matches: the arm
            // taken at run time decides. Without it, syntax cannot tell.
            let per_arm = m.arms.iter().any(|arm| super::partial::arm_analyzed(exp, &arm.pat));
            if !per_arm && let Some(probe) = uses::receiver(exp, &m.expr) {
                exp.before_statement(emit::stmt(quote!(#probe;)));
            }
            let span = exp.has(Group::Branches).then(|| exp.ident("match"));
            for (index, arm) in m.arms.iter_mut().enumerate() {
                let (mut guards, bound) = pattern_guards(exp, &arm.pat);
                if per_arm {
                    let key = arm.pat.span();
                    guards.splice(0..0, super::partial::destructured(exp, &m.expr, Some(&arm.pat), key));
                }
                if let Some((_, guard)) = &mut arm.guard {
                    // The arm's guard runs before the body, where the bindings' guards
                    // start: in it they are in scope but not tracked.
                    let untracked = bound.iter().map(|t| super::Tracked { guard: None, ..t.clone() }).collect();
                    exp.scoped(untracked, |exp| exp.visit_expr_mut(guard));
                }
                if !guards.is_empty() {
                    as_block(&mut arm.body);
                }
                exp.scoped(bound, |exp| {
                    exp.tail_returns = returning;
                    exp.tail_into = into.clone();
                    exp.visit_expr_mut(&mut arm.body);
                    // An arm's value is the `match`'s: a binding written as the arm's whole
                    // body moves out of it (a block's tail is the block's business).
                    if exp.has(Group::Ownership) && !matches!(*arm.body, Expr::Block(_)) {
                        match &into {
                            _ if returning => uses::returned(exp, &mut arm.body),
                            Some(into) => uses::by_value_into(exp, &mut arm.body, into),
                            None => uses::by_value(exp, &mut arm.body),
                        }
                    }
                });
                let event: Option<Expr> = span.as_ref().map(|span| {
                    let site = exp.site("", &super::text(&arm.pat), "match_arm", arm.pat.span());
                    let index = index as u64;
                    Expr::Verbatim(quote!(#span.arm(#site, #index)))
                });
                // `i if .. => drop(f())`: the bindings' guards (and the arm's event) go first
                // in the argument, so that the drop stays the arm's whole body (see below).
                // The binding's end is then recorded as the argument is complete, before the
                // drop, which records nothing of its own.
                if !guards.is_empty() && unwrap_single(&mut arm.body) {
                    let argument = dropped_argument(&mut arm.body).expect("checked by unwrap_single");
                    let mut first = guards;
                    if let Some(event) = event {
                        first.insert(0, Stmt::Expr(event, Some(Default::default())));
                    }
                    let value = std::mem::replace(argument, Expr::Verbatim(TokenStream::new()));
                    *argument = super::tail_block(first, value);
                    continue;
                }
                prepend_all(&mut arm.body, guards);
                if let Some(event) = event {
                    match dropped_argument(&mut arm.body) {
                        // `=> drop(f())` stays the arm's whole body, where rustc does not warn
                        // that dropping a `Copy` value does nothing: the event goes first in
                        // the argument instead.
                        Some(argument) => {
                            let value = std::mem::replace(argument, Expr::Verbatim(TokenStream::new()));
                            *argument = emit::then(event, value);
                        }
                        None => prepend_all(&mut arm.body, vec![Stmt::Expr(event, Some(Default::default()))]),
                    }
                }
            }
            if let Some(span) = span {
                let site = exp.site("", "", "match", m.match_token.span);
                bracket(expr, &span, site, vocabulary::MATCH);
            }
        }
        Expr::If(i) => {
            let returning = std::mem::take(&mut exp.returning_here);
            let into = exp.into_here.take();
            let (guards, bound) = condition(exp, &mut i.cond, true);
            exp.scoped(bound, |exp| {
                exp.fn_block = returning;
                exp.block_into = into.clone();
                exp.visit_block_mut(&mut i.then_branch);
            });
            i.then_branch.stmts.splice(0..0, guards);
            if let Some((_, otherwise)) = &mut i.else_branch {
                exp.tail_returns = returning;
                exp.tail_into = into;
                exp.visit_expr_mut(otherwise);
            }
            if exp.has(Group::Branches) {
                let then_site = exp.site("", "if_then", "branch", i.if_token.span);
                i.then_branch.stmts.insert(0, branch(then_site));
                if let Some((else_token, otherwise)) = &mut i.else_branch
                    && let Expr::Block(block) = &mut **otherwise
                {
                    let else_site = exp.site("", "if_else", "branch", else_token.span);
                    block.block.stmts.insert(0, branch(else_site));
                }
            }
        }
        Expr::Return(r) => {
            if let Some(value) = &mut r.expr {
                uses::leaving(exp, |exp| {
                    exp.visit_expr_mut(value);
                    uses::returned(exp, value);
                });
            }
            if exp.has(Group::ControlFlow) {
                let site = exp.site("", "", "return", r.return_token.span);
                let has_value = u64::from(r.expr.is_some());
                record_before(expr, site, vocabulary::RETURN, has_value);
            }
        }
        Expr::Break(b) => {
            if let Some(value) = &mut b.expr {
                let block_like = unlabelled_block_like(value);
                exp.visit_expr_mut(value);
                uses::by_value(exp, value);
                // `break 'a ::path(..)` is Rust, but syn (which parses the expansion again)
                // takes `'a :` for a labelled loop; parentheses keep it one expression. And
                // `break 'a { .. }` draws `break_with_label_and_loop` (an error under
                // `deny(warnings)`, as httparse's tests have it) where the expansion made the
                // value a block.
                let made_a_block = !block_like && unlabelled_block_like(value);
                if b.label.is_some() && (made_a_block || quote::ToTokens::to_token_stream(&**value).to_string().starts_with("::")) {
                    let inner = std::mem::replace(&mut **value, Expr::Verbatim(TokenStream::new()));
                    **value = Expr::Paren(syn::ExprParen { attrs: Vec::new(), paren_token: Default::default(), expr: Box::new(inner) });
                }
            }
            if exp.has(Group::ControlFlow) {
                let label = b.label.as_ref().map(|l| l.ident.to_string()).unwrap_or_default();
                let site = exp.site(&label, "", "break", b.break_token.span);
                record_before(expr, site, vocabulary::BREAK, 0);
            }
        }
        Expr::Continue(c) => {
            if exp.has(Group::ControlFlow) {
                let label = c.label.as_ref().map(|l| l.ident.to_string()).unwrap_or_default();
                let site = exp.site(&label, "", "continue", c.continue_token.span);
                record_before(expr, site, vocabulary::CONTINUE, 0);
            }
        }
        Expr::Try(t) => {
            exp.visit_expr_mut(&mut t.expr);
            // `v?` takes `v` by value.
            uses::by_value(exp, &mut t.expr);
            if exp.has(Group::Try) {
                let site = exp.site("", "", "try", t.question_token.span);
                // A call, not a block: the operand's temporaries live exactly as before.
                emit::pass(&mut t.expr, site, vocabulary::TRY, 0);
            }
        }
        _ => return false,
    }
    true
}

/// Expands an `if`/`while` condition and returns the guards and bindings of its `let`
/// patterns (in scope in the body only). `alone`: the condition is one `let`, not part of a
/// chain (in which code may run between its receive and the body).
fn condition(exp: &mut Expander<'_>, cond: &mut Expr, alone: bool) -> (Vec<Stmt>, Vec<super::Tracked>) {
    match cond {
        Expr::Let(l) => {
            // `while let Ok(x) = rx.recv()` on a linked channel: `x` claims what it took.
            let receive = super::channels::receive_call(&l.expr).filter(|_| alone);
            exp.visit_expr_mut(&mut l.expr);
            // What the pattern moves out of a binding it destructures, once it matched.
            let moved = super::partial::destructured(exp, &l.expr, Some(&l.pat), super::first_token(&l.expr));
            if !alone {
                return chained(exp, cond, moved);
            }
            let (mut guards, bound) = match receive {
                Some(span) if super::channels::rewritten(exp, span) => {
                    super::patterns::received_guards(exp, &l.pat, super::patterns::ok_of_plain_name)
                }
                _ => pattern_guards(exp, &l.pat),
            };
            guards.splice(0..0, moved);
            (guards, bound)
        }
        // `if let A = a && let B = b`: each side in turn; the names the left binds are in
        // scope on the right, where they are not tracked (their guards start in the body).
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            let (mut guards, mut bound) = condition(exp, &mut b.left, false);
            let left = bound.iter().map(|t| super::Tracked { guard: None, ..t.clone() }).collect();
            let (more, right) = exp.scoped(left, |exp| condition(exp, &mut b.right, false));
            guards.extend(more);
            bound.extend(right);
            (guards, bound)
        }
        other => {
            // `if (self.position == Position { line: 0, col: 0 })` (ron): the parentheses let
            // the condition hold a struct literal; once the literal is recorded inside a call,
            // they are no longer needed, and the compiler would warn of them at the user's line.
            let needed = matches!(other, Expr::Paren(p) if exterior_struct_literal(&p.expr));
            exp.visit_expr_mut(other);
            if let Expr::Paren(p) = other
                && needed
                && alone
                && !exterior_struct_literal(&p.expr)
            {
                *other = super::emit::take(&mut p.expr);
            }
            (Vec::new(), Vec::new())
        }
    }
}

/// Whether `expr` begins or ends, outside any delimiter, with a struct literal, which a
/// condition may hold only in parentheses (the compiler's own test for its `unused_parens`).
fn exterior_struct_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Struct(_) => true,
        Expr::Assign(a) => exterior_struct_literal(&a.left) || exterior_struct_literal(&a.right),
        Expr::Binary(b) => exterior_struct_literal(&b.left) || exterior_struct_literal(&b.right),
        Expr::Await(e) => exterior_struct_literal(&e.base),
        Expr::Unary(e) => exterior_struct_literal(&e.expr),
        Expr::Cast(e) => exterior_struct_literal(&e.expr),
        Expr::Field(e) => exterior_struct_literal(&e.base),
        Expr::Index(e) => exterior_struct_literal(&e.expr),
        Expr::MethodCall(e) => exterior_struct_literal(&e.receiver),
        _ => false,
    }
}

/// A `let` in a chain (`if let Some(s) = a && s.ok()`, `while let Some(w) = v.pop() && ..`),
/// its scrutinee already expanded: the chain may fail after the pattern matched, and then the
/// bindings drop where it fails, never reaching the body. So what the match moves and the
/// bindings' creations are recorded in the chain itself, right after the `let`
/// (`&& { ..; true }`), and each binding's guard is made in the chain before it, as
/// `let Some(g) = Some(Guard::new(..))` (a pattern of a refutable type, so that a chain that
/// begins with it draws no "irrefutable pattern" warning): the chain's bindings drop in the
/// reverse of their order, the guard after its binding, where the chain fails or the body
/// ends. Returns no statements for the body, and the bindings, tracked there.
fn chained(exp: &mut Expander<'_>, cond: &mut Expr, moved: Option<Stmt>) -> (Vec<Stmt>, Vec<super::Tracked>) {
    let Expr::Let(l) = cond else { unreachable!("chained is given a `let`") };
    let (declared, binds, bound) = super::patterns::chained_guards(exp, &l.pat);
    let recorded: Vec<Stmt> = moved.into_iter().chain(binds).collect();
    if recorded.is_empty() {
        return (Vec::new(), bound);
    }
    let mut chain = TokenStream::new();
    for (guard, constructor) in declared {
        chain.extend(quote!(let ::core::option::Option::Some(#guard) = ::core::option::Option::Some(#constructor) &&));
    }
    chain.extend(quote!(#l && { #(#recorded)* true }));
    *cond = Expr::Verbatim(chain);
    (Vec::new(), bound)
}

/// A block or loop without a label: as a labelled `break`'s value, rustc warns that it reads
/// like an unlabelled `break` of a labelled value.
fn unlabelled_block_like(expr: &Expr) -> bool {
    match expr {
        Expr::Block(b) => b.label.is_none(),
        Expr::Loop(l) => l.label.is_none(),
        Expr::While(w) => w.label.is_none(),
        Expr::ForLoop(f) => f.label.is_none(),
        _ => false,
    }
}

/// Makes a body that is an expression a block of its own, `{ expr }`, before it is
/// expanded: what its expansion puts before its statement (a match scrutinee's record, a
/// call's) then stays inside the body, where the bindings' guards are.
pub(crate) fn as_block(body: &mut Expr) {
    if matches!(body, Expr::Block(b) if b.label.is_none() && b.attrs.is_empty()) {
        return;
    }
    let original = std::mem::replace(body, Expr::Verbatim(TokenStream::new()));
    *body = super::tail_block(Vec::new(), original);
}

/// Whether `body` is a block holding only a call of `drop` or `forget` of a call's value
/// (`{ drop(rx.recv()) }`, as `as_block` made it); then `body` becomes that call.
fn unwrap_single(body: &mut Expr) -> bool {
    let Expr::Block(block) = body else { return false };
    let [Stmt::Expr(inner, None)] = block.block.stmts.as_mut_slice() else { return false };
    if block.label.is_some() || !block.attrs.is_empty() {
        return false;
    }
    let calls = matches!(dropped_argument(inner), Some(Expr::Call(_) | Expr::MethodCall(_)));
    if calls {
        let inner = std::mem::replace(inner, Expr::Verbatim(TokenStream::new()));
        *body = inner;
    }
    calls
}

/// The argument of an arm body that is a call of `drop` or `forget` (by any path) with one
/// argument.
fn dropped_argument(body: &mut Expr) -> Option<&mut Expr> {
    let Expr::Call(call) = body else { return None };
    let Expr::Path(path) = &*call.func else { return None };
    let name = path.path.segments.last()?.ident.to_string();
    if !matches!(name.as_str(), "drop" | "forget") || call.args.len() != 1 {
        return None;
    }
    call.args.first_mut()
}

/// Puts `stmts` first in an arm's or a closure's body: inside it when it is a block, else in
/// a new block.
pub(crate) fn prepend_all(body: &mut Expr, stmts: Vec<Stmt>) {
    if stmts.is_empty() {
        return;
    }
    if let Expr::Block(block) = body
        && block.label.is_none()
        && block.attrs.is_empty()
    {
        block.block.stmts.splice(0..0, stmts);
        return;
    }
    let original = std::mem::replace(body, Expr::Verbatim(TokenStream::new()));
    *body = super::tail_block(stmts, original);
}

fn branch(site: TokenStream) -> Stmt {
    emit::event_stmt(&site, vocabulary::BRANCH, emit::Number(0), emit::Number(1))
}

/// `{ event; expr }` for a diverging expression (`return`, `break`, `continue`): the event
/// is recorded before the expression leaves.
fn record_before(expr: &mut Expr, site: TokenStream, op: Op, arg: u64) {
    let event = emit::event_stmt(&site, op, emit::Number(0), emit::Number(arg));
    let original = std::mem::replace(expr, Expr::Verbatim(TokenStream::new()));
    *expr = super::tail_block(vec![event], original);
}

/// `{ let span = Span::enter(..); expr }`: the span's drop records the exit.
fn bracket(expr: &mut Expr, span: &syn::Ident, site: TokenStream, (enter, exit): (Op, Op)) {
    let enter = emit::span_enter(span, &site, enter, exit);
    let original = std::mem::replace(expr, Expr::Verbatim(TokenStream::new()));
    *expr = super::tail_block(vec![enter], original);
}

/// A copy of a loop's body as written, taken before its expansion, when it may run behind a
/// per-iteration gate (`gate::loop_body_runs_as_written`).
fn as_written(exp: &Expander<'_>, body: &Block) -> Option<Block> {
    (exp.gated && super::gate::loop_body_runs_as_written(body)).then(|| body.clone())
}

/// Brackets a loop and counts its iterations. With a copy of its body as written, and an
/// instrumented body whose hooks an iteration may skip (`gate::skippable`), each iteration
/// runs one of the two: instrumented while events can be kept, as written once none can.
fn loop_span(exp: &mut Expander<'_>, expr: &mut Expr, kind: &str, as_written: Option<Block>) {
    let span = exp.has(Group::Loops).then(|| exp.ident("loop"));
    let (body, token_span): (&mut Block, proc_macro2::Span) = match expr {
        Expr::ForLoop(l) => (&mut l.body, l.for_token.span),
        Expr::While(l) => (&mut l.body, l.while_token.span),
        Expr::Loop(l) => (&mut l.body, l.loop_token.span),
        _ => return,
    };
    match as_written.and_then(|plain| super::gate::skippable(body).map(|unknown| (plain, unknown))) {
        Some((mut as_written, skipped)) => {
            // An outer binding the body may move or drop: its end is unknown once an
            // iteration skipped the hook that would have said; one it may assign: nothing
            // more is recorded of it.
            let unknown = skipped.unknown.into_iter().map(|guard| -> Stmt { emit::stmt(quote!(#guard.maybe_moved();)) });
            let forgotten = skipped.forgotten.into_iter().map(|guard| -> Stmt { emit::stmt(quote!(#guard.forgotten();)) });
            let marks: Vec<Stmt> = unknown.chain(forgotten).collect();
            as_written.stmts.splice(0..0, marks);
            let cond = match &span {
                Some(span) => Expr::Verbatim(quote!(#span.live_iteration())),
                None => emit::active(),
            };
            let instrumented = std::mem::replace(body, Block { brace_token: Default::default(), stmts: Vec::new() });
            body.stmts.push(Stmt::Expr(emit::gate(cond, instrumented, as_written), None));
        }
        None => {
            if let Some(span) = &span {
                body.stmts.insert(0, emit::stmt(quote!(#span.iteration();)));
            }
        }
    }
    if let Some(span) = span {
        let site = exp.site("", kind, "loop", token_span);
        bracket(expr, &span, site, vocabulary::LOOP);
    }
}
