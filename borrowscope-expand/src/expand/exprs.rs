//! Expressions: calls and method calls (arguments moved, receivers probed, `clone`, locks,
//! `unwrap`), paths, fields and references, raw pointers, closures, `unsafe` and `async`
//! blocks and `.await` (struct, tuple, array, range and cast expressions are in `literals`). Values
//! are passed through runtime functions rather than
//! wrapped in blocks, so types, coercions and temporaries stay as they were; place
//! expressions (fields, indexes, derefs, paths) are never wrapped, and the left side of an
//! assignment is not touched (assignments are in `assigns`).

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{BinOp, Expr};

use super::emit::{self, Probe, pass};
use super::guards::{self, GuardUse};
use super::places::{declared_static, inside_place, place_written, raw_deref, record_typed_path, site_event, union_field};
use super::syntax::ends_in_closure;
use super::{Expander, captures, literals, promote, uses, vocabulary};
use crate::config::Group;
use type_info_schema::SiteKind;

/// Expands `expr` if this module handles it; returns whether it did (children included).
pub(crate) fn expr(exp: &mut Expander<'_>, expr: &mut Expr) -> bool {
    // Decided on the expression as written, before its operands are rewritten.
    let keep = matches!(expr, Expr::Struct(_) | Expr::Tuple(_) | Expr::Array(_) | Expr::Repeat(_) | Expr::Range(_) | Expr::Cast(_))
        && promote::keep_as_written(exp, expr)
        || matches!(expr, Expr::Tuple(_) | Expr::Array(_) | Expr::Repeat(_)) && !exp.no_type_expected_here;
    match expr {
        Expr::Call(_) => call(exp, expr),
        Expr::MethodCall(_) => method_call(exp, expr),
        Expr::Struct(_) => literals::struct_literal(exp, expr, keep),
        Expr::Tuple(_) => literals::tuple(exp, expr, keep),
        Expr::Array(_) => literals::array(exp, expr, keep),
        Expr::Repeat(_) => literals::repeat(exp, expr, keep),
        Expr::Range(_) => literals::range(exp, expr, keep),
        Expr::Cast(_) => literals::cast(exp, expr, keep),
        Expr::Closure(_) => captures::closure(exp, expr),
        Expr::Async(_) => captures::async_block(exp, expr),
        Expr::Unsafe(_) => unsafe_block(exp, expr),
        Expr::Await(_) => await_(exp, expr),
        Expr::Assign(_) => super::assigns::assign(exp, expr),
        Expr::Binary(_) => binary(exp, expr),
        Expr::Path(_) => path(exp, expr),
        Expr::Field(_) => field(exp, expr),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
            exp.guard_use = GuardUse::Place;
            let pointer = super::text(&u.expr);
            exp.visit_expr_mut(&mut u.expr);
            raw_deref(exp, u, &pointer);
        }
        Expr::Reference(_) => reference(exp, expr),
        // `-x` and `!x`: Rust checks the operand with the type expected of the result as a hint,
        // though an overloaded operator's operand may have another type (`Neg for &BigInt`:
        // `x == -&a`); a call or a block the expansion put there would demand it of its value.
        // Parentheses hand the hint on (`-(self as &T)` under `Neg for &T`).
        Expr::Unary(u) => {
            let was_block = matches!(emit::unparen(&u.expr), Expr::Block(_));
            syn::visit_mut::visit_expr_unary_mut(exp, u);
            let operand = emit::unparen(&u.expr);
            if emit::is_runtime_call(operand) || !was_block && matches!(operand, Expr::Block(_)) {
                *u.expr = emit::unparenthesized_without_expectation(emit::take(&mut u.expr));
            }
        }
        // Constant blocks stay constant.
        Expr::Const(_) => {}
        // `write!(dest, ..)` in an expression: the borrow of `dest` is recorded first, and
        // its end after where the end is known (`write_fmt` returns a `fmt::Result`).
        Expr::Macro(m) => {
            if let Some(borrow) = super::macros::standard(exp, &mut m.mac) {
                *expr = borrow.around(expr).unwrap_or_else(|| emit::then(&borrow.event, &*expr));
            }
        }
        _ => return false,
    }
    true
}
/// An `unsafe` block, bracketed by its enter and exit.
fn unsafe_block(exp: &mut Expander<'_>, expr: &mut Expr) {
    let Expr::Unsafe(u) = expr else { return };
    exp.unsafe_depth += 1;
    exp.visit_block_mut(&mut u.block);
    exp.unsafe_depth -= 1;
    if exp.has(Group::Unsafe) {
        let site = exp.site("", "", "unsafe", u.unsafe_token.span);
        let (enter, exit) = vocabulary::UNSAFE_BLOCK;
        let span = exp.ident("block");
        emit::open_span(&mut u.block, &span, site, enter, exit);
    }
}

