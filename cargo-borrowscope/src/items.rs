//! Where `--all` puts `#[trace_borrow]` in a file of the copy: the functions with a body and
//! the `impl` blocks `--trace` selects, found with syn (item by item where a whole file does
//! not parse), the attribute inserted in the text before each so that no line moves.
//!
//! Functions and methods marked `#[inline(always)]` are left as written: their authors asked
//! for them to vanish into their callers (SIMD helpers, the steps of a search loop), and
//! instrumented they cannot carry the per-call gate (two copies inlined into each caller's two
//! copies doubled at every level), so they call the recorder's hooks on every call for the
//! rest of the run: memchr's tests, most of whose calls are such helpers, ran 5.7x slower
//! than plain with them traced. So are functions marked `#[no_panic]` (the `no-panic` crate):
//! the build fails to link where the compiler cannot prove such a function never unwinds,
//! and every hook is a call into the recorder that it cannot see through (ahash's tests).
//! A user who wants one traced puts the attribute on it.
//! So are functions whose body declares a module kept in a file (`kept_as_written`).

use std::path::Path;

use proc_macro2::LineColumn;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

/// The attribute put on each item, followed by the space that separates it from the item on
/// the same line.
pub(crate) const ATTRIBUTE: &str = "#[::borrowscope_macro::trace_borrow] ";

/// Whether a parsed file puts `#[trace_borrow]` (by any path) on an item.
pub(crate) fn uses_trace_borrow(file: &syn::File) -> bool {
    struct Finder(bool);
    impl Visit<'_> for Finder {
        fn visit_attribute(&mut self, attribute: &syn::Attribute) {
            self.0 |= attribute.path().segments.last().is_some_and(|s| s.ident == "trace_borrow");
        }
    }
    let mut finder = Finder(false);
    finder.visit_file(file);
    finder.0
}

/// The module path of a source file, from its place in the package: `src/a/b.rs` and
/// `src/a/b/mod.rs` are `a::b`, a crate root is empty, `tests/it.rs` is `it`.
pub(crate) fn module_path(package: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(package).unwrap_or(file);
    let mut segments: Vec<String> = relative.with_extension("").components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if segments.first().is_some_and(|s| s == "src") {
        segments.remove(0);
        if segments.first().is_some_and(|s| s == "bin") {
            segments.remove(0);
        }
    } else if segments.first().is_some_and(|s| matches!(s.as_str(), "tests" | "examples" | "benches")) {
        segments.remove(0);
    }
    if segments.last().is_some_and(|s| s == "mod") || segments.len() == 1 && matches!(segments[0].as_str(), "lib" | "main") {
        segments.pop();
    }
    segments
}

/// Whether `--trace` patterns select an item at `path` (module segments, then the type and
/// the function): some run of the path's segments matches the pattern segment by segment.
fn selected(patterns: &[String], path: &[String]) -> bool {
    patterns.is_empty()
        || patterns.iter().any(|pattern| {
            let wanted: Vec<&str> = pattern.trim_start_matches("crate::").split("::").collect();
            wanted.len() <= path.len() && path.windows(wanted.len()).any(|run| run.iter().zip(&wanted).all(|(s, w)| glob(w, s)))
        })
}

/// `*` matches any run of characters (within one segment).
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else { return false };
            (0..=tail.len()).filter(|&i| tail.is_char_boundary(i)).any(|i| glob(rest, &tail[i..]))
        }
    }
}

/// Where the attribute goes in a file: the (line, column) of each chosen item's first token
/// after its attributes, 1-based line and 0-based column in characters (proc-macro2's).
struct Items<'p> {
    patterns: &'p [String],
    module: Vec<String>,
    at: Vec<LineColumn>,
}

impl Items<'_> {
    fn mark(&mut self, start: LineColumn) {
        self.at.push(start);
    }
}

/// `#[inline(always)]` or `#[no_panic]` (by any path): a function left as written; so is one
/// an attribute may make `const` (compact_str's `#[rustversion::attr(since(1.64), const)]`,
/// which adds the keyword after `#[trace_borrow]` has expanded: a `const fn` cannot call the
/// runtime).
fn left_as_written(attributes: &[syn::Attribute]) -> bool {
    attributes.iter().any(|a| {
        a.path().is_ident("inline") && a.parse_args::<syn::Ident>().is_ok_and(|arg| arg == "always")
            || a.path().segments.last().is_some_and(|s| s.ident == "no_panic")
            || matches!(&a.meta, syn::Meta::List(list) if holds_const(list.tokens.clone()))
    })
}

