//! Uses of bindings: which names a statement uses (a binding used again later cannot have
//! been moved before), and the probes that record a by-value use as a move or a copy, as the
//! compiler decides it from the binding's type.

use std::collections::HashSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Stmt};

use super::vocabulary::Fate;
use super::{Copies, Expander, emit};

/// The single-identifier paths a statement uses, and every identifier inside its macro
/// invocations (which may use any binding).
pub(crate) fn names_in_stmt(stmt: &Stmt) -> HashSet<String> {
    let mut names = Names { names: HashSet::new(), assigned_only: false };
    names.visit_stmt(stmt);
    names.names
}

/// The names an expression mentions, assignment targets included (for a closure's
/// captures: a closure that assigns to a binding captures it).
pub(crate) fn names_in_expr(expr: &Expr) -> HashSet<String> {
    let mut names = Names { names: HashSet::new(), assigned_only: true };
    names.visit_expr(expr);
    names.names
}

struct Names {
    names: HashSet<String>,
    /// Whether a binding that is only assigned to (`x = v`) counts.
    assigned_only: bool,
}

impl<'ast> Visit<'ast> for Names {
    fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
        if let Some(ident) = path.path.get_ident() {
            self.names.insert(ident.to_string());
        }
        visit::visit_expr_path(self, path);
    }

    // `x = v` gives `x` a new value without using the old one: a move of `x` before it is
    // still its last use.
    fn visit_expr_assign(&mut self, assign: &'ast syn::ExprAssign) {
        if self.assigned_only {
            self.visit_expr(&assign.left);
        } else if !matches!(&*assign.left, Expr::Path(p) if p.path.get_ident().is_some()) {
            // What a destructuring assignment assigns is not used; an index in it is.
            let assigned = assignee_names(&assign.left);
            let mut inner = Names { names: HashSet::new(), assigned_only: false };
            inner.visit_expr(&assign.left);
            self.names.extend(inner.names.into_iter().filter(|n| !assigned.iter().any(|a| a == n)));
        }
        self.visit_expr(&assign.right);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        fn idents(tokens: TokenStream, out: &mut HashSet<String>) {
            for token in tokens {
                match token {
                    TokenTree::Ident(ident) => {
                        out.insert(ident.to_string());
                    }
                    TokenTree::Group(group) => idents(group.stream(), out),
                    _ => {}
                }
            }
        }
        idents(mac.tokens.clone(), &mut self.names);
    }
}

/// Whether `tokens` (a macro's input) contain the identifier `name` anywhere.
pub(crate) fn mentions(tokens: &TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|token| match token {
        TokenTree::Ident(ident) => ident == name,
        TokenTree::Group(group) => mentions(&group.stream(), name),
        _ => false,
    })
}

/// What follows one statement in its block, for the bindings the statement uses.
#[derive(Clone, Default)]
pub(crate) struct Later {
    /// The names used after the statement that still refer to the values the bindings hold
    /// at it.
    pub(crate) used: HashSet<String>,
    /// The names a later statement of the block assigns a new value to (`x = v;`) before any
    /// use: the value a binding holds at this statement is never read after it, on any path
    /// that goes on in the block (a path that leaves it cannot read the old value either,
    /// since it was not used before the assignment).
    pub(crate) reassigned: HashSet<String>,
}

/// For each statement of a block, what follows it (`Later`): a `let` that rebinds a name,
/// and an assignment `x = v` that gives a binding a new value, hide the name from the
/// statements that follow (the `let`'s initializer and `v` still see the old one).
pub(crate) fn later_uses(stmts: &[Stmt]) -> Vec<Later> {
    let mut laters = vec![Later::default(); stmts.len()];
    for index in (0..stmts.len().saturating_sub(1)).rev() {
        let next = &stmts[index + 1];
        let (rebound, assigned): (HashSet<String>, HashSet<String>) = match next {
            Stmt::Local(local) => (super::patterns::pattern_names(&local.pat).iter().map(|i| i.to_string()).collect(), HashSet::new()),
            Stmt::Expr(Expr::Assign(assign), _) => {
                let names: HashSet<String> = assignee_names(&assign.left).iter().map(|i| i.to_string()).collect();
                (names.clone(), names)
            }
            _ => (HashSet::new(), HashSet::new()),
        };
        let named = names_in_stmt(next);
        let following = &laters[index + 1];
        let mut used: HashSet<String> = following.used.iter().filter(|n| !rebound.contains(*n)).cloned().collect();
        used.extend(named.iter().cloned());
        // A statement that may leave the block (`break`, `?`, ...) may skip the assignments
        // after it, and a value only reborrowed before it may be read after the block.
        let reassigned = if may_leave(next) {
            HashSet::new()
        } else {
            following.reassigned.iter().chain(&assigned).filter(|n| !named.contains(*n)).cloned().collect()
        };
        laters[index] = Later { used, reassigned };
    }
    laters
}

