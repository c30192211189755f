//! `let` statements and function parameters: each binding gets a drop guard declared just
//! before it, its creation is recorded once it holds its value, and an initializer that says
//! more (a move from another binding, a borrow, a smart pointer) records that too.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Expr, Local, Pat, Stmt};

use super::emit::{self, Number, Probe};
use super::guards::GuardUse;
use super::patterns::pattern_names;
use super::vocabulary::{self, Op, Record};
use super::{Copies, Expander, Tracked, copies, uses};
use crate::config::Group;

/// What an initializer tells about the binding, for a single-name pattern.
enum Origin {
    /// `x`: a move or copy from a tracked binding.
    From(syn::Ident),
    /// `&x` / `&mut x` of a tracked binding.
    Borrow(syn::Ident, bool),
    /// A smart pointer constructor: what it records, and the binding the new pointer comes
    /// from (`Rc::clone(&a)`).
    Pointer(Record, Option<syn::Ident>),
    /// A read through a place: `*r`, `a[i]`, `s.f` (the operation, the base's text, the field).
    Read(Op, String, String),
    /// A closure: whether it is `move`, and the tracked bindings its body uses.
    Closure(bool, Vec<syn::Ident>),
    /// `x.clone()` of a tracked binding: the binding's type decides what kind of clone.
    MethodClone(syn::Ident),
    /// A call of a function or method named `spawn` (`thread::spawn`, `s.spawn`,
    /// `Builder::spawn(..).unwrap()`): a thread handle, if its type says so.
    Spawn,
    /// `mpsc::channel()` or `mpsc::sync_channel(n)` destructured into its two ends.
    Channel,
    /// `ManuallyDrop::new(v)`: the value is never dropped unless the program asks.
    NeverDropped,
    /// Something else.
    Other,
}

/// `*b` of a tracked binding `b`, with its guard: the new binding's type tells whether the
/// value was copied out or moved out of a box.
fn deref_source(exp: &Expander<'_>, init: &Expr) -> Option<(syn::Ident, syn::Ident)> {
    let Expr::Unary(u) = init else { return None };
    if !matches!(u.op, syn::UnOp::Deref(_)) {
        return None;
    }
    let Expr::Path(p) = &*u.expr else { return None };
    let ident = p.path.get_ident()?;
    exp.lookup(&ident.to_string()).map(|guard| (ident.clone(), guard))
}

/// `ManuallyDrop::new`, by its last two path segments.
fn is_manually_drop(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    let tail: Vec<String> = p.path.segments.iter().rev().take(2).map(|s| s.ident.to_string()).collect();
    tail == ["new", "ManuallyDrop"]
}

/// The tracked binding an initializer takes its value from: `&x` as the first argument of a
/// call (`Rc::clone(&x)`, `Rc::downgrade(&x)`), or the receiver of a method call
/// (`x.upgrade()`, `x.clone()`), looking through `unsafe { .. }`, `.unwrap()` and `?`.
fn source_binding(exp: &Expander<'_>, init: &Expr) -> Option<syn::Ident> {
    let tracked = |expr: &Expr| match expr {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().filter(|i| exp.lookup(&i.to_string()).is_some()).cloned(),
        _ => None,
    };
    match init {
        Expr::Call(call) => match call.args.first() {
            Some(Expr::Reference(r)) => tracked(&r.expr),
            _ => None,
        },
        Expr::MethodCall(call) if matches!(call.method.to_string().as_str(), "unwrap" | "expect") => source_binding(exp, &call.receiver),
        Expr::MethodCall(call) => tracked(&call.receiver),
        Expr::Try(t) => source_binding(exp, &t.expr),
        Expr::Paren(p) => source_binding(exp, &p.expr),
        Expr::Unsafe(u) => match u.block.stmts.as_slice() {
            [Stmt::Expr(expr, None)] => source_binding(exp, expr),
            _ => None,
        },
        _ => None,
    }
}

