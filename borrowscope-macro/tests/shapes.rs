//! Shapes of real code that once broke an instrumented build (issue: real code), each compiled
//! plainly and under `#[trace_borrow(verbose)]`, run, and compared; `deny(warnings)` makes any
//! warning the instrumentation adds a failure. Two families:
//! - bindings whose type the compiler does not know yet where a use of them sits (inferred
//!   from a later use, generic, closures): a compiler-decided probe there fails to compile;
//! - constant expressions that Rust promotes to `'static` (`&[]`, `[].iter()`, `[X; N]`) and
//!   temporaries whose lifetime a `let` extends: wrapping them in a call or block breaks both.
#![deny(warnings)]
#![allow(missing_docs, clippy::all)]

use std::collections::HashMap;
use std::io::IoSlice;
use std::task::Poll;

pub struct Entry {
    pub key: String,
    pub value: i32,
}

pub struct Frame<'a> {
    pub tail: &'a [u8],
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub low: u8,
    pub high: u8,
}

pub const LIMITS: Limits = Limits { low: 1, high: 9 };
pub const EMPTY: &[u8] = &[];
pub const LEN: usize = 4;

pub struct Holder<'a> {
    pub text: &'a String,
    pub pair: (&'a str, usize),
}

pub struct Slices {
    pub iter: std::slice::Iter<'static, u32>,
}

pub fn takes_generic<T: std::fmt::Debug>(value: T) -> String {
    format!("{value:?}")
}

pub fn takes_string(value: String) -> usize {
    value.len()
}

