//! A failing `assert!` without a message of its own panics with `assertion failed: ` and
//! its condition as rustc prints it. Instrumented, the condition holds calls into the
//! runtime; the panic must still carry the original text, as the same `&'static str`, so that
//! `#[should_panic(expected = ..)]` and a test's failure output read as they do untraced.
//! Each case is one condition written into a traced function and an untraced twin: the two
//! panic with the same payload, and the traced one records the condition's use of `v` where
//! the message can be printed as rustc does (else the assertion is left as written).

// The conditions are written the way rustc's printing differs from the source, not the way
// Clippy would have them.
#![allow(clippy::nonminimal_bool, clippy::suspicious_map, clippy::needless_borrow)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use borrowscope_macro::trace_borrow;
use borrowscope_runtime::Session;

fn takes(v: &[u8], _: u8) -> bool {
    v.is_empty()
}

fn len(v: &[u8]) -> usize {
    v.len()
}

fn slice(v: &[u8]) -> &[u8] {
    v
}

fn consume(v: Vec<u8>) -> bool {
    v.is_empty()
}

/// The `&'static str` a call panicked with; fails the test if it did not, or with another type.
fn payload(f: impl FnOnce()) -> &'static str {
    let error = catch_unwind(AssertUnwindSafe(f)).expect_err("the assertion holds");
    error.downcast_ref::<&'static str>().expect("the payload is a `&'static str`")
}

macro_rules! case {
    ($name:ident, $v:ident, instrumented: $instrumented:literal, $($cond:tt)*) => {
        #[test]
        fn $name() {
            #[trace_borrow(quiet)]
            fn traced($v: Vec<u8>) {
                assert!($($cond)*);
            }
            fn plain($v: Vec<u8>) {
                assert!($($cond)*);
            }
            let expected = payload(|| plain(vec![1, 2, 3]));
            let session = Session::new();
            let got = session.record(|| payload(|| traced(vec![1, 2, 3])));
            assert_eq!(got, expected);
            let condition: Vec<String> = session
                .events()
                .iter()
                .map(|e| format!("{} {}", e.op, e.site.name))
                .filter(|e| !matches!(e.as_str(), "new v" | "drop v" | "scope_end v"))
                .collect();
            assert_eq!(!condition.is_empty(), $instrumented, "events of the condition: {condition:?}");
        }
    };
}

case!(a_comparison, v, instrumented: true, len(&v) == 0);
case!(spaces_put_back, v, instrumented: true, takes(&v, 0) && len(&v)<2);
case!(a_closure, v, instrumented: true, v.iter().all(|x| *x > 10));
case!(indexing_and_precedence, v, instrumented: true, v[0] == 2 || v[1] == 2 && len(&v)>9);
case!(a_trailing_comma, v, instrumented: true, takes(&v, 1,));
case!(a_turbofish, v, instrumented: true, Some(len(&v)).into_iter().sum::<usize>() == 0);
case!(a_cast_in_parentheses, v, instrumented: true, (len(&v) as u8) < 1);
case!(a_range_and_a_closure, v, instrumented: true, v.get(0..2).map(|s| s.len()) == Some(0));
case!(a_double_negation, v, instrumented: true, !!takes(&v, 1));
case!(a_pattern_in_a_closure, v, instrumented: true, v.iter().map(|&x| (x, x)).count() == Vec::<(u8, u8)>::new().len());
case!(a_move, v, instrumented: true, consume(v));
case!(a_repeat_and_a_slice, v, instrumented: true, slice(&v) == &[0u8; 3][..]);
case!(a_literal_with_a_suffix, v, instrumented: true, len(&v) as f64 > 10.0_f64);
case!(a_reference_to_a_reference, v, instrumented: true, takes(&&v, b'a'));
// Longer than rustc prints on one line, holding a macro, holding a brace: left as written.
case!(too_long_for_one_line, v, instrumented: false,
    takes(&v, 0) || v.iter().map(|x| u64::from(*x) * 1000).filter(|x| *x > 100).count() == 7);
case!(a_macro_inside, v, instrumented: false, len(&v) == vec![1u8].len());
case!(a_block_inside, v, instrumented: false, len(&v) == { 1 });
case!(a_brace_in_a_literal, v, instrumented: false, takes(&v, b'{'));
