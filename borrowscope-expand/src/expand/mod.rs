//! The rewrite: `function` takes a traced item as a whole (the gate, build conditions, the
//! prologue); one `VisitMut` driver walks every nested body and dispatches each construct to
//! its module: `bindings` (let, drops), `patterns` (pattern bindings and parameters), `uses`
//! (moves, copies, last-use analysis), `flow` (loops, match, if, return, `?`,
//! break/continue), `exprs` (expressions, smart pointers, closures, unsafe, async) and
//! `channels` (linked channels' queues).

mod assigns;
mod attrs;
mod bindings;
mod captures;
mod channels;
mod copies;
mod deferred;
mod emit;
mod exprs;
mod flow;
mod function;
mod gate;
mod guards;
mod literals;
mod macros;
mod partial;
mod patterns;
mod places;
mod promote;
mod receivers;
mod rendered;
pub(crate) mod runs;
#[cfg(test)]
mod snapshots;
mod source;
mod syntax;

pub(crate) use attrs::attrs_mut;
use attrs::{statement_cfgs, with_cfgs};
pub(crate) use function::item;
mod unboxed;
mod uses;
mod vocabulary;

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};

use quote::{format_ident, quote, quote_spanned};
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, Ident, Item, Signature, Stmt};

use crate::config::{Group, TraceConfig};
use crate::types::FileTypes;
use source::{file_types, location};
pub(crate) use syntax::{first_token, tail_block, text, without_parens, without_parens_ref};

/// A binding in scope: its name and the ident of its drop guard, `None` when it is not
/// tracked (filtered out, declared without a value, or a pattern of a closure, `match` or
/// `for`); it still hides outer bindings of the same name.
#[derive(Clone)]
pub(crate) struct Tracked {
    pub(crate) name: String,
    pub(crate) guard: Option<Ident>,
    /// Who can tell whether a by-value use of the binding copies or moves it.
    pub(crate) copies: Copies,
    /// How many statements enclosed its declaration (`Expander::later`'s length then):
    /// statements of blocks outside that one cannot use it.
    pub(crate) level: usize,
}

impl Tracked {
    /// A name that hides outer bindings but is not tracked itself.
    pub(crate) fn untracked(name: String) -> Tracked {
        Tracked { name, guard: None, copies: Copies::Unknown, level: 0 }
    }
}

/// Who decides whether a by-value use of a binding copies or moves it. A compiler-decided
/// probe (method resolution on `Probe(&x)`) is only sound where the compiler already knows the
/// binding's type at the use: otherwise it commits to `Copy` for a type inferred later
/// (`let v = iter.collect();`) or for a closure (whose `Copy`-ness is decided after the
/// function's capture analysis), and the code no longer compiles.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Copies {
    /// The type is `Copy` (the analyzer's trait facts, or the syntax: a literal, `&x`).
    Yes,
    /// The type is not `Copy` (the analyzer's trait facts, or the syntax: `&mut x`,
    /// `vec![..]`, `String::new()`); in generic code, a `T` with no `Copy` bound.
    No,
    /// The type is written out (a parameter, an annotated `let`), so the compiler knows it at
    /// every use: a probe lets it decide.
    Probe,
    /// Nobody can tell soundly here: a by-value last use ends the binding as `scope_end`.
    Unknown,
}