/// Defines each function twice: in `plain` as written, in `traced` instrumented.
macro_rules! shapes {
    ($($item:item)*) => {
        pub mod plain {
            use super::*;
            $($item)*
        }
        pub mod traced {
            use super::*;
            $(#[borrowscope_macro::trace_borrow(verbose)] $item)*
        }
    };
}

shapes! {
    // The type of `values` comes from the returned tuple, after its last use.
    pub fn collect_into_return<T: Clone>(items: &[T]) -> (Vec<T>, usize) {
        let values = items.iter().cloned().collect();
        let drops = items.len();
        (values, drops)
    }
    pub fn collect_into_argument(items: &[i32]) -> usize {
        let values = items.iter().map(|x| x * 2).collect();
        takes_vec(values)
    }
    pub fn takes_vec(v: Vec<i32>) -> usize {
        v.len()
    }
    pub fn default_from_later_use() -> usize {
        let text = Default::default();
        takes_string(text)
    }
    pub fn inferred_by_generic_call(n: i32) -> String {
        let parsed = "7".parse().unwrap_or(n);
        let shown = takes_generic(parsed);
        shown
    }
    pub fn into_from_later_use(s: &str) -> usize {
        let owned = s.into();
        takes_string(owned)
    }
    pub fn sum_into_return(v: &[u64]) -> u64 {
        let total = v.iter().sum();
        total
    }
    // A `move` closure capturing a generic callable: its `Copy`-ness is decided only after
    // the function's capture analysis.
    pub fn find_entry<F: Fn(&str) -> bool>(entries: &[Entry], is_match: F) -> Option<usize> {
        let eq = move |&i: &usize| is_match(&entries[i].key);
        (0..entries.len()).find(eq)
    }
    // A closure capturing `&mut bool`, called and then passed on.
    pub fn closure_with_mut_capture(n: usize) -> bool {
        let mut done = false;
        let mut mark = || done = n > 2;
        mark();
        run_once(mark);
        done
    }
    pub fn run_once(f: impl FnOnce()) {
        f()
    }
    pub fn closure_passed_on(waiting: impl FnOnce() -> bool) -> bool {
        let check = move || waiting();
        run_bool(check)
    }
    pub fn run_bool(f: impl FnOnce() -> bool) -> bool {
        f()
    }
    // Generic parameters of every kind, used by value.
    pub fn generic_param<T>(value: T) -> Vec<T> {
        let mut out = Vec::new();
        out.push(value);
        out
    }
    pub fn generic_copy<T: Copy>(value: T) -> (T, T) {
        let first = value;
        (first, value)
    }
    pub fn impl_trait_param(it: impl Iterator<Item = u8>) -> usize {
        let counted = it;
        counted.count()
    }
    pub fn const_generic<const N: usize>(values: [u8; N]) -> usize {
        let copy = values;
        copy.len() + values.len()
    }
    pub fn lifetime_param<'a>(s: &'a str) -> &'a str {
        let t = s;
        t
    }
    pub fn tuple_of_inferred(n: u8) -> (Vec<u8>, u8) {
        let pair = (Vec::new(), n);
        let moved = pair;
        moved
    }
    pub fn hashmap_from_iter(keys: &[&str]) -> usize {
        let map: HashMap<_, _> = keys.iter().map(|k| (k.to_string(), k.len())).collect();
        let moved = map;
        moved.len()
    }
    pub fn option_of_inferred(flag: bool) -> Option<Vec<u8>> {
        let value = if flag { Some(Vec::new()) } else { None };
        let result = value;
        result
    }
    // Promoted constants.
    pub fn empty_slices() -> [IoSlice<'static>; LEN] {
        [IoSlice::new(&[]); LEN]
    }
    pub fn empty_iter() -> Slices {
        Slices { iter: [].iter() }
    }
    pub fn poll_empty() -> Poll<Result<&'static [u8], ()>> {
        Poll::Ready(Ok(&[]))
    }
    pub fn frame_empty() -> Option<Frame<'static>> {
        Some(Frame { tail: &[] })
    }
    pub fn ranges_for(c: char) -> &'static [(u8, u8)] {
        match c {
            '0' => &[(b'0', b'9')],
            'a' => &[(b'a', b'z'), (b'A', b'Z')],
            _ => &[],
        }
    }
    pub fn const_struct_ref() -> &'static Limits {
        &Limits { low: LIMITS.low, high: 9 }
    }
    pub fn const_repeat() -> [Limits; 3] {
        [LIMITS; 3]
    }
    pub fn static_str_slice(i: usize) -> &'static str {
        let names: &'static [&'static str] = &["a", "b", "c"];
        names[i % 3]
    }
    pub fn casts_in_const_ref() -> &'static [u32] {
        &[1u8 as u32, 2 + 3]
    }
    pub fn range_in_const_ref() -> &'static std::ops::Range<u32> {
        &(0..3)
    }
    pub fn tuple_in_const_ref() -> &'static (u8, &'static str) {
        &(1, "one")
    }
    pub fn empty_const() -> &'static [u8] {
        let e = EMPTY;
        e
    }
    // Temporaries whose lifetime the `let` extends.
    pub fn extended_in_struct(n: usize) -> usize {
        let holder = Holder { text: &String::from("abc"), pair: (&"xy".to_owned(), n) };
        holder.text.len() + holder.pair.0.len() + holder.pair.1
    }
    pub fn extended_in_tuple() -> usize {
        let pair = (&vec![1, 2, 3], &String::from("ab"));
        pair.0.len() + pair.1.len()
    }
    pub fn extended_in_array() -> usize {
        let all = [&String::from("a"), &String::from("bc")];
        all[0].len() + all[1].len()
    }
    pub fn extended_cast() -> usize {
        let r = &(3u8 as usize);
        *r
    }
    // Found by the fuzzer: a labelled `break` whose value the expansion wraps in a call
    // (`break 'a ::path(..)` is Rust, but syn read it as a labelled loop and panicked).
    pub fn labelled_break_with_tuple(n: u8) -> (u8, u8) {
        let found = 'search: loop {
            if n > 2 {
                break 'search (n, n + 1);
            }
            break 'search (0, 0);
        };
        found
    }
    pub fn labelled_block_break(text: String) -> usize {
        let len = 'b: {
            if text.is_empty() {
                break 'b 0;
            }
            break 'b [text.len(), 1][0];
        };
        len
    }
    // Methods named like guard methods that are not: `BorrowMut::borrow_mut` on a `Vec`
    // borrows it mutably for as long as its result lives, a custom `lock(&mut self)` and
    // `io::Write::write` likewise; the receiver must not be probed while they hold it.
    pub fn guard_named_methods(n: u8) -> usize {
        use std::borrow::BorrowMut;
        use std::io::Write;
        let mut v: Vec<u8> = Vec::new();
        BorrowMut::<Vec<u8>>::borrow_mut(&mut v).push(n);
        let w: &mut Vec<u8> = v.borrow_mut();
        w.push(n);
        let mut own = OwnLock(0);
        *own.lock() += n as u32;
        let mut sink = Vec::new();
        sink.write(&[n]).unwrap_or(0) + v.len() + own.lock().to_string().len()
    }

    // A field given a value through a `Deref` that counts its calls, of a packed struct and
    // of a union: the record of the assignment calls no `Deref`, takes no reference to a
    // packed field and reads no union field (num-bigint's tests negate references too).
    pub fn fields_assigned(n: u8) -> (usize, u8, u32, bool) {
        let mut counted = Counting { inner: Entry { key: String::new(), value: 0 }, derefs: std::cell::Cell::new(0) };
        counted.key = "k".to_owned();
        let mut through = std::cell::RefCell::new(Entry { key: String::new(), value: 1 });
        through.get_mut().value = n as i32;
        let mut packed = Packed { byte: 0, word: 0 };
        packed.word = u32::from(n);
        packed.byte = n;
        let mut either = Either { word: 0 };
        either.byte = n;
        // SAFETY: `byte` was written last.
        let byte = unsafe { either.byte };
        let word = packed.word;
        let negated = -&Signed(n as i8);
        (counted.derefs.get() + counted.inner.key.len(), packed.byte + byte, word, negated.0 < 0 && !&Signed(0))
    }

    // From subtle: `-(self as &T)` under `Neg for &T`, whose result has the type expected of
    // it: the cast's record, a call put inside the parentheses, was given that type to demand
    // of the reference. The same for `!` and for a reference to a parenthesized `unwrap()`,
    // a `&&u8` coerced to the `&u8` expected.
    pub fn parenthesized_operands(n: u8) -> (i8, bool, u8) {
        let signed = Signed(n as i8);
        let negated: Signed = -(&signed as &Signed);
        let zero: bool = !(&signed as &Signed);
        let bytes = vec![n];
        let first: &u8 = &(bytes.get(0).unwrap());
        (negated.0, zero, *first)
    }
}

