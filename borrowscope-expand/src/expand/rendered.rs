//! The message a failing `assert!(cond)` without one of its own panics with: `assertion
//! failed: ` and the condition as rustc prints it back. Instrumenting the condition changes
//! what rustc would print, so the expansion gives the assertion its original text as its
//! message (`assert!(instrumented, "assertion failed: cond")`): a literal without arguments,
//! whose payload is the same `&'static str` in every edition.
//!
//! rustc prints the parsed expression with its own pretty-printer, not as written: single
//! spaces around a binary operator (`x<2` prints `x < 2`), no trailing comma in a call, a
//! turbofish in a path of an expression, a line break once the text passes 78 columns.
//! [`assertion`] prints the same for the expressions whose printing is plain (paths, literals,
//! calls, method calls, operators, casts, fields, indexing, references, ranges, tuples, arrays
//! and closures whose body is one of these) and at most [`WIDTH`] columns long; for anything
//! else (a block, a macro, a struct literal, a brace in a literal) it returns `None`, and the
//! assertion is left as written. In a crate that defines an `assert!` or `debug_assert!` of its
//! own ([`shadowed`]), no message is added: the macro called may not be the standard one.

use std::path::Path;
use std::sync::OnceLock;

use quote::ToTokens;
use syn::{Expr, GenericArgument, Pat, PathArguments, ReturnType, Type};

/// The longest condition printed here: rustc's printer breaks no line before its margin of
/// 78 columns; kept well under it.
const WIDTH: usize = 70;

/// `assertion failed: ` and `cond` as rustc's `assert!` prints it, or `None` where that
/// printing is not known here (see the module's documentation).
pub(crate) fn assertion(cond: &Expr) -> Option<String> {
    let mut text = String::new();
    expr(cond, &mut text)?;
    let plain = text.len() <= WIDTH && !text.contains(['{', '}', '\n', '\r']);
    plain.then(|| format!("assertion failed: {text}"))
}

/// Whether the crate being compiled defines a macro named `assert` or `debug_assert` in any of
/// its files (url 2.5.2 checks its invariants with an `assert!` of its own taking one
/// expression, which a message added to it did not compile with). Found once per process (a
/// rustc compiles one crate); `true` when the crate's folder is not known.
pub(crate) fn shadowed() -> bool {
    static SHADOWED: OnceLock<bool> = OnceLock::new();
    *SHADOWED.get_or_init(|| std::env::var_os("CARGO_MANIFEST_DIR").is_none_or(|dir| defines_assert(Path::new(&dir), 0)))
}

/// Whether a Rust file under `dir` (its build output and hidden folders left out) defines
/// `assert!` or `debug_assert!`.
fn defines_assert(dir: &Path, depth: usize) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    entries.flatten().any(|entry| {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            depth < 16 && name != "target" && !name.to_string_lossy().starts_with('.') && defines_assert(&path, depth + 1)
        } else {
            path.extension().is_some_and(|e| e == "rs") && std::fs::read_to_string(&path).is_ok_and(|text| defines(&text))
        }
    })
}

/// Whether `text` holds `macro_rules! assert` or `macro_rules! debug_assert`.
fn defines(text: &str) -> bool {
    text.match_indices("macro_rules!").any(|(at, found)| {
        let rest = text[at + found.len()..].trim_start();
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        matches!(name.as_str(), "assert" | "debug_assert")
    })
}

/// `(a, b)`, and `(a,)` for one.
fn tuple<T>(items: &syn::punctuated::Punctuated<T, syn::Token![,]>, out: &mut String, each: impl Fn(&T, &mut String) -> Option<()>) -> Option<()> {
    out.push('(');
    list(items, out, each)?;
    if items.len() == 1 {
        out.push(',');
    }
    out.push(')');
    Some(())
}

fn list<'a, T: 'a>(items: impl IntoIterator<Item = &'a T>, out: &mut String, each: impl Fn(&T, &mut String) -> Option<()>) -> Option<()> {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        each(item, out)?;
    }
    Some(())
}