fn origin(exp: &Expander<'_>, init: &Expr) -> Origin {
    match init {
        Expr::Path(p) if p.qself.is_none() => match p.path.get_ident() {
            Some(ident) if exp.lookup(&ident.to_string()).is_some() => Origin::From(ident.clone()),
            _ => Origin::Other,
        },
        Expr::Reference(r) => match &*r.expr {
            Expr::Path(p) => match p.path.get_ident() {
                Some(ident) if exp.lookup(&ident.to_string()).is_some() => Origin::Borrow(ident.clone(), r.mutability.is_some()),
                _ => Origin::Other,
            },
            // `let hits = &mut counter.hits;`: a borrow of `counter` (the analyzer tells).
            place => match super::uses::field_borrowed(exp, place) {
                Some((ident, _)) => Origin::Borrow(ident, r.mutability.is_some()),
                None => Origin::Other,
            },
        },
        // Reads through a place in initializer position are values, never assigned to, so
        // recording them there is sound (the seeds disabled this tracking because wrapping a
        // place breaks assignments).
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) && exp.has(Group::Expressions) => {
            Origin::Read(vocabulary::DEREF, super::text(&u.expr), String::new())
        }
        Expr::Index(i) if exp.has(Group::Expressions) => Origin::Read(vocabulary::INDEX_ACCESS, super::text(&i.expr), String::new()),
        Expr::Field(f) if exp.has(Group::Expressions) => Origin::Read(vocabulary::FIELD_ACCESS, super::text(&f.base), super::text(&f.member)),
        Expr::Closure(c) if exp.has(Group::Expressions) => {
            let params: Vec<String> = c.inputs.iter().flat_map(pattern_names).map(|i| i.to_string()).collect();
            let mut captured = Vec::new();
            for name in uses::names_in_expr(&c.body) {
                if exp.lookup(&name).is_some() && !params.contains(&name) && !captured.iter().any(|i: &syn::Ident| *i == name) {
                    captured.push(syn::Ident::new(&name, c.body.span()));
                }
            }
            captured.sort_by_key(|i| i.to_string());
            Origin::Closure(c.capture.is_some(), captured)
        }
        _ if exp.has(Group::Methods) && spawns(init) => Origin::Spawn,
        Expr::MethodCall(call) if call.method == "clone" && call.args.is_empty() && exp.has(Group::SmartPointers) => match &*call.receiver {
            Expr::Path(p) => match p.path.get_ident() {
                Some(ident) if exp.lookup(&ident.to_string()).is_some() => Origin::MethodClone(ident.clone()),
                _ => Origin::Other,
            },
            _ => Origin::Other,
        },
        // `unsafe { Box::from_raw(p) }`: the constructor inside.
        Expr::Unsafe(u) if exp.has(Group::SmartPointers) => match u.block.stmts.as_slice() {
            [Stmt::Expr(inner @ Expr::Call(_), None)] => match origin(exp, inner) {
                pointer @ Origin::Pointer(..) => pointer,
                _ => Origin::Other,
            },
            _ => Origin::Other,
        },
        Expr::Call(call) if exp.has(Group::Ownership) && is_manually_drop(&call.func) => Origin::NeverDropped,
        Expr::Call(call) if exp.has(Group::SmartPointers) => {
            let Expr::Path(callee) = &*call.func else { return Origin::Other };
            let Some(kind) = vocabulary::constructor_path(&callee.path) else { return Origin::Other };
            // `Rc::clone(&a)`, `Rc::downgrade(&a)`: the new pointer comes from `a`.
            Origin::Pointer(vocabulary::initializer(kind).record, source_binding(exp, init))
        }
        _ => Origin::Other,
    }
}

/// What a `let` is, read before its initializer is rewritten (a struct literal becomes a
/// call, a moved binding a block).
struct Let {
    names: Vec<syn::Ident>,
    /// The pattern is one name (`let x`, `let x: T`).
    single: bool,
    from: Origin,
    union: Option<String>,
    /// The guard of the binding the value comes from (`Rc::clone(&a)`, `a.upgrade()`).
    source: Option<syn::Ident>,
    /// `let inner = *boxed;`: the value moves out of the box unless it is `Copy`.
    deref_of: Option<(syn::Ident, syn::Ident)>,
    /// Whether syntax records the initializer's own event (`Rc::new(..)`, `x.clone()`).
    syntactic: bool,
    /// Who decides the copies, from the pattern and the initializer as written (a binding
    /// copied from another has its type).
    written: Copies,
    /// The initializer where the user wrote it, for sites.
    init_span: proc_macro2::Span,
    /// `let x = f(..)` / `let x = r.m(..)`: the value a traced `f` returns is linked to `x`.
    callee: Option<String>,
    /// `let x = rx.recv().unwrap()`: the receive whose value `x` is (its method's span), linked
    /// to the binding sent if the channel is.
    received: Option<proc_macro2::Span>,
    /// One guard per name, named before the initializer is expanded: a closure initializer
    /// names its binding as the destination of what it captures.
    guard_names: Vec<syn::Ident>,
    /// The analyzer calls the one binding a lock's or `RefCell`'s guard: `Some(false)` when
    /// the initializer takes it for sure (`c.borrow_mut()`, `m.lock().unwrap()`), `Some(true)`
    /// for a `try_` form, whose result may hold no guard (nothing is recorded for it).
    guard_kind: Option<bool>,
}

