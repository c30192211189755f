//! What moving a part of a binding leaves in it, on small in-memory fixtures (as `tests`):
//! patterns, fields, struct update syntax, destructuring assignments, boxes moved out of, and
//! fields and boxes filled again.

use crate::tests::uses;

/// A fixture's source after the lines most of these tests share: a type that needs dropping,
/// a struct of two of them and a function that takes one; the snapshots' line numbers count
/// them (not the `minicore` line).
pub(crate) fn with_two(source: &str) -> String {
    format!(
        "\n//- minicore: copy, clone, drop, fn\nstruct Owned(u8);\nimpl Drop for Owned {{ fn drop(&mut self) {{}} }}\nstruct Two {{ a: Owned, b: Owned }}\nfn consume(o: Owned) {{}}{source}"
    )
}

#[test]
fn a_pattern_a_field_or_struct_update_moves_a_binding_only_when_nothing_that_needs_dropping_stays() {
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, drop
struct Owned(u8);
impl Drop for Owned { fn drop(&mut self) {} }
struct Tagged { item: Owned, tag: u8 }
struct Both { item: Owned, other: Owned }
struct Solo(Owned);
fn main() {
    let arr = [Owned(1), Owned(2)];
    let [a, b] = arr;
    let t = Tagged { item: Owned(3), tag: 1 };
    let Tagged { item, .. } = t;
    let both = Both { item: Owned(4), other: Owned(5) };
    let Both { item: kept, .. } = both;
    let w = Solo(Owned(6));
    let inner = w.0;
    let base = Tagged { item: Owned(7), tag: 2 };
    let updated = Tagged { tag: 3, ..base };
    let twice = Both { item: Owned(8), other: Owned(9) };
    let first = twice.item;
    let second = twice.other;
}
"#
    ), @"
8:18 arr move
10:31 t move
12:35 both partial_move
14:17 w move
16:38 base move
18:17 twice partial_move
19:18 twice move");
}

#[test]
fn a_binding_whose_field_is_given_a_value_again_is_not_called_moved_by_a_move_of_its_parts() {
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, drop
struct Owned(u8);
impl Drop for Owned { fn drop(&mut self) {} }
struct Tagged { item: Owned, tag: u8 }
fn consume(o: Owned) {}
fn pattern(k: bool) {
    let mut t = Tagged { item: Owned(1), tag: 1 };
    let Tagged { item, .. } = t;
    if k { t.item = Owned(2); }
}
fn field() {
    let mut t = Tagged { item: Owned(3), tag: 1 };
    consume(t.item);
    t.item = Owned(4);
}
fn whole() {
    let mut t = Tagged { item: Owned(5), tag: 1 };
    t.item = Owned(6);
    let moved = t;
    let mut u = Tagged { item: Owned(7), tag: 1 };
    let Tagged { item, .. } = u;
}
fn before(k: bool) {
    let mut t = Tagged { item: Owned(8), tag: 1 };
    if k { t.item = Owned(9); }
    let Tagged { item, .. } = t;
    let mut l = Tagged { item: Owned(10), tag: 1 };
    loop {
        let Tagged { item, .. } = l;
        l.item = Owned(11);
        if k { break; }
    }
}
"#
    ), @"
7:31 t unknown (a field of it or what it points to is given a value again in the function: whether what moved out was refilled depends on the path taken)
8:8 k copy
12:13 t unknown (a field of it or what it points to is given a value again in the function: whether what moved out was refilled depends on the path taken)
18:17 t move
20:31 u move
24:8 k copy
25:31 t move
28:35 l unknown (a field of it or what it points to is given a value again in the function: whether what moved out was refilled depends on the path taken)
30:12 k copy");
}

