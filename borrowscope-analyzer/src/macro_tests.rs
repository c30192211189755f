//! What a macro's arguments do to the bindings they name, on small in-memory fixtures (as
//! `tests`): fields taken in turn through macro calls, moves in macros the expansion leaves as
//! written, a `match` in a macro's code, and parentheses.

use crate::partial_tests::with_two;
use crate::tests::uses;

#[test]
fn fields_taken_in_turn_in_a_macros_arguments_move_the_binding_by_the_last() {
    // `check!` runs its arguments in the order written: the last field taken moves `p`, in
    // one call of it, in two (the second after the first) and after a field taken outside.
    // `flip!` runs them in the other order, and `check!`'s message arguments only when the
    // check fails: what stays is not settled for either, "unknown".
    insta::assert_snapshot!(uses(&with_two(
        r#"
macro_rules! check {
    ($a:expr, $b:expr) => { match (&$a, &$b) { (_x, _y) => {} } };
    ($a:expr, $b:expr, $m:expr) => { match (&$a, &$b) { (x, y) => { if x != y { $m; } } } };
}
macro_rules! flip { ($a:expr, $b:expr) => { ($b, $a) } }
fn in_macro() {
    let p = Two { a: Owned(1), b: Owned(2) };
    check!(consume(p.a), consume(p.b));
}
fn flipped() {
    let p = Two { a: Owned(3), b: Owned(4) };
    let _q = flip!(p.a, p.b);
}
fn across() {
    let p = Two { a: Owned(5), b: Owned(6) };
    consume(p.a);
    check!(consume(p.b), ());
}
fn two_calls() {
    let p = Two { a: Owned(7), b: Owned(8) };
    check!(consume(p.a), ());
    check!(consume(p.b), ());
}
fn message() {
    let p = Two { a: Owned(9), b: Owned(10) };
    check!(consume(p.a), (), consume(p.b));
}
"#
    )), @"
12:20 p partial_move
12:34 p move
16:20 p unknown (it is moved out of part by part: what stays depends on the path taken)
16:25 p unknown (it is moved out of part by part: what stays depends on the path taken)
20:13 p partial_move
21:20 p move
25:20 p partial_move
26:20 p move
30:20 p unknown (it is moved out of part by part: what stays depends on the path taken)
30:38 p unknown (it is moved out of part by part: what stays depends on the path taken)");
}

#[test]
fn a_move_in_a_macro_left_as_written_is_one_only_where_the_macro_always_makes_it() {
    // `pair!` and `keep!` move their arguments whenever the statement around them runs:
    // moves (also a statement in an `if`'s block or a `match` arm's). `maybe!` moves in a
    // branch of its own code, and `pair!` in a closure runs when the closure is called:
    // "unknown" (the closure's capture moves `d`). `later!`'s closure names no use.
    insta::assert_snapshot!(uses(&with_two(
        r#"
macro_rules! pair { ($a:expr, $b:expr) => { ($a, $b) } }
macro_rules! keep { ($a:expr) => {{ let kept = $a; kept }} }
macro_rules! maybe { ($k:expr, $a:expr) => { if $k { consume($a); } } }
macro_rules! later { ($a:expr) => { move || consume($a) } }
fn always(k: bool) {
    let a = Owned(1);
    let b = Owned(2);
    let p = pair!(a, b);
    let c = Owned(3);
    if k { keep!(c); }
}
fn sometimes(k: bool) {
    let a = Owned(4);
    maybe!(k, a);
    let b = Owned(5);
    let f = later!(b);
    let c = Owned(6);
    let d = Owned(7);
    match k { true => { let _ = pair!(c, 1); } false => {} }
    let g = || pair!(d, 2);
}
"#
    )), @"
12:19 a move
12:22 b move
14:8 k copy
14:18 c move
18:12 k copy
18:15 a unknown (it is moved in a macro's code on some paths only)
23:11 k copy
23:39 c move
24:13 d move
24:22 d unknown (it is moved in a macro's code on some paths only)");
}

#[test]
fn a_binding_matched_in_a_macros_code_is_read_or_moved_as_every_arm_says() {
    // `is_one!` binds nothing: `d` is only read. `keep!` binds the whole on its one arm: `e`
    // moves (after its statement, as any move in a macro left as written). `pick!` moves on
    // one arm only: "unknown".
    insta::assert_snapshot!(uses(&with_two(
        r#"
macro_rules! is_one { ($v:expr) => { match $v { Owned(1) => true, _ => false } } }
macro_rules! keep { ($v:expr) => { match $v { tmp => tmp } } }
macro_rules! pick { ($v:expr) => { match $v { Owned(1) => None, other => Some(other) } } }
fn main() {
    let d = Owned(1);
    let one = is_one!(d);
    let e = Owned(2);
    let kept = keep!(e);
    let f = Owned(3);
    let picked = pick!(f);
}
"#
    )), @"
10:23 d shared_borrow
12:22 e move
14:24 f unknown (a match in the macro's code moves it on some arms only)");
}

#[test]
fn a_binding_in_parentheses_is_borrowed_under_a_reference_and_unknown_elsewhere() {
    // `&(a)` borrows `a` (pretty_assertions' `assert_str_eq!` writes `match (&($left),
    // &($right))`; it was called a move, which a macro left as written would have recorded).
    // A method call's receiver in them is as without them (`(i).iter_elements()`, nom's
    // parsers). Anywhere else the parentheses are not looked through: "unknown", or a copy.
    insta::assert_snapshot!(uses(&with_two(
        r#"
macro_rules! inner { (@ $l:expr, $r:expr) => { match (&($l), &($r)) { (_x, _y) => {} } } }
macro_rules! outer { ($l:expr, $r:expr) => ({ inner!(@ $l, $r); }) }
fn main() {
    let a = Owned(1);
    let r = &(a);
    let c = Owned(3);
    outer!(c, c);
    let d = Owned(4);
    consume((d));
    let n = 5u8;
    let m = (n) + 1;
    let e = Owned(6);
    let p = (e).peek();
    let q = ((e)).take();
    let f = Owned(7);
    show!((f).take());
}
impl Owned { fn peek(&self) -> u8 { self.0 } fn take(self) -> u8 { 0 } }
macro_rules! show { ($e:expr) => { let _ = $e; } }
"#
    )), @"
9:15 a shared_borrow
11:12 c shared_borrow
11:15 c shared_borrow
13:14 d unknown (it is used in parentheses, which the analysis does not look through)
15:14 n copy
17:14 e shared_borrow
18:15 e move
20:12 f move
22:37 self copy");
}