/// A function left as written for its attributes (above), or because its body holds a
/// module in a file of its own (`mod tables;`) at any depth: rustc takes no such module in an
/// attribute macro's input on stable ("file modules in proc macro input are unstable";
/// unicode-ident's tests declare theirs inside test functions, with `#[path]`).
fn kept_as_written(attributes: &[syn::Attribute], body: &syn::Block) -> bool {
    struct FileModule(bool);
    impl<'ast> Visit<'ast> for FileModule {
        fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
            self.0 |= item.content.is_none();
            visit::visit_item_mod(self, item);
        }
    }
    if left_as_written(attributes) {
        return true;
    }
    let mut found = FileModule(false);
    found.visit_block(body);
    found.0
}

/// Whether `tokens` hold the keyword `const`, in any group.
fn holds_const(tokens: proc_macro2::TokenStream) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(ident) => ident == "const",
        proc_macro2::TokenTree::Group(group) => holds_const(group.stream()),
        _ => false,
    })
}

fn has_trace_borrow(attributes: &[syn::Attribute]) -> bool {
    attributes.iter().any(|a| a.path().segments.last().is_some_and(|s| s.ident == "trace_borrow"))
}

/// The first token after the attributes: the visibility when there is one, else what `span`
/// starts at.
fn item_start(vis: &syn::Visibility, rest: proc_macro2::Span) -> LineColumn {
    match vis {
        syn::Visibility::Inherited => rest.start(),
        vis => vis.span().start(),
    }
}

/// The name of an `impl` block's type (`Parser` for `impl<T> Trait for parser::Parser<T>`).
fn impl_type(item: &syn::ItemImpl) -> String {
    match &*item.self_ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
        other => quote::ToTokens::to_token_stream(other).to_string(),
    }
}

impl Items<'_> {
    /// The items of a module's tokens, each parsed on its own: an item ends after a `;` or a
    /// `{...}` at the top level. An item that does not parse is skipped, but for a module,
    /// whose content is read the same way.
    fn visit_tokens(&mut self, tokens: proc_macro2::TokenStream) {
        use proc_macro2::{Delimiter, TokenTree};
        let mut item = Vec::new();
        for token in tokens {
            let ends = match &token {
                TokenTree::Punct(p) => p.as_char() == ';',
                TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
                _ => false,
            };
            item.push(token);
            if ends {
                let tokens: proc_macro2::TokenStream = std::mem::take(&mut item).into_iter().collect();
                self.visit_chunk(tokens);
            }
        }
    }

    fn visit_chunk(&mut self, tokens: proc_macro2::TokenStream) {
        if let Ok(item) = syn::parse2::<syn::Item>(tokens.clone()) {
            self.visit_item(&item);
            return;
        }
        // `[pub] mod name { ... }` whose content has what syn does not take.
        let trees: Vec<proc_macro2::TokenTree> = tokens.into_iter().collect();
        let position = trees.iter().position(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == "mod"));
        if let Some(at) = position
            && let (Some(proc_macro2::TokenTree::Ident(name)), Some(proc_macro2::TokenTree::Group(body))) = (trees.get(at + 1), trees.last())
            && trees.len() == at + 3
        {
            self.module.push(name.to_string());
            self.visit_tokens(body.stream());
            self.module.pop();
        }
    }
}

impl Items<'_> {
    /// Visits the items nested in the body of the function at `path`, named under it.
    fn nested(&mut self, path: Vec<String>, body: &syn::Block) {
        let outer = std::mem::replace(&mut self.module, path);
        visit::visit_block(self, body);
        self.module = outer;
    }
}

