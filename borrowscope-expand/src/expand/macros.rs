//! The standard formatting and assertion macros (`println!`, `format!`, `write!`, `panic!`,
//! `assert!`, `assert_eq!`...), whose arguments are expressions like any other: calls in them
//! are instrumented, and the shared borrow each formatted argument gets (the macro takes
//! `&arg`) is recorded for a tracked binding, also one captured inline (`"{x}"`).
//!
//! The output stays byte for byte what it was, and every argument is evaluated once, in the
//! same order: a borrowed binding `x` becomes `*{ event; &x }`, a place of the same type
//! that the macro borrows as it borrowed `x` (so `{:p}` prints the same address), and an
//! inline capture `{x}` becomes the named argument `x = *{ event; &x }`, which the string
//! already names. A macro whose arguments do not parse as the standard macro's, or whose
//! format string is not a string literal, is left as written.
//!
//! `vec!`'s elements are values moved (or copied) into the vector, as a call's arguments. A
//! macro the analyzer found evaluates its one argument, a call, first and once (`ready!`:
//! `SiteKind::ExprMacro`) gets that call instrumented as any expression. Any other macro is
//! left as written, and a binding it names that is not `Copy` ends "unknown" (what the macro
//! did with it, syntax cannot tell), or moved after the statement where the analyzer found
//! the macro's code moves it whenever the statement runs.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident, Token};

use super::guards::GuardUse;
use super::{Expander, emit, vocabulary};
use crate::config::Group;

/// Where a macro's format string is, and which arguments before it it borrows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `println!(fmt, args..)`: the format string first.
    Format,
    /// `write!(dest, fmt, args..)`: the destination (written through), then the string.
    Write,
    /// `assert!(cond, fmt?, args..)`: a condition evaluated, then an optional message.
    Assert,
    /// `assert_eq!(left, right, fmt?, args..)`: both sides borrowed, then a message.
    Compare,
}

/// The name of the standard macro `mac` may be (bare or through `std::`/`core::`/`alloc::`).
fn standard_name(mac: &syn::Macro) -> Option<String> {
    let segments: Vec<String> = mac.path.segments.iter().map(|s| s.ident.to_string()).collect();
    match segments.as_slice() {
        [name] => Some(name.clone()),
        [root, name] if matches!(root.as_str(), "std" | "core" | "alloc") => Some(name.clone()),
        _ => None,
    }
}

/// The standard formatting or assertion macro `mac` is.
fn shape(mac: &syn::Macro) -> Option<(Shape, String)> {
    let name = standard_name(mac)?;
    let shape = match name.as_str() {
        "println" | "print" | "eprintln" | "eprint" | "format" | "panic" | "unreachable" | "todo" | "unimplemented" => Shape::Format,
        "write" | "writeln" => Shape::Write,
        "assert" | "debug_assert" => Shape::Assert,
        "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => Shape::Compare,
        _ => return None,
    };
    Some((shape, format!("{name}!")))
}

/// One argument: `expr`, or `name = expr`.
struct Argument {
    name: Option<Ident>,
    expr: Expr,
}

