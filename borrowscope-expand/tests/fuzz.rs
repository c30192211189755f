//! Fuzzing the expansion on real code: every function and `impl` block of real sources (this
//! repository's own crates and the crates.io packages its build has downloaded, read from
//! Cargo's registry folder), mutated at the token level while it still parses, expanded with
//! random option sets. Whatever the input, the expansion must not panic, its output must parse
//! as Rust, and when it refuses the input the user's tokens must come back unchanged after
//! one diagnostic.
//!
//! The seed is fixed, so CI runs the same cases every time. A long run:
//! `BORROWSCOPE_FUZZ_CASES=200000 cargo test --release -p borrowscope-expand --test fuzz`
//! (`BORROWSCOPE_FUZZ_SEED` picks another seed). A failure prints the input that caused
//! it, to be added to `regressions` below.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, Group, Ident, Literal, Span, TokenStream, TokenTree};
use quote::ToTokens;

/// The crates.io packages whose sources are fuzzed, when the registry has them (they are in
/// the workspace's `Cargo.lock`, so any machine that built the workspace has them): parsers,
/// generic containers, concurrency, unsafe-heavy and macro-heavy code.
const PACKAGES: &[&str] = &[
    "syn",
    "serde",
    "serde_json",
    "proc-macro2",
    "quote",
    "memchr",
    "smallvec",
    "arrayvec",
    "hashbrown",
    "indexmap",
    "crossbeam-channel",
    "crossbeam-utils",
    "either",
    "itoa",
    "regex-syntax",
    "rowan",
    "tempfile",
    "proptest",
    "insta",
    "clap_builder",
    "ra_ap_hir_ty",
    "ra_ap_parser",
];

/// A small deterministic generator (xorshift64*), so that a seed names a run exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

fn number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The registry folders of `PACKAGES`, at the versions `Cargo.lock` names.
fn registry_packages() -> Vec<PathBuf> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let lock = std::fs::read_to_string(workspace.join("Cargo.lock")).unwrap_or_default();
    let mut wanted = Vec::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(value) = line.strip_prefix("name = ") {
            name = Some(value.trim_matches('"').to_owned());
        } else if let (Some(value), Some(current)) = (line.strip_prefix("version = "), &name)
            && PACKAGES.contains(&current.as_str())
        {
            wanted.push(format!("{current}-{}", value.trim_matches('"')));
        }
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .unwrap_or_default();
    let mut registries: Vec<PathBuf> = std::fs::read_dir(home.join("registry/src")).into_iter().flatten().flatten().map(|e| e.path()).collect();
    registries.sort();
    let mut found: Vec<PathBuf> = wanted.iter().filter_map(|w| registries.iter().map(|r| r.join(w)).find(|p| p.is_dir())).collect();
    found.sort();
    found.dedup();
    found
}