/// `fut.await`: its start and its end.
fn await_(exp: &mut Expander<'_>, expr: &mut Expr) {
    let Expr::Await(a) = expr else { return };
    // Named as the user wrote it, before the expansion rewrites it.
    let name = super::text(&a.base);
    exp.visit_expr_mut(&mut a.base);
    if exp.has(Group::Async) {
        let start = exp.site(&name, "", "await", a.await_token.span);
        let end = exp.site(&name, "", "await", a.await_token.span);
        pass(&mut a.base, start, vocabulary::AWAIT_START, 0);
        pass(expr, end, vocabulary::AWAIT_END, 0);
    }
}

/// A read of a static the user declared (`statics = [..]`) or the analyzer found, recorded before
/// the statement, since a static is a place and must not be wrapped; a constant-like name otherwise
/// gets a warning under `warn`.
fn path(exp: &mut Expander<'_>, expr: &mut Expr) {
    let Expr::Path(p) = expr else { return };
    if record_typed_path(exp, p) {
        // The analyzer's site told what this path is.
    } else if let Some(name) = declared_static(exp, &p.path) {
        let site = exp.site(&name, "read", "static", p.span());
        if let Some(stmt) = site_event(exp, SiteKind::StaticRead, site) {
            exp.before_statement(stmt);
        }
    } else if let Some(last) = p.path.segments.last().map(|s| s.ident.to_string())
        && last.len() > 1
        && last.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && exp.lookup(&last).is_none()
    {
        let message = format!(
            "`{last}` may be a `static` or a `const`, which syntax cannot tell; declare it with `statics = [\"{last}\"]` to track its accesses, or run borrowscope-analyzer"
        );
        exp.warn(p.span(), &message);
    }
}

/// A union field the user declared (`unions = [..]`) or the analyzer found, read or written.
fn field(exp: &mut Expander<'_>, expr: &mut Expr) {
    let Expr::Field(f) = expr else { return };
    exp.guard_use = GuardUse::Place;
    exp.visit_expr_mut(&mut f.base);
    let position = match &f.member {
        syn::Member::Named(ident) => exp.position(ident.span()),
        syn::Member::Unnamed(index) => exp.position(index.span),
    };
    let typed = position.and_then(|(l, c)| exp.types.site(l, c, SiteKind::UnionFieldAccess));
    if let Some(known) = typed {
        let (union, field) = known.target.split_once('.').unwrap_or((&known.target, ""));
        let site = exp.site(union, field, "union_field", f.span());
        if let Some(stmt) = site_event(exp, known.kind, site) {
            exp.before_statement(stmt);
        }
    } else {
        union_field(exp, f);
    }
}