impl ToTokens for Argument {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        if let Some(name) = &self.name {
            tokens.extend(quote!(#name =));
        }
        self.expr.to_tokens(tokens);
    }
}

fn arguments(input: ParseStream<'_>) -> syn::Result<Punctuated<Argument, Token![,]>> {
    Punctuated::parse_terminated_with(input, |input| {
        let name = if input.peek(Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
            let name: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            Some(name)
        } else {
            None
        };
        Ok(Argument { name, expr: input.parse()? })
    })
}

/// Instruments the arguments of a standard formatting or assertion macro in place. For
/// `write!`/`writeln!` into a tracked binding that the call borrows (the analyzer's use, as
/// for a method's receiver: `dest.write_fmt(..)`), returns that borrow, for the caller to
/// record before the macro (and its end after, where the end is known): the destination
/// stays as written, since `&mut dest` would need the binding declared `mut` even where it is
/// a `&mut` itself.
pub(crate) fn standard(exp: &mut Expander<'_>, mac: &mut syn::Macro) -> Option<super::receivers::ReceiverBorrow> {
    if expression(exp, mac) {
        return None;
    }
    if standard_name(mac).as_deref() == Some("vec") {
        elements(exp, mac);
        return None;
    }
    let Some((shape, name)) = shape(mac) else {
        unknown(exp, mac);
        return None;
    };
    let Ok(mut args) = arguments.parse2(mac.tokens.clone()) else {
        unknown(exp, mac);
        return None;
    };
    let format_at = match shape {
        Shape::Format => 0,
        Shape::Write | Shape::Assert => 1,
        Shape::Compare => 2,
    };
    // The format string must stay a literal; a message that is not one (`panic!(value)` in
    // edition 2018, `assert!(c, msg)` with a `&str` variable) is formatted differently.
    let format = match args.iter().nth(format_at) {
        None => None,
        Some(Argument { name: None, expr: Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) }) => Some(s.clone()),
        Some(_) => {
            unknown(exp, mac);
            return None;
        }
    };
    // A lone message is not a format string in every edition (`panic!("{x}")` in 2018
    // prints the braces), so its inline captures are left alone.
    let lone_message =
        args.len() == format_at + 1 && (matches!(shape, Shape::Assert | Shape::Compare) || matches!(name.as_str(), "panic!" | "unreachable!"));
    // `assert!(cond)` fails with `cond` as rustc prints it: once the condition is
    // instrumented, its original text is given as the message, where it can be printed as
    // rustc does; elsewhere the assertion is left as written. In a crate with an `assert!` of
    // its own, the call keeps its one argument and the condition is instrumented as before.
    let assertion = match args.first() {
        Some(cond) if shape == Shape::Assert && args.len() == 1 && !super::rendered::shadowed() => match super::rendered::assertion(&cond.expr) {
            Some(message) => Some((message, cond.expr.to_token_stream().to_string())),
            None => {
                unknown(exp, mac);
                return None;
            }
        },
        _ => None,
    };
    let record = exp.has(Group::Ownership);
    let mut destination = None;
    for (index, arg) in args.iter_mut().enumerate() {
        match index {
            i if i == format_at => {}
            // The condition of `assert!` and the destination of `write!`: values used.
            0 if matches!(shape, Shape::Assert | Shape::Write) => {
                if shape == Shape::Write {
                    destination = super::receivers::receiver_borrow(exp, &arg.expr, &name, mac.path.span());
                }
                let was_block = matches!(arg.expr, Expr::Block(_));
                exp.visit_expr_mut(&mut arg.expr);
                // `assert!(c)` becomes `if !c`: the condition is the operand of a `!`, checked
                // with `bool` as a hint, though an overloaded `!` may take another type
                // (bitvec's `assert!(bits.last().unwrap())` of a `BitRef`), as for `!x`.
                let wrapped = super::emit::is_runtime_call(&arg.expr) || !was_block && matches!(arg.expr, Expr::Block(_));
                if shape == Shape::Assert && wrapped {
                    arg.expr = super::emit::without_expectation(super::emit::take(&mut arg.expr));
                }
            }
            _ => formatted(exp, &mut arg.expr, &name, record),
        }
    }
    if let Some(format) = format.filter(|_| record && !lone_message) {
        for capture in captures(&format.value()) {
            let named = args.iter().any(|a| a.name.as_ref().is_some_and(|n| *n == capture));
            if named {
                continue;
            }
            let ident = Ident::new(&capture, format.span());
            if let Some(expr) = borrowed(exp, &ident, &name, format.span()) {
                args.push(Argument { name: Some(ident), expr });
            }
        }
    }
    if let Some((message, written)) = assertion
        && args.first().is_some_and(|cond| cond.expr.to_token_stream().to_string() != written)
    {
        let message = syn::LitStr::new(&message, mac.path.span());
        args.push(Argument { name: None, expr: syn::parse_quote!(#message) });
    }
    mac.tokens = args.to_token_stream();
    destination
}

/// `vec![a, b]`, `vec![elem; n]`: each element a value used (moved, or copied), as a call's
/// argument is.
fn elements(exp: &mut Expander<'_>, mac: &mut syn::Macro) {
    let parser = |input: ParseStream<'_>| -> syn::Result<(Vec<Expr>, bool)> {
        let mut elems = Vec::new();
        if input.is_empty() {
            return Ok((elems, false));
        }
        elems.push(input.parse()?);
        if input.peek(Token![;]) {
            input.parse::<Token![;]>()?;
            elems.push(input.parse()?);
            return if input.is_empty() { Ok((elems, true)) } else { Err(input.error("one length")) };
        }
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if !input.is_empty() {
                elems.push(input.parse()?);
            }
        }
        Ok((elems, false))
    };
    let Ok((mut elems, repeated)) = parser.parse2(mac.tokens.clone()) else { return unknown(exp, mac) };
    for elem in &mut elems {
        exp.visit_expr_mut(elem);
        if exp.has(Group::Ownership) {
            super::uses::by_value(exp, elem);
        }
    }
    mac.tokens = match elems.as_slice() {
        [elem, length] if repeated => quote!(#elem; #length),
        _ => quote!(#(#elems),*),
    };
}

/// A macro the analyzer found evaluates its one argument, a call or a method call, once and
/// before anything else (`ready!(fut.poll(cx))`, `SiteKind::ExprMacro`): the argument is
/// instrumented as any expression, and the macro gets it back. `false` for any other macro.
fn expression(exp: &mut Expander<'_>, mac: &mut syn::Macro) -> bool {
    let Some(name) = mac.path.segments.last() else { return false };
    let known = exp.position(name.ident.span()).and_then(|(l, c)| exp.types.site(l, c, type_info_schema::SiteKind::ExprMacro));
    if known.is_none() {
        return false;
    }
    let Ok(arguments) = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(mac.tokens.clone()) else { return false };
    let trailing = arguments.trailing_punct();
    if arguments.len() != 1 {
        return false;
    }
    let Some(mut argument) = arguments.into_iter().next().filter(|a| matches!(a, Expr::Call(_) | Expr::MethodCall(_))) else { return false };
    exp.visit_expr_mut(&mut argument);
    mac.tokens = if trailing { quote!(#argument,) } else { argument.into_token_stream() };
    true
}

/// Any other macro (or a standard one written in a way not instrumented): its input is left as
/// written, and a tracked binding it names that is not `Copy` may have moved there
/// (`my_vec![a]`, `dbg!(a)`): its end is then reported as unknown rather than as a drop,
/// unless the analyzer found every use of it there a borrow or a copy (`dbg!(&a)`). Where the
/// analyzer found it moved there, on every path the macro's code takes whenever the statement
/// runs (`settle::macro_moves`), and nothing else it does there but borrow or copy it, the
/// move is recorded right after the statement (unknown until then: a panic in the macro
/// leaves it unknown); a standard macro left as written is not looked into.
fn unknown(exp: &mut Expander<'_>, mac: &syn::Macro) {
    use type_info_schema::UseKind;
    if !exp.has(Group::Ownership) {
        return;
    }
    let mut tokens: Vec<Ident> = Vec::new();
    idents(mac.tokens.clone(), &mut tokens);
    // Not where the macro's input binds names of its own (`mac!({ let a = f(); a })`,
    // `mac!(|a| a)`): a use there may be of another binding of the name.
    let binds = tokens.iter().any(|t| matches!(t.to_string().as_str(), "let" | "match" | "for" | "if" | "while"))
        || mac.tokens.clone().into_iter().any(|t| punct_in(t, '|'));
    let looked_into =
        !binds && mac.path.segments.last().is_some_and(|s| !type_info_schema::INSTRUMENTED_MACROS.contains(&s.ident.to_string().as_str()));
    let mut names: Vec<(Ident, Option<Ident>)> = Vec::new();
    for token in &tokens {
        if names.iter().any(|(n, _)| n == token) || exp.lookup(&token.to_string()).is_none() {
            continue;
        }
        let uses: Vec<Option<UseKind>> = tokens.iter().filter(|t| *t == token).map(|t| exp.analyzed_use(t)).collect();
        if uses.iter().all(|u| matches!(u, Some(UseKind::Copy | UseKind::SharedBorrow | UseKind::MutableBorrow))) {
            continue;
        }
        let moves: Vec<&Ident> = tokens.iter().filter(|t| *t == token && exp.analyzed_use(t) == Some(UseKind::Move)).collect();
        let moved_here = looked_into
            && moves.len() == 1
            && uses.iter().all(|u| matches!(u, Some(UseKind::Copy | UseKind::SharedBorrow | UseKind::MutableBorrow | UseKind::Move)));
        names.push((token.clone(), moved_here.then(|| moves[0].clone())));
    }
    // The notes name the guard only, never the binding: the macro may use the name for
    // something else (a field, a binding of its own), and a probe's `&x` would not compile
    // where `x` has moved or is borrowed mutably.
    for (ident, moved) in names {
        let name = ident.to_string();
        let Some((guard, copies)) = exp.tracked(&name) else { continue };
        let note = match copies {
            super::Copies::Yes => continue,
            _ if !super::uses::used_later(exp, &name) => quote!(#guard.maybe_moved()),
            _ if exp.reassigned.contains(&name) => quote!(#guard.passed_on()),
            _ => continue,
        };
        if let Some(at) = moved.filter(|_| !super::uses::used_later(exp, &name)) {
            let site = exp.site("", &name, "move", at.span());
            exp.after_statement(emit::stmt(quote!(#guard.moved(#site, 0);)));
        }
        exp.before_statement(emit::stmt(quote!(#note;)));
    }
}

/// Whether `token` is the punctuation `c` or holds it, inside groups too.
fn punct_in(token: proc_macro2::TokenTree, c: char) -> bool {
    match token {
        proc_macro2::TokenTree::Punct(p) => p.as_char() == c,
        proc_macro2::TokenTree::Group(g) => g.stream().into_iter().any(|t| punct_in(t, c)),
        _ => false,
    }
}

/// Every identifier in `tokens` that may name a binding, also inside groups, in order: not a
/// field's or a method's name after a single `.` (`expected.raw()`), which is never one (`..`
/// before a name, struct update syntax's base or a range's end, is).
fn idents(tokens: TokenStream, out: &mut Vec<Ident>) {
    // How many `.` came right before.
    let mut dots = 0;
    for token in tokens {
        let dot = matches!(&token, proc_macro2::TokenTree::Punct(p) if p.as_char() == '.');
        match token {
            proc_macro2::TokenTree::Ident(ident) if dots != 1 => out.push(ident),
            proc_macro2::TokenTree::Group(group) => idents(group.stream(), out),
            _ => {}
        }
        dots = if dot { dots + 1 } else { 0 };
    }
}

/// A formatted argument (or a compared side): taken by reference by the macro. A tracked
/// binding is recorded borrowed; any other expression is instrumented in a borrow context.
fn formatted(exp: &mut Expander<'_>, expr: &mut Expr, name: &str, record: bool) {
    if let Expr::Path(p) = &*expr
        && p.qself.is_none()
        && let Some(ident) = p.path.get_ident().cloned()
    {
        if record && let Some(place) = borrowed(exp, &ident, name, ident.span()) {
            *expr = place;
        }
        return;
    }
    exp.borrowing(|exp| {
        exp.guard_use = GuardUse::Place;
        exp.visit_expr_mut(expr)
    });
}

/// `*{ event(site, Borrow, 0, guard.id()); &x }`: the borrow of the tracked binding `x` by
/// the macro `name`, recorded where the macro evaluates its arguments, as a place of `x`'s
/// type.
fn borrowed(exp: &mut Expander<'_>, ident: &Ident, name: &str, span: Span) -> Option<Expr> {
    let guard = exp.lookup(&ident.to_string())?;
    let site = exp.site(name, &ident.to_string(), "borrow", span);
    let event = emit::event(&site, vocabulary::BORROW, emit::Number(0), quote!(#guard.id()));
    Some(syn::parse_quote!(*{ #event; &#ident }))
}

/// The names a format string captures inline: `{x}`, `{x:?}`, `{x:>8}` (not `{0}`, `{}`,
/// `{{`, nor a width or precision argument).
fn captures(format: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
            }
            '{' => {
                let inner: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let name = inner.split(':').next().unwrap_or_default().trim();
                let is_name = name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                    && name != "_";
                if is_name && !names.iter().any(|n| n == name) {
                    names.push(name.to_owned());
                }
            }
            _ => {}
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::captures;

    #[test]
    fn inline_captures_are_read_from_the_format_string() {
        assert_eq!(captures("{a} {b:?} {{c}} {0} {} {d:>8} {a} {_x} {:w$}"), ["a", "b", "d", "_x"]);
        assert!(captures("{{}}").is_empty());
    }

    /// The analyzer records uses in the arguments of exactly the macros instrumented here.
    #[test]
    fn every_macro_the_analyzer_looks_into_is_instrumented_and_no_other() {
        for name in type_info_schema::INSTRUMENTED_MACROS.iter().filter(|name| **name != "vec") {
            let mac: syn::Macro = syn::parse_str(&format!("{name}!(\"x\")")).unwrap();
            assert!(super::shape(&mac).is_some(), "{name}! is not instrumented");
        }
        for name in ["dbg", "matches", "format_args"] {
            let mac: syn::Macro = syn::parse_str(&format!("{name}!(\"x\")")).unwrap();
            assert!(super::shape(&mac).is_none() && !type_info_schema::INSTRUMENTED_MACROS.contains(&name), "{name}!");
        }
    }
}
