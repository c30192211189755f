//! SIMD vectors through the hooks. A hook that passes the user's value through (`pass`,
//! `assigned`, `then`...) keeps the Rust ABI: with `extern "C"`, a `__m256i` passed by value
//! needs the `avx` target feature in the caller and in the hook, and a traced function without
//! it stopped compiling ("this function definition uses SIMD vector type").

#![cfg(target_arch = "x86_64")]

use std::arch::x86_64::{__m128, __m256i};
use std::mem::transmute;

use borrowscope_macro::trace_borrow;
use borrowscope_runtime::Session;

/// A function with no target feature that assigns, moves and returns 256-bit vectors: built
/// only if every hook it instantiates for `__m256i` takes it as Rust passes it.
#[trace_borrow(quiet)]
fn keep(x: __m256i, z: __m256i) -> __m256i {
    let mut y = x;
    let first = y;
    y = z;
    let both = (first, y);
    both.1
}

#[trace_borrow(quiet)]
fn lanes(x: __m128, keep: bool) -> __m128 {
    let y = x;
    let z = keep.then_some(y);
    z.unwrap_or(x)
}

#[test]
fn vectors_pass_through_traced_code_by_value() {
    // SAFETY: any 32 (16) bytes are a valid `__m256i` (`__m128`), and back.
    let (a, b) = unsafe { (transmute::<[u8; 32], __m256i>([1; 32]), transmute::<[u8; 32], __m256i>([2; 32])) };
    let session = Session::new();
    let kept = session.record(|| keep(a, b));
    let bytes = unsafe { transmute::<__m256i, [u8; 32]>(kept) };
    assert_eq!(bytes, [2u8; 32]);
    let four = unsafe { transmute::<[f32; 4], __m128>([1.5; 4]) };
    let back = unsafe { transmute::<__m128, [f32; 4]>(session.record(|| lanes(four, true))) };
    assert_eq!(back, [1.5; 4]);
    let names: Vec<&str> = session.events().iter().map(|e| e.site.name).collect();
    for name in ["y", "first", "both", "z"] {
        assert!(names.contains(&name), "`{name}` recorded: {names:?}");
    }
}