pub(crate) struct Expander<'a> {
    pub(crate) config: &'a TraceConfig,
    /// Bindings in scope, innermost last; closures start a frontier (see `closure_floor`).
    scopes: Vec<Vec<Tracked>>,
    /// Scopes below this index belong outside the closure being expanded: their guards are
    /// not touched from inside it (a `move` closure would capture the guard itself).
    closure_floor: usize,
    /// For each statement being expanded, the names used after it in its enclosing blocks:
    /// a binding used later cannot have been moved by the current statement.
    pub(crate) later: Vec<uses::Later>,
    /// While a `return`'s value is expanded, the number of statement levels outside it:
    /// uses at those levels never run after it (0 otherwise).
    pub(crate) leaving: usize,
    /// The names the function assigns to somewhere (`uses::assigned_names`).
    pub(crate) reassigned: HashSet<String>,
    /// The bindings whose last `let` left part of their type to what is assigned to them
    /// later (`let mut prev = None;`): an assignment to one is recorded after it, so that the
    /// right side keeps the place's type as its expected type (see `exprs::assign`).
    pub(crate) open_types: HashSet<String>,
    /// The names whose content the function writes (`*b = v`) and reads by value (`*b`
    /// elsewhere), each somewhere (`places::derefs`).
    pub(crate) derefs: places::Derefs,
    /// Statements to insert before the statement being expanded, innermost block last.
    pending: Vec<Vec<Stmt>>,
    /// Statements to insert right after it, where it runs to its end and is not its block's
    /// value (dropped otherwise), innermost block last.
    following: Vec<Vec<Stmt>>,
    counter: usize,
    fn_name: String,
    /// Bindings of union types the user declared (`unions = [..]`), with the type.
    pub(crate) unions_in_scope: Vec<(String, String)>,
    /// How many `unsafe` blocks enclose the expression being expanded.
    pub(crate) unsafe_depth: usize,
    /// How many borrowed operands enclose the expression being expanded, within its block:
    /// the operand of `&`, an autoref'd method receiver, an array repeat operand. A constant
    /// expression there may be promoted to `'static` and must stay as written (`promote`).
    pub(crate) borrowed: usize,
    /// The guard of the binding a `let` is about to bind a closure to, for the closure's
    /// captures to name as their destination.
    pub(crate) closure_binding: Option<Ident>,
    /// Set while a `let` whose initializer spawns a thread is expanded: that spawn is
    /// recorded on the binding, not as a temporary handle.
    pub(crate) spawn_bound: bool,
    /// How the expression about to be expanded is used, as a guard would be: set by its
    /// parent just before, taken as the expansion of that expression starts (`guards`).
    pub(crate) guard_use: guards::GuardUse,
    /// `guard_use` of the expression being expanded, for a method call to read first.
    pub(crate) guard_use_here: guards::GuardUse,
    /// Set by its parent just before a tuple or array literal is expanded when no type is
    /// expected of it (a `let` without a type, or an element of such a literal), taken as
    /// the expansion of the expression starts: only such a literal is passed through the
    /// runtime to be recorded. Anywhere else a type may be expected of it (an argument, a
    /// field, a returned value, a `let` with a type), and the expectation must reach its
    /// elements for them to be coerced (`&[(&name, "x")]` of a `String` as `&[(&str, &str)]`),
    /// which a call in between would stop.
    pub(crate) no_type_expected: bool,
    /// `no_type_expected` of the expression being expanded.
    pub(crate) no_type_expected_here: bool,
    /// What the analyzer's type-info file says about this source file.
    pub(crate) types: FileTypes,
    /// The function's name, when its return type may hold a binding's value (see
    /// `returns_owned`) and the expression being expanded is not inside a closure or `async`
    /// block: a binding returned from here is noted for the caller's binding.
    pub(crate) returns: Option<String>,
    /// Set until the function's own block is entered: its tail is the function's value. Also
    /// set for a block whose value is the function's (a branch of an `if` or `match` that is
    /// the function's tail).
    pub(super) fn_block: bool,
    /// Set for the expression about to be expanded when its value is the function's (the
    /// tail of its block, or of a branch of such an `if` or `match`): read by `visit_expr_mut`.
    pub(super) tail_returns: bool,
    /// `tail_returns` of the expression being expanded, for the `if` and `match` rewrites.
    pub(crate) returning_here: bool,
    /// Set for the expression about to be expanded when it is a statement's whole expression
    /// (`harness.test();`, a block's tail): read by `visit_expr_mut`.
    pub(super) whole_statement: bool,
    /// `whole_statement` of the expression being expanded, for the method call rewrite: what
    /// it records before the call can then go before the statement.
    pub(crate) statement_here: bool,
    /// The guard of the binding a `let` gives the value of the expression about to be
    /// expanded (an `if`, `match` or block), so that a binding its branch ends with is
    /// recorded moved into that binding: read by `visit_expr_mut`, like `tail_returns`.
    pub(super) tail_into: Option<syn::Ident>,
    /// `tail_into` of the expression being expanded, for the `if` and `match` rewrites.
    pub(crate) into_here: Option<syn::Ident>,
    /// `tail_into` for the block about to be visited: its tail's value is that binding's.
    pub(super) block_into: Option<syn::Ident>,
    /// The linked channels whose queues the function declares (`channels`).
    pub(crate) channels: Vec<channels::Declared>,
    /// The body is also emitted as written, behind the gate (`gate`).
    pub(super) gated: bool,
    /// Set by the `let` just expanded when every name it binds is tracked and its drop runs no
    /// code: each name's guard and its site's row, for the block to share one destructor
    /// among a run of such bindings (`runs`).
    pub(super) copy_guards: Option<Vec<(Ident, u32)>>,
    /// The guards of the bindings the analyzer says are references (`receivers`).
    pub(crate) references: HashSet<String>,
    /// The call sites handed out so far, in order: the function's table of sites
    /// (`site_table`), which each site names by its index.
    sites: std::cell::RefCell<Vec<emit::SiteRow>>,
}

