//! Expansion snapshots: one small function per construct, expanded and pretty-printed.

use quote::quote;

fn expand(attr: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> String {
    let tokens = super::item(attr, item).unwrap();
    let printed = prettyplease::unparse(&syn::parse2(tokens).unwrap());
    // Every name and label in the sites is the user's code as written, never the expansion's.
    for (at, _) in printed.match_indices("Sites::new(") {
        let sites = &printed[at..at + printed[at..].find(");").unwrap()];
        assert!(!sites.contains("borrowscope") && !sites.contains("BORROWSCOPE"), "a site names the expansion's code: {sites}");
    }
    printed
}

macro_rules! snapshot {
    ($name:ident, $attr:tt, $($item:tt)*) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(expand(quote! $attr, quote!($($item)*)));
        }
    };
}

snapshot!(
    let_borrow_move_drop,
    (quiet),
    fn f() -> usize {
        let data = vec![1, 2, 3];
        let r = &data;
        let n = r.len();
        let moved = data;
        n + moved.len()
    }
);

// A `let` chain may fail after its pattern matched: the bindings are made, and their guards,
// in the chain, so that a binding that drops where the chain fails is recorded there.
snapshot!(
    let_chains,
    (quiet),
    fn f(a: Option<String>, v: &mut Vec<String>) -> usize {
        if let Some(s) = a
            && s.len() > 2
        {
            return s.len();
        }
        while let Some(w) = v.pop()
            && !w.is_empty()
        {
            drop(w);
        }
        0
    }
);

// A destructuring assignment takes a place on its right apart where it is (`_` moves
// nothing, `(x, _)` leaves the second part in `pair`): the place is never wrapped in a block,
// which would move all of it. Each binding it assigns gets a new instance once assigned.
snapshot!(
    destructuring_assignment,
    (quiet),
    fn f(pair: (String, String), mut a: String, mut b: String) -> usize {
        _ = a;
        let x;
        (x, _) = pair;
        (a, b) = (b, a);
        x.len() + a.len() + b.len()
    }
);

// A field given a value (`t.item = ..`) tells the guard, which holds a value to drop again
// if a use before it may have moved the part out; a negation's operand recorded by a hook is
// held out of reach of the type expected of the result (`-&a` with `Neg for &Amount`).
snapshot!(
    refilled_field_and_negated_reference,
    (quiet),
    fn f(mut t: Tagged, a: Amount) -> bool {
        let Tagged { item, .. } = t;
        t.item = item;
        t.count.0 = 1;
        -&a == Amount::zero()
    }
);

// A box moved out of by a `let`, by a value and by a method's receiver, and filled again
// (`*b = ..`): without the type-info file the probes ask `b`'s type; the moves are unknown
// ends (the refill may run or not, the method may borrow), and the refill tells the guard
// when `b` is a box. A reference written through (`*r = ..`, never read by value) records
// nothing.
snapshot!(
    refilled_and_unboxed,
    (quiet),
    fn f(mut b: Box<String>, mut d: Box<String>, c: Box<String>, r: &mut String) -> usize {
        let s = *b;
        let t = if s.is_empty() { *d } else { s };
        *b = t;
        *d = String::new();
        *r = (*c).into_boxed_str().into_string();
        b.len() + d.len()
    }
);

snapshot!(
    destructuring_and_let_else,
    (quiet, only = "control"),
    fn f(pair: (i32, String), o: Option<u8>) -> u8 {
        let (a, b) = pair;
        let Some(x) = o else { return 0 };
        a as u8 + b.len() as u8 + x
    }
);

snapshot!(
    smart_pointers,
    (only = "ownership, pointers"),
    fn f() {
        let a = Rc::new(1);
        let b = Rc::clone(&a);
        let c = RefCell::new(2);
        let d = Box::new(3);
    }
);

snapshot!(
    loops_and_labels,
    (only = "loops, control"),
    fn f(v: Vec<i32>) -> i32 {
        let mut total = 0;
        'outer: for x in v {
            while total < 10 {
                total += 1;
                if x < 0 {
                    continue 'outer;
                }
            }
            if x > 100 {
                break;
            }
        }
        total
    }
);

snapshot!(
    match_if_return_try,
    (only = "branches, control, try"),
    fn f(o: Option<i32>) -> Result<i32, String> {
        let n = match o {
            Some(v) if v > 0 => v,
            Some(_) => return Err("negative".into()),
            None => 0,
        };
        if n > 5 {
            Ok(n)
        } else {
            "7".parse::<i32>().map_err(|e| e.to_string())?;
            Ok(0)
        }
    }
);