fn expr(e: &Expr, out: &mut String) -> Option<()> {
    if !expr_attrs(e).is_empty() {
        return None;
    }
    match e {
        Expr::Lit(lit) => out.push_str(&lit.lit.to_token_stream().to_string()),
        Expr::Path(p) if p.qself.is_none() => path(&p.path, true, out)?,
        Expr::Paren(p) => {
            out.push('(');
            expr(&p.expr, out)?;
            out.push(')');
        }
        Expr::Binary(b) => {
            expr(&b.left, out)?;
            out.push(' ');
            out.push_str(&b.op.to_token_stream().to_string());
            out.push(' ');
            expr(&b.right, out)?;
        }
        Expr::Unary(u) => {
            let start = out.len();
            out.push_str(&u.op.to_token_stream().to_string());
            expr(&u.expr, out)?;
            // `- -x`: how rustc separates the two, not known here.
            if out[start + 1..].starts_with('-') {
                return None;
            }
        }
        Expr::Reference(r) => {
            out.push_str(if r.mutability.is_some() { "&mut " } else { "&" });
            expr(&r.expr, out)?;
        }
        Expr::Cast(c) => {
            expr(&c.expr, out)?;
            out.push_str(" as ");
            ty(&c.ty, out)?;
        }
        Expr::Field(f) => {
            expr(&f.base, out)?;
            out.push('.');
            out.push_str(&f.member.to_token_stream().to_string());
        }
        Expr::Index(i) => {
            expr(&i.expr, out)?;
            out.push('[');
            expr(&i.index, out)?;
            out.push(']');
        }
        Expr::Call(c) => {
            expr(&c.func, out)?;
            out.push('(');
            list(&c.args, out, expr)?;
            out.push(')');
        }
        Expr::MethodCall(m) => {
            expr(&m.receiver, out)?;
            out.push('.');
            out.push_str(&m.method.to_string());
            if let Some(turbofish) = &m.turbofish {
                out.push_str("::<");
                list(&turbofish.args, out, generic)?;
                out.push('>');
            }
            out.push('(');
            list(&m.args, out, expr)?;
            out.push(')');
        }
        Expr::Try(t) => {
            expr(&t.expr, out)?;
            out.push('?');
        }
        Expr::Await(a) => {
            expr(&a.base, out)?;
            out.push_str(".await");
        }
        Expr::Range(r) => {
            if let Some(start) = &r.start {
                expr(start, out)?;
            }
            out.push_str(&r.limits.to_token_stream().to_string());
            if let Some(end) = &r.end {
                expr(end, out)?;
            }
        }
        Expr::Tuple(t) => {
            tuple(&t.elems, out, expr)?;
        }
        Expr::Array(a) => {
            out.push('[');
            list(&a.elems, out, expr)?;
            out.push(']');
        }
        Expr::Repeat(r) => {
            out.push('[');
            expr(&r.expr, out)?;
            out.push_str("; ");
            expr(&r.len, out)?;
            out.push(']');
        }
        Expr::Closure(c) => closure(c, out)?,
        _ => return None,
    }
    Some(())
}

/// The attributes on an expression the printing here covers (none, for it to be printed).
fn expr_attrs(e: &Expr) -> &[syn::Attribute] {
    match e {
        Expr::Lit(x) => &x.attrs,
        Expr::Path(x) => &x.attrs,
        Expr::Paren(x) => &x.attrs,
        Expr::Binary(x) => &x.attrs,
        Expr::Unary(x) => &x.attrs,
        Expr::Reference(x) => &x.attrs,
        Expr::Cast(x) => &x.attrs,
        Expr::Field(x) => &x.attrs,
        Expr::Index(x) => &x.attrs,
        Expr::Call(x) => &x.attrs,
        Expr::MethodCall(x) => &x.attrs,
        Expr::Try(x) => &x.attrs,
        Expr::Await(x) => &x.attrs,
        Expr::Range(x) => &x.attrs,
        Expr::Tuple(x) => &x.attrs,
        Expr::Array(x) => &x.attrs,
        Expr::Repeat(x) => &x.attrs,
        Expr::Closure(x) => &x.attrs,
        _ => &[],
    }
}

/// `move |a, b: u8| body`, for a body printed here (a closure with a block is not).
fn closure(c: &syn::ExprClosure, out: &mut String) -> Option<()> {
    let plain = c.lifetimes.is_none() && c.constness.is_none() && c.movability.is_none() && c.asyncness.is_none();
    if !plain || !matches!(c.output, ReturnType::Default) {
        return None;
    }
    if c.capture.is_some() {
        out.push_str("move ");
    }
    out.push('|');
    list(&c.inputs, out, pat)?;
    out.push_str("| ");
    expr(&c.body, out)
}