/// Counts the calls of its `Deref`, which a recording must not add to.
pub struct Counting {
    pub inner: Entry,
    pub derefs: std::cell::Cell<usize>,
}

impl std::ops::Deref for Counting {
    type Target = Entry;
    fn deref(&self) -> &Entry {
        self.derefs.set(self.derefs.get() + 1);
        &self.inner
    }
}

impl std::ops::DerefMut for Counting {
    fn deref_mut(&mut self) -> &mut Entry {
        self.derefs.set(self.derefs.get() + 1);
        &mut self.inner
    }
}

#[repr(C, packed)]
pub struct Packed {
    pub byte: u8,
    pub word: u32,
}

pub union Either {
    pub word: u32,
    pub byte: u8,
}

pub struct Signed(pub i8);

impl std::ops::Neg for &Signed {
    type Output = Signed;
    fn neg(self) -> Signed {
        Signed(-self.0)
    }
}

impl std::ops::Not for &Signed {
    type Output = bool;
    fn not(self) -> bool {
        self.0 == 0
    }
}

/// A type with a `lock` that borrows it mutably and is no lock.
pub struct OwnLock(pub u32);

impl OwnLock {
    pub fn lock(&mut self) -> &mut u32 {
        &mut self.0
    }
}

// From anyhow: `(*next)?` needs its parentheses; wrapped in a call, they drew `unused_parens`
// ("unnecessary parentheses around function argument") on the user's code. (Outside the
// `shapes!` macro: rustc does not lint code a local macro expanded.)
#[borrowscope_macro::trace_borrow]
pub fn parenthesized_try(next: &mut Option<&'static str>) -> Option<usize> {
    let text = (*next)?;
    Some(text.len())
}

// From crossbeam-channel's tests: `i => drop(recv())` of a `Copy` result, a match arm's whole
// body, where rustc does not warn that the drop does nothing; in a block after the arm's
// event it warned (`dropping_copy_types`), and so did an arm whose pattern binds.
fn answer(n: u8) -> Result<u8, ()> {
    Ok(n)
}

#[borrowscope_macro::trace_borrow]
pub fn drop_in_an_arm(which: u8) -> u8 {
    match which {
        0 => drop(answer(0)),
        n if n > 5 => drop(answer(n)),
        _ => std::mem::drop(answer(1)),
    }
    which
}

/// Never returns, like `hint::unreachable_unchecked` (an `unsafe fn` call the analyzer
/// reports) or `process::abort`.
pub fn stop() -> ! {
    std::process::abort()
}

// A recorded call of a diverging function: the event must not turn the call into
// unreachable code (a warning the crate did not have).
#[borrowscope_macro::trace_borrow(ffi = ["stop"])]
pub fn diverging_recorded_call(flag: bool) -> u8 {
    if flag {
        return 1;
    }
    stop()
}

