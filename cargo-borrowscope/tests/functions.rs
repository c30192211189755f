//! The function `why` ("created at src/map.rs:7593:17 in fn ..."), `show --fn` and the
//! report name for a line is the one whose body holds it. Checked line by line against syn's
//! reading of this repository's own sources: functions nested in others, methods, a trait's
//! default methods, code inside string literals and comments. Lines inside a macro's
//! arguments are left out (syn reads them as tokens; a `fn` written there in `quote!` is a
//! function to the text, not to syn).

use std::path::{Path, PathBuf};

use borrowscope_runtime::{CallSite, Event, Op, SourceIndex, Trace};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

/// What syn reads in a file: each function with a body (first and last line, name) and the
/// lines of each macro call.
#[derive(Default)]
struct Truth {
    functions: Vec<(usize, usize, String)>,
    macros: Vec<(usize, usize)>,
}

impl Truth {
    fn function(&mut self, sig: &syn::Signature, whole: proc_macro2::Span) {
        self.functions.push((sig.fn_token.span.start().line, whole.end().line, sig.ident.to_string()));
    }

    /// The innermost function holding `line`.
    fn at(&self, line: usize) -> Option<&str> {
        let holding = self.functions.iter().filter(|(first, last, _)| (*first..=*last).contains(&line));
        holding.min_by_key(|(first, last, _)| last - first).map(|(_, _, name)| name.as_str())
    }
}

impl<'ast> Visit<'ast> for Truth {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.function(&f.sig, f.span());
        visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function(&f.sig, f.span());
        visit::visit_impl_item_fn(self, f);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if f.default.is_some() {
            self.function(&f.sig, f.span());
        }
        visit::visit_trait_item_fn(self, f);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let span = mac.delimiter.span().join();
        self.macros.push((span.start().line, span.end().line));
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            // Build output and test fixtures (some of which are not Rust on purpose).
            if !matches!(name.to_str(), Some("target" | "fixtures" | ".git")) {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn each_line_is_in_the_function_whose_body_holds_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    rust_files(root, &mut files);
    // One event per file, so that the index reads each.
    let events = files
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let file: &'static str = Box::leak(path.to_string_lossy().into_owned().into_boxed_str());
            let site: &'static CallSite = Box::leak(Box::new(CallSite { name: "", detail: "", label: "", file, line: 1, column: 1, kind: "" }));
            Event { order: i as u64, clock: i as u64, thread: 0, op: Op::New, site, id: 1, arg: 0, count: 0, type_name: None }
        })
        .collect();
    let trace = Trace { events, ..Trace::default() };
    let index = SourceIndex::read(&trace, &[]);

    let (mut right, mut unnamed, mut wrong) = (0, 0, Vec::new());
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let Ok(parsed) = syn::parse_file(&text) else { continue };
        let mut truth = Truth::default();
        truth.visit_file(&parsed);
        let file = path.to_string_lossy();
        for (i, line) in text.lines().enumerate() {
            let number = i + 1;
            let code = line.trim();
            if code.is_empty() || code.starts_with("//") || truth.macros.iter().any(|(a, b)| (*a..=*b).contains(&number)) {
                continue;
            }
            match (index.function_at(&file, number as u32), truth.at(number)) {
                (got, want) if got == want => right += 1,
                // A line whose function the text cannot tell is unknown, not wrong.
                (None, Some(_)) => unnamed += 1,
                (got, want) => wrong.push(format!("{file}:{number}: {got:?}, syn says {want:?}")),
            }
        }
    }
    println!("the function of each line, against syn: {right} right, {unnamed} unnamed, {} wrong", wrong.len());
    assert!(wrong.is_empty(), "{} lines named after another function:\n{}", wrong.len(), wrong.join("\n"));
    assert!(right > 20_000, "{right} lines compared: the repository's sources were not found");
    assert!(unnamed * 100 < right, "{unnamed} lines left unnamed of {right}");
}