fn pat(p: &Pat, out: &mut String) -> Option<()> {
    match p {
        Pat::Ident(i) if i.attrs.is_empty() && i.subpat.is_none() => {
            if i.by_ref.is_some() {
                out.push_str("ref ");
            }
            if i.mutability.is_some() {
                out.push_str("mut ");
            }
            out.push_str(&i.ident.to_string());
        }
        Pat::Wild(w) if w.attrs.is_empty() => out.push('_'),
        Pat::Reference(r) if r.attrs.is_empty() => {
            out.push_str(if r.mutability.is_some() { "&mut " } else { "&" });
            pat(&r.pat, out)?;
        }
        Pat::Tuple(t) if t.attrs.is_empty() => {
            tuple(&t.elems, out, pat)?;
        }
        Pat::Type(t) if t.attrs.is_empty() => {
            pat(&t.pat, out)?;
            out.push_str(": ");
            ty(&t.ty, out)?;
        }
        _ => return None,
    }
    Some(())
}

/// A path, with `::<..>` before its generic arguments in an expression and `<..>` in a type.
fn path(p: &syn::Path, in_expr: bool, out: &mut String) -> Option<()> {
    if p.leading_colon.is_some() {
        out.push_str("::");
    }
    for (i, segment) in p.segments.iter().enumerate() {
        if i > 0 {
            out.push_str("::");
        }
        out.push_str(&segment.ident.to_string());
        match &segment.arguments {
            PathArguments::None => {}
            PathArguments::AngleBracketed(args) => {
                out.push_str(if in_expr { "::<" } else { "<" });
                list(&args.args, out, generic)?;
                out.push('>');
            }
            PathArguments::Parenthesized(_) => return None,
        }
    }
    Some(())
}

fn generic(arg: &GenericArgument, out: &mut String) -> Option<()> {
    match arg {
        GenericArgument::Type(t) => ty(t, out),
        GenericArgument::Lifetime(l) => {
            out.push_str(&l.to_string());
            Some(())
        }
        GenericArgument::Const(Expr::Lit(lit)) => expr(&Expr::Lit(lit.clone()), out),
        _ => None,
    }
}

fn ty(t: &Type, out: &mut String) -> Option<()> {
    match t {
        Type::Path(p) if p.qself.is_none() => path(&p.path, false, out)?,
        Type::Reference(r) => {
            out.push('&');
            if let Some(lifetime) = &r.lifetime {
                out.push_str(&lifetime.to_string());
                out.push(' ');
            }
            if r.mutability.is_some() {
                out.push_str("mut ");
            }
            ty(&r.elem, out)?;
        }
        Type::Slice(s) => {
            out.push('[');
            ty(&s.elem, out)?;
            out.push(']');
        }
        Type::Array(a) => {
            out.push('[');
            ty(&a.elem, out)?;
            out.push_str("; ");
            expr(&a.len, out)?;
            out.push(']');
        }
        Type::Tuple(t) => {
            tuple(&t.elems, out, ty)?;
        }
        Type::Infer(_) => out.push('_'),
        Type::Never(_) => out.push('!'),
        _ => return None,
    }
    Some(())
}

#[cfg(test)]
mod tests {
    fn rendered(source: &str) -> Option<String> {
        super::assertion(&syn::parse_str(source).unwrap())
    }

    #[test]
    fn conditions_print_as_rustc_prints_them() {
        assert_eq!(rendered("x<2&&!y.is_empty()").as_deref(), Some("assertion failed: x < 2 && !y.is_empty()"));
        assert_eq!(rendered("f(&a, b,)").as_deref(), Some("assertion failed: f(&a, b)"));
        assert_eq!(
            rendered("v.iter().map(|&(a, _): &(u8, u8)| a as u32).sum::<u32>() == 0").as_deref(),
            Some("assertion failed: v.iter().map(|&(a, _): &(u8, u8)| a as u32).sum::<u32>() == 0")
        );
        assert_eq!(rendered("Vec::<u8>::new().len() == (1,).0").as_deref(), Some("assertion failed: Vec::<u8>::new().len() == (1,).0"));
    }

    #[test]
    fn a_crate_with_an_assert_of_its_own_is_found() {
        assert!(super::defines("fn f() {\n    macro_rules! assert {\n        ($x: expr) => {};\n    }\n}"));
        assert!(super::defines("macro_rules!debug_assert( () => {} );"));
        assert!(!super::defines("macro_rules! assert_close { () => {} } // assert!(x)"));
        assert!(!super::defines("fn f() { assert!(true); }"));
    }

    #[test]
    fn what_is_not_known_here_is_none() {
        for source in ["- -x", "matches!(x, Some(_))", "x == S { a: 1 }", "s == \"{}\"", "v.iter().any(|x| { *x })", "<T as A>::f()"] {
            assert_eq!(rendered(source), None, "{source}");
        }
        let long = format!("{} == 0", "a".repeat(70));
        assert_eq!(rendered(&long), None);
    }
}