impl<'a> Expander<'a> {
    pub(super) fn new(config: &'a TraceConfig, fn_name: String) -> Expander<'a> {
        Expander {
            config,
            scopes: vec![Vec::new()],
            closure_floor: 0,
            later: Vec::new(),
            leaving: 0,
            reassigned: HashSet::new(),
            open_types: HashSet::new(),
            derefs: places::Derefs::default(),
            pending: Vec::new(),
            following: Vec::new(),
            counter: 0,
            fn_name,
            unions_in_scope: Vec::new(),
            unsafe_depth: 0,
            borrowed: 0,
            closure_binding: None,
            spawn_bound: false,
            guard_use: guards::GuardUse::Value,
            guard_use_here: guards::GuardUse::Value,
            no_type_expected: false,
            no_type_expected_here: false,
            types: file_types(),
            returns: None,
            fn_block: false,
            tail_returns: false,
            returning_here: false,
            whole_statement: false,
            statement_here: false,
            tail_into: None,
            into_here: None,
            block_into: None,
            channels: Vec::new(),
            gated: false,
            copy_guards: None,
            references: HashSet::new(),
            sites: std::cell::RefCell::new(Vec::new()),
        }
    }

    pub(crate) fn has(&self, group: Group) -> bool {
        self.config.has(group)
    }

    /// `Guard::new(site)`, or `Guard::sampled(..)` under the `sample` option.
    pub(crate) fn guard_constructor(&self, site: &TokenStream) -> TokenStream {
        emit::guard(site, self.config.sample.map(|rate| (rate * 1_000_000.0).round() as u64))
    }

    /// The tracked binding a bare path names, with its guard and who decides its copies.
    pub(crate) fn tracked_path(&self, expr: &Expr) -> Option<(syn::Ident, syn::Ident, Copies)> {
        let Expr::Path(path) = expr else { return None };
        if path.qself.is_some() {
            return None;
        }
        let ident = path.path.get_ident()?;
        self.tracked(&ident.to_string()).map(|(guard, copies)| (ident.clone(), guard, copies))
    }

    /// What the analyzer's use at `ident` (a binding's name where it is used) does to it.
    pub(crate) fn analyzed_fate(&self, ident: &syn::Ident) -> Option<vocabulary::Fate> {
        self.analyzed_use(ident).map(vocabulary::use_fate)
    }

    /// The analyzer's use at `ident`: copied, moved, borrowed...
    pub(crate) fn analyzed_use(&self, ident: &syn::Ident) -> Option<type_info_schema::UseKind> {
        let (line, column) = self.position(ident.span())?;
        self.types.use_kind(line, column)
    }

    /// A fresh hygienic identifier: user code cannot see or clash with it.
    pub(crate) fn ident(&mut self, stem: &str) -> Ident {
        self.counter += 1;
        format_ident!("__borrowscope_{}{}", stem, self.counter, span = Span::mixed_site())
    }

    /// A site (`Site`) for `name` at `span`: a row of the function's table of sites
    /// (`site_table`), whose location comes from the user's code.
    pub(crate) fn site(&self, name: &str, detail: &str, kind: &str, span: Span) -> TokenStream {
        let mut sites = self.sites.borrow_mut();
        sites.push(emit::SiteRow { name: name.to_owned(), location: location(span), kind: kind.to_owned(), detail: detail.to_owned() });
        emit::site_in_table(sites.len() - 1)
    }

    /// The row of the site handed out last.
    pub(crate) fn last_row(&self) -> u32 {
        self.sites.borrow().len().saturating_sub(1) as u32
    }

    /// The `static` that holds every site the function's expansion handed out, one per call
    /// site, to put first in its body; `None` when there is none. One item per function
    /// rather than one per site: the compiler collects, checks and emits each item, and a
    /// function has hundreds of sites.
    pub(super) fn site_table(&self) -> Option<Stmt> {
        let sites = self.sites.take();
        (!sites.is_empty()).then(|| emit::site_table(sites))
    }

    /// The guard of the binding `name` visible here, if it is tracked. Bindings outside the
    /// closure being expanded are out of reach.
    pub(crate) fn lookup(&self, name: &str) -> Option<Ident> {
        self.tracked(name).map(|(guard, _)| guard)
    }

    /// The guard of the tracked binding `name` visible here and who decides its copies.
    pub(crate) fn tracked(&self, name: &str) -> Option<(Ident, Copies)> {
        let innermost =
            self.scopes.iter().enumerate().rev().find_map(|(depth, scope)| scope.iter().rev().find(|t| t.name == name).map(|t| (depth, t)));
        match innermost {
            Some((depth, tracked)) if depth >= self.closure_floor => tracked.guard.clone().map(|g| (g, tracked.copies)),
            _ => None,
        }
    }

    /// Whether `name` is a local binding here (tracked or not): such a path is never part of
    /// a constant expression.
    pub(crate) fn is_local(&self, name: &str) -> bool {
        self.scopes.iter().any(|scope| scope.iter().any(|t| t.name == name))
    }

    pub(crate) fn declare(&mut self, mut tracked: Tracked) {
        tracked.level = self.later.len();
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(tracked);
        }
    }