/// A test harness whose methods never return, as toml-test-harness's `test(self) -> !`.
pub struct Harness(pub Vec<u8>);

impl Harness {
    pub fn finish(self) -> ! {
        std::process::abort()
    }
    pub fn fail(&mut self) -> ! {
        std::process::abort()
    }
}

// A method that never returns called on a tracked binding as a whole statement (toml_edit's
// test programs end with `harness.test();`): what is recorded of the receiver, its move or
// its borrow, must not wrap the call in a function, an unreachable call.
#[borrowscope_macro::trace_borrow]
pub fn diverging_method_by_value(flag: bool) -> u8 {
    let harness = Harness(vec![1]);
    if flag {
        return harness.0[0];
    }
    harness.finish();
}

#[borrowscope_macro::trace_borrow]
pub fn diverging_method_by_reference(flag: bool) -> u8 {
    let mut harness = Harness(vec![2]);
    if flag {
        return harness.0[0];
    }
    harness.fail();
}

#[test]
fn every_shape_compiles_and_behaves_as_before() {
    assert_eq!(diverging_recorded_call(true), 1);
    assert_eq!(diverging_method_by_value(true), 1);
    assert_eq!(diverging_method_by_reference(true), 2);
    macro_rules! same {
        ($f:ident ( $($arg:expr),* )) => {{
            let session = borrowscope_runtime::Session::new();
            let traced = session.record(|| traced::$f($($arg),*));
            assert_eq!(plain::$f($($arg),*), traced, "{} differs", stringify!($f));
        }};
    }
    let entries = || vec![Entry { key: "a".into(), value: 1 }, Entry { key: "b".into(), value: 2 }];
    assert_eq!(entries().iter().map(|e| e.value).sum::<i32>(), 3);
    same!(collect_into_return(&[1, 2]));
    same!(collect_into_argument(&[1, 2, 3]));
    same!(default_from_later_use());
    same!(inferred_by_generic_call(3));
    same!(into_from_later_use("abc"));
    same!(sum_into_return(&[1, 2, 3]));
    same!(find_entry(&entries(), |k| k == "b"));
    same!(closure_with_mut_capture(3));
    same!(closure_passed_on(|| true));
    same!(generic_param("x".to_owned()));
    same!(generic_copy(5u8));
    same!(impl_trait_param([1u8, 2].into_iter()));
    same!(const_generic([1, 2, 3]));
    same!(lifetime_param("abc"));
    same!(tuple_of_inferred(4));
    same!(hashmap_from_iter(&["a", "bb"]));
    same!(option_of_inferred(true));
    assert_eq!(plain::empty_slices().len(), traced::empty_slices().len());
    assert_eq!(plain::empty_iter().iter.len(), traced::empty_iter().iter.len());
    same!(poll_empty());
    assert_eq!(plain::frame_empty().map(|f| f.tail), traced::frame_empty().map(|f| f.tail));
    same!(ranges_for('0'));
    same!(ranges_for('a'));
    same!(ranges_for('x'));
    same!(const_struct_ref());
    same!(const_repeat());
    same!(static_str_slice(4));
    same!(casts_in_const_ref());
    same!(range_in_const_ref());
    same!(tuple_in_const_ref());
    same!(empty_const());
    same!(extended_in_struct(2));
    same!(extended_in_tuple());
    same!(extended_in_array());
    same!(extended_cast());
    same!(labelled_break_with_tuple(3));
    same!(labelled_break_with_tuple(1));
    same!(labelled_block_break("abc".to_owned()));
    same!(guard_named_methods(3));
    same!(fields_assigned(3));
    same!(parenthesized_operands(5));
    assert_eq!(parenthesized_try(&mut Some("ab")), Some(2));
    assert_eq!(parenthesized_try(&mut None), None);
    assert_eq!(drop_in_an_arm(0) + drop_in_an_arm(1) + drop_in_an_arm(7), 8);
}

// A parameter under `cfg` exists only in the builds its predicate selects: its guard and
// creation must exist only there too.
#[borrowscope_macro::trace_borrow]
pub fn parameter_under_cfg(#[cfg(any())] hidden: u8, #[cfg(all())] shown: u8, last: u8) -> u8 {
    shown + last
}

#[test]
fn a_parameter_under_cfg_is_traced_only_where_it_exists() {
    assert_eq!(parameter_under_cfg(1, 2), 3);
}