#[test]
fn a_box_dereferenced_by_value_moves_its_content_out_and_nothing_else_is_a_use() {
    // Out of a box by value: as a value, or as the receiver of a method that takes `self`,
    // written `(*e)` or reached by autoderef; "unknown" where the function fills the box
    // again (`*a = ..`).
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, drop, deref, sized, add
//- /main.rs crate:main deps:std
use std::boxed::Box;
struct Owned(u8);
impl Drop for Owned { fn drop(&mut self) {} }
fn consume(o: Owned) {}
fn main(k: bool) {
    let a = Box::new(Owned(1));
    let b = Box::new(Owned(2));
    let c = Box::new(Owned(3));
    let d = Box::new(Owned(4));
    let n = Box::new(5u8);
    let x = if k { *a } else { Owned(6) };
    let y;
    y = *b;
    let r = &*c;
    let z = *d;
    let m = *n + 1;
    let e = Box::new(Owned(7));
    let f = Box::new(Owned(8));
    let g = Box::new(Owned(9));
    let w = (*e).into_u8() + f.into_u8() + (*g).peek();
}
fn refilled(k: bool) {
    let mut a = Box::new(Owned(1));
    let mut e = Box::new(Owned(2));
    let x = if k { *a } else { Owned(3) };
    let w = (*e).into_u8();
    if k {
        *a = Owned(4);
        *e = Owned(5);
    }
}
impl Owned {
    fn into_u8(self) -> u8 { 0 }
    fn peek(&self) -> u8 { 0 }
}
//- /std.rs crate:std
pub mod boxed {
    pub struct Box<T: ?Sized>(*mut T);
    impl<T> Box<T> { pub fn new(x: T) -> Box<T> { loop {} } }
    impl<T: ?Sized> core::ops::Deref for Box<T> { type Target = T; fn deref(&self) -> &T { loop {} } }
}
"#
    ), @"
11:16 k copy
11:21 a move
13:10 b move
20:15 e move
20:30 f move
25:16 k copy
25:21 a unknown (a field of it or what it points to is given a value again in the function: whether what moved out was refilled depends on the path taken)
26:15 e unknown (a field of it or what it points to is given a value again in the function: whether what moved out was refilled depends on the path taken)
27:8 k copy");
}

#[test]
fn a_destructuring_assignment_takes_apart_only_what_it_assigns_and_writes_its_places() {
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, drop
struct Owned(u8);
impl Drop for Owned { fn drop(&mut self) {} }
fn main() {
    let read = Owned(1);
    _ = read;
    let pair = (Owned(2), Owned(3));
    let x;
    (x, _) = pair;
    let whole = [Owned(4), Owned(5), Owned(6)];
    let (y, z);
    [y, .., z] = whole;
    let both = (Owned(7), Owned(8));
    let (mut p, mut q) = (Owned(9), Owned(10));
    (p, q) = both;
    let numbers = (1u8, Owned(11));
    let n;
    (n, ..) = numbers;
    let r = ref_in();
}
fn ref_in() -> u8 {
    let t = (Owned(12), Owned(13));
    let (ref a, b) = t;
    a.0
}
"#
    ), @"
5:9 read shared_borrow
8:14 pair partial_move
11:18 whole partial_move
14:14 both move
17:15 numbers shared_borrow
22:22 t partial_move
23:5 a copy");
}