    /// The statement level the binding `name` visible here was declared at (0 if none).
    pub(crate) fn level_of(&self, name: &str) -> usize {
        self.scopes.iter().rev().find_map(|scope| scope.iter().rev().find(|t| t.name == name)).map_or(0, |t| t.level)
    }

    /// Runs `f` with `bindings` in scope (a pattern's, see `patterns::pattern_guards`).
    pub(crate) fn scoped<R>(&mut self, bindings: Vec<Tracked>, f: impl FnOnce(&mut Self) -> R) -> R {
        self.scopes.push(bindings);
        let result = f(self);
        self.scopes.pop();
        result
    }

    /// Runs `f` with outer bindings out of reach, as inside a closure.
    pub(crate) fn in_closure<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        let floor = std::mem::replace(&mut self.closure_floor, self.scopes.len());
        let later = std::mem::take(&mut self.later);
        let leaving = std::mem::take(&mut self.leaving);
        let borrowed = std::mem::take(&mut self.borrowed);
        let spawn_bound = std::mem::take(&mut self.spawn_bound);
        let returns = self.returns.take();
        let result = f(self);
        self.returns = returns;
        self.spawn_bound = spawn_bound;
        self.borrowed = borrowed;
        self.later = later;
        self.leaving = leaving;
        self.closure_floor = floor;
        result
    }

    /// Runs `f` on a borrowed operand (see `borrowed`).
    pub(crate) fn borrowing<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        self.borrowed += 1;
        let result = f(self);
        self.borrowed -= 1;
        result
    }

    /// Queues a statement to run before the statement being expanded.
    pub(crate) fn before_statement(&mut self, stmt: Stmt) {
        if let Some(pending) = self.pending.last_mut() {
            pending.push(stmt);
        }
    }

    /// Queues a statement to run right after the statement being expanded, when that
    /// statement is not its block's value; nothing runs it after a statement that leaves
    /// (`return`, `break`, a panic).
    pub(crate) fn after_statement(&mut self, stmt: Stmt) {
        if let Some(following) = self.following.last_mut() {
            following.push(stmt);
        }
    }

    /// Whether the analyzer found, at the token `span`, a call of a function `#[trace_borrow]`
    /// instruments (so that its parameters and its returned binding are linked to the caller's).
    pub(crate) fn calls_traced(&self, span: Span) -> bool {
        self.position(span).is_some_and(|(l, c)| self.types.site(l, c, type_info_schema::SiteKind::TracedCall).is_some())
    }

    /// The name of the function being expanded.
    pub(crate) fn fn_name(&self) -> &str {
        &self.fn_name
    }

    /// The position `proc_macro::Span` reports for `span` (1-based line and character
    /// column), by which the type-info file is keyed; `None` outside a real expansion.
    pub(crate) fn position(&self, span: Span) -> Option<(u32, u32)> {
        proc_macro::is_available().then(|| {
            let span = span.unwrap();
            (span.line() as u32, span.column() as u32)
        })
    }

    /// With the `warn` option, a compile-time warning at `span` (on stable Rust, through a
    /// deprecated item used there); without it, nothing.
    pub(crate) fn warn(&mut self, span: Span, message: &str) {
        if !self.config.warn {
            return;
        }
        // The item's name carries the user's span, so the warning points at their code; it
        // is unique and lives in a block of its own, so nothing can clash with it.
        self.counter += 1;
        let item = format_ident!("__borrowscope_warning{}", self.counter, span = span);
        let note = format!("borrowscope: {message}");
        let use_it = quote_spanned!(span=> let _ = #item;);
        self.before_statement(syn::parse_quote!({
            #[deprecated(note = #note)]
            #[allow(non_camel_case_types)]
            struct #item;
            #use_it
        }));
    }

    /// The function's first statements: its entry span and its parameters' creation.
    pub(super) fn prologue(&mut self, sig: &Signature) -> Vec<Stmt> {
        let mut stmts = Vec::new();
        if self.has(Group::Functions) {
            let site = self.site(&self.fn_name.clone(), "", "fn", sig.ident.span());
            let span = self.ident("fn");
            let (enter, exit) = vocabulary::FUNCTION;
            stmts.push(emit::span_enter(&span, &site, enter, exit));
        }
        if function::returns_owned(sig) {
            // Opened first, so that it closes after every local is dropped; opened whatever
            // the options, so that a note a call inside this one leaves is always a frame too
            // deep for this function's caller.
            let frame = self.ident("frame");
            stmts.push(emit::frame_enter(&frame));
            if self.has(Group::Ownership) {
                self.returns = Some(sig.ident.to_string());
            }
        }
        if self.has(Group::Ownership) {
            stmts.extend(patterns::parameters(self, sig));
        }
        stmts
    }
}

