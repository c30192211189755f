//! `let` statements and function parameters: each binding gets a drop guard declared just
//! before it, its creation is recorded once it holds its value, and an initializer that says
//! more (a move from another binding, a borrow, a smart pointer) records that too.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Expr, FnArg, Local, Pat, Signature, Stmt};

use super::{Copies, Expander, Tracked, copies, uses};
use crate::config::Group;

/// The identifiers a pattern binds, in order.
pub(crate) fn pattern_names(pat: &Pat) -> Vec<syn::Ident> {
    let mut names = Vec::new();
    collect(pat, &mut names);
    names
}

pub(crate) fn collect(pat: &Pat, out: &mut Vec<syn::Ident>) {
    match pat {
        Pat::Ident(p) => {
            out.push(p.ident.clone());
            if let Some((_, sub)) = &p.subpat {
                collect(sub, out);
            }
        }
        Pat::Tuple(p) => p.elems.iter().for_each(|e| collect(e, out)),
        Pat::TupleStruct(p) => p.elems.iter().for_each(|e| collect(e, out)),
        Pat::Struct(p) => p.fields.iter().for_each(|f| collect(&f.pat, out)),
        Pat::Slice(p) => p.elems.iter().for_each(|e| collect(e, out)),
        // Every alternative binds the same names.
        Pat::Or(p) => {
            if let Some(first) = p.cases.first() {
                collect(first, out);
            }
        }
        Pat::Reference(p) => collect(&p.pat, out),
        Pat::Type(p) => collect(&p.pat, out),
        Pat::Paren(p) => collect(&p.pat, out),
        _ => {}
    }
}