/// Every `.rs` file under `dir/src` and `dir/tests`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.join("src"), dir.join("tests")];
    while let Some(path) = stack.pop() {
        for entry in std::fs::read_dir(&path).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if entry.file_name() != "target" && entry.file_name() != "fixtures" {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The functions and `impl` blocks of a file, nested ones too, as token streams.
fn items(file: &syn::File, out: &mut Vec<TokenStream>) {
    fn walk(items: &[syn::Item], out: &mut Vec<TokenStream>) {
        for item in items {
            match item {
                syn::Item::Fn(function) => out.push(function.to_token_stream()),
                syn::Item::Impl(block) => {
                    out.push(block.to_token_stream());
                    for member in &block.items {
                        if let syn::ImplItem::Fn(method) = member {
                            let function = syn::ItemFn {
                                attrs: method.attrs.clone(),
                                vis: method.vis.clone(),
                                sig: method.sig.clone(),
                                block: Box::new(method.block.clone()),
                            };
                            out.push(function.to_token_stream());
                        }
                    }
                }
                syn::Item::Mod(module) => {
                    if let Some((_, inner)) = &module.content {
                        walk(inner, out);
                    }
                }
                _ => {}
            }
        }
    }
    walk(&file.items, out);
}

/// The corpus: every function and `impl` block of this repository and of the registry
/// packages found, and how many packages were found.
fn corpus() -> (Vec<TokenStream>, usize) {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut dirs: Vec<PathBuf> = [
        "type-info-schema",
        "borrowscope-runtime",
        "borrowscope-expand",
        "borrowscope-macro",
        "borrowscope-analyzer",
        "cargo-borrowscope",
        "tests",
        "xtask",
    ]
    .iter()
    .map(|d| workspace.join(d))
    .collect();
    let packages = registry_packages();
    let found = packages.len();
    dirs.extend(packages);
    let mut out = Vec::new();
    for dir in dirs {
        for file in rust_files(&dir) {
            let Ok(text) = std::fs::read_to_string(&file) else { continue };
            // Test inputs that are meant not to parse are no functions.
            let Ok(parsed) = syn::parse_file(&text) else { continue };
            items(&parsed, &mut out);
        }
    }
    (out, found)
}

/// Identifiers a mutation may put in place of another: keywords that change meaning, names
/// the expansion treats specially, and ordinary ones.
const IDENTS: &[&str] = &[
    "move",
    "async",
    "unsafe",
    "ref",
    "mut",
    "self",
    "Self",
    "return",
    "break",
    "continue",
    "loop",
    "while",
    "for",
    "match",
    "if",
    "else",
    "let",
    "const",
    "static",
    "await",
    "dyn",
    "impl",
    "fn",
    "in",
    "as",
    "drop",
    "clone",
    "into_iter",
    "Rc",
    "Arc",
    "Box",
    "RefCell",
    "Cell",
    "Mutex",
    "spawn",
    "thread",
    "channel",
    "lock",
    "borrow_mut",
    "new",
    "x",
    "y",
    "v",
    "_",
    "r#match",
    "union",
    "yield",
    "macro_rules",
    "println",
    "vec",
    "Some",
    "None",
];

/// A token-level mutation of `stream`: one token tree, chosen among all of them (at any
/// depth), deleted, duplicated, swapped with its neighbour, replaced, spliced in from
/// another item, or wrapped in a group.
fn mutate(stream: TokenStream, donor: &TokenStream, rng: &mut Rng) -> TokenStream {
    let total = count(stream.clone());
    let mut target = rng.below(total.max(1));
    let donors: Vec<TokenTree> = flatten(donor.clone());
    let choice = rng.below(7);
    let spliced = donors.get(rng.below(donors.len())).cloned();
    let ident = IDENTS[rng.below(IDENTS.len())];
    let literal = match rng.below(5) {
        0 => Literal::i32_unsuffixed(0),
        1 => Literal::string(""),
        2 => Literal::u8_suffixed(255),
        3 => Literal::f64_unsuffixed(1.5),
        _ => Literal::byte_string(b"\xff"),
    };
    let delimiter = [Delimiter::Parenthesis, Delimiter::Brace, Delimiter::Bracket, Delimiter::None][rng.below(4)];
    let mut edit = |trees: &mut Vec<TokenTree>, i: usize| match choice {
        0 => {
            trees.remove(i);
        }
        1 => trees.insert(i, trees[i].clone()),
        2 if i + 1 < trees.len() => trees.swap(i, i + 1),
        3 => {
            let new =
                if let Some(raw) = ident.strip_prefix("r#") { Ident::new_raw(raw, Span::call_site()) } else { Ident::new(ident, Span::call_site()) };
            trees[i] = TokenTree::Ident(new);
        }
        4 => trees[i] = TokenTree::Literal(literal.clone()),
        5 => {
            if let Some(tree) = spliced.clone() {
                trees.insert(i, tree);
            }
        }
        _ => trees[i] = TokenTree::Group(Group::new(delimiter, trees[i].clone().into())),
    };
    edit_at(stream, &mut target, &mut edit)
}

fn count(stream: TokenStream) -> usize {
    stream
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(group) => 1 + count(group.stream()),
            _ => 1,
        })
        .sum()
}