/// `&x` / `&mut x` of a tracked binding outside a `let` (an argument, a field...): a borrow with no
/// binding of its own. Passed through a call, so deref coercions and reborrows still happen where
/// the reference is used.
fn reference(exp: &mut Expander<'_>, expr: &mut Expr) {
    let Expr::Reference(r) = expr else { return };
    let was_block = matches!(emit::unparen(&r.expr), Expr::Block(_));
    exp.borrowing(|exp| {
        exp.guard_use = GuardUse::Place;
        exp.visit_expr_mut(&mut r.expr)
    });
    // A call or a block the expansion put under the `&` would demand of its value the type
    // the reference's referent is expected to have. Not a block that ends in a closure (its
    // captures recorded where it is made): the closure takes its parameters' types from that
    // expectation (`&|table, i| ..` passed as a `&dyn Fn(&mut Table, usize)`), and the
    // closure's own type is the only one a sized referent could have been.
    // Parentheses hand the hint on too (`&(v.get(i).unwrap())`).
    let operand = emit::unparen(&r.expr);
    if emit::is_runtime_call(operand) || !was_block && matches!(operand, Expr::Block(b) if !ends_in_closure(b)) {
        *r.expr = emit::unparenthesized_without_expectation(emit::take(&mut r.expr));
    }
    let owner = match &*r.expr {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().and_then(|i| exp.lookup(&i.to_string()).map(|g| (i.clone(), g))),
        place => uses::field_borrowed(exp, place),
    };
    if let Some((name, guard)) = owner
        && exp.has(Group::Ownership)
    {
        let op = if r.mutability.is_some() { vocabulary::BORROW_MUT } else { vocabulary::BORROW };
        let site = exp.site("", &name.to_string(), "borrow", r.span());
        *expr = emit::pass_value(&site, op, emit::Number(0), quote!(#guard.id()), emit::take(expr));
    }
}

/// `f(..)` and `path(..)`: the callee, its arguments by value, `drop(x)`, spawns, and the
/// calls the analyzer found (FFI, `unsafe fn`).
fn call(exp: &mut Expander<'_>, expr: &mut Expr) {
    let Expr::Call(call) = expr else { return };
    // Read before the arguments are rewritten.
    let traced = match &*call.func {
        Expr::Path(p) if exp.calls_traced(call.func.span()) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    let stage_from = uses::stageable_from(&call.args.iter().collect::<Vec<_>>());
    visit_mut::visit_expr_call_mut(exp, call);
    // `f()` of a closure binding: an `FnOnce` call consumes it, an `Fn` one borrows it,
    // which syntax cannot tell. Noted before the statement: the callee must stay a
    // place (moving it elsewhere would change when its captures drop), and an
    // "unknown" end recorded early is still never wrong.
    match uses::called(exp, &call.func) {
        Some(uses::Called::Unknown(unknown)) => exp.before_statement(emit::stmt(quote!(#unknown;))),
        // An `FnOnce` closure is consumed by the call anyway: passing it through the
        // runtime on its way there changes nothing.
        Some(uses::Called::Consumed(record)) => {
            *call.func = emit::then(record, emit::take(&mut call.func));
        }
        None => {}
    }
    if is_drop(&call.func) && call.args.len() == 1 && exp.has(Group::Ownership) {
        // `drop(x)`: the value is dropped here, not moved somewhere it lives on.
        call.args.iter_mut().for_each(|arg| uses::dropped(exp, arg));
    }
    let staged = arguments(exp, call.args.iter_mut(), traced.as_deref(), stage_from);
    let callee = match &*call.func {
        Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    let callee_span = call.func.span();
    // An `unsafe fn` is called in an `unsafe` block or `unsafe fn` only; elsewhere the
    // analyzer was wrong (the code compiled), and the hook, which calls the callee through a
    // value, would make the call unsafe.
    let in_unsafe = exp.unsafe_depth > 0;
    let site_op = exp.position(call.func.span()).map(|(l, c)| exp.types.sites(l, c)).unwrap_or_default().iter().find_map(|s| match s.kind {
        SiteKind::FfiCall => vocabulary::site(s.kind),
        SiteKind::UnsafeFnCall if in_unsafe => vocabulary::site(s.kind),
        _ => None,
    });
    let site_op = site_op.filter(|(_, _, group)| exp.has(*group)).map(|(op, _, _)| op);
    match (callee, site_op) {
        // The analyzer saw an FFI or `unsafe fn` callee: no declaration needed.
        (Some(callee), Some(op)) => {
            let site = exp.site(&callee, "", "call", call.func.span());
            before_call(call, site, op);
        }
        // A callee the user declared with `ffi = [..]`: recorded as the analyzer's FFI call is.
        (Some(callee), None) if exp.config.ffi.contains(&callee) => {
            if let Some((op, _, group)) = vocabulary::site(SiteKind::FfiCall)
                && exp.has(group)
            {
                let site = exp.site(&callee, "", "ffi_call", call.func.span());
                before_call(call, site, op);
            }
        }
        (Some(callee), None) if callee == "spawn" && thread_path(&call.func) => spawn_anywhere(exp, expr, callee_span),
        (Some(callee), None) if exp.unsafe_depth > 0 => {
            let message = format!(
                "`{callee}` is called in an `unsafe` block and may be an FFI or `unsafe fn` call, which syntax cannot tell; declare it with `ffi = [\"{callee}\"]` to track it, or run borrowscope-analyzer"
            );
            exp.warn(call.func.span(), &message);
        }
        _ => {}
    }
    if staged {
        linked_call(expr);
    }
}

/// The by-value uses of a call's arguments; of a traced callee (`function`), those from
/// `stage_from` on are staged for its parameters. Returns whether one was.
fn arguments<'a>(exp: &mut Expander<'_>, args: impl Iterator<Item = &'a mut Expr>, function: Option<&str>, stage_from: usize) -> bool {
    let mut args: Vec<&mut Expr> = args.collect();
    let mut staged = false;
    for index in 0..args.len() {
        // A binding passed and read again by a later argument (`link(ops, ops.next(p))`,
        // intrusive-collections' lists) was not moved by the call, a `&mut` being reborrowed;
        // left as written, it keeps the two-phase borrow that lets the later argument read it
        // (wrapped in a block, it would not compile).
        let reused = exp.tracked_path(args[index]).is_some_and(|(ident, _, copies)| {
            copies != super::Copies::Yes
                && exp.analyzed_use(&ident) != Some(type_info_schema::UseKind::Copy)
                && args[index + 1..].iter().any(|later| read_plainly(later, &ident))
        });
        if reused {
            continue;
        }
        let arg = &mut *args[index];
        match function {
            Some(function) if index >= stage_from => staged |= uses::passed(exp, arg, function, index),
            _ => uses::by_value(exp, arg),
        }
    }
    staged
}

/// Whether `expr` reads the binding `name` outside anything that could bind that name anew (a
/// closure's parameter, a `let` in a block, an arm's pattern): through calls, method calls,
/// fields, operators and literals only.
fn read_plainly(expr: &Expr, name: &syn::Ident) -> bool {
    fn any<'a>(mut exprs: impl Iterator<Item = &'a Expr>, name: &syn::Ident) -> bool {
        exprs.any(|e| read_plainly(e, name))
    }
    match expr {
        Expr::Path(p) => p.qself.is_none() && p.path.is_ident(name),
        Expr::MethodCall(c) => read_plainly(&c.receiver, name) || any(c.args.iter(), name),
        Expr::Call(c) => read_plainly(&c.func, name) || any(c.args.iter(), name),
        Expr::Field(f) => read_plainly(&f.base, name),
        Expr::Reference(r) => read_plainly(&r.expr, name),
        Expr::Unary(u) => read_plainly(&u.expr, name),
        Expr::Binary(b) => read_plainly(&b.left, name) || read_plainly(&b.right, name),
        Expr::Paren(p) => read_plainly(&p.expr, name),
        Expr::Group(g) => read_plainly(&g.expr, name),
        Expr::Cast(c) => read_plainly(&c.expr, name),
        Expr::Index(i) => read_plainly(&i.expr, name) || read_plainly(&i.index, name),
        Expr::Try(t) => read_plainly(&t.expr, name),
        Expr::Tuple(t) => any(t.elems.iter(), name),
        Expr::Array(a) => any(a.elems.iter(), name),
        Expr::Struct(s) => any(s.fields.iter().map(|f| &f.expr), name) || s.rest.as_deref().is_some_and(|r| read_plainly(r, name)),
        _ => false,
    }
}

/// `called(call)`: once the call has returned, what its parameters did not claim of the
/// arguments staged for them is forgotten.
fn linked_call(expr: &mut Expr) {
    *expr = emit::called(emit::take(expr));
}

/// `x.method(..)`: the receiver's use, clones, locks, `RefCell` borrows, channels, joins and
/// the other methods whose events the receiver's type decides.
fn method_call(exp: &mut Expander<'_>, expr: &mut Expr) {
    let guard_use = std::mem::take(&mut exp.guard_use_here);
    // Read before the receiver and the arguments are expanded (each sets it again).
    let whole_statement = std::mem::take(&mut exp.statement_here);
    let Expr::MethodCall(call) = expr else { return };
    // The label is the receiver as the user wrote it, taken before it is rewritten.
    let receiver = super::text(&call.receiver);
    // Read before the arguments are rewritten.
    let traced = exp.calls_traced(call.method.span()).then(|| call.method.to_string());
    let stage_from = uses::stageable_from(&call.args.iter().collect::<Vec<_>>());
    let receiver_use = guards::receiver_use(&call.method.to_string(), &guard_use);
    exp.borrowing(|exp| {
        exp.guard_use = receiver_use;
        exp.visit_expr_mut(&mut call.receiver)
    });
    call.args.iter_mut().for_each(|arg| exp.visit_expr_mut(arg));
    let method = call.method.to_string();
    let method_span = call.method.span();
    // A send or receive on a channel the analyzer linked goes through its queue; a send
    // queues the instance its argument moves out of, read before the move is recorded.
    let channel = match method.as_str() {
        "send" => super::channels::rewrite(exp, method_span, SiteKind::LinkedSend).map(|c| (c, true)),
        "recv" | "try_recv" | "recv_timeout" => super::channels::rewrite(exp, method_span, SiteKind::LinkedRecv).map(|c| (c, false)),
        _ => None,
    };
    let sent = match (&channel, call.args.first()) {
        (Some((_, true)), Some(arg)) => uses::moved_instance(exp, arg).unwrap_or_else(|| quote!(0)),
        _ => quote!(0),
    };
    let staged = arguments(exp, call.args.iter_mut(), traced.as_deref(), stage_from);
    if let (Some((queue, true)), Some(arg)) = (&channel, call.args.first_mut()) {
        super::channels::sending(arg, queue, sent);
    }
    let unsafe_method =
        exp.unsafe_depth > 0 && exp.position(method_span).is_some_and(|(l, c)| exp.types.site(l, c, SiteKind::UnsafeFnCall).is_some());
    let probe = uses::receiver(exp, &call.receiver).or_else(|| super::unboxed::deref_receiver(exp, &call.receiver));
    // A guard's acquisition tells more of the borrow a guard method takes (`guards`).
    let receiver_borrow = if guards::takes_guard(&call.method.to_string()) {
        None
    } else {
        super::receivers::receiver_borrow(exp, &call.receiver, &method, method_span)
    };
    let op = match method.as_str() {
        "clone" => Some(vocabulary::CLONE),
        "unwrap" | "expect" | "unwrap_or" | "unwrap_or_else" | "unwrap_or_default" => Some(vocabulary::UNWRAP),
        _ => None,
    };
    // Threads, channels, locks and RefCells: the receiver's type decides (a path
    // receiver, whose type the compiler knows at the call); the event follows the call.
    let typed = matches!(
        method.as_str(),
        "join"
            | "send"
            | "try_send"
            | "recv"
            | "try_recv"
            | "recv_timeout"
            | "get"
            | "set"
            | "get_or_init"
            | "assume_init"
            | "assume_init_read"
            | "assume_init_drop"
    );
    let group = match method.as_str() {
        "join" | "send" | "try_send" | "recv" | "try_recv" | "recv_timeout" => Group::Methods,
        "get" | "set" | "get_or_init" => Group::SmartPointers,
        "assume_init" | "assume_init_read" | "assume_init_drop" => Group::Unsafe,
        _ => Group::Methods,
    };
    let guard = guards::takes_guard(&method).then(|| guards::acquisition(exp, &call.receiver, &method, method_span)).flatten();
    let typed_probe =
        (typed && guards::is_place(&call.receiver) && exp.has(group)).then(|| emit::probe(Probe::Typed, &call.receiver, quote!(typed(#method))));
    // A borrow whose end is known (the result cannot hold it) goes around the call
    // (`borrowed_for`). Otherwise the borrow is recorded just before the call, which keeps
    // its receiver as written: a reference binding is reborrowed through as the user wrote it
    // (with `slot: &mut Option<T>`, `slot.as_ref().unwrap()` returns a borrow of what `slot`
    // points to; a receiver rewritten to `(*lent(.., &slot))` borrowed the local `slot`
    // itself, and once_cell's `try_insert` stopped compiling: E0515). Before a call that never
    // returns (`parser.fail(..) -> !`), it goes first in a block the call ends: a function
    // around it would be an unreachable call.
    let (receiver_borrow, around, last) = match receiver_borrow {
        Some(borrow) if borrow.never_returns => (None, None, Some(borrow.event)),
        Some(borrow) if borrow.ends.is_some() => (None, Some(borrow), None),
        Some(borrow) => (Some(borrow.event), None, None),
        None => (None, None, None),
    };
    if let Some(event) = guard {
        *expr = guards::record(exp, expr, event, &receiver, &method, method_span, &guard_use);
    } else if let Some(typed) = typed_probe {
        let site = exp.site(&receiver, &method, "method", method_span);
        *expr = emit::after(&site, typed, emit::take(expr));
    } else if exp.has(Group::Methods)
        && let Some(op) = op
    {
        // A lock whose receiver is not a plain path is not guessed from the method's name
        // (`self.file.write(..)`, `stdout().lock()`): the analyzer's site decides (`guards`).
        let site = exp.site(&receiver, &method, "method", call.method.span());
        pass(expr, site, op, 0);
    }
    // What is recorded before a call that is a statement's whole expression goes before the
    // statement, in the same order: around the call, a function would be an unreachable call
    // when the method never returns (`harness.test()` of `-> !`, toml_edit's test programs),
    // which only the analyzer can say.
    if whole_statement {
        // `then(borrow, then(probe, call))`: the borrow, then the probe.
        if let Some(borrow) = receiver_borrow {
            exp.before_statement(emit::stmt(quote!(#borrow;)));
        }
        if let Some(probe) = probe {
            exp.before_statement(emit::stmt(quote!(#probe;)));
        }
    } else {
        if let Some(probe) = probe {
            *expr = emit::then(probe, emit::take(expr));
        }
        if let Some(borrow) = receiver_borrow {
            *expr = emit::then(borrow, emit::take(expr));
        }
    }
    if let Some(wrapped) = around.and_then(|borrow| borrow.around(expr)) {
        *expr = wrapped;
    }
    if let Some(event) = last {
        let original = std::mem::replace(expr, Expr::Verbatim(TokenStream::new()));
        *expr = super::tail_block(vec![syn::Stmt::Expr(Expr::Verbatim(quote!(#event;)), None)], original);
    }
    if method == "spawn" {
        spawn_anywhere(exp, expr, method_span);
    }
    // The analyzer saw an `unsafe fn` method (`m.assume_init()`, `p.offset(1)`).
    if unsafe_method
        && let Some((op, _, group)) = vocabulary::site(SiteKind::UnsafeFnCall)
        && exp.has(group)
    {
        let site = exp.site(&method, "", "call", method_span);
        *expr = emit::before(&site, op, emit::take(expr));
    }
    if staged {
        linked_call(expr);
    }
    match &channel {
        Some((queue, true)) => super::channels::sent(expr, queue),
        Some((queue, false)) => super::channels::receive(expr, queue),
        None => {}
    }
}

/// What a binary operator does with its operands.
#[derive(PartialEq, Eq)]
enum Operator {
    /// `a += b`: `a` is a place written, `b` taken by value.
    Compound,
    /// `a + b`: both taken by value (`s + "x"` moves a `String`).
    Arithmetic,
    /// Comparisons and `&&`/`||`: neither is taken.
    Other,
}

fn operator(op: &BinOp) -> Operator {
    match quote::ToTokens::to_token_stream(op).to_string().as_str() {
        "+=" | "-=" | "*=" | "/=" | "%=" | "^=" | "&=" | "|=" | "<<=" | ">>=" => Operator::Compound,
        "+" | "-" | "*" | "/" | "%" | "^" | "&" | "|" | "<<" | ">>" => Operator::Arithmetic,
        _ => Operator::Other,
    }
}

/// Binary operators, compound assignments included.
fn binary(exp: &mut Expander<'_>, expr: &mut Expr) {
    let Expr::Binary(b) = expr else { return };
    let operator = operator(&b.op);
    if operator == Operator::Compound {
        exp.visit_expr_mut(&mut b.right);
        inside_place(exp, &mut b.left);
        place_written(exp, &b.left);
    } else {
        visit_mut::visit_expr_binary_mut(exp, b);
    }
    if operator == Operator::Arithmetic {
        uses::by_value(exp, &mut b.left);
    }
    if operator != Operator::Other {
        uses::by_value(exp, &mut b.right);
    }
}

/// `thread::spawn` (or `std::thread::spawn`): a path ending in those two segments.
fn thread_path(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    let segments: Vec<String> = p.path.segments.iter().rev().take(2).map(|s| s.ident.to_string()).collect();
    segments == ["spawn", "thread"]
}

/// A spawn whose handle no `let` binds (`handles.push(thread::spawn(..))`, `s.spawn(..)` in
/// `thread::scope`): the handle's type decides, once the call returns, whether it is a
/// thread's, and the spawn is recorded naming the new thread.
fn spawn_anywhere(exp: &mut Expander<'_>, expr: &mut Expr, span: proc_macro2::Span) {
    if !exp.has(Group::Methods) || std::mem::take(&mut exp.spawn_bound) {
        return;
    }
    let site = exp.site("", "", "spawn", span);
    let handle = exp.ident("handle");
    let spawned = emit::probe(Probe::Spawn, &handle, quote!(spawned_at(#site);));
    let original = &*expr;
    let bind = emit::stmt(quote!(let #handle = #original;));
    *expr = super::tail_block(vec![bind, emit::stmt(spawned)], emit::name(&handle));
}

/// Whether a callee is `drop`, `mem::drop` or `std::mem::drop` / `core::mem::drop`.
fn is_drop(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
    matches!(segments.iter().map(String::as_str).collect::<Vec<_>>().as_slice(), ["drop"] | ["mem", "drop"] | ["std" | "core", "mem", "drop"])
}

/// `then(event(..), f)(args)`: records `op` before the call, passing the callee rather than
/// the call's result through `then`, so a callee that never returns (`-> !`) does not make
/// the runtime call unreachable code.
fn before_call(call: &mut syn::ExprCall, site: TokenStream, op: vocabulary::Op) {
    *call.func = emit::before(&site, op, emit::take(&mut call.func));
}