#[test]
fn a_binding_moved_out_of_part_by_part_is_unknown_but_one_of_its_name_elsewhere_is_not() {
    // `p` in `twice` loses one part on one path and both on the other; `r` in `apart` one part
    // on either path (each a move in part), unless a loop repeats the `if` (`looped`: both may
    // go); `p` in `once` one part, and a closure that moves a field in its body is one move, by
    // its capture; `p` and the `p` that shadows it in `shadowed` are two bindings, each moved
    // out of once.
    insta::assert_snapshot!(uses(&with_two(
        r#"
fn twice(k: bool) {
    let p = Two { a: Owned(1), b: Owned(2) };
    if k { consume(p.a) } consume(p.b);
}
fn once() {
    let p = Two { a: Owned(3), b: Owned(4) };
    consume(p.a);
    let q = Two { a: Owned(5), b: Owned(6) };
    let c = move || consume(q.a);
}
fn shadowed() {
    let p = Two { a: Owned(7), b: Owned(8) };
    consume(p.a);
    let p = Two { a: Owned(9), b: Owned(10) };
    consume(p.b);
}
fn apart(k: u8) {
    let r = Two { a: Owned(11), b: Owned(12) };
    match k { 0 => consume(r.a), 1 => consume(r.b), _ => {} }
}
fn looped(k: bool) {
    let r = Two { a: Owned(13), b: Owned(14) };
    loop { if k { consume(r.a) } else { consume(r.b) } break; }
}
"#
    )), @"
7:8 k copy
7:20 p unknown (it is moved out of part by part: what stays depends on the path taken)
7:35 p unknown (it is moved out of part by part: what stays depends on the path taken)
11:13 p partial_move
13:13 q partial_move
17:13 p partial_move
19:13 p partial_move
23:11 k copy
23:28 r partial_move
23:47 r partial_move
27:15 k copy
27:27 r unknown (it is moved out of part by part: what stays depends on the path taken)
27:49 r unknown (it is moved out of part by part: what stays depends on the path taken)");
}

#[test]
fn fields_taken_in_turn_on_one_path_move_the_binding_by_the_last() {
    // `turn` and `tuple` take every field in turn: the last moves the binding. `some` leaves a
    // field that needs dropping: each stays a move in part. `refill` gives a field a value
    // again, `branch` takes the second only on one path, and `lazy` behind `&&`: "unknown".
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, drop, fn
struct Owned(u8);
impl Drop for Owned { fn drop(&mut self) {} }
struct Two { a: Owned, b: Owned }
fn consume(o: Owned) -> bool { true }
fn turn() {
    let p = Two { a: Owned(1), b: Owned(2) };
    consume(p.a);
    consume(p.b);
}
fn tuple(q: (Owned, Owned, u8)) -> (Owned, Owned) {
    (q.0, q.1)
}
fn some() {
    let t = (Owned(3), Owned(4), Owned(5));
    let x = t.0;
    let y = t.2;
}
fn refill() {
    let mut p = Two { a: Owned(6), b: Owned(7) };
    consume(p.a);
    p.a = Owned(8);
    consume(p.b);
}
fn branch(k: bool) {
    let p = Two { a: Owned(9), b: Owned(10) };
    consume(p.a);
    if k { consume(p.b); }
}
fn lazy() -> bool {
    let p = Two { a: Owned(11), b: Owned(12) };
    consume(p.a) && consume(p.b)
}
"#
    ), @"
7:13 p partial_move
8:13 p move
11:6 q partial_move
11:11 q move
15:13 t partial_move
16:13 t partial_move
20:13 p unknown (it is moved out of part by part: what stays depends on the path taken)
22:13 p unknown (it is moved out of part by part: what stays depends on the path taken)
26:13 p unknown (it is moved out of part by part: what stays depends on the path taken)
27:8 k copy
27:20 p unknown (it is moved out of part by part: what stays depends on the path taken)
31:13 p unknown (it is moved out of part by part: what stays depends on the path taken)
31:29 p unknown (it is moved out of part by part: what stays depends on the path taken)");
}