fn flatten(stream: TokenStream) -> Vec<TokenTree> {
    let mut out = Vec::new();
    for tree in stream {
        if let TokenTree::Group(group) = &tree {
            out.extend(flatten(group.stream()));
        }
        out.push(tree);
    }
    out
}

/// Applies `edit` to the sequence holding the `target`-th token tree (in pre-order).
fn edit_at(stream: TokenStream, target: &mut usize, edit: &mut dyn FnMut(&mut Vec<TokenTree>, usize)) -> TokenStream {
    let mut trees: Vec<TokenTree> = stream.into_iter().collect();
    let mut i = 0;
    while i < trees.len() {
        if *target == 0 {
            edit(&mut trees, i);
            *target = usize::MAX;
            break;
        }
        *target = target.saturating_sub(1);
        if let TokenTree::Group(group) = &trees[i]
            && *target != usize::MAX
        {
            let inner = edit_at(group.stream(), target, edit);
            let mut rebuilt = Group::new(group.delimiter(), inner);
            rebuilt.set_span(group.span());
            trees[i] = TokenTree::Group(rebuilt);
        }
        if *target == usize::MAX {
            break;
        }
        i += 1;
    }
    trees.into_iter().collect()
}

/// Option sets: valid ones, and (one in ten) some the macro must refuse with a diagnostic.
const OPTIONS: &[&str] = &[
    "quiet",
    "verbose",
    "skip = \"loops\"",
    "only = \"ownership, pointers\"",
    "only = \"control, methods, unsafe, async\"",
    "filter = \"a*\"",
    "sample = 0.5",
    "debug_only",
    "release_only",
    "feature = \"x\"",
    "warn",
    "ffi = [\"abs\"]",
    "unions = [\"U\"]",
    "statics = [\"S\"]",
    "skip = \"expressions, try\"",
];
const BAD_OPTIONS: &[&str] = &["bogus", "sample = 2.0", "only = \"nope\"", "skip = 3", "filter", "quiet = 1"];

fn options(rng: &mut Rng) -> TokenStream {
    let chosen: Vec<&str> = (0..rng.below(4))
        .map(|_| if rng.below(10) == 0 { BAD_OPTIONS[rng.below(BAD_OPTIONS.len())] } else { OPTIONS[rng.below(OPTIONS.len())] })
        .collect();
    chosen.join(", ").parse().unwrap()
}

/// Whether `stream` is still an item the attribute can sit on (a mutation that breaks the
/// syntax is not kept: the compiler would reject it before the macro ran).
fn parses_as_item(stream: &TokenStream) -> bool {
    syn::parse2::<syn::Item>(stream.clone()).is_ok_and(|item| matches!(item, syn::Item::Fn(_) | syn::Item::Impl(_)))
        && !crate_as_value(stream.clone())
}

/// Whether `crate` or `super` stands alone, as a value (`crate > x`): syn accepts it, the
/// compiler never does (`pub(crate)` and `crate::path` are fine), and syn cannot read such
/// an expression back at the start of a statement.
fn crate_as_value(stream: TokenStream) -> bool {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    let alone = trees.len() == 1;
    trees.iter().enumerate().any(|(i, tree)| match tree {
        TokenTree::Ident(ident) if ident == "crate" || ident == "super" => {
            !alone && !matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':')
        }
        TokenTree::Group(group) => crate_as_value(group.stream()),
        _ => false,
    })
}