impl VisitMut for Expander<'_> {
    fn visit_block_mut(&mut self, block: &mut Block) {
        // A block is never promoted: what is borrowed inside it is its own business.
        let borrowed = std::mem::take(&mut self.borrowed);
        let fn_block = std::mem::take(&mut self.fn_block);
        let block_into = self.block_into.take();
        self.scopes.push(Vec::new());
        let old = std::mem::take(&mut block.stmts);
        let laters = uses::later_uses(&old);
        let mut stmts = Vec::with_capacity(old.len());
        let mut run = runs::Run::default();
        let last = old.len().saturating_sub(1);
        for (index, (mut stmt, after)) in old.into_iter().zip(laters).enumerate() {
            self.copy_guards = None;
            let start = stmts.len();
            self.later.push(after);
            self.pending.push(Vec::new());
            self.following.push(Vec::new());
            // A statement's own attributes (`#[cfg(..)] return x;`) stay on the statement,
            // outside whatever the rewrite wraps around its expression; its `cfg`s also apply
            // to every statement generated for it.
            let cfgs = statement_cfgs(&mut stmt);
            let (before, after_stmts) = match &mut stmt {
                Stmt::Local(local) if self.has(Group::Ownership) => bindings::local(self, local),
                Stmt::Item(_) => (Vec::new(), Vec::new()),
                Stmt::Expr(expr, semi) => {
                    let mut attrs = attrs_mut(expr).map(std::mem::take).unwrap_or_default();
                    let call = matches!(expr, Expr::Call(_) | Expr::MethodCall(_));
                    let tail = index == last && semi.is_none();
                    self.tail_returns = fn_block && tail;
                    self.tail_into = block_into.clone().filter(|_| tail && !fn_block);
                    self.whole_statement = true;
                    self.visit_expr_mut(expr);
                    // A block's value moves out of it: its tail is a by-value use.
                    if tail && self.has(Group::Ownership) {
                        match &block_into {
                            _ if fn_block => uses::returned(self, expr),
                            Some(into) => uses::by_value_into(self, expr, into),
                            None => uses::by_value(self, expr),
                        }
                    }
                    // An unused `Result` of a call statement is reported by the copy as
                    // written, where the user wrote it; the instrumented copy would report it
                    // again at the attribute, where the wrappers' tokens are spanned. (Only a
                    // call statement may carry an attribute: on an assignment or an operator
                    // it would be an attribute on an expression.)
                    if self.gated && call && semi.is_some() && matches!(expr, Expr::Call(_) | Expr::MethodCall(_)) {
                        attrs.push(syn::parse_quote!(#[allow(unused_must_use)]));
                    }
                    if let Some(slot) = attrs_mut(expr) {
                        slot.splice(0..0, attrs);
                    }
                    (Vec::new(), Vec::new())
                }
                // `write!(dest, ..);`: the borrow of `dest` is recorded just before.
                Stmt::Macro(mac) => {
                    let borrow = macros::standard(self, &mut mac.mac);
                    let event = borrow.map(|borrow| borrow.event);
                    (event.map(|event| emit::stmt(quote!(#event;))).into_iter().collect(), Vec::new())
                }
                _ => {
                    visit_mut::visit_stmt_mut(self, &mut stmt);
                    (Vec::new(), Vec::new())
                }
            };
            let generated = self.pending.pop().unwrap_or_default().into_iter().chain(before);
            stmts.extend(generated.map(|s| with_cfgs(s, &cfgs)));
            let own = stmts.len();
            let value = index == last && matches!(&stmt, Stmt::Expr(_, None) | Stmt::Macro(syn::StmtMacro { semi_token: None, .. }));
            let following = self.following.pop().unwrap_or_default();
            stmts.push(stmt);
            if !value {
                stmts.extend(following.into_iter().map(|s| with_cfgs(s, &cfgs)));
            }
            stmts.extend(after_stmts.into_iter().map(|s| with_cfgs(s, &cfgs)));
            let copies = self.copy_guards.take().filter(|_| cfgs.is_empty());
            run.statement(self, &mut stmts, start, own, copies);
            self.later.pop();
        }
        run.close(self, &mut stmts);
        block.stmts = stmts;
        self.scopes.pop();
        self.borrowed = borrowed;
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        let guard_use = std::mem::take(&mut self.guard_use);
        self.no_type_expected_here = std::mem::take(&mut self.no_type_expected);
        let returning = std::mem::take(&mut self.tail_returns);
        self.returning_here = returning;
        let into = self.tail_into.take();
        self.into_here = into.clone();
        let whole_statement = std::mem::take(&mut self.whole_statement);
        self.statement_here = whole_statement;
        match expr {
            // Parentheses change nothing of how the value inside is used.
            Expr::Paren(_) | Expr::Group(_) => {
                self.guard_use = guard_use;
                self.tail_returns = returning;
                self.tail_into = into;
                self.whole_statement = whole_statement;
            }
            // A block whose value is the function's gives its tail back to the caller; one
            // whose value a `let` binds gives it to that binding.
            Expr::Block(_) | Expr::Unsafe(_) => {
                self.guard_use_here = guard_use;
                self.fn_block = returning;
                self.block_into = into;
            }
            // `v[i]` indexes its base where it is.
            Expr::Index(index) => {
                self.guard_use = guards::GuardUse::Place;
                self.visit_expr_mut(&mut index.expr);
                self.visit_expr_mut(&mut index.index);
                places::index_borrow(self, index);
                return;
            }
            _ => self.guard_use_here = guard_use,
        }
        if !flow::expr(self, expr) && !exprs::expr(self, expr) {
            visit_mut::visit_expr_mut(self, expr);
        }
        // Whatever path expanded it, a block's destination ends with it.
        self.block_into = None;
    }

    // Nested items are separate functions (not traced unless they have the attribute), and
    // types and patterns hold constant expressions that must stay constant.
    fn visit_item_mut(&mut self, _: &mut Item) {}
    fn visit_type_mut(&mut self, _: &mut syn::Type) {}
    fn visit_pat_mut(&mut self, _: &mut syn::Pat) {}
    // The standard formatting and assertion macros' arguments are expressions; any other
    // macro's input is left as written.
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        // Where no expression or statement holds the macro, its destination's borrow is not
        // recorded.
        let _ = macros::standard(self, mac);
    }
}