#[test]
fn a_binding_given_values_made_from_its_own_takes_from_each_value_once() {
    // Each `v = Two { a, ..v }` takes `b` from the value before it: a move in part each, and
    // so is a field taken from the value it made (`u`). A field taken before one of them
    // (`w`) is taken from the same value, in turn: together they take all of it, so the
    // update moves the binding. A field taken before it on one path only (`t`): "unknown".
    // A value given between two takes (`s`, the second a capture) parts them; one given on
    // one path only (`r`) does not: "unknown".
    insta::assert_snapshot!(uses(&with_two(
        r#"
fn updated(k: bool) {
    let mut v = Two { a: Owned(1), b: Owned(2) };
    v = Two { a: Owned(3), ..v };
    if k { v = Two { a: Owned(4), ..v }; }
}
fn taken_first() {
    let mut w = Two { a: Owned(5), b: Owned(6) };
    consume(w.a);
    w = Two { a: Owned(7), ..w };
}
fn taken_on_a_path(k: bool) {
    let mut t = Two { a: Owned(11), b: Owned(12) };
    if k { consume(t.a) }
    t = Two { a: Owned(13), ..t };
}
fn then_taken(k: bool) {
    let mut u = Two { a: Owned(8), b: Owned(9) };
    u = Two { a: Owned(10), ..u };
    if k { consume(u.a) }
}
fn reassigned_between() {
    let mut s = Two { a: Owned(14), b: Owned(15) };
    consume(s.a);
    s = Two { a: Owned(16), b: Owned(17) };
    let c = move || consume(s.b);
}
fn reassigned_on_a_path(k: bool) {
    let mut r = Two { a: Owned(18), b: Owned(19) };
    consume(r.a);
    if k { r = Two { a: Owned(20), b: Owned(21) }; }
    consume(r.b);
}
"#
    )), @"
7:30 v partial_move
8:8 k copy
8:37 v partial_move
12:13 w partial_move
13:30 w move
17:8 k copy
17:20 t unknown (it is moved out of part by part: what stays depends on the path taken)
18:31 t unknown (it is moved out of part by part: what stays depends on the path taken)
22:31 u partial_move
23:8 k copy
23:20 u partial_move
27:13 s partial_move
29:13 s partial_move
33:13 r unknown (it is moved out of part by part: what stays depends on the path taken)
34:8 k copy
35:13 r unknown (it is moved out of part by part: what stays depends on the path taken)");
}

#[test]
fn what_an_enum_variant_pattern_leaves_by_rest_needs_no_dropping_when_nothing_of_the_enum_does() {
    // `Frame::Concat { tail, .. }` of references moves nothing (regex-syntax's `pop`, also with
    // the lifetime an `impl` names); of a type with an owned field, what `..` leaves is the
    // variant's other fields (`second` here, so `h` is moved in part).
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, drop, slice
struct Owned(u8);
impl Drop for Owned { fn drop(&mut self) {} }
enum Frame<'a> { Concat { head: &'a u8, tail: &'a [u8] }, Group(&'a u8) }
enum Held { Pair { first: Owned, second: Owned }, Empty }
fn pop(induct: Frame<'_>) -> usize {
    match induct { Frame::Concat { tail, .. } => 1, Frame::Group(_) => 0 }
}
struct Visitor<'a>(&'a u8);
impl<'a> Visitor<'a> {
    fn pop(&self, induct: Frame<'a>) -> usize { match induct { Frame::Concat { tail, .. } => 1, Frame::Group(_) => 0 } }
}
fn take(h: Held) -> u8 {
    match h { Held::Pair { first, .. } => first.0, Held::Empty => 0 }
}
"#
    ), @"
6:11 induct shared_borrow
6:20 induct shared_borrow
6:53 induct shared_borrow
10:55 induct shared_borrow
10:64 induct shared_borrow
10:97 induct shared_borrow
13:11 h move
13:15 h partial_move
13:43 first copy
13:52 h shared_borrow");
}

#[test]
fn a_pattern_matched_through_a_reference_moves_nothing_out_of_what_it_matches() {
    // im-rc's `Node::insert`: `match entry { Entry::Value(ref current, _) => .. }` with `entry:
    // &mut Entry<A>` reaches the variant through the reference; what `_` leaves of a generic
    // part does not matter, nothing is moved out of `entry`.
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, drop
enum Entry<A> { Value(A, u32), Node(u8) }
fn insert<A>(entry: &mut Entry<A>) -> u32 {
    match entry { Entry::Value(ref current, _) => 1, Entry::Node(_) => 0 }
}
"#
    ), @"
3:11 entry shared_borrow
3:19 entry shared_borrow
3:54 entry shared_borrow");
}