/// Whether expanding `item` with `attr` is refused, and what is wrong with it, if anything.
fn check(attr: &TokenStream, item: &TokenStream) -> (bool, Option<String>) {
    let result = catch_unwind(AssertUnwindSafe(|| borrowscope_expand::expand(attr.clone(), item.clone())));
    let refused = matches!(result, Ok(Err(_)));
    let problem = match result {
        Err(panic) => {
            let message = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
            Some(format!("the expansion panicked: {message}"))
        }
        Ok(Ok(tokens)) => syn::parse2::<syn::File>(tokens.clone()).err().map(|error| format!("the output does not parse ({error}):\n{tokens}")),
        Ok(Err(_)) => {
            let out = borrowscope_expand::trace_borrow(attr.clone(), item.clone());
            let out_text = out.to_string();
            let item_text = item.to_string();
            if !out_text.ends_with(&item_text) || !out_text.contains("compile_error") {
                Some(format!("a refusal did not return the tokens unchanged after a diagnostic:\n{out_text}"))
            } else {
                syn::parse2::<syn::File>(out).err().map(|error| format!("a refusal's output does not parse: {error}"))
            }
        }
    };
    (refused, problem)
}

#[test]
fn mutated_real_functions_expand_without_panic_into_code_that_parses() {
    let cases = number("BORROWSCOPE_FUZZ_CASES", 1500);
    let seed = number("BORROWSCOPE_FUZZ_SEED", 0xb0a5_c0de);
    let (corpus, packages) = corpus();
    assert!(corpus.len() > 500, "too few functions to fuzz: {}", corpus.len());
    let mut rng = Rng(seed | 1);
    let mut failures = Vec::new();
    let (mut mutated, mut refused) = (0u64, 0u64);
    let mut reasons: std::collections::BTreeMap<String, u64> = Default::default();
    // Panics are caught and reported below; the default hook would print each one.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for case in 0..cases {
        let original = &corpus[rng.below(corpus.len())];
        let donor = &corpus[rng.below(corpus.len())];
        let mut item = original.clone();
        for _ in 0..rng.below(4) {
            // A few tries for a mutation that still parses; otherwise keep what we have.
            for _ in 0..8 {
                let candidate = mutate(item.clone(), donor, &mut rng);
                if parses_as_item(&candidate) {
                    item = candidate;
                    mutated += 1;
                    break;
                }
            }
        }
        let attr = options(&mut rng);
        let (was_refused, problem) = check(&attr, &item);
        if was_refused {
            refused += 1;
            if let Ok(Err(error)) = catch_unwind(AssertUnwindSafe(|| borrowscope_expand::expand(attr.clone(), item.clone()))) {
                *reasons.entry(error.to_string().chars().take(50).collect()).or_default() += 1;
            }
        }
        if let Some(problem) = problem {
            // The whole input, for a regression test (the message shows its start).
            let saved = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-{seed}-{case}.txt"));
            let _ = std::fs::write(&saved, format!("{attr}\n{item}\n"));
            failures.push(format!("case {case} (seed {seed}): #[trace_borrow({attr})]\n{item}\n=> {problem}"));
            if failures.len() >= 5 {
                break;
            }
        }
    }
    std::panic::set_hook(hook);
    eprintln!("fuzzed {cases} cases from {} items ({packages} registry packages), {mutated} mutations kept, {refused} refused", corpus.len());
    for (reason, count) in &reasons {
        eprintln!("  refused {count}: {reason}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Inputs the fuzzer once found a problem with.
#[test]
fn regressions() {
    let cases: &[(&str, &str)] = &[
        // A labelled break whose value is wrapped: syn took `break 'a ::path(..)` for a
        // labelled loop, and the expansion panicked.
        ("", "fn f(n: u8) -> (u8, u8) { 'a: loop { break 'a (n, n); } }"),
        ("verbose", "fn f(s: String) -> usize { 'b: { break 'b s; } .len() }"),
    ];
    for (attr, item) in cases {
        let (attr, item): (TokenStream, TokenStream) = (attr.parse().unwrap(), item.parse().unwrap());
        assert_eq!(check(&attr, &item).1, None, "#[trace_borrow({attr})] {item}");
    }
}