/// Whether a statement may leave its block early: a `break`, `continue`, `return` or `?`
/// outside a closure, or a macro (which may hide one).
fn may_leave(stmt: &Stmt) -> bool {
    struct Leaves(bool);
    impl<'ast> Visit<'ast> for Leaves {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            match expr {
                Expr::Break(_) | Expr::Continue(_) | Expr::Return(_) | Expr::Try(_) | Expr::Macro(_) => self.0 = true,
                Expr::Closure(_) | Expr::Async(_) => {}
                _ => visit::visit_expr(self, expr),
            }
        }
        fn visit_macro(&mut self, _: &'ast syn::Macro) {
            self.0 = true;
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut leaves = Leaves(false);
    leaves.visit_stmt(stmt);
    leaves.0
}

/// Whether the binding `name` visible here is used after the statement being expanded, in
/// its own block or a block inside it (uses in enclosing blocks are of other bindings). The
/// blocks are searched from the innermost out: a block that assigns the binding a new value
/// before using it again ends the search (the old value is never read), and so does the
/// value of a `return` being expanded (nothing after it runs).
pub(crate) fn used_later(exp: &Expander<'_>, name: &str) -> bool {
    let from = exp.level_of(name).saturating_sub(1).min(exp.later.len());
    for level in (from..exp.later.len()).rev() {
        if level < exp.leaving {
            return false;
        }
        let later = &exp.later[level];
        if later.used.contains(name) {
            return true;
        }
        if later.reassigned.contains(name) {
            return false;
        }
    }
    false
}

/// Runs `f` (the expansion of a statement's part after which the bindings `names` no longer
/// hold the values they hold in it: an assignment's right side, a `let` initializer that
/// shadows them) with the current statement's uses of `names` taken for another value's.
/// An assignment (`killed`) also ends the search of enclosing blocks; a shadowing `let`
/// does not, since the old binding is visible again after the block.
pub(crate) fn with_values_replaced<R>(exp: &mut Expander<'_>, names: &[String], killed: bool, f: impl FnOnce(&mut Expander<'_>) -> R) -> R {
    let Some(current) = exp.later.last_mut() else { return f(exp) };
    let saved = current.clone();
    for name in names {
        current.used.remove(name);
        if killed {
            current.reassigned.insert(name.clone());
        }
    }
    let result = f(exp);
    if let Some(current) = exp.later.last_mut() {
        *current = saved;
    }
    result
}

/// Runs `f` (the expansion of a `return`'s value) with every binding's later uses out of
/// reach: nothing after the `return` runs.
pub(crate) fn leaving<R>(exp: &mut Expander<'_>, f: impl FnOnce(&mut Expander<'_>) -> R) -> R {
    let saved = std::mem::replace(&mut exp.leaving, exp.later.len());
    let result = f(exp);
    exp.leaving = saved;
    result
}