/// `Guard::new(site)`, or `Guard::sampled(..)` under the `sample` option.
pub(crate) fn guard_constructor(exp: &Expander<'_>, site: &TokenStream) -> TokenStream {
    match exp.config.sample {
        Some(rate) => {
            let per_million = (rate * 1_000_000.0).round() as u64;
            quote!(::borrowscope_runtime::__private::Guard::sampled(#site, #per_million))
        }
        None => quote!(::borrowscope_runtime::__private::Guard::new(#site)),
    }
}

/// What an initializer tells about the binding, for a single-name pattern.
enum Origin {
    /// `x`: a move or copy from a tracked binding.
    From(syn::Ident),
    /// `&x` / `&mut x` of a tracked binding.
    Borrow(syn::Ident, bool),
    /// A smart pointer constructor, with the runtime operation and the source binding.
    Pointer(TokenStream, PointerSource),
    /// A read through a place: `*r`, `a[i]`, `s.f` (the operation, the base's text, the field).
    Read(TokenStream, String, String),
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

enum PointerSource {
    None,
    /// A counted pointer (`Rc`/`Arc`): the event carries the strong count.
    Counted(Option<syn::Ident>),
    /// `Rc::downgrade(&x)` / `Arc::downgrade(&x)`: the `Weak`'s type picks the operation and
    /// the event carries the weak count.
    Downgrade(Option<syn::Ident>),
    /// `Box::into_raw(b)`: the event carries the pointer's address.
    Address,
}

/// How a constructor's event is recorded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Plain,
    Counted,
    Downgrade,
    Address,
}

/// The operation for a constructor path such as `Rc::new` (the last two segments decide).
fn pointer_op(path: &syn::Path) -> Option<(&'static str, Flavor)> {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let tail: Vec<&str> = segments.iter().rev().take(2).rev().map(String::as_str).collect();
    Some(match tail.as_slice() {
        ["Rc", "new"] => ("RcNew", Flavor::Counted),
        ["Rc", "clone"] => ("RcClone", Flavor::Counted),
        ["Arc", "new"] => ("ArcNew", Flavor::Counted),
        ["Arc", "clone"] => ("ArcClone", Flavor::Counted),
        ["Rc" | "Arc", "downgrade"] => ("RcDowngrade", Flavor::Downgrade),
        ["Box", "new"] => ("BoxNew", Flavor::Plain),
        ["Box", "pin"] => ("BoxPin", Flavor::Plain),
        ["Box", "from_raw"] => ("BoxFromRaw", Flavor::Plain),
        ["Box", "into_raw"] => ("BoxIntoRaw", Flavor::Address),
        ["RefCell", "new"] => ("RefCellNew", Flavor::Plain),
        ["Cell", "new"] => ("CellNew", Flavor::Plain),
        ["OnceCell", "new"] => ("OnceCellNew", Flavor::Plain),
        ["OnceLock", "new"] => ("OnceLockNew", Flavor::Plain),
        ["Pin", "new"] => ("PinNew", Flavor::Plain),
        ["Weak", "new"] => ("WeakNew", Flavor::Plain),
        ["MaybeUninit", "uninit"] => ("MaybeUninitUninit", Flavor::Plain),
        ["MaybeUninit", "new"] => ("MaybeUninitNew", Flavor::Plain),
        ["Cow", "Borrowed"] => ("CowBorrowed", Flavor::Plain),
        ["Cow", "Owned"] => ("CowOwned", Flavor::Plain),
        _ => return None,
    })
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
            _ => Origin::Other,
        },
        // Reads through a place in initializer position are values, never assigned to, so
        // recording them there is sound (the seeds disabled this tracking because wrapping a
        // place breaks assignments).
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) && exp.has(Group::Expressions) => {
            Origin::Read(quote!(Deref), uses::text(&u.expr), String::new())
        }
        Expr::Index(i) if exp.has(Group::Expressions) => Origin::Read(quote!(IndexAccess), uses::text(&i.expr), String::new()),
        Expr::Field(f) if exp.has(Group::Expressions) => {
            Origin::Read(quote!(FieldAccess), uses::text(&f.base), uses::text(&f.member))
        }
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
        Expr::MethodCall(call) if call.method == "clone" && call.args.is_empty() && exp.has(Group::SmartPointers) => {
            match &*call.receiver {
                Expr::Path(p) => match p.path.get_ident() {
                    Some(ident) if exp.lookup(&ident.to_string()).is_some() => Origin::MethodClone(ident.clone()),
                    _ => Origin::Other,
                },
                _ => Origin::Other,
            }
        }
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
            let Some((op, flavor)) = pointer_op(&callee.path) else { return Origin::Other };
            let op = syn::Ident::new(op, proc_macro2::Span::mixed_site());
            // `Rc::clone(&a)`, `Rc::downgrade(&a)`: the new pointer comes from `a`.
            let from = source_binding(exp, init);
            let source = match flavor {
                Flavor::Plain => PointerSource::None,
                Flavor::Counted => PointerSource::Counted(from),
                Flavor::Downgrade => PointerSource::Downgrade(from),
                Flavor::Address => PointerSource::Address,
            };
            Origin::Pointer(quote!(#op), source)
        }
        _ => Origin::Other,
    }
}

/// Expands a `let`: returns the statements to put before and after it; the `let` itself is
/// rewritten in place (its initializer expanded, a move probed, `else` recorded).
pub(crate) fn local(exp: &mut Expander<'_>, local: &mut Local) -> (Vec<Stmt>, Vec<Stmt>) {
    let names = pattern_names(&local.pat);
    let Some(init) = &mut local.init else {
        // `let x;`: assigned later, perhaps on some paths only; not tracked.
        names.into_iter().for_each(|n| exp.declare(Tracked::untracked(n.to_string())));
        return (Vec::new(), Vec::new());
    };
    let single = matches!(&local.pat, Pat::Ident(_) | Pat::Type(_)) && names.len() == 1;
    let from = if single {
        origin(exp, &init.expr)
    } else if names.len() == 2 && exp.has(Group::Methods) && is_channel(&init.expr) {
        Origin::Channel
    } else {
        Origin::Other
    };
    // Read before the initializer is rewritten (a struct literal becomes a call).
    let union = union_type(exp, &local.pat, &init.expr);
    let source = if single { source_binding(exp, &init.expr).and_then(|s| exp.lookup(&s.to_string())) } else { None };
    // `let inner = *boxed;`: the value moves out of the box unless it is `Copy`.
    let deref_of = if single { deref_source(exp, &init.expr) } else { None };
    let syntactic = matches!(from, Origin::Pointer(..) | Origin::MethodClone(_));
    // Decided before the initializer is rewritten, from the pattern and the initializer as
    // written (a binding copied from another has its type).
    let written = if single { copies::syntactic_copies(exp, &local.pat, &init.expr) } else { Copies::Unknown };
    // The initializer runs before the new bindings exist: expand it in the outer scope. A
    // `&x` initializer is recorded as this binding's borrow below, not as a temporary one.
    // Sites name the initializer where the user wrote it, before it is rewritten.
    let init_span = init.expr.span();
    // `let x = f(..)` / `let x = r.m(..)`: the value a traced `f` returns is linked to `x`.
    let callee = if single && matches!(from, Origin::Other) { returning_call(&init.expr) } else { None };
    // Named before the initializer is expanded: a closure initializer names its binding as
    // the destination of what it captures.
    let guard_names: Vec<syn::Ident> = names.iter().map(|_| exp.ident("g")).collect();
    if matches!(from, Origin::Closure(..)) && exp.config.tracks_name(&names[0].to_string()) {
        exp.closure_binding = Some(guard_names[0].clone());
    }
    exp.spawn_bound = matches!(from, Origin::Spawn);
    if !matches!(from, Origin::Borrow(..)) {
        syn::visit_mut::VisitMut::visit_expr_mut(exp, &mut init.expr);
    }
    exp.closure_binding = None;
    exp.spawn_bound = false;
    if let Some((_, diverge)) = &mut init.diverge {
        syn::visit_mut::VisitMut::visit_expr_mut(exp, diverge);
        if exp.has(Group::ControlFlow) {
            let pattern = uses::text(&local.pat);
            let site = exp.site("", &pattern, "let_else", local.pat.span());
            let record: Stmt = syn::parse_quote!(
                ::borrowscope_runtime::__private::event(#site, ::borrowscope_runtime::__private::Op::LetElse, 0, 0);
            );
            // The `else` is always a block: the event goes first inside it (a new block
            // around it would draw an `unused_braces` warning in the user's code).
            if let Expr::Block(block) = &mut **diverge {
                block.block.stmts.insert(0, record);
            }
        }
    }
    let mut before = Vec::new();
    let mut after = Vec::new();
    let mut guards = Vec::new();
    let mut copies = Vec::new();
    for (name, guard) in names.iter().zip(guard_names) {
        let text = name.to_string();
        if !exp.config.tracks_name(&text) {
            guards.push(None);
            copies.push(Copies::Unknown);
            continue;
        }
        // With a type-info file, the site's kind is the analyzer's classification.
        let known = exp.position(name.span()).and_then(|(line, column)| exp.types.binding(line, column));
        let kind = known.map_or("let", |b| b.kind.name());
        let site = exp.site(&text, "", kind, name.span());
        let constructor = guard_constructor(exp, &site);
        before.push(syn::parse_quote!(let #guard = #constructor;));
        let name_copies = known.and_then(copies::analyzer_copies).unwrap_or(written);
        match &callee {
            Some(callee) if name_copies != Copies::Yes => after.push(syn::parse_quote!(#guard.bind_returned(&#name, #callee);)),
            _ => after.push(syn::parse_quote!(#guard.bind(&#name);)),
        }
        copies.push(name_copies);
        if let Some(known) = known {
            let source = source.as_ref().map_or(quote!(0), |g| quote!(#g.id()));
            after.extend(typed_events(exp, name, &guard, known, single && !syntactic, &source));
        }
        guards.push(Some(guard));
    }
    if let (Some(Some(guard)), Some(name)) = (guards.first(), names.first()) {
        match from {
            // A source used again later was copied (or reborrowed): only a last use can move.
            Origin::From(source) if !uses::used_later(exp, &source.to_string()) => {
                if let Some((source_guard, source_copies)) = exp.tracked(&source.to_string()) {
                    let site = exp.site(&name.to_string(), &source.to_string(), "move", init_span);
                    let record = uses::record_use(&source, &source_guard, source_copies, &site, &quote!(#guard.id()));
                    let source_expr = &init.expr;
                    *init.expr = syn::parse_quote!({
                        #record
                        #source_expr
                    });
                }
            }
            // Used again later: with the analyzer's trait facts, a `Copy` value is a copy
            // (a non-`Copy` one is a reborrow of a `&mut`, which is no copy).
            Origin::From(source) if copies.first() == Some(&Copies::Yes) => {
                if let Some(source_guard) = exp.lookup(&source.to_string()) {
                    let site = exp.site(&name.to_string(), &source.to_string(), "copy", init_span);
                    after.push(syn::parse_quote!(::borrowscope_runtime::__private::event(#site, ::borrowscope_runtime::__private::Op::Copy, #guard.id(), #source_guard.id());));
                }
            }
            Origin::Borrow(owner, mutable) => {
                if let Some(owner_guard) = exp.lookup(&owner.to_string()) {
                    after.push(syn::parse_quote!(#guard.borrows(&#owner_guard, #mutable);));
                }
            }
            Origin::Pointer(op, PointerSource::Counted(source)) => {
                let source = source.and_then(|s| exp.lookup(&s.to_string())).map_or(quote!(0), |g| quote!(#g.id()));
                after.push(syn::parse_quote!(#guard.pointer(::borrowscope_runtime::__private::Op::#op, #source, &#name);));
            }
            Origin::Pointer(op, PointerSource::None) => {
                after.push(syn::parse_quote!(#guard.event(::borrowscope_runtime::__private::Op::#op, 0);));
            }
            Origin::Pointer(_, PointerSource::Downgrade(source)) => {
                let source = source.and_then(|s| exp.lookup(&s.to_string())).map_or(quote!(0), |g| quote!(#g.id()));
                after.push(syn::parse_quote!(#guard.downgraded(#source, &#name);));
            }
            Origin::Pointer(op, PointerSource::Address) => {
                after.push(syn::parse_quote!(#guard.address(::borrowscope_runtime::__private::Op::#op, &#name);));
            }
            Origin::Read(op, base, field) => {
                let site = exp.site(&base, &field, "read", init_span);
                after.push(syn::parse_quote!(::borrowscope_runtime::__private::event(#site, ::borrowscope_runtime::__private::Op::#op, #guard.id(), 0);));
            }
            Origin::Closure(is_move, captured) => {
                let mode = if is_move { "move" } else { "ref" };
                let create = exp.site(&name.to_string(), mode, "closure", init_span);
                before.push(syn::parse_quote!(::borrowscope_runtime::__private::event(#create, ::borrowscope_runtime::__private::Op::ClosureCreate, #guard.id(), 0);));
                for var in captured {
                    let Some(var_guard) = exp.lookup(&var.to_string()) else { continue };
                    let site = exp.site(&var.to_string(), mode, "capture", var.span());
                    // A `move` closure moves what is not `Copy` (its guard then records no
                    // drop) and copies the rest, as the binding's `Copies` tells.
                    // Whether it moves is recorded where the closure is made (`captures`).
                    before.push(syn::parse_quote!(::borrowscope_runtime::__private::event(#site, ::borrowscope_runtime::__private::Op::ClosureCapture, #guard.id(), #var_guard.id());));
                }
            }
            Origin::MethodClone(source) => {
                if let Some(source_guard) = exp.lookup(&source.to_string()) {
                    after.push(shared(name, guard, quote!(#source_guard.id())));
                }
            }
            // Any other initializer (an alias's constructor, a factory): the graph classifies
            // the binding from the type its `New` event carries. Probing the type here could
            // meet a type the compiler has not inferred yet (`let x = Default::default()`).
            Origin::Spawn => after.push(syn::parse_quote!({
                #[allow(unused_imports)]
                use ::borrowscope_runtime::__private::{ViaSpawn as _, ViaNotSpawned as _};
                (&::borrowscope_runtime::__private::Probe(&#name)).spawned(&#guard);
            })),
            Origin::Channel => {
                // The event names the receiving end's instance, which later events can follow.
                if let Some(Some(receiver_guard)) = guards.get(1) {
                    after.push(syn::parse_quote!(#guard.event(::borrowscope_runtime::__private::Op::Channel, #receiver_guard.id());));
                }
            }
            Origin::NeverDropped => after.push(syn::parse_quote!(#guard.never_dropped();)),
            Origin::From(_) | Origin::Other => {}
        }
    }
    if let (Some((source, source_guard)), Some(Some(guard)), Some(name), Some(copies)) =
        (deref_of, guards.first(), names.first(), copies.first())
    {
        let site = exp.site(&name.to_string(), &format!("*{source}"), "move", init_span);
        // The probe, if any, asks about the new binding: it has the moved value's type.
        let record = uses::record_use(name, &source_guard, *copies, &site, &quote!(#guard.id()));
        after.push(syn::parse_quote!({ #record }));
    }
    if let Some(union) = union {
        names.iter().for_each(|n| exp.unions_in_scope.push((n.to_string(), union.clone())));
    }
    // The new bindings are in scope from the next statement on. One under `cfg` may not
    // exist in this build, so later statements do not refer to its guard.
    let conditional = local.attrs.iter().any(|a| a.path().is_ident("cfg"));
    for ((name, guard), copies) in names.iter().zip(guards).zip(copies) {
        exp.declare(Tracked { name: name.to_string(), guard: guard.filter(|_| !conditional), copies, level: 0 });
    }
    (before, after)
}

/// The events the analyzer's classification of a binding calls for, beyond its creation, so
/// that every initializer kind records its documented event: a pointer event with its counts
/// for an `Rc`/`Arc`/`Weak` made through an alias, a factory or a conversion, the event of a
/// constructor reached through an alias (`untracked`: syntax recorded no event of its own),
/// the result of a `weak.upgrade()`, a `transmute`, the release of a lock or `RefCell` guard
/// before its drop, no drop at all for a `ManuallyDrop`. `source` is the id of the binding
/// the value came from (0 if none). Only emitted when the file's hash matched, so the types
/// the calls need are the types the code has.
fn typed_events(exp: &Expander<'_>, name: &syn::Ident, guard: &syn::Ident, known: &type_info_schema::Binding, untracked: bool, source: &TokenStream) -> Vec<Stmt> {
    use type_info_schema::{InitializerKind as K, ResolvedType};
    let ty = match &known.ty {
        ResolvedType::Known(ty) => ty.as_str(),
        ResolvedType::Unknown { .. } => return Vec::new(),
    };
    let op = |op: &str| syn::Ident::new(op, proc_macro2::Span::mixed_site());
    let counted = |name_op: &str| -> Stmt {
        let op = op(name_op);
        syn::parse_quote!(#guard.pointer(::borrowscope_runtime::__private::Op::#op, #source, &#name);)
    };
    let event = |name_op: &str, arg: u64| -> Stmt {
        let op = op(name_op);
        syn::parse_quote!(#guard.event(::borrowscope_runtime::__private::Op::#op, #arg);)
    };
    let releases = |name_op: &str| -> Stmt {
        let op = op(name_op);
        syn::parse_quote!(#guard.releases(::borrowscope_runtime::__private::Op::#op);)
    };
    let pointers = exp.has(Group::SmartPointers);
    let unsafe_ops = exp.has(Group::Unsafe);
    match known.kind {
        K::RcNew | K::RcClone if untracked && pointers && ty.starts_with("Rc<") => {
            vec![counted(if known.kind == K::RcClone { "RcClone" } else { "RcNew" })]
        }
        K::ArcNew | K::ArcClone if untracked && pointers && ty.starts_with("Arc<") => {
            vec![counted(if known.kind == K::ArcClone { "ArcClone" } else { "ArcNew" })]
        }
        K::WeakDowngrade if untracked && pointers && ty.starts_with("Weak<") => {
            vec![syn::parse_quote!(#guard.downgraded(#source, &#name);)]
        }
        K::WeakClone if untracked && pointers && ty.starts_with("Weak<") => {
            vec![syn::parse_quote!(#guard.weak_cloned(#source, &#name);)]
        }
        K::WeakUpgrade if pointers && (ty.starts_with("Option<Rc<") || ty.starts_with("Option<Arc<")) => {
            vec![syn::parse_quote!(#guard.upgraded(#source, &#name);)]
        }
        K::BoxIntoRaw if untracked && unsafe_ops && ty.starts_with("*mut ") => {
            vec![syn::parse_quote!(#guard.address(::borrowscope_runtime::__private::Op::BoxIntoRaw, &#name);)]
        }
        K::Transmute if unsafe_ops => vec![event("Transmute", 0)],
        // A constructor reached through an alias or a renaming import.
        K::BoxNew | K::BoxPin | K::BoxFromRaw | K::WeakNew | K::PinNew | K::CowBorrowed | K::CowOwned | K::RefCellNew
        | K::CellNew | K::OnceCellNew | K::OnceLockNew | K::MaybeUninitUninit | K::MaybeUninitNew
            if untracked && pointers =>
        {
            let name_op = match known.kind {
                K::BoxNew => "BoxNew",
                K::BoxPin => "BoxPin",
                K::BoxFromRaw => "BoxFromRaw",
                K::WeakNew => "WeakNew",
                K::PinNew => "PinNew",
                K::CowBorrowed => "CowBorrowed",
                K::CowOwned => "CowOwned",
                K::RefCellNew => "RefCellNew",
                K::CellNew => "CellNew",
                K::OnceCellNew => "OnceCellNew",
                K::OnceLockNew => "OnceLockNew",
                K::MaybeUninitUninit => "MaybeUninitUninit",
                _ => "MaybeUninitNew",
            };
            vec![event(name_op, 0)]
        }
        // The lock itself was recorded at the call (`lock`, `read`, `write`); its guard
        // releases it when it drops.
        K::MutexLock | K::RwLockRead | K::RwLockWrite if exp.has(Group::Methods) => vec![releases("LockRelease")],
        K::RefCellBorrow | K::RefCellBorrowMut if pointers => vec![releases("RefCellBorrowEnd")],
        K::ManuallyDropNew => vec![syn::parse_quote!(#guard.never_dropped();)],
        _ => Vec::new(),
    }
}

/// The name of the function or method an initializer calls, when the call itself is the
/// initializer (`f(..)`, `path::f::<T>(..)`, `r.m(..)`); not a tuple struct or variant
/// (`Point(..)`, `Some(..)`), whose name is capitalised.
fn returning_call(init: &Expr) -> Option<String> {
    let name = match init {
        Expr::Call(call) => match &*call.func {
            Expr::Path(p) if p.qself.is_none() || p.path.segments.len() > 1 => p.path.segments.last()?.ident.to_string(),
            _ => return None,
        },
        Expr::MethodCall(call) => call.method.to_string(),
        _ => return None,
    };
    // The commonest std methods, which no traced function of the user's is likely to share a
    // name with: checking for a returned value after them would only cost time.
    const STD: [&str; 24] = [
        "clone", "unwrap", "expect", "len", "is_empty", "iter", "iter_mut", "into_iter", "collect", "to_string",
        "to_owned", "as_ref", "as_mut", "lock", "borrow", "borrow_mut", "get", "get_mut", "map", "unwrap_or",
        "unwrap_or_default", "unwrap_or_else", "cloned", "copied",
    ];
    (!name.starts_with(char::is_uppercase) && !STD.contains(&name.as_str())).then_some(name)
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
    syn::parse_quote!({
        #[allow(unused_imports)]
        use ::borrowscope_runtime::__private::{ViaShared as _, ViaUnshared as _};
        (&::borrowscope_runtime::__private::Probe(&#name)).shared(&#guard, #source);
    })
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

/// Records the creation of each parameter bound by a plain identifier. Parameters drop after
/// the body, which a guard declared in the body cannot follow, so only their creation is
/// recorded; their names are in scope for borrows and moves.
pub(crate) fn parameters(exp: &mut Expander<'_>, sig: &Signature) -> Vec<Stmt> {
    let mut stmts = Vec::new();
    for input in &sig.inputs {
        let FnArg::Typed(typed) = input else { continue };
        for name in pattern_names(&typed.pat) {
            let text = name.to_string();
            if !exp.config.tracks_name(&text) {
                exp.declare(Tracked::untracked(text));
                continue;
            }
            let site = exp.site(&text, "", "param", name.span());
            stmts.push(syn::parse_quote!(::borrowscope_runtime::__private::new(#site, &#name);));
            exp.declare(Tracked::untracked(text));
        }
    }
    stmts
}