impl<'ast> Visit<'ast> for Items<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if has_trace_borrow(&f.attrs) {
            return;
        }
        let mut path = self.module.clone();
        path.push(f.sig.ident.to_string());
        if f.sig.constness.is_none() && f.sig.abi.is_none() && !kept_as_written(&f.attrs, &f.block) && selected(self.patterns, &path) {
            self.mark(item_start(&f.vis, f.sig.span()));
        }
        // The attribute leaves the items nested in the body as written: each function and
        // `impl` block there gets its own (a test's helper `fn check(..)`).
        self.nested(path, &f.block);
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        if has_trace_borrow(&item.attrs) {
            return;
        }
        let mut path = self.module.clone();
        path.push(impl_type(item));
        // A block with a method left as written gets the attribute on each other method.
        let always = item.items.iter().any(|member| matches!(member, syn::ImplItem::Fn(f) if kept_as_written(&f.attrs, &f.block)));
        if selected(self.patterns, &path) && !always {
            let first = item.defaultness.map(|t| t.span).or(item.unsafety.map(|t| t.span)).unwrap_or(item.impl_token.span);
            self.mark(first.start());
            for member in &item.items {
                if let syn::ImplItem::Fn(f) = member {
                    let mut method = path.clone();
                    method.push(f.sig.ident.to_string());
                    self.nested(method, &f.block);
                }
            }
            return;
        }
        for member in &item.items {
            if let syn::ImplItem::Fn(f) = member {
                let mut method = path.clone();
                method.push(f.sig.ident.to_string());
                let chosen = selected(self.patterns, &method) || (always && selected(self.patterns, &path));
                if f.sig.constness.is_none() && f.sig.abi.is_none() && !has_trace_borrow(&f.attrs) && !kept_as_written(&f.attrs, &f.block) && chosen {
                    let start = match (&f.vis, f.defaultness) {
                        (syn::Visibility::Inherited, Some(default)) => default.span.start(),
                        (vis, _) => item_start(vis, f.sig.span()),
                    };
                    self.mark(start);
                }
                if !has_trace_borrow(&f.attrs) {
                    self.nested(method, &f.block);
                }
            }
        }
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        self.module.push(item.ident.to_string());
        visit::visit_item_mod(self, item);
        self.module.pop();
    }

    /// A trait's default methods are functions with a body: each gets the attribute (the
    /// trait is a path segment for `--trace`, as an `impl` block's type is).
    fn visit_item_trait(&mut self, item: &'ast syn::ItemTrait) {
        if has_trace_borrow(&item.attrs) {
            return;
        }
        let mut path = self.module.clone();
        path.push(item.ident.to_string());
        for member in &item.items {
            let syn::TraitItem::Fn(f) = member else { continue };
            let Some(body) = &f.default else { continue };
            if has_trace_borrow(&f.attrs) {
                continue;
            }
            let mut method = path.clone();
            method.push(f.sig.ident.to_string());
            if f.sig.constness.is_none() && f.sig.abi.is_none() && !kept_as_written(&f.attrs, body) && selected(self.patterns, &method) {
                self.mark(f.sig.span().start());
            }
            self.nested(method, body);
        }
    }
}