/// The statement that records a by-value use of `ident` (guard `guard`) whose value goes to
/// the instance `to` (`0`: a call or an expression): a copy, a move, the compiler's decision
/// through a probe where it knows the type, or "maybe moved" where nobody can tell.
pub(crate) fn record_use(ident: &syn::Ident, guard: &syn::Ident, copies: Copies, site: &TokenStream, to: &TokenStream) -> TokenStream {
    match copies {
        Copies::Yes => quote!(#guard.copied(#site, #to);),
        Copies::No => quote!(#guard.moved(#site, #to);),
        Copies::Probe => {
            let probe = copy_probe(ident, quote!(used(&#guard, #site, #to)));
            quote!(#probe;)
        }
        Copies::Unknown => quote!(#guard.maybe_moved();),
    }
}

/// `(&Probe(&ident)).call`, with `ViaCopy`/`ViaMove` in scope: the compiler picks the copy
/// or the move method by `ident`'s type (only where that type is written out, see `Copies`).
fn copy_probe(ident: &syn::Ident, call: TokenStream) -> TokenStream {
    super::emit::probe(super::emit::Probe::Copy, ident, call)
}

/// A by-value use of a binding in an argument, a field, an element, a return value...: a copy
/// is recorded wherever it is known to be one; otherwise, when it is the binding's last use,
/// the use is recorded (a move disarms its guard). A binding used again later was not moved
/// here, so it is left as written (and a `&mut` argument keeps its implicit reborrow).
pub(crate) fn by_value(exp: &mut Expander<'_>, expr: &mut Expr) {
    by_value_use(exp, expr, false, &quote!(0));
}

/// `by_value` where the value becomes the binding whose guard is `into` (a branch's value
/// that a `let` binds): a move or copy recorded here names that binding as its destination.
pub(crate) fn by_value_into(exp: &mut Expander<'_>, expr: &mut Expr, into: &syn::Ident) {
    by_value_use(exp, expr, false, &quote!(#into.id()));
}

/// `by_value`; `leaves` when the use leaves the function (`return x`), so that it is the
/// binding's last use on its path whatever follows it in the source; `to`, the destination
/// recorded with the use.
fn by_value_use(exp: &mut Expander<'_>, expr: &mut Expr, leaves: bool, to: &TokenStream) {
    if let Expr::Field(_) = expr {
        return super::partial::field_by_value(exp, expr);
    }
    if let Expr::Unary(u) = expr
        && matches!(u.op, syn::UnOp::Deref(_))
    {
        return super::unboxed::deref_by_value(exp, expr);
    }
    let Some((ident, guard, mut copies)) = exp.tracked_path(expr) else { return };
    let analyzed = exp.analyzed_use(&ident);
    // A copy taken here (`a + b` of integers, a `&T` passed on), which the analyzer saw or the
    // binding's type tells for sure: recorded, and the binding stays, used later or not.
    let copied = analyzed == Some(type_info_schema::UseKind::Copy) || analyzed.is_none() && copies == Copies::Yes;
    if copied {
        let site = exp.site("", &ident.to_string(), "move", expr.span());
        let record = record_use(&ident, &guard, Copies::Yes, &site, to);
        *expr = emit::first_then(record, emit::name(&ident));
        return;
    }
    // The analyzer saw a reborrow here (`f(r)` with `r: &mut T`): the binding stays.
    if exp.analyzed_fate(&ident) == Some(Fate::Stays) {
        return;
    }
    if !leaves && used_later(exp, &ident.to_string()) {
        match passed_on(exp, &ident, &guard, copies) {
            PassedOn::Moves => copies = Copies::No,
            // Noted before the statement, the use itself left as written: a `&mut` keeps its
            // implicit reborrow, and the note records no event.
            PassedOn::Note(note) => {
                exp.before_statement(emit::stmt(quote!(#note;)));
                return;
            }
            PassedOn::Stays => return,
        }
    }
    let site = exp.site("", &ident.to_string(), "move", expr.span());
    let record = record_use(&ident, &guard, copies, &site, to);
    *expr = emit::first_then(record, emit::name(&ident));
}

/// What a by-value use of a binding that is used again later does: the analyzer may know it
/// moves (the binding is then assigned again before it is read); otherwise, in a function
/// that assigns the binding somewhere, it is noted as a use after which the binding's end is
/// unknown (`Guard::passed_on`).
pub(crate) enum PassedOn {
    Moves,
    Note(TokenStream),
    Stays,
}

pub(crate) fn passed_on(exp: &Expander<'_>, ident: &syn::Ident, guard: &syn::Ident, copies: Copies) -> PassedOn {
    if exp.analyzed_fate(ident) == Some(Fate::Moves) {
        return PassedOn::Moves;
    }
    if exp.analyzed_fate(ident) == Some(Fate::Stays) {
        return PassedOn::Stays;
    }
    uncertain(exp, ident, guard, copies).map_or(PassedOn::Stays, PassedOn::Note)
}

/// `Guard::passed_on` for a binding that is not `Copy` (or may not be) in a function that
/// assigns it somewhere: after this use, whether it still holds its value is not known.
pub(crate) fn uncertain(exp: &Expander<'_>, ident: &syn::Ident, guard: &syn::Ident, copies: Copies) -> Option<TokenStream> {
    if copies == Copies::Yes || !exp.reassigned.contains(&ident.to_string()) {
        return None;
    }
    Some(match copies {
        Copies::Probe => copy_probe(ident, quote!(passed_on(&#guard))),
        _ => quote!(#guard.passed_on()),
    })
}

/// Whether `let x = source;` moves `source` here: its last use, or one the analyzer calls a
/// move. Otherwise, in a function that gives `source` a new value, its end becomes unknown
/// (the note goes into `before`).
pub(crate) fn moved_from(exp: &Expander<'_>, source: &syn::Ident, before: &mut Vec<Stmt>) -> bool {
    if !used_later(exp, &source.to_string()) {
        return true;
    }
    let Some((guard, copies)) = exp.tracked(&source.to_string()) else { return false };
    match passed_on(exp, source, &guard, copies) {
        PassedOn::Moves => true,
        PassedOn::Note(note) => {
            before.push(emit::stmt(quote!(#note;)));
            false
        }
        PassedOn::Stays => false,
    }
}

/// The bindings the left side of a destructuring assignment assigns by name: `a` and `b` in
/// `(a, [b, _], s.f) = v` (a field or an element is a place, not a binding). Called on a
/// plain `x`, it names `x`.
pub(crate) fn assignee_names(left: &Expr) -> Vec<syn::Ident> {
    match left {
        Expr::Tuple(t) => t.elems.iter().flat_map(assignee_names).collect(),
        Expr::Array(a) => a.elems.iter().flat_map(assignee_names).collect(),
        Expr::Call(c) => c.args.iter().flat_map(assignee_names).collect(),
        Expr::Struct(s) => s.fields.iter().flat_map(|f| assignee_names(&f.expr)).collect(),
        Expr::Paren(p) => assignee_names(&p.expr),
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().cloned().into_iter().collect(),
        _ => Vec::new(),
    }
}

/// The names a function body assigns to (`x = v`), anywhere in it.
pub(crate) fn assigned_names(block: &syn::Block) -> HashSet<String> {
    struct Assigned(HashSet<String>);
    impl<'ast> Visit<'ast> for Assigned {
        fn visit_expr_assign(&mut self, assign: &'ast syn::ExprAssign) {
            self.0.extend(assignee_names(&assign.left).iter().map(|i| i.to_string()));
            visit::visit_expr_assign(self, assign);
        }
        fn visit_macro(&mut self, _: &'ast syn::Macro) {}
    }
    let mut found = Assigned(HashSet::new());
    found.visit_block(block);
    found.0
}

/// The instance a by-value use moves out of, as an expression for the generated code
/// (`Guard::sent_id`): a binding whose type is not `Copy`, at its last use.
pub(crate) fn moved_instance(exp: &Expander<'_>, expr: &Expr) -> Option<TokenStream> {
    match exp.tracked_path(expr) {
        Some((ident, guard, Copies::No)) if !used_later(exp, &ident.to_string()) => Some(quote!(#guard.sent_id())),
        _ => None,
    }
}

/// A by-value argument `index` of a call of the traced function `function`: when it is a
/// binding's last use and a move, recorded as moved and staged for the callee's parameter
/// (`Guard::passed`); otherwise as `by_value`. Returns whether it was staged.
pub(crate) fn passed(exp: &mut Expander<'_>, expr: &mut Expr, function: &str, index: usize) -> bool {
    let moves = |exp: &Expander<'_>, ident: &syn::Ident, guard: &syn::Ident| {
        !used_later(exp, &ident.to_string()) || matches!(passed_on(exp, ident, guard, Copies::No), PassedOn::Moves)
    };
    match exp.tracked_path(expr) {
        // The analyzer saw the binding stay (a `&mut` reborrowed for a `&mut` parameter, at
        // its last use too): nothing moved, as `by_value` records it.
        Some((ident, guard, Copies::No)) if exp.analyzed_fate(&ident) != Some(Fate::Stays) && moves(exp, &ident, &guard) => {
            let site = exp.site("", &ident.to_string(), "move", expr.span());
            let index = index as u32;
            *expr = emit::first_then(quote!(#guard.passed(&#ident, #site, &#function, #index);), emit::name(&ident));
            true
        }
        _ => {
            by_value(exp, expr);
            false
        }
    }
}

/// Whether evaluating an argument runs no code that could be traced: a path, a literal, a
/// reference to a path, a closure (made, not called).
pub(crate) fn runs_nothing(expr: &Expr) -> bool {
    match expr {
        Expr::Path(_) | Expr::Lit(_) | Expr::Closure(_) => true,
        Expr::Reference(r) => matches!(&*r.expr, Expr::Path(_)),
        Expr::Paren(p) => runs_nothing(&p.expr),
        _ => false,
    }
}

/// The first of a call's arguments that may be staged for a traced callee: those from it on
/// have only arguments after them that run no code, so nothing traced may run between
/// their staging and the callee's first statement.
pub(crate) fn stageable_from(args: &[&Expr]) -> usize {
    // The first index from which every later argument runs nothing.
    let mut from = args.len();
    while from > 0 && runs_nothing(args[from - 1]) {
        from -= 1;
    }
    from.saturating_sub(1)
}

/// A binding the function returns (its block's tail or `return x`, its last use on that
/// path): a by-value use whose move, where the function's return type can hold it, is noted
/// for the caller's binding (`Guard::returned`).
pub(crate) fn returned(exp: &mut Expander<'_>, expr: &mut Expr) {
    let Some(function) = exp.returns.clone() else { return by_value_use(exp, expr, true, &quote!(0)) };
    match exp.tracked_path(expr) {
        Some((ident, guard, Copies::No)) => {
            let site = exp.site("", &ident.to_string(), "move", expr.span());
            *expr = emit::first_then(quote!(#guard.returned(#site, &#function);), emit::name(&ident));
        }
        _ => by_value_use(exp, expr, true, &quote!(0)),
    }
}

/// What to record for a binding used as a method receiver (or `match` scrutinee) for the
/// last time: the method may take `self` by value, which syntax cannot tell, so a binding
/// that is not `Copy` is then reported at the end of its scope as "scope end" rather than
/// dropped.
pub(crate) fn maybe_moved(exp: &Expander<'_>, expr: &Expr) -> Option<TokenStream> {
    let (ident, guard, copies) = exp.tracked_path(expr)?;
    if used_later(exp, &ident.to_string()) {
        return uncertain(exp, &ident, &guard, copies);
    }
    match copies {
        Copies::Yes => None,
        Copies::No | Copies::Unknown => Some(quote!(#guard.maybe_moved())),
        Copies::Probe => Some(copy_probe(&ident, quote!(receiver(&#guard)))),
    }
}

/// What to record for a binding that is a method call's receiver for the last time: the
/// analyzer's use, where it resolved the method (a move, or nothing for a copy or a borrow),
/// and otherwise what `maybe_moved` says.
pub(crate) fn receiver(exp: &Expander<'_>, expr: &Expr) -> Option<TokenStream> {
    let (ident, guard, copies) = exp.tracked_path(expr)?;
    if used_later(exp, &ident.to_string()) {
        return match passed_on(exp, &ident, &guard, copies) {
            PassedOn::Moves => {
                let site = exp.site("", &ident.to_string(), "move", ident.span());
                Some(quote!(#guard.moved(#site, 0)))
            }
            PassedOn::Note(note) => Some(note),
            PassedOn::Stays => None,
        };
    }
    match exp.analyzed_fate(&ident) {
        Some(Fate::Moves) => {
            let site = exp.site("", &ident.to_string(), "move", ident.span());
            Some(quote!(#guard.moved(#site, 0)))
        }
        Some(Fate::Stays) => None,
        Some(Fate::Unknown) | None => maybe_moved(exp, expr),
    }
}

/// What to record for a binding called as a function for the last time (`f()`): a `Copy`
/// callable (a function pointer) stays; any other may have been consumed (`FnOnce`) or only
/// borrowed (`Fn`, `FnMut`), so its end is unknown.
pub(crate) fn called(exp: &Expander<'_>, callee: &Expr) -> Option<Called> {
    let (ident, guard, copies) = exp.tracked_path(callee)?;
    if copies == Copies::Yes {
        return None;
    }
    if used_later(exp, &ident.to_string()) {
        return match passed_on(exp, &ident, &guard, copies) {
            PassedOn::Moves => {
                let site = exp.site("", &ident.to_string(), "move", ident.span());
                Some(Called::Consumed(quote!(#guard.moved(#site, 0))))
            }
            PassedOn::Note(note) => Some(Called::Unknown(note)),
            PassedOn::Stays => None,
        };
    }
    // The analyzer knows the closure's kind: an `FnOnce` one is consumed by the call.
    match exp.analyzed_fate(&ident) {
        Some(Fate::Moves) => {
            let site = exp.site("", &ident.to_string(), "move", ident.span());
            Some(Called::Consumed(quote!(#guard.moved(#site, 0))))
        }
        Some(Fate::Stays) => None,
        Some(Fate::Unknown) | None => Some(Called::Unknown(quote!(#guard.maybe_moved()))),
    }
}

/// The tracked binding at the root of a chain of fields that `&`/`&mut` borrows
/// (`&mut counter.hits`), with its guard, where the analyzer found that the borrow is of the
/// binding (it is not a reference through which the field is reached). Without the file,
/// nothing: the binding's type decides, and a probe of the binding would conflict with
/// borrows of its other fields.
pub(crate) fn field_borrowed(exp: &Expander<'_>, place: &Expr) -> Option<(syn::Ident, syn::Ident)> {
    use type_info_schema::UseKind;
    let Expr::Field(field) = place else { return None };
    let mut base = &*field.base;
    while let Expr::Field(inner) = base {
        base = &inner.base;
    }
    let (ident, guard, _) = exp.tracked_path(base)?;
    let (line, column) = exp.position(ident.span())?;
    matches!(exp.types.use_kind(line, column)?, UseKind::SharedBorrow | UseKind::MutableBorrow).then_some((ident, guard))
}

/// What a call of a closure binding records.
pub(crate) enum Called {
    /// It was consumed (`FnOnce`): recorded as the call starts.
    Consumed(TokenStream),
    /// Consumed or only borrowed, nobody can tell.
    Unknown(TokenStream),
}

/// `drop(x)` of a binding: a value that is not `Copy` is dropped there (a lock or `RefCell`
/// guard released first), which its guard records; a `Copy` one stays alive. The argument is
/// left as written, and a binding used again later (so `Copy`) is not touched.
pub(crate) fn dropped(exp: &mut Expander<'_>, expr: &mut Expr) {
    let Some((ident, guard, mut copies)) = exp.tracked_path(expr) else { return };
    if used_later(exp, &ident.to_string()) {
        // A binding dropped and given a new value before it is read: the analyzer tells
        // that its value goes into `drop`, which drops it here.
        match passed_on(exp, &ident, &guard, copies) {
            PassedOn::Moves => copies = Copies::No,
            PassedOn::Note(note) => return exp.before_statement(emit::stmt(quote!(#note;))),
            PassedOn::Stays => return,
        }
    }
    let record = match copies {
        Copies::Yes => return,
        Copies::No => quote!(#guard.dropped();),
        Copies::Probe => {
            let probe = copy_probe(&ident, quote!(dropped(&#guard)));
            quote!(#probe;)
        }
        Copies::Unknown => quote!(#guard.maybe_moved();),
    };
    *expr = emit::first_then(record, emit::name(&ident));
}
