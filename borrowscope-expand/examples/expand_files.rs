//! Expands every function and `impl` block of the given Rust files as `cargo borrowscope
//! run --all` would (syntax only), and prints the time it took and the tokens in and out:
//! `cargo run --release -p borrowscope-expand --example expand_files -- FILE...`.
//! Outside rustc, tokens are proc_macro2's own, so this measures the expansion's own work,
//! not the compiler's bridge.

use std::time::{Duration, Instant};

use quote::ToTokens;

fn count(tokens: proc_macro2::TokenStream) -> usize {
    tokens
        .into_iter()
        .map(|tree| match tree {
            proc_macro2::TokenTree::Group(group) => 2 + count(group.stream()),
            _ => 1,
        })
        .sum()
}

fn items(list: &[syn::Item], out: &mut Vec<proc_macro2::TokenStream>) {
    for item in list {
        match item {
            syn::Item::Fn(_) | syn::Item::Impl(_) => out.push(item.to_token_stream()),
            syn::Item::Mod(module) => {
                if let Some((_, inner)) = &module.content {
                    items(inner, out);
                }
            }
            _ => {}
        }
    }
}

fn main() {
    let (mut spent, mut tokens_in, mut tokens_out, mut count_items) = (Duration::ZERO, 0, 0, 0);
    let mut worst = Vec::new();
    let mut sites = 0;
    // With EXPAND_DUMP=FILE, every expansion is written there, one per line, to compare two
    // versions of the expansion.
    let mut dump = std::env::var_os("EXPAND_DUMP").map(|path| std::fs::File::create(path).expect("EXPAND_DUMP is a writable path"));
    // With EXPAND_ATTR="skip = \"loops\", quiet", the attribute's options.
    let attr: proc_macro2::TokenStream = std::env::var("EXPAND_ATTR").unwrap_or_default().parse().expect("EXPAND_ATTR is tokens");
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let Ok(file) = syn::parse_file(&text) else {
            eprintln!("{path}: does not parse, skipped");
            continue;
        };
        let mut found = Vec::new();
        items(&file.items, &mut found);
        for item in found {
            let size = count(item.clone());
            let start = Instant::now();
            let out = borrowscope_expand::trace_borrow(attr.clone(), item);
            let took = start.elapsed();
            spent += took;
            let text = out.to_string();
            if let Some(dump) = &mut dump {
                use std::io::Write;
                writeln!(dump, "{text}").expect("the dump file is writable");
            }
            sites += text.matches("static SITE").count();
            let out_size = count(out);
            tokens_in += size;
            tokens_out += out_size;
            count_items += 1;
            worst.push((took, size, out_size, path.clone()));
        }
    }
    worst.sort_by_key(|w| std::cmp::Reverse(w.0));
    for (took, size, out_size, path) in worst.iter().take(8) {
        println!("  {:>8.2} ms  {size:>6} -> {out_size:>7} tokens  {path}", took.as_secs_f64() * 1e3);
    }
    println!(
        "{sites} sites, {count_items} items, {:.1} ms, {tokens_in} tokens in, {tokens_out} out ({:.1}x)",
        spent.as_secs_f64() * 1e3,
        tokens_out as f64 / tokens_in.max(1) as f64
    );
}
