//! The one module that writes the runtime into generated code: every call of
//! `borrowscope_runtime::__private` (events, values passed through, spans, guards, probes,
//! channel queues) is built here, and an operation is named only through the vocabulary's
//! `Op`, whose path this module writes. No other module of the expansion spells a runtime
//! path or an operation's name.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{Block, Expr, Ident, Stmt};

use super::vocabulary::Op;

/// The root of every generated path into the runtime.
pub(crate) fn private() -> TokenStream {
    quote!(::borrowscope_runtime::__private)
}

/// A number in generated code, written without a suffix: the runtime's parameter decides
/// its type (`u64` for an event's instance and argument).
#[derive(Clone, Copy)]
pub(crate) struct Number(pub(crate) u64);

impl ToTokens for Number {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        proc_macro2::Literal::u64_unsuffixed(self.0).to_tokens(tokens);
    }
}

/// What an event's instance and argument may be: a `Number`, or an expression the caller
/// built (`guard.id()`). A bare Rust integer is neither, so it cannot slip in with a suffix.
pub(crate) trait Operand: ToTokens {}

impl Operand for Number {}
impl Operand for TokenStream {}

/// An operation in generated code is the path of the runtime's `Op` variant.
impl ToTokens for Op {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let (private, name) = (private(), self.name());
        tokens.extend(quote!(#private::Op::#name));
    }
}

/// `event(site, op, instance, arg)`: records `op` where it is evaluated.
pub(crate) fn event(site: &TokenStream, op: Op, instance: impl Operand, arg: impl Operand) -> Expr {
    call("event", [verbatim(site), verbatim(op), verbatim(instance), verbatim(arg)])
}

/// `event(..);` as a statement.
pub(crate) fn event_stmt(site: &TokenStream, op: Op, instance: impl Operand, arg: impl Operand) -> Stmt {
    Stmt::Expr(event(site, op, instance, arg), Some(Default::default()))
}

/// `pass(site, op, instance, arg, value)`: records `op` once `value` is computed and gives
/// the value back.
pub(crate) fn pass_value(site: &TokenStream, op: Op, instance: impl Operand, arg: impl Operand, value: impl Value) -> Expr {
    call("pass", [verbatim(site), verbatim(op), verbatim(instance), verbatim(arg), value.argument()])
}

/// `pass_array(site, op, value)`: `pass` for an array whose length its type carries.
pub(crate) fn pass_array(site: &TokenStream, op: Op, value: impl Value) -> Expr {
    call("pass_array", [verbatim(site), verbatim(op), value.argument()])
}

/// `expr` becomes `pass(site, op, 0, arg, expr)`: `op` is recorded after evaluating `expr`,
/// whose value is kept.
pub(crate) fn pass(expr: &mut Expr, site: TokenStream, op: Op, arg: u64) {
    *expr = pass_value(&site, op, Number(0), Number(arg), take(expr));
}

/// `then(first, value)`: evaluates `first` (a record), then gives `value` back.
pub(crate) fn then(first: impl Value, value: impl Value) -> Expr {
    call("then", [first.expr(), value.argument()])
}

/// `then(event(..), value)`: records `op` before evaluating `value`.
pub(crate) fn before(site: &TokenStream, op: Op, value: impl Value) -> Expr {
    then(event(site, op, Number(0), Number(0)), value)
}

/// `after(site, probe, value)`: records what the probe of a receiver says once `value` (the
/// call on it) is computed.
pub(crate) fn after(site: &TokenStream, probe: TokenStream, value: impl Value) -> Expr {
    call("after", [verbatim(site), Expr::Verbatim(probe), value.argument()])
}

/// `Some((op, arg))`: an event decided where the macro runs (the analyzer's site), in the
/// shape a receiver's probe gives.
pub(crate) fn known_event(op: Op, arg: Number) -> TokenStream {
    quote!(::core::option::Option::Some((#op, #arg)))
}

/// `hold(site, event, value).0`: a lock's or `RefCell`'s guard kept only as a temporary,
/// paired in one temporary tuple with what records its acquisition once it is taken and its
/// release right after Rust releases it (the tuple's fields drop in order). `event` (a probe
/// of the receiver) is evaluated before the call.
pub(crate) fn held(site: &TokenStream, event: TokenStream, value: impl Value) -> Expr {
    let hold = call("hold", [verbatim(site), Expr::Verbatim(event), value.argument()]);
    Expr::Field(syn::ExprField {
        attrs: Vec::new(),
        base: Box::new(hold),
        dot_token: Default::default(),
        member: syn::Member::Unnamed(syn::Index { index: 0, span: proc_macro2::Span::call_site() }),
    })
}

/// `taken(site, event, id, value)`: a guard that a binding keeps (instance `id`); its
/// acquisition is recorded once `value` is computed, its release by the binding.
pub(crate) fn taken(site: &TokenStream, event: TokenStream, id: TokenStream, value: impl Value) -> Expr {
    call("taken", [verbatim(site), Expr::Verbatim(event), Expr::Verbatim(id), value.argument()])
}

/// `borrowed_for(probe, call)`: a receiver's borrow recorded as the call starts (the probe),
/// and its end as the call returns.
pub(crate) fn borrowed_for(probe: TokenStream, value: Expr) -> Expr {
    call("borrowed_for", [Expr::Verbatim(probe), value])
}

/// `called(call)`: what a traced call's parameters did not claim is forgotten after it.
pub(crate) fn called(value: impl Value) -> Expr {
    call("called", [value.expr()])
}

/// `assigned(&guard, site, value)`: the old value of the binding `guard` follows drops once
/// the new one is computed, and the new one is a new instance, both at the assignment `site`.
pub(crate) fn assigned(guard: &Ident, site: &TokenStream, value: impl Value) -> Expr {
    call("assigned", [Expr::Verbatim(quote!(&#guard)), verbatim(site), value.argument()])
}

/// `raw_ptr(site, value)`: a cast to a raw pointer, recorded with its address.
pub(crate) fn raw_ptr(site: &TokenStream, value: impl Value) -> Expr {
    call("raw_ptr", [verbatim(site), value.argument()])
}

/// Generated statements, kept as the tokens they were written as (`let g = ..;`,
/// `g.bind(&x);`): nothing reads them again but `gate::skippable`, which reads tokens, and
/// `attrs::with_cfgs`, which writes a statement's `cfg`s before them. Parsed back into syntax,
/// each crossed the compiler's token bridge twice more and was parsed again, 7% of the
/// instructions of hashbrown's instrumented build.
pub(crate) fn stmt(tokens: TokenStream) -> Stmt {
    Stmt::Expr(Expr::Verbatim(tokens), None)
}

/// `{ first value }`: the generated statements `first`, then the expression `value`.
pub(crate) fn first_then(first: TokenStream, value: Expr) -> Expr {
    super::tail_block(vec![stmt(first)], value)
}

/// A binding's name as an expression.
pub(crate) fn name(ident: &Ident) -> Expr {
    Expr::Path(syn::ExprPath { attrs: Vec::new(), qself: None, path: ident.clone().into() })
}

/// `let span = Span::enter(site, enter, exit);`: `enter` now, `exit` when `span` drops.
pub(crate) fn span_enter(span: &Ident, site: &TokenStream, enter: Op, exit: Op) -> Stmt {
    let private = private();
    stmt(quote!(let #span = #private::Span::enter(#site, #enter, #exit);))
}

/// Opens the span `span` as the first statement of a block; it closes when the block is left.
pub(crate) fn open_span(block: &mut Block, span: &Ident, site: TokenStream, enter: Op, exit: Op) {
    block.stmts.insert(0, span_enter(span, &site, enter, exit));
}

/// `let frame = Frame::enter();`: a frame of a function that returns an owned value.
pub(crate) fn frame_enter(frame: &Ident) -> Stmt {
    let private = private();
    stmt(quote!(let #frame = #private::Frame::enter();))
}

thread_local! {
    /// A token of the item being expanded, as the user wrote it, in a crate of an edition
    /// before 2024 (`set_user_span`).
    static USER_SPAN: std::cell::Cell<Option<proc_macro2::Span>> = const { std::cell::Cell::new(None) };
}

/// Remembers a span of the user's item for the blocks the expansion builds around the user's
/// expressions (`braces`), when the crate being compiled is of an edition before 2024.
pub(crate) fn set_user_span(span: Option<proc_macro2::Span>) {
    let before_2024 = crate::edition::compiled().is_some_and(|edition| edition < 2024);
    USER_SPAN.with(|cell| cell.set(span.filter(|_| before_2024)));
}

/// Braces for a block the expansion builds around a user's expression (`{ record; expr }`).
/// A block's last expression drops its temporaries by the block's edition: in 2024 before
/// the block's variables, before 2024 after them, at the end of the statement around the
/// block. The call site's span has the macro crate's edition (2024): in an edition-2021
/// crate, a `match` on a temporary that ends a function kept the temporary past the
/// function's variables plain, and dropped it first in the block that records the `match`,
/// changing when the user's values drop. In a crate of an earlier edition the braces take a
/// span of the user's item, and with it their edition; in one of 2024, the call site's,
/// which keeps the block out of lints on the user's code (Clippy's among them).
pub(crate) fn braces() -> syn::token::Brace {
    syn::token::Brace(USER_SPAN.with(|cell| cell.get()).unwrap_or_else(proc_macro2::Span::call_site))
}

/// `Guard::new(site)`, or `Guard::sampled(site, per_million)` under the `sample` option.
pub(crate) fn guard(site: &TokenStream, per_million: Option<u64>) -> TokenStream {
    let private = private();
    match per_million {
        Some(per_million) => quote!(#private::Guard::sampled(#site, #per_million)),
        None => quote!(#private::Guard::new(#site)),
    }
}

/// `let r = Guards::new(&SITES, &[rows]); let [g1, g2, ..] = r.slots();`: one destructor
/// for the guards `guards` of a run of bindings whose drop runs no code, each a reference
/// into it.
pub(crate) fn guard_run(run: &Ident, guards: &[Ident], rows: &[u32]) -> Stmt {
    let private = private();
    let table = site_table_name();
    let rows = rows.iter().map(|row| proc_macro2::Literal::u32_suffixed(*row));
    stmt(quote!(let #run = #private::Guards::new(&#table, &[#(#rows),*]); let [#(#guards),*] = #run.slots();))
}

/// `g.arm();`: a run's guard given its binding's instance, where a guard of its own would
/// have been made.
pub(crate) fn guard_armed(guard: &Ident) -> Stmt {
    stmt(quote!(#guard.arm();))
}

/// A call site's row of the function's table of sites.
pub(crate) struct SiteRow {
    pub(crate) name: String,
    /// The file as `file!()` names it, and the 1-based line and column.
    pub(crate) location: (String, u32, u32),
    pub(crate) kind: String,
    pub(crate) detail: String,
}

/// The name of a function's table of call sites.
fn site_table_name() -> Ident {
    Ident::new("__BORROWSCOPE_SITES", proc_macro2::Span::mixed_site())
}

/// `&__BORROWSCOPE_SITES, index`: a site of the function's table, as the runtime's hooks
/// take it, two arguments (the table and the row) that go wherever a hook's site does. No
/// indexing: `&table[index]` cost the compiler a bounds check, a block of its own, at each of
/// a crate's thousands of sites. Not one tuple: the `extern "C"` hooks would take it as an
/// aggregate, which a debug build's fast instruction selector cannot pass (`event`).
pub(crate) fn site_in_table(index: usize) -> TokenStream {
    let table = site_table_name();
    let index = proc_macro2::Literal::u32_suffixed(index as u32);
    quote!(&#table, #index)
}

/// `static __BORROWSCOPE_SITES: Sites = Sites::new("..");`: every call site of a function, in
/// the one string the runtime reads (`Sites`): each file once, `F` and the file as a string,
/// then each site, `R`, the index of its file, line and column in decimal followed by `,`,
/// then its kind, name and detail as strings; a string is its length in bytes, `:` and its
/// bytes.
pub(crate) fn site_table(rows: Vec<SiteRow>) -> Stmt {
    use std::fmt::Write;
    let mut files: Vec<&str> = Vec::new();
    let mut text = String::new();
    let string = |text: &mut String, s: &str| {
        let _ = write!(text, "{}:{s}", s.len());
    };
    for row in &rows {
        if !files.contains(&row.location.0.as_str()) {
            files.push(&row.location.0);
            text.push('F');
            string(&mut text, &row.location.0);
        }
    }
    for row in &rows {
        let file = files.iter().position(|f| *f == row.location.0).unwrap_or(0);
        let _ = write!(text, "R{file},{},{},", row.location.1, row.location.2);
        string(&mut text, &row.kind);
        string(&mut text, &row.name);
        string(&mut text, &row.detail);
    }
    let (private, table) = (private(), site_table_name());
    Stmt::Item(syn::Item::Verbatim(quote! {
        static #table: #private::Sites = #private::Sites::new(#text);
    }))
}

/// `if cond { instrumented } else { as_written }`: a gate between a body's two copies (the
/// per-call gate of a function or closure, the per-iteration gate of a loop).
pub(crate) fn gate(cond: Expr, instrumented: Block, as_written: Block) -> Expr {
    Expr::If(syn::ExprIf {
        attrs: Vec::new(),
        if_token: Default::default(),
        cond: Box::new(cond),
        then_branch: instrumented,
        else_branch: Some((Default::default(), Box::new(Expr::Block(syn::ExprBlock { attrs: Vec::new(), label: None, block: as_written })))),
    })
}

/// `active()`: whether any event could still be kept (the gate's condition).
pub(crate) fn active() -> Expr {
    call("active", [])
}

/// The probes: a pair of traits whose methods the compiler picks between by the probed
/// value's type (autoref specialisation), so that one expansion fits every type.
#[derive(Clone, Copy)]
pub(crate) enum Probe {
    /// `ViaCopy`/`ViaMove`: a use of a `Copy` value or a move.
    Copy,
    /// `ViaShared`/`ViaUnshared`: an `Rc` or `Arc` shares its allocation.
    Shared,
    /// `ViaSpawn`/`ViaNotSpawned`: a thread's join handle.
    Spawn,
    /// `ViaTyped`/`ViaUntyped`: a lock, a `RefCell`, a channel or a thread by its type.
    Typed,
    /// `ViaReference`/`ViaOwner`: whether a receiver binding is itself a reference.
    Reference,
    /// `ViaCounted`/`ViaUncounted`: a standard library `Rc`, `Arc` or `Weak`, not a type of
    /// the same name.
    Counted,
}

/// `{ use Via.. as _; (&Probe(&value)).call }`: `call` is the method call after the dot,
/// with its `;` when the block is a statement.
pub(crate) fn probe(kind: Probe, value: impl ToTokens, call: TokenStream) -> TokenStream {
    let private = private();
    let traits = match kind {
        Probe::Copy => quote!(ViaCopy as _, ViaMove as _),
        Probe::Shared => quote!(ViaShared as _, ViaUnshared as _),
        Probe::Spawn => quote!(ViaSpawn as _, ViaNotSpawned as _),
        Probe::Typed => quote!(ViaTyped as _, ViaUntyped as _),
        Probe::Reference => quote!(ViaReference as _, ViaOwner as _),
        Probe::Counted => quote!(ViaCounted as _, ViaUncounted as _),
    };
    quote!({
        #[allow(unused_imports)]
        use #private::{#traits};
        (&#private::Probe(&#value)).#call
    })
}

/// `{ use ViaBox.. as _; (&&&Probe(&value)).unboxed(&guard, site, certain); }`: whether
/// `*value` used by value moves the content out of a box, by `value`'s type; recorded as a
/// move when `certain`, else as an unknown end.
pub(crate) fn unboxed_probe(value: &Ident, guard: &Ident, site: &TokenStream, certain: bool) -> TokenStream {
    let private = private();
    quote!({
        #[allow(unused_imports)]
        use #private::{ViaBoxOfCopy as _, ViaBox as _, ViaNotBox as _};
        (&&&#private::Probe(&#value)).unboxed(&#guard, #site, #certain);
    })
}

/// `{ use ViaRefilledBox.. as _; (&&Probe(&value)).refilled_box(&guard); }`, after `*value =
/// v`: a box whose content may have moved out holds a value again, by `value`'s type.
pub(crate) fn refilled_box_probe(value: &Ident, guard: &Ident) -> TokenStream {
    let private = private();
    quote!({
        #[allow(unused_imports)]
        use #private::{ViaRefilledBox as _, ViaNotRefilledBox as _};
        (&&#private::Probe(&#value)).refilled_box(&#guard);
    })
}

/// `let local: &'static Channel = linked_channel(flag);`: the queue of a linked channel.
pub(crate) fn linked_channel(local: &Ident, flag: &Ident) -> Stmt {
    let private = private();
    stmt(quote!(let #local: &'static #private::Channel = #private::linked_channel(#flag);))
}

/// `sending(channel, id, value)`: a message queued with the instance it moves out of.
pub(crate) fn sending(channel: &Ident, id: TokenStream, value: impl Value) -> Expr {
    call("sending", [verbatim(channel), Expr::Verbatim(id), value.argument()])
}

/// `sent(channel, call)`: the queue is released after the send.
pub(crate) fn sent(channel: &Ident, value: impl Value) -> Expr {
    call("sent", [verbatim(channel), value.expr()])
}

/// `received(channel, call)`: a receive on a linked channel.
pub(crate) fn received(channel: &Ident, value: impl Value) -> Expr {
    call("received", [verbatim(channel), value.expr()])
}

/// `received_item(queue);`: an iteration of `for x in rx` took a message.
pub(crate) fn received_item(queue: &Ident) -> Stmt {
    let private = private();
    stmt(quote!(#private::received_item(#queue);))
}

/// What a generated call takes as an argument: the user's expression (moved in, or cloned
/// from a reference), or tokens the expansion built. An expression is kept as syntax, never
/// printed and parsed again: a value wrapped at every level of a nested expression would
/// otherwise be re-read once per level.
pub(crate) trait Value {
    /// The argument as it is.
    fn expr(self) -> Expr;

    /// The argument without the parentheses the user wrote around it (`(*next)?` becomes
    /// `pass(.., *next)?`): around an argument they would draw rustc's `unused_parens` warning
    /// on the user's own code. A tuple keeps them.
    fn argument(self) -> Expr
    where
        Self: Sized,
    {
        let mut value = self.expr();
        while let Expr::Paren(paren) = value {
            if !paren.attrs.is_empty() {
                return Expr::Paren(paren);
            }
            value = *paren.expr;
        }
        value
    }
}

impl Value for Expr {
    fn expr(self) -> Expr {
        self
    }
}

impl Value for &Expr {
    fn expr(self) -> Expr {
        self.clone()
    }
}

impl Value for &Box<Expr> {
    fn expr(self) -> Expr {
        (**self).clone()
    }
}

/// Tokens are parsed once, where they were built, so that the call holds syntax throughout;
/// tokens that are not one expression stay as they are.
impl Value for TokenStream {
    fn expr(self) -> Expr {
        match syn::parse2::<Expr>(self.clone()) {
            Ok(expr) => expr,
            Err(_) => Expr::Verbatim(self),
        }
    }
}

impl Value for &TokenStream {
    fn expr(self) -> Expr {
        self.clone().expr()
    }
}

/// `expr`, leaving a placeholder behind for the expression built around it.
pub(crate) fn take(expr: &mut Expr) -> Expr {
    std::mem::replace(expr, Expr::Verbatim(TokenStream::new()))
}

/// `::borrowscope_runtime::__private::function(args..)`, built as syntax.
fn call<const N: usize>(function: &str, args: [Expr; N]) -> Expr {
    let span = proc_macro2::Span::call_site();
    let segments = ["borrowscope_runtime", "__private", function].into_iter().map(|name| syn::PathSegment::from(Ident::new(name, span))).collect();
    let path = syn::Path { leading_colon: Some(Default::default()), segments };
    Expr::Call(syn::ExprCall {
        attrs: Vec::new(),
        func: Box::new(Expr::Path(syn::ExprPath { attrs: Vec::new(), qself: None, path })),
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

/// Whether `expr` is a call into the runtime the expansion wrote (`pass(..)`, `then(..)`).
pub(crate) fn is_runtime_call(expr: &Expr) -> bool {
    let Expr::Call(call) = expr else { return false };
    let Expr::Path(p) = &*call.func else { return false };
    p.path.leading_colon.is_some() && p.path.segments.first().is_some_and(|s| s.ident == "borrowscope_runtime")
}

/// Whether the expansion put a hook in `expr`.
pub(crate) fn records(expr: &Expr) -> bool {
    use quote::ToTokens;
    fn any(tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|tree| match tree {
            proc_macro2::TokenTree::Ident(ident) => ident.to_string().starts_with("__borrowscope") || ident == "borrowscope_runtime",
            proc_macro2::TokenTree::Group(group) => any(group.stream()),
            _ => false,
        })
    }
    any(expr.to_token_stream())
}

/// `expr` inside the parentheses (and the invisible groups of a `macro_rules!` fragment)
/// around it.
pub(crate) fn unparen(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(p) => unparen(&p.expr),
        Expr::Group(g) => unparen(&g.expr),
        _ => expr,
    }
}

/// [`without_expectation`] of what the parentheses around `value` hold: Rust hands the
/// expected type through parentheses, and the tuple needs none around its field.
pub(crate) fn unparenthesized_without_expectation(value: Expr) -> Expr {
    match value {
        Expr::Paren(p) => unparenthesized_without_expectation(*p.expr),
        Expr::Group(g) => unparenthesized_without_expectation(*g.expr),
        value => without_expectation(value),
    }
}

/// `(value,).0`: `value` out of the reach of a type expected of it. The operand of `&` is
/// given the referent of the expected reference type as a hint, and Rust coerces the
/// reference afterwards (`&self.values.get(i).unwrap()` is a `&&V` returned as `&V`); a call
/// or a block the expansion put there takes the hint as a type to demand of its value, and
/// the build fails. A tuple's field is typed by the tuple, which is given no expected type,
/// and the tuple lives as long as the reference to its field would have.
pub(crate) fn without_expectation(value: Expr) -> Expr {
    let mut elems = syn::punctuated::Punctuated::new();
    elems.push(value);
    elems.push_punct(Default::default());
    let tuple = Expr::Tuple(syn::ExprTuple { attrs: Vec::new(), paren_token: Default::default(), elems });
    Expr::Field(syn::ExprField {
        attrs: Vec::new(),
        base: Box::new(tuple),
        dot_token: Default::default(),
        member: syn::Member::Unnamed(syn::Index { index: 0, span: proc_macro2::Span::call_site() }),
    })
}

/// Generated tokens (a site's block, an operation, a number) as an argument, unparsed: they
/// are printed as they are, and nothing looks inside them.
fn verbatim(tokens: impl ToTokens) -> Expr {
    Expr::Verbatim(tokens.into_token_stream())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table the macro writes is the table the runtime reads: every row's file, line,
    /// column, kind, name and detail, whatever they hold.
    #[test]
    fn the_runtime_reads_the_sites_the_macro_writes() {
        let rows = [
            ("src/lib.rs", 3, 9, "let", "data", ""),
            ("src/a b/R,1:F.rs", 12, 30, "match_arm", "R", "Some(\"R1,2:F\") | _"),
            ("src/lib.rs", 7, 1, "move", "", "é ü"),
            ("", 0, 0, "unknown", "x:y", "0:"),
        ];
        let table = site_table(
            rows.iter()
                .map(|&(file, line, column, kind, name, detail)| SiteRow {
                    name: name.to_owned(),
                    location: (file.to_owned(), line, column),
                    kind: kind.to_owned(),
                    detail: detail.to_owned(),
                })
                .collect(),
        );
        let Stmt::Item(syn::Item::Verbatim(tokens)) = table else { panic!("a static item") };
        let item: syn::ItemStatic = syn::parse2(tokens).unwrap();
        let syn::Expr::Call(call) = *item.expr else { panic!("Sites::new(..)") };
        let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. })) = call.args.first() else { panic!("a string") };
        let sites: &'static borrowscope_runtime::__private::Sites =
            Box::leak(Box::new(borrowscope_runtime::__private::Sites::new(text.value().leak())));
        for (index, &(file, line, column, kind, name, detail)) in rows.iter().enumerate() {
            let site = sites.get(index as u32);
            assert_eq!((site.file, site.line, site.column, site.kind, site.name, site.detail), (file, line, column, kind, name, detail));
        }
        assert_eq!(sites.get(rows.len() as u32).kind, "unknown");
    }
}