/// `text` with the attribute before each chosen item, and where each went: (1-based line,
/// 1-based column in characters in the copy's line). A file that does not parse as Rust (a
/// fragment for `include!`, a template) is copied as it is.
pub(crate) fn instrument(text: &str, module: &[String], patterns: &[String]) -> (String, Vec<(u32, u32)>) {
    let mut items = Items { patterns, module: module.to_vec(), at: Vec::new() };
    match syn::parse_file(text) {
        Ok(file) => items.visit_file(&file),
        // Syntax syn does not take (an edition-2015 trait method's unnamed parameter): item by
        // item, so that only the items it cannot read are left as written.
        Err(_) => match text.parse::<proc_macro2::TokenStream>() {
            Ok(tokens) => items.visit_tokens(tokens),
            Err(_) => return (text.to_owned(), Vec::new()),
        },
    }
    if items.at.is_empty() {
        return (text.to_owned(), Vec::new());
    }
    // Byte offsets of each line's start (lines as proc-macro2 counts them: after each '\n').
    let starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let offset = |at: LineColumn| -> usize {
        let start = starts[at.line - 1];
        text[start..].char_indices().nth(at.column).map_or(text.len(), |(i, _)| start + i)
    };
    let mut places: Vec<(usize, LineColumn)> = items.at.iter().map(|&at| (offset(at), at)).collect();
    places.sort_by_key(|&(offset, _)| offset);
    places.dedup_by_key(|&mut (offset, _)| offset);
    let width = ATTRIBUTE.chars().count() as u32;
    let mut out = String::with_capacity(text.len() + places.len() * ATTRIBUTE.len());
    let mut inserted = Vec::new();
    let mut last = 0;
    let mut previous: Option<(usize, u32)> = None;
    for (offset, at) in places {
        out.push_str(&text[last..offset]);
        out.push_str(ATTRIBUTE);
        last = offset;
        // Earlier insertions on the same line moved this one right.
        let earlier = match previous {
            Some((line, count)) if line == at.line => count,
            _ => 0,
        };
        inserted.push((at.line as u32, at.column as u32 + 1 + earlier * width));
        previous = Some((at.line, earlier + 1));
    }
    out.push_str(&text[last..]);
    (out, inserted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instrumented(text: &str, patterns: &[&str]) -> String {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        instrument(text, &["parser".to_owned()], &patterns).0
    }

    #[test]
    fn every_function_and_impl_gets_the_attribute_and_no_line_moves() {
        let text = "/// Docs.\npub fn a(x: String) {\n    fn inner() {}\n}\nconst fn c() {}\nextern \"C\" fn e() {}\n\
                    impl S {\n    fn m(&self) {}\n}\nmod m {\n    pub(crate) async unsafe fn d() {}\n}\ntrait T { fn t() {} fn u(); }\n";
        let out = instrumented(text, &[]);
        assert_eq!(out.lines().count(), text.lines().count());
        assert_eq!(
            out,
            "/// Docs.\n#[::borrowscope_macro::trace_borrow] pub fn a(x: String) {\n    #[::borrowscope_macro::trace_borrow] fn inner() {}\n}\nconst fn c() {}\nextern \"C\" fn e() {}\n\
             #[::borrowscope_macro::trace_borrow] impl S {\n    fn m(&self) {}\n}\nmod m {\n    \
             #[::borrowscope_macro::trace_borrow] pub(crate) async unsafe fn d() {}\n}\n\
             trait T { #[::borrowscope_macro::trace_borrow] fn t() {} fn u(); }\n"
        );
    }

    #[test]
    fn items_nested_in_bodies_get_their_own_attribute() {
        let text = "impl S {\n    fn m(&self) {\n        impl Drop for D { fn drop(&mut self) {} }\n        fn helper() {}\n    }\n}\n\
                    fn test() {\n    fn check(m: &[u8]) {}\n    let f = || { fn deep() {} };\n}\n";
        let attribute = "#[::borrowscope_macro::trace_borrow] ";
        assert_eq!(
            instrumented(text, &[]),
            format!(
                "{attribute}impl S {{\n    fn m(&self) {{\n        {attribute}impl Drop for D {{ fn drop(&mut self) {{}} }}\n        \
                 {attribute}fn helper() {{}}\n    }}\n}}\n{attribute}fn test() {{\n    {attribute}fn check(m: &[u8]) {{}}\n    \
                 let f = || {{ {attribute}fn deep() {{}} }};\n}}\n"
            )
        );
        // Named under the function that holds them: `--trace test` takes its helpers too.
        assert_eq!(instrumented(text, &["test"]).matches("trace_borrow").count(), 3);
        assert_eq!(instrumented(text, &["S::m::helper"]).matches("trace_borrow").count(), 1);
    }

    #[test]
    fn a_file_syn_cannot_read_is_instrumented_item_by_item() {
        let text = "pub trait Double {\n    fn double(&self, u32) -> u32;\n}\nmod inner {\n    trait T { fn t(u8); }\n    fn f() {}\n}\nfn g() {}\n";
        assert!(syn::parse_file(text).is_err(), "an edition-2015 unnamed parameter");
        assert_eq!(
            instrumented(text, &[]),
            "pub trait Double {\n    fn double(&self, u32) -> u32;\n}\nmod inner {\n    trait T { fn t(u8); }\n    \
             #[::borrowscope_macro::trace_borrow] fn f() {}\n}\n#[::borrowscope_macro::trace_borrow] fn g() {}\n"
        );
        assert_eq!(instrumented(text, &["inner::f"]).matches("trace_borrow").count(), 1);
    }

    #[test]
    fn inline_always_functions_are_left_as_written() {
        let text = "#[inline(always)]\nfn hot(x: u8) -> u8 { x }\n#[inline]\nfn warm(x: u8) -> u8 { x }\n\
                    impl V {\n    #[inline(always)]\n    fn splat(b: u8) -> V { V(b) }\n    fn find(&self) {}\n}\nimpl W {\n    fn f(&self) {}\n}\n";
        assert_eq!(
            instrumented(text, &[]),
            "#[inline(always)]\nfn hot(x: u8) -> u8 { x }\n#[inline]\n#[::borrowscope_macro::trace_borrow] fn warm(x: u8) -> u8 { x }\n\
             impl V {\n    #[inline(always)]\n    fn splat(b: u8) -> V { V(b) }\n    #[::borrowscope_macro::trace_borrow] fn find(&self) {}\n}\n\
             #[::borrowscope_macro::trace_borrow] impl W {\n    fn f(&self) {}\n}\n"
        );
        // `--trace` naming the type still leaves the `#[inline(always)]` method out.
        assert_eq!(instrumented(text, &["V"]).matches("trace_borrow").count(), 1);
    }

    #[test]
    fn functions_holding_a_module_in_a_file_are_left_as_written() {
        // unicode-ident 1.0.13's tests/static_size.rs: `mod tables;` in a test function.
        let text = "fn size() {\n    #[path = \"../src/tables.rs\"]\n    mod tables;\n    fn helper() {}\n}\n\
                    fn outer() {\n    fn deep() {\n        mod t;\n    }\n}\nfn inline() {\n    mod m { fn f() {} }\n}\n\
                    impl S {\n    fn a() { mod x; }\n    fn b() {}\n}\n";
        assert_eq!(
            instrumented(text, &[]),
            "fn size() {\n    #[path = \"../src/tables.rs\"]\n    mod tables;\n    \
             #[::borrowscope_macro::trace_borrow] fn helper() {}\n}\n\
             fn outer() {\n    fn deep() {\n        mod t;\n    }\n}\n\
             #[::borrowscope_macro::trace_borrow] fn inline() {\n    mod m { #[::borrowscope_macro::trace_borrow] fn f() {} }\n}\n\
             impl S {\n    fn a() { mod x; }\n    #[::borrowscope_macro::trace_borrow] fn b() {}\n}\n"
        );
    }

    #[test]
    fn functions_an_attribute_may_make_const_are_left_as_written() {
        // compact_str 0.8.0: the keyword comes after `#[trace_borrow]` has expanded.
        let text = "#[rustversion::attr(since(1.64), const)]\nfn len() -> usize { 0 }\nimpl S {\n    \
                    #[rustversion::attr(since(1.64), const)]\n    fn as_str(&self) -> &str { \"\" }\n    fn push(&mut self) {}\n}\n";
        assert_eq!(
            instrumented(text, &[]),
            "#[rustversion::attr(since(1.64), const)]\nfn len() -> usize { 0 }\nimpl S {\n    \
             #[rustversion::attr(since(1.64), const)]\n    fn as_str(&self) -> &str { \"\" }\n    \
             #[::borrowscope_macro::trace_borrow] fn push(&mut self) {}\n}\n"
        );
    }

    #[test]
    fn no_panic_functions_are_left_as_written() {
        let text = "#[no_panic]\nfn hash(x: u8) -> u8 { x }\nimpl H {\n    #[no_panic::no_panic]\n    fn finish(&self) -> u64 { 0 }\n    fn write(&mut self) {}\n}\n";
        assert_eq!(
            instrumented(text, &[]),
            "#[no_panic]\nfn hash(x: u8) -> u8 { x }\nimpl H {\n    #[no_panic::no_panic]\n    fn finish(&self) -> u64 { 0 }\n    \
             #[::borrowscope_macro::trace_borrow] fn write(&mut self) {}\n}\n"
        );
    }

    #[test]
    fn items_already_traced_keep_their_own_attribute() {
        let text = "#[trace_borrow(verbose)]\nfn a() { fn b() {} }\n#[borrowscope_macro::trace_borrow]\nimpl S {}\n";
        assert_eq!(instrumented(text, &[]), text);
    }

    #[test]
    fn trace_patterns_select_modules_types_and_functions() {
        let text = "fn parse() {}\nfn print() {}\nimpl Lexer {\n    fn next(&mut self) {}\n    fn peek(&self) {}\n}\n";
        let out = instrumented(text, &["Lexer::peek", "parse"]);
        assert_eq!(
            out,
            "#[::borrowscope_macro::trace_borrow] fn parse() {}\nfn print() {}\nimpl Lexer {\n    fn next(&mut self) {}\n    \
             #[::borrowscope_macro::trace_borrow] fn peek(&self) {}\n}\n"
        );
        // The module selects everything in it; a type its whole `impl`.
        assert_eq!(instrumented(text, &["parser"]).matches("trace_borrow").count(), 3);
        assert!(instrumented(text, &["Lexer"]).contains("trace_borrow] impl Lexer"));
        assert_eq!(instrumented(text, &["lexer"]), text);
        // `*` within a segment.
        assert_eq!(instrumented(text, &["p*t"]), text.replace("fn print", "#[::borrowscope_macro::trace_borrow] fn print"));
    }

    #[test]
    fn module_paths_follow_the_file_layout() {
        let package = Path::new("/p");
        assert_eq!(module_path(package, Path::new("/p/src/lib.rs")), Vec::<String>::new());
        assert_eq!(module_path(package, Path::new("/p/src/a/b.rs")), ["a", "b"]);
        assert_eq!(module_path(package, Path::new("/p/src/a/mod.rs")), ["a"]);
        assert_eq!(module_path(package, Path::new("/p/tests/it.rs")), ["it"]);
        assert_eq!(module_path(package, Path::new("/p/src/bin/tool.rs")), ["tool"]);
    }
}