/// Expands a `let`: returns the statements to put before and after it; the `let` itself is
/// rewritten in place (its initializer expanded, a move probed, `else` recorded).
pub(crate) fn local(exp: &mut Expander<'_>, local: &mut Local) -> (Vec<Stmt>, Vec<Stmt>) {
    let Some(init) = &local.init else {
        let names = pattern_names(&local.pat);
        return super::deferred::local(exp, local, names);
    };
    let (names, matched) = super::patterns::let_names(exp, &local.pat);
    // `let mut prev = None;`: the type is left open for an assignment to decide.
    let open = matches!(&local.pat, Pat::Ident(_)) && open_initializer(&init.expr);
    for name in names.iter().chain(&matched) {
        if open {
            exp.open_types.insert(name.to_string())
        } else {
            exp.open_types.remove(&name.to_string())
        };
    }
    let read = read_let(exp, &local.pat, &init.expr, names);
    // A channel the analyzer linked: its queue, declared before the `let` so that every
    // send and receive after it can reach it.
    let queue = match (&read.from, &*init.expr) {
        (Origin::Channel, Expr::Call(call)) => super::channels::declare(exp, super::first_token(&call.func)),
        _ => None,
    };
    // The statements after this one that name the new bindings use them, not the bindings
    // they shadow: `let line = wrap(line);` is the old `line`'s last use.
    let shadowed: Vec<String> = read.names.iter().map(|n| n.to_string()).collect();
    let (mut before, mut after, guards, copies) = uses::with_values_replaced(exp, &shadowed, false, |exp| {
        expand_initializer(exp, local, &read);
        let (mut before, mut after, guards, copies) = creations(exp, &read);
        if let (Some(Some(guard)), Some(name)) = (guards.first(), read.names.first()) {
            let init = local.init.as_mut().map(|init| &mut *init.expr);
            let (origin_before, origin_after) = record_origin(exp, &read, guard, name, init, &guards, copies.first().copied());
            before.extend(origin_before);
            after.extend(origin_after);
        }
        (before, after, guards, copies)
    });
    before.splice(0..0, queue);
    // A pattern that destructures a binding (`let [a, b] = arr;`) or a field taken by value
    // (`let inner = w.0;`) moves what it takes out of that binding.
    if let Some(init) = local.init.as_mut() {
        match &*init.expr {
            Expr::Path(_) if !read.single => {
                let key = super::first_token(&init.expr);
                after.extend(super::partial::destructured(exp, &init.expr, Some(&local.pat), key));
            }
            Expr::Field(_) => super::partial::field_by_value(exp, &mut init.expr),
            _ => {}
        }
    }
    if let (Some((source, source_guard)), Some(Some(guard)), Some(name), Some(copies)) =
        (&read.deref_of, guards.first(), read.names.first(), copies.first())
    {
        // The probe, if any, asks about the new binding: it has the moved value's type. A box
        // the function fills again (`*b = v`) ends as the path taken decides: a move is
        // recorded as unknown, and a copy as nothing.
        let record = match copies {
            Copies::No | Copies::Probe if exp.derefs.written.contains(&source.to_string()) => {
                super::unboxed::unknown_unless_copied(name, source_guard, *copies)
            }
            Copies::Unknown => quote!(#source_guard.maybe_moved();),
            _ => {
                let site = exp.site(&name.to_string(), &format!("*{source}"), "move", read.init_span);
                uses::record_use(name, source_guard, *copies, &site, &quote!(#guard.id()))
            }
        };
        after.push(emit::stmt(quote!({ #record })));
    }
    if let Some(union) = &read.union {
        read.names.iter().for_each(|n| exp.unions_in_scope.push((n.to_string(), union.clone())));
    }
    // The new bindings are in scope from the next statement on. One under `cfg` may not
    // exist in this build, so later statements do not refer to its guard.
    let conditional = local.attrs.iter().any(|a| a.path().is_ident("cfg"));
    for ((name, guard), copies) in read.names.iter().zip(guards).zip(copies) {
        exp.declare(Tracked { name: name.to_string(), guard: guard.filter(|_| !conditional), copies, level: 0 });
    }
    // A name the pattern may bind after all hides any tracked binding of that name.
    matched.iter().for_each(|name| exp.declare(Tracked::untracked(name.to_string())));
    (before, after)
}

/// Whether an initializer leaves type parameters of its value to be inferred from later uses:
/// `None`, an empty collection's `new()`, `Default::default()`, `vec![]`.
fn open_initializer(init: &Expr) -> bool {
    match init {
        Expr::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "None"),
        Expr::Call(call) if call.args.is_empty() => match &*call.func {
            Expr::Path(p) => {
                let names: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
                matches!(names.as_slice(), [.., last] if last == "default")
                    || matches!(names.as_slice(), [.., ty, last] if last == "new" && ["Vec", "VecDeque", "HashMap", "HashSet", "BTreeMap", "BTreeSet", "BinaryHeap"].contains(&ty.as_str()))
            }
            _ => false,
        },
        Expr::Macro(m) => m.mac.path.is_ident("vec") && m.mac.tokens.is_empty(),
        _ => false,
    }
}

/// Reads what the `let` of `pat = init` is, before anything is rewritten.
fn read_let(exp: &mut Expander<'_>, pat: &Pat, init: &Expr, names: Vec<syn::Ident>) -> Let {
    let single = matches!(pat, Pat::Ident(_) | Pat::Type(_)) && names.len() == 1;
    let from = if single {
        origin(exp, init)
    } else if names.len() == 2 && exp.has(Group::Methods) && is_channel(init) {
        Origin::Channel
    } else {
        Origin::Other
    };
    let syntactic = matches!(from, Origin::Pointer(..) | Origin::MethodClone(_));
    let callee = if single && matches!(from, Origin::Other) { returning_call(exp, init) } else { None };
    let guard_names = names.iter().map(|_| exp.ident("g")).collect();
    let guard_kind = if single { super::guards::initializer_guard(init).filter(|_| super::guards::holds_guard(exp, &names[0])) } else { None };
    Let {
        guard_kind,
        union: union_type(exp, pat, init),
        source: if single { source_binding(exp, init).and_then(|s| exp.lookup(&s.to_string())) } else { None },
        deref_of: if single { deref_source(exp, init) } else { None },
        written: if single { copies::syntactic_copies(exp, pat, init) } else { Copies::Unknown },
        init_span: init.span(),
        names,
        single,
        from,
        syntactic,
        callee,
        received: if single { super::channels::received_by(init) } else { None },
        guard_names,
    }
}

/// Expands the initializer and the `else` block of a `let-else`. The initializer runs before
/// the new bindings exist: it is expanded in the outer scope. A `&x` initializer is recorded
/// as this binding's borrow, not as a temporary one.
fn expand_initializer(exp: &mut Expander<'_>, local: &mut Local, read: &Let) {
    let Some(init) = &mut local.init else { return };
    if matches!(read.from, Origin::Closure(..)) && exp.config.tracks_name(&read.names[0].to_string()) {
        exp.closure_binding = Some(read.guard_names[0].clone());
    }
    exp.spawn_bound = matches!(read.from, Origin::Spawn);
    if !matches!(read.from, Origin::Borrow(..)) {
        // A guard the analyzer says the binding holds is the binding's instance, released
        // when it drops (`guards`).
        if read.single && read.guard_kind == Some(false) && exp.config.tracks_name(&read.names[0].to_string()) {
            exp.guard_use = GuardUse::Bound(read.guard_names[0].clone());
        }
        // A `let` without a type expects none of its initializer.
        exp.no_type_expected = !matches!(local.pat, syn::Pat::Type(_));
        // A binding a branch or block ends with moves into the new binding.
        if read.single
            && exp.config.tracks_name(&read.names[0].to_string())
            && matches!(super::without_parens_ref(&init.expr), Expr::If(_) | Expr::Match(_) | Expr::Block(_) | Expr::Unsafe(_))
        {
            exp.tail_into = Some(read.guard_names[0].clone());
        }
        syn::visit_mut::VisitMut::visit_expr_mut(exp, &mut init.expr);
        exp.tail_into = None;
    }
    exp.closure_binding = None;
    exp.spawn_bound = false;
    if let Some((_, diverge)) = &mut init.diverge {
        syn::visit_mut::VisitMut::visit_expr_mut(exp, diverge);
        if exp.has(Group::ControlFlow) {
            let pattern = super::text(&local.pat);
            let site = exp.site("", &pattern, "let_else", local.pat.span());
            let record = emit::event_stmt(&site, vocabulary::LET_ELSE, Number(0), Number(0));
            // The `else` is always a block: the event goes first inside it (a new block
            // around it would draw an `unused_braces` warning in the user's code).
            if let Expr::Block(block) = &mut **diverge {
                block.block.stmts.insert(0, record);
            }
        }
    }
}

/// Each name's guard (declared before the `let`) and creation (after it), with the events
/// the analyzer's kind calls for; the guards (`None` for a name the filter leaves out) and
/// who decides each binding's copies.
fn creations(exp: &mut Expander<'_>, read: &Let) -> (Vec<Stmt>, Vec<Stmt>, Vec<Option<syn::Ident>>, Vec<Copies>) {
    let (mut before, mut after, mut guards, mut copies) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Each name's guard and row while every name is tracked and its drop runs no code (`runs`).
    let mut copy_guards = (!read.names.is_empty()).then(Vec::new);
    for (name, guard) in read.names.iter().zip(&read.guard_names) {
        let text = name.to_string();
        if !exp.config.tracks_name(&text) {
            guards.push(None);
            copies.push(Copies::Unknown);
            copy_guards = None;
            continue;
        }
        // With a type-info file, the site's kind is the analyzer's classification.
        let known = exp.position(name.span()).and_then(|(line, column)| exp.types.binding(line, column));
        let kind = known.map_or("let", |b| b.kind.name());
        let site = exp.site(&text, "", kind, name.span());
        match (&mut copy_guards, super::runs::member_row(exp, known, guard)) {
            (Some(list), Some(row)) => list.push((guard.clone(), row)),
            _ => copy_guards = None,
        }
        let constructor = exp.guard_constructor(&site);
        before.push(emit::stmt(quote!(let #guard = #constructor;)));
        let name_copies = known.and_then(copies::analyzer_copies).unwrap_or(read.written);
        match &read.callee {
            Some(callee) if name_copies != Copies::Yes => after.push(emit::stmt(quote!(#guard.bind_returned(&#name, &#callee);))),
            _ if read.received.is_some_and(|recv| super::channels::rewritten(exp, recv)) => {
                after.push(emit::stmt(quote!(#guard.bind_received(&#name);)));
            }
            _ => after.push(emit::stmt(quote!(#guard.bind(&#name);))),
        }
        copies.push(name_copies);
        if let Some(known) = known
            && read.guard_kind != Some(true)
        {
            let source = read.source.as_ref().map_or(quote!(0), |g| quote!(#g.id()));
            after.extend(typed_events(exp, name, guard, known, read.single && !read.syntactic, &source));
        }
        guards.push(Some(guard.clone()));
    }
    exp.copy_guards = copy_guards;
    (before, after, guards, copies)
}

/// What the initializer tells about the first binding (`name`, guard `guard`): a move or copy
/// from another binding (rewriting `init` to record it), a borrow, a smart pointer, a read
/// through a place, a closure and its captures, a clone, a spawn, a channel's two ends. Returns
/// the statements to put before and after the `let`.
fn record_origin(
    exp: &mut Expander<'_>,
    read: &Let,
    guard: &syn::Ident,
    name: &syn::Ident,
    init: Option<&mut Expr>,
    guards: &[Option<syn::Ident>],
    copies: Option<Copies>,
) -> (Vec<Stmt>, Vec<Stmt>) {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let init_span = read.init_span;
    match &read.from {
        // A source used again later was copied or reborrowed, or moved before it is given a
        // new value: only a last use, or one the analyzer calls a move, is recorded as one.
        Origin::From(source) if uses::moved_from(exp, source, &mut before) => {
            if let (Some((source_guard, source_copies)), Some(init)) = (exp.tracked(&source.to_string()), init) {
                let site = exp.site(&name.to_string(), &source.to_string(), "move", init_span);
                let record = uses::record_use(source, &source_guard, source_copies, &site, &quote!(#guard.id()));
                *init = emit::first_then(record, emit::take(init));
            }
        }
        // Used again later: with the analyzer's trait facts, a `Copy` value is a copy
        // (a non-`Copy` one is a reborrow of a `&mut`, which is no copy).
        Origin::From(source) if copies == Some(Copies::Yes) => {
            if let Some(source_guard) = exp.lookup(&source.to_string()) {
                let site = exp.site(&name.to_string(), &source.to_string(), "copy", init_span);
                after.push(emit::event_stmt(&site, vocabulary::COPY, quote!(#guard.id()), quote!(#source_guard.id())));
            }
        }
        Origin::Borrow(owner, mutable) => {
            if let Some(owner_guard) = exp.lookup(&owner.to_string()) {
                after.push(emit::stmt(quote!(#guard.borrows(&#owner_guard, #mutable);)));
            }
        }
        Origin::Pointer(record, source) => {
            let source = source.as_ref().and_then(|s| exp.lookup(&s.to_string())).map_or(quote!(0), |g| quote!(#g.id()));
            after.extend(self::record(guard, name, *record, &source));
        }
        Origin::Read(op, base, field) => {
            let site = exp.site(base, field, "read", init_span);
            after.push(emit::event_stmt(&site, *op, quote!(#guard.id()), Number(0)));
        }
        Origin::Closure(is_move, captured) => {
            let mode = if *is_move { "move" } else { "ref" };
            let create = exp.site(&name.to_string(), mode, "closure", init_span);
            before.push(emit::event_stmt(&create, vocabulary::CLOSURE_CREATE, quote!(#guard.id()), Number(0)));
            for var in captured {
                let Some(var_guard) = exp.lookup(&var.to_string()) else { continue };
                let site = exp.site(&var.to_string(), mode, "capture", var.span());
                // Whether it moves is recorded where the closure is made (`captures`).
                before.push(emit::event_stmt(&site, vocabulary::CLOSURE_CAPTURE, quote!(#guard.id()), quote!(#var_guard.id())));
            }
        }
        Origin::MethodClone(source) => {
            if let Some(source_guard) = exp.lookup(&source.to_string()) {
                after.push(shared(name, guard, quote!(#source_guard.id())));
            }
        }
        Origin::Spawn => {
            let probe = emit::probe(Probe::Spawn, name, quote!(spawned(&#guard);));
            after.push(emit::stmt(probe));
        }
        Origin::Channel => {
            // The event names the receiving end's instance, which later events can follow.
            if let Some(Some(receiver_guard)) = guards.get(1) {
                let op = vocabulary::CHANNEL;
                after.push(emit::stmt(quote!(#guard.event(#op, #receiver_guard.id());)));
            }
        }
        Origin::NeverDropped => after.push(emit::stmt(quote!(#guard.never_dropped();))),
        // Any other initializer (an alias's constructor, a factory): the graph classifies the
        // binding from the type its `New` event carries. Probing the type here could meet a
        // type the compiler has not inferred yet (`let x = Default::default()`).
        Origin::From(_) | Origin::Other => {}
    }
    (before, after)
}

/// The events the analyzer's classification of a binding calls for, beyond its creation, as
/// `vocabulary::initializer` tells for its kind: a pointer event with its counts for an
/// `Rc`/`Arc`/`Weak` made through an alias, a factory or a conversion, the event of a
/// constructor reached through an alias (`untracked`: syntax recorded no event of its own),
/// the result of a `weak.upgrade()`, a `transmute`, the release of a lock or `RefCell` guard
/// before its drop, no drop at all for a `ManuallyDrop`. `source` is the id of the binding
/// the value came from (0 if none). Only emitted when the file's hash matched, so the types
/// the calls need are the types the code has.
fn typed_events(
    exp: &Expander<'_>,
    name: &syn::Ident,
    guard: &syn::Ident,
    known: &type_info_schema::Binding,
    untracked: bool,
    source: &TokenStream,
) -> Vec<Stmt> {
    use type_info_schema::ResolvedType;
    let ty = match &known.ty {
        ResolvedType::Known(ty) => ty.as_str(),
        ResolvedType::Unknown { .. } => return Vec::new(),
    };
    let typed = vocabulary::initializer(known.kind);
    let applies = typed.group.is_none_or(|group| exp.has(group))
        && (untracked || !typed.untracked_only)
        && (typed.types.is_empty() || typed.types.iter().any(|prefix| ty.starts_with(prefix)));
    if !applies {
        return Vec::new();
    }
    record(guard, name, typed.record, source).into_iter().collect()
}

/// The statement that records `record` for the binding `name` (guard `guard`), whose value
/// came from the instance `source`; `None` for a plain creation. A pointer event is recorded
/// where the binding's type is the standard library's pointer (`Probe::Counted`): a crate's own
/// `Arc`, `Rc` or `Box`, called by the same name, records nothing and compiles as written.
fn record(guard: &syn::Ident, name: &syn::Ident, record: Record, source: &TokenStream) -> Option<Stmt> {
    let counted = |call: TokenStream| emit::stmt(emit::probe(Probe::Counted, name, quote!(#call;)));
    Some(match record {
        Record::Creation => return None,
        Record::Counted(op) => counted(quote!(pointer_as(&#guard, #op, #source))),
        Record::Made(op) => counted(quote!(pointer_as(&#guard, #op, 0))),
        Record::Downgraded => counted(quote!(downgraded_as(&#guard, #source))),
        Record::WeakCloned => counted(quote!(weak_cloned_as(&#guard, #source))),
        Record::Upgraded => counted(quote!(upgraded_as(&#guard, #source))),
        Record::Event(op) => emit::stmt(quote!(#guard.event(#op, 0);)),
        Record::Address(op) => counted(quote!(address_as(&#guard, #op))),
        Record::ReleasedBy(op) => emit::stmt(quote!(#guard.releases(#op);)),
        Record::NeverDropped => emit::stmt(quote!(#guard.never_dropped();)),
    })
}

/// The name of the traced function or method an initializer calls, when the call itself is
/// the initializer (`f(..)`, `path::f::<T>(..)`, `r.m(..)`) and the analyzer found that the
/// callee is traced (a `traced_call` site): its returned binding is linked to this one.
fn returning_call(exp: &Expander<'_>, init: &Expr) -> Option<String> {
    let (name, span) = match init {
        Expr::Call(call) => match &*call.func {
            Expr::Path(p) if p.qself.is_none() => (p.path.segments.last()?.ident.to_string(), call.func.span()),
            _ => return None,
        },
        Expr::MethodCall(call) => (call.method.to_string(), call.method.span()),
        _ => return None,
    };
    exp.calls_traced(span).then_some(name)
}

/// Whether an initializer spawns a thread: a call of `spawn`, possibly followed by
/// `.unwrap()`/`.expect(..)` (`Builder::spawn` returns a `Result`).
fn spawns(init: &Expr) -> bool {
    match init {
        Expr::Call(call) => matches!(&*call.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "spawn")),
        Expr::MethodCall(call) if call.method == "spawn" => true,
        Expr::MethodCall(call) if call.method == "unwrap" || call.method == "expect" => spawns(&call.receiver),
        _ => false,
    }
}

/// `mpsc::channel()` / `sync_channel(n)`: a call of a path ending in one of them.
fn is_channel(init: &Expr) -> bool {
    matches!(init, Expr::Call(call) if matches!(&*call.func, Expr::Path(p)
        if p.path.segments.last().is_some_and(|s| s.ident == "channel" || s.ident == "sync_channel")))
}

/// `(&Probe(&name)).shared(&guard, source)`: a pointer event when the binding's type is an
/// `Rc` or `Arc`, decided by the compiler at this site. Only used where the type is already
/// known: after `x.clone()`, whose resolution needed `x`'s type.
fn shared(name: &syn::Ident, guard: &syn::Ident, source: TokenStream) -> Stmt {
    let probe = emit::probe(Probe::Shared, name, quote!(shared(&#guard, #source);));
    emit::stmt(probe)
}

/// The union type (one the user declared with `unions = [..]`) a `let` binds, from its type
/// annotation or its initializer's struct literal.
fn union_type(exp: &Expander<'_>, pat: &Pat, init: &Expr) -> Option<String> {
    let last = |path: &syn::Path| path.segments.last().map(|s| s.ident.to_string());
    let from_type = match pat {
        Pat::Type(typed) => match &*typed.ty {
            syn::Type::Path(p) => last(&p.path),
            _ => None,
        },
        _ => None,
    };
    let from_init = match init {
        Expr::Struct(s) => last(&s.path),
        _ => None,
    };
    from_type.or(from_init).filter(|name| exp.config.unions.contains(name))
}