#[test]
fn fields_of_a_generic_struct_taken_in_turn_move_it_with_the_last() {
    // num-rational's `impl Mul for Ratio<T>`: `rhs.numer` and `rhs.denom` both taken in one
    // expression. Whether `denom` needs dropping depends on `T`, so what the first take
    // leaves is not known; after the second nothing stays, whatever `T` is. A field taken
    // alone, in one arm each, or with a field that needs dropping left: not a move of all.
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, drop
struct Ratio<T> { numer: T, denom: T }
struct Tagged<T> { value: T, label: Name }
struct Name(u8);
impl Drop for Name { fn drop(&mut self) {} }
fn take<T>(a: T, b: T) -> T { a }
fn mul<T>(rhs: Ratio<T>, k: T) -> (T, T) {
    (take(rhs.numer, k), rhs.denom)
}
fn numer<T>(r: Ratio<T>) -> T { r.numer }
fn arms<T>(r: Ratio<T>, first: bool) -> T { if first { r.numer } else { r.denom } }
fn pair<T>(p: (T, T)) -> T { take(p.0, p.1) }
fn label<T>(t: Tagged<T>) -> T { t.value }
fn separately<T>(s: Ratio<T>) -> T {
    let n = s.numer;
    let d = s.denom;
    take(n, d)
}
"#
    ), @"
5:31 a move
7:11 rhs unknown (a part of it moved out, and whether what stays needs dropping depends on type parameters)
7:22 k move
7:26 rhs move
9:33 r unknown (a part of it moved out, and whether what stays needs dropping depends on type parameters)
10:48 first copy
10:56 r unknown (a part of it moved out, and whether what stays needs dropping depends on type parameters)
10:73 r unknown (a part of it moved out, and whether what stays needs dropping depends on type parameters)
11:35 p unknown (a part of it moved out, and whether what stays needs dropping depends on type parameters)
11:40 p move
12:34 t partial_move
14:13 s unknown (a part of it moved out, and whether what stays needs dropping depends on type parameters)
15:13 s move
16:10 n move
16:13 d move");
}

#[test]
fn a_wildcard_of_a_generic_type_only_reads_and_a_field_under_a_cfg_leaves_its_arm_unknown() {
    // proc-macro2 1.0.89: `let _ = range;` with `range: R`, and a struct pattern that names a
    // field twice, each under a `cfg` of its own: which one the build compiles, the analysis
    // cannot be sure of (proc-macro2's build script set `wrap_proc_macro` for rust-analyzer
    // and not for the test build), so that arm stays unknown; so does one field under a `cfg`
    // the analysis has on (`kept` would move `token` out in part, or nothing where it is off).
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, drop, option
//- /main.rs cfg:wrapped
struct Owned(u8);
impl Drop for Owned { fn drop(&mut self) {} }
enum Inner { Fallback(Owned), Real(u8) }
enum Token { Lit { inner: Inner, span: u8 }, Other(Owned) }
fn consume(o: Owned) {}
fn subspan<R>(range: R) -> Option<u8> {
    let _ = range;
    None
}
fn push(token: Token) {
    match token {
        Token::Lit {
            #[cfg(wrapped)]
            inner: Inner::Fallback(literal),
            #[cfg(not(wrapped))]
            inner: literal,
            ..
        } => consume(literal),
        Token::Lit { span, .. } => {}
        Token::Other(o) => consume(o),
    }
}
fn one(token: Token) {
    match token {
        Token::Lit { #[cfg(wrapped)] inner: Inner::Fallback(kept), .. } => {}
        Token::Other(o) => consume(o),
    }
}
enum Generic<T> { Both { a: Owned, b: T } }
fn generic<T>(g: Generic<T>) {
    match g {
        Generic::Both { a, .. } => consume(a),
    }
}
"#
    ), @"
7:13 range shared_borrow
11:11 token move
12:9 token unknown (what the arm's pattern leaves in the binding could not be told)
18:22 literal move
19:9 token shared_borrow
20:9 token move
20:36 o move
24:11 token move
25:9 token unknown (what the arm's pattern leaves in the binding could not be told)
26:9 token move
26:36 o move
31:11 g move
32:9 g unknown (a part of it moved out, and whether what stays needs dropping could not be told)
32:44 a move");
}