// A tuple or array literal is recorded where no type is expected of it (a `let` without a
// type); the returned tuple is left as written, so that a type expected of it reaches its
// elements.
snapshot!(
    expressions,
    (only = "exprs"),
    fn f(x: i64) -> (Point, (i64, u8), [u8; 3], std::ops::Range<usize>) {
        let pair = (x, x as u8);
        let zeros = [0; 3];
        (Point { x, y: 0 }, pair, zeros, 0..2)
    }
);

snapshot!(
    closures_and_captures,
    (quiet, only = "exprs"),
    fn f(s: String) -> usize {
        let n = 2;
        let c = move || s.len() + n;
        c()
    }
);

snapshot!(
    closure_parameters_behind_the_gate,
    (quiet),
    fn f(items: &[u64]) -> u64 {
        let weigh = |x: u64| x * 3;
        items.iter().map(|&x| weigh(x)).sum()
    }
);

snapshot!(
    unsafe_and_raw_pointers,
    (only = "unsafe"),
    fn f(mut x: i32) -> i32 {
        let p = &mut x as *mut i32;
        unsafe {
            *p += 1;
            *p
        }
    }
);

snapshot!(
    async_and_await,
    (only = "async"),
    async fn f() -> i32 {
        let v = async { 1 }.await;
        v
    }
);

snapshot!(
    methods_and_receivers,
    (only = "ownership, methods"),
    fn f(m: std::sync::Mutex<i32>, o: Option<i32>) -> i32 {
        let g = m.lock().unwrap();
        let copy = o.clone();
        *g + copy.expect("value")
    }
);

snapshot!(
    functions_group,
    (only = "fn"),
    fn f() -> u8 {
        1
    }
);

snapshot!(
    conditional_and_sampled,
    (debug_only, sample = 0.25, quiet),
    fn f() -> u8 {
        let x = 1;
        x
    }
);

snapshot!(impl_block_skips_const_fns, (quiet), impl Point {
    fn norm(&self) -> i64 { let s = self.x * self.x; s }
    const fn origin() -> i64 { 0 }
});

// The unused `Result` is the user's to see once, in the copy as written: the instrumented
// copy's call statements allow it.
snapshot!(
    unused_result_reported_once,
    (quiet),
    fn f(tx: &Sender<u8>, v: &mut Vec<u8>) {
        tx.send(1);
        v.push(2);
        v[0] = 3;
    }
);

/// A closure whose body starts with a block (`|c| { '0' } <= c`) keeps its meaning behind
/// the gate: built as text, `{ '0' } <= c` inside braces parsed as a block statement followed
/// by `<= c` and the expansion panicked (found by the fuzz test on a mutated function).
#[test]
fn a_closure_body_that_starts_with_a_block_is_gated_whole() {
    let out = expand(
        quote!(quiet),
        quote!(
            fn f(s: &str) -> bool {
                s.chars().any(|c| { '0' } <= c && c <= '7')
            }
        ),
    );
    assert!(out.contains("({ '0' }) <= c && c <= '7'"), "{out}");
    assert_eq!(out.matches("active()").count(), 2, "the function's gate and the closure's: {out}");
}

/// compact_str writes `#[rustversion::attr(since(1.64), const)]` on methods: the keyword comes
/// once that attribute expands, after this one, and a const fn cannot call the runtime. In an
/// `impl` block such a method is left as written; on a function of its own, refused clearly.
#[test]
fn a_function_an_attribute_may_make_const_is_left_as_written_or_refused() {
    let out = expand(
        quote!(quiet),
        quote!(impl S {
            #[rustversion::attr(since(1.64), const)]
            fn len(&self) -> usize { self.0 }
            fn push(&mut self) { let n = 1; self.0 += n; }
        }),
    );
    let (len, push) = out.split_at(out.find("fn push").unwrap());
    assert!(!len.contains("borrowscope"), "the method that may be const is as written: {out}");
    assert!(push.contains("active()"), "the other is traced: {out}");
    let refused = super::item(
        quote!(quiet),
        quote!(
            #[rustversion::attr(since(1.64), const)]
            fn len() -> usize {
                0
            }
        ),
    )
    .unwrap_err();
    assert!(refused.to_string().contains("may make `const`"), "{refused}");
}

/// ron's `if (self.position == Position { line: 0, col: 0 })`: the parentheses the struct
/// literal needs are taken off the instrumented condition once the literal is recorded inside
/// a call (the compiler would call them unnecessary, at the user's line); the copy as written
/// keeps them.
#[test]
fn parentheses_a_struct_literal_needed_are_taken_off_once_it_is_recorded() {
    let out = expand(
        quote!(),
        quote!(
            fn f(p: Point) -> bool {
                if (p == Point { x: 0 }) { true } else { false }
            }
        ),
    );
    assert_eq!(out.matches("if (").count(), 1, "only the copy as written keeps them: {out}");
    assert!(out.contains("if (p == Point { x: 0 })"), "{out}");
}
