//! The classification on small in-memory fixtures (rust-analyzer's test fixtures with its
//! `minicore` for the standard traits), without a Cargo load: one `check` per feature, the
//! file's uses (or bindings) rendered one per line.

use ra_ap_hir as hir;
use ra_ap_hir::Semantics;
use ra_ap_ide_db::RootDatabase;
use ra_ap_syntax::AstNode;
use ra_ap_test_fixture::WithFixture;
use type_info_schema::{ContentHash, FileEntry, SiteKind};

use crate::{classify, walk};

/// The analysis of a fixture's first file (`//- minicore: ..` lines first, then the source;
/// more files, such as a small `std` crate, may follow it).
fn entry(fixture: &str) -> (FileEntry, String) {
    let (db, files) = RootDatabase::with_many_files(fixture);
    let file = files[0];
    hir::attach_db(&db, || {
        let sema = Semantics::new(&db);
        let krate = hir::Crate::all(&db).into_iter().find(|k| k.origin(&db).is_local()).expect("the fixture's crate");
        let traits = classify::Traits::find(&db, krate);
        let target = hir::DisplayTarget::from_crate(&db, krate.into());
        let text = sema.parse(file).syntax().text().to_string();
        (walk::file_entry(&sema, &traits, target, file, ContentHash::of(text.as_bytes())), text)
    })
}

/// The source text from a 1-based line and character column, to the end of its word.
fn word_at(text: &str, line: u32, column: u32) -> String {
    let line = text.lines().nth(line as usize - 1).unwrap_or_default();
    line.chars().skip(column as usize - 1).take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '|').collect()
}

/// The uses the analysis finds: one line per use, `name kind` (with the reason of an
/// `unknown`), in the file's order, each checked to be at a position where the source names it.
pub(crate) fn uses(fixture: &str) -> String {
    let (mut entry, text) = entry(fixture);
    entry.uses.sort_by_key(|u| (u.line, u.column));
    let mut lines = Vec::new();
    for u in &entry.uses {
        let at = word_at(&text, u.line, u.column);
        // A `match` arm's use is keyed by its pattern (`Some(x)`, `None`, `_`).
        let pattern = at.starts_with(|c: char| c.is_uppercase()) || at.is_empty();
        assert!(
            at.starts_with(&u.name) || at.starts_with("move") || at.starts_with('|') || pattern,
            "{} is not at {}:{} ({at:?})",
            u.name,
            u.line,
            u.column
        );
        let reason = u.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
        lines.push(format!("{}:{} {} {}{reason}", u.line, u.column, u.name, u.kind));
    }
    lines.join("\n")
}

/// The bindings the analysis finds: `name: type kind` with `copy` when the type is.
fn bindings(fixture: &str) -> String {
    let (entry, _) = entry(fixture);
    let lines: Vec<String> = entry
        .bindings
        .iter()
        .map(|b| {
            let ty = match &b.ty {
                type_info_schema::ResolvedType::Known(ty) => ty.clone(),
                type_info_schema::ResolvedType::Unknown { unknown } => format!("unknown ({unknown})"),
            };
            let copy = if b.traits.is_some_and(|t| t.copy) { " copy" } else { "" };
            format!("{}: {ty} {}{copy}", b.name, b.kind)
        })
        .collect();
    lines.join("\n")
}

#[test]
fn a_method_receiver_is_used_as_the_method_takes_self() {
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, derive
struct Owned(u8);
#[derive(Clone, Copy)]
struct Small(u8);
impl Owned {
    fn take(self) -> u8 { self.0 }
    fn look(&self) -> u8 { self.0 }
    fn poke(&mut self) { self.0 += 1; }
}
impl Small {
    fn take(self) -> u8 { self.0 }
}
fn main() {
    let mut a = Owned(1);
    a.poke();
    a.look();
    a.take();
    let s = Small(2);
    s.take();
}
"#
    ), @"
5:27 self copy
6:28 self copy
10:27 self copy
14:5 a mutable_borrow
15:5 a shared_borrow
16:5 a move
18:5 s copy");
}

#[test]
fn an_overloaded_index_borrows_its_base_and_a_built_in_one_does_not() {
    insta::assert_snapshot!(uses(
        r#"
//- minicore: index, copy, slice
struct Map(u8);
impl core::ops::Index<u8> for Map {
    type Output = u8;
    fn index(&self, _: u8) -> &u8 { &self.0 }
}
impl core::ops::IndexMut<u8> for Map {
    fn index_mut(&mut self, _: u8) -> &mut u8 { &mut self.0 }
}
fn main() {
    let mut m = Map(1);
    let a = m[0];
    m[1] = 2;
    let arr = [1u8, 2];
    let b = arr[0];
    let r = &m;
    let c = r[0];
}
"#
    ), @"
11:13 m shared_borrow
12:5 m mutable_borrow
15:14 m shared_borrow");
}

#[test]
fn a_method_on_a_field_borrows_the_binding_unless_a_reference_is_reached_through() {
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, deref
struct Items(u8);
impl Items {
    fn len(&self) -> u8 { self.0 }
    fn push(&mut self, v: u8) { self.0 = v; }
    fn take(self) -> u8 { self.0 }
}
struct Inventory { items: Items }
struct View<'a> { items: &'a Items }
fn main() {
    let mut inv = Inventory { items: Items(0) };
    inv.items.push(1);
    let n = inv.items.len();
    let items = Items(2);
    let view = View { items: &items };
    let m = view.items.len();
    let r = &inv;
    let k = r.items.len();
    let t = inv.items.take();
}
"#
    ), @"
3:27 self copy
4:42 v copy
5:27 self copy
11:5 inv mutable_borrow
12:13 inv shared_borrow
14:31 items shared_borrow
16:14 inv shared_borrow");
}

#[test]
fn a_closure_captures_what_the_capture_analysis_says() {
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, fn, add, builtin_impls
struct Owned(u8);
struct Pair(Owned, u8);
fn main() {
    // Edition 2021 captures the place `whole.0`, a `u8`: a copy, and `whole` stays.
    let whole = Owned(1);
    let take = move || whole.0;
    let owned = Owned(5);
    let consume = move || owned;
    let pair = Pair(Owned(2), 3);
    let field = move || pair.1;
    let read = Owned(4);
    let look = || read.0;
    let mut count = 0;
    let mut bump = || count += 1;
    bump();
    let _ = (take(), field(), look(), consume);
}
"#
    ), @"
6:16 whole copy
8:19 owned move
10:17 pair copy
12:16 read shared_borrow
14:20 count mutable_borrow
15:5 bump mutable_borrow
16:14 take shared_borrow
16:22 field shared_borrow
16:31 look shared_borrow
16:39 consume move");
}

#[test]
fn a_closure_in_a_macros_arguments_captures_what_the_capture_analysis_says() {
    // smawk's tests: `assert_eq!(minima(|i| matrix[i]), expected)`. The closure is found in
    // the macro's expansion and keyed by its first token as written.
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, fn
struct Owned(u8);
macro_rules! check { ($a:expr, $b:expr) => { match (&$a, &$b) { (_x, _y) => {} } } }
fn apply(f: impl Fn(u8) -> u8) -> u8 { f(1) }
fn main() {
    let matrix = Owned(1);
    check!(apply(|i| matrix.0 + i), 2);
    let owned = Owned(2);
    check!(apply(move |i| owned.0 + i), 3);
    let gone = Owned(3);
    check!((move || gone)().0, 3);
}
"#
    ), @"
3:40 f shared_borrow
6:18 matrix shared_borrow
8:18 owned copy
10:13 gone move");
}

#[test]
fn calling_a_closure_moves_it_only_when_it_is_fn_once() {
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, fn, add, builtin_impls
struct Owned(u8);
macro_rules! twice { ($e:expr) => { ($e, $e) }; }
fn main() {
    let value = Owned(1);
    let once = move || value;
    let n = 2;
    let many = move || n;
    once();
    many();
    let _ = twice!(many());
}
"#
    ), @"
5:16 value move
7:16 n copy
8:5 once move
9:5 many shared_borrow
10:20 many shared_borrow");
}

#[test]
fn calling_any_other_callable_uses_it_through_the_trait_the_compiler_picks() {
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, fn, add, builtin_impls, coerce_unsized, dispatch_from_dyn
fn shared(f: &dyn Fn() -> u8) -> u8 { f() }
fn generic<F: FnOnce() -> u8>(g: F) -> u8 { g() }
fn generic_fn<H: Fn() -> u8>(h: H) -> u8 { h() }
fn pointer(p: fn() -> u8) -> u8 { p() }
"#
    ), @"
1:39 f copy
2:45 g move
3:44 h shared_borrow
4:35 p copy");
}

#[test]
fn a_match_moves_its_scrutinee_only_when_an_arm_binds_a_non_copy_part_by_value() {
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, option
struct Owned(u8);
fn main() {
    let moved = Some(Owned(1));
    match moved { Some(inner) => drop(inner), None => {} }
    let by_ref = Some(Owned(2));
    match by_ref { Some(ref inner) => { let _ = inner; } None => {} }
    let number = Some(3);
    match number { Some(n) => { let _ = n; } None => {} }
}
fn drop<T>(_: T) {}
"#
    ), @"
4:11 moved move
4:19 moved move
4:39 inner move
4:47 moved shared_borrow
6:11 by_ref shared_borrow
6:20 by_ref shared_borrow
6:49 inner shared_borrow
6:58 by_ref shared_borrow
8:11 number copy
8:41 n shared_borrow");
}

#[test]
fn every_other_use_of_a_value_moves_copies_or_borrows_it() {
    insta::assert_snapshot!(uses(
        r#"
//- minicore: copy, clone, try, option
struct Owned(u8);
fn take(_: Owned) {}
fn look(_: &Owned) {}
fn poke(_: &mut Owned) {}
fn number(n: u8) -> u8 { n }
fn wrapped(o: Option<Owned>) -> Option<Owned> {
    let inside = o?;
    Some(inside)
}
fn main() {
    let mut owned = Owned(1);
    let small = 2;
    look(&owned);
    poke(&mut owned);
    let by_mut = &mut owned;
    poke(by_mut);
    let copied = number(small);
    take(owned);
    let pair = (copied, small);
    let _ = (pair.0, wrapped(None));
    let (k, r) = (&mut 1u8, &2u8);
    let (kp, rp) = (k as *const u8, r as *const u8);
    *k = 3;
}
"#
    ), @"
5:26 n copy
7:18 o move
8:10 inside move
13:11 owned shared_borrow
14:15 owned mutable_borrow
15:23 owned mutable_borrow
16:10 by_mut mutable_borrow
17:25 small copy
18:10 owned move
19:17 copied copy
19:25 small copy
20:14 pair copy
22:21 k mutable_borrow
22:37 r copy");
}

#[test]
fn bindings_of_every_pattern_get_their_type_kind_and_facts() {
    insta::assert_snapshot!(bindings(
        r#"
//- minicore: copy, clone, option, iterator
struct Owned(u8);
fn take(param: Owned) -> u8 { param.0 }
fn main() {
    let owned = Owned(1);
    let number = 2u8;
    let moved = owned;
    if let Some(inner) = Some(number) { let _ = inner; }
    let (left, right) = (1u8, Owned(3));
    let closure = |arg: u8| arg;
    let _ = (take(moved), left, right, closure(1));
}
"#
    ), @"
param: Owned unknown
owned: Owned user_struct
number: u8 literal copy
moved: Owned move_from
inner: u8 unknown copy
left: u8 tuple copy
right: Owned tuple
closure: impl Fn(u8) -> u8 closure copy
arg: u8 unknown copy");
}

/// A `std` with just enough of `mpsc` for the channel fixtures.
const MPSC: &str = r#"
//- /std.rs crate:std
pub mod sync {
    pub mod mpsc {
        pub struct Sender<T>(T);
        pub struct SyncSender<T>(T);
        pub struct Receiver<T>(T);
        pub struct Iter<'a, T>(&'a T);
        pub fn channel<T>() -> (Sender<T>, Receiver<T>) { loop {} }
        pub fn sync_channel<T>(bound: usize) -> (SyncSender<T>, Receiver<T>) { loop {} }
        impl<T> Sender<T> { pub fn send(&self, t: T) -> Result<(), T> { loop {} } }
        impl<T> Clone for Sender<T> { fn clone(&self) -> Self { loop {} } }
        impl<T> SyncSender<T> { pub fn send(&self, t: T) -> Result<(), T> { loop {} } }
        impl<T> Receiver<T> {
            pub fn recv(&self) -> Result<T, ()> { loop {} }
            pub fn iter(&self) -> Iter<'_, T> { loop {} }
        }
    }
}
pub mod mem { pub fn drop<T>(_x: T) {} }
pub mod prelude {
    pub mod rust_2021 { pub use core::prelude::rust_2021::*; }
    pub mod rust_2024 { pub use core::prelude::rust_2024::*; }
}
"#;

/// The channel sites of a fixture: `kind target` at the word they key, one per line.
fn channels(source: &str) -> String {
    let fixture = format!("//- minicore: clone, result, option, iterator\n//- /main.rs crate:main deps:std\n{source}{MPSC}");
    let (mut entry, text) = entry(&fixture);
    entry.sites.sort_by_key(|s| (s.line, s.column));
    let lines: Vec<String> = entry
        .sites
        .iter()
        .filter(|s| matches!(s.kind, SiteKind::LinkedChannel | SiteKind::LinkedSend | SiteKind::LinkedRecv))
        .map(|s| format!("{}:{} {} {} {}", s.line, s.column, word_at(&text, s.line, s.column), s.kind, s.target))
        .collect();
    lines.join("\n")
}

#[test]
fn a_channel_whose_every_use_is_seen_is_linked() {
    insta::assert_snapshot!(channels(
        r#"
use std::sync::mpsc;
#[trace_borrow]
fn linked() {
    let (tx, rx) = mpsc::channel();
    let tx2 = tx.clone();
    let worker = move || { tx2.send(1).unwrap(); };
    tx.send(2).unwrap();
    std::mem::drop(tx);
    let got = rx.recv().unwrap();
    for more in rx.iter() {}
    for more in &rx {}
}
"#
    ), @"
5:20 mpsc linked_channel std::sync::mpsc::channel
7:32 send linked_send 5:20
8:8 send linked_send 5:20
10:18 recv linked_recv 5:20
11:5 for linked_recv 5:20
12:5 for linked_recv 5:20
");
}

#[test]
fn a_channel_with_a_use_out_of_sight_is_not_linked() {
    // Each function but the first lets one end escape where the macro could not follow it:
    // into a call, a closure that borrows it, a macro, a struct, an iterator it does not
    // drive; or is a bounded channel, or in an untraced function.
    insta::assert_snapshot!(channels(
        r#"
use std::sync::mpsc;
fn elsewhere(tx: mpsc::Sender<u8>) {}
struct Holder(mpsc::Receiver<u8>);
#[trace_borrow]
fn control() { let (tx, rx) = mpsc::channel::<u8>(); tx.send(1); }
#[trace_borrow]
fn passed() { let (tx, rx) = mpsc::channel(); elsewhere(tx); }
#[trace_borrow]
fn borrowed() { let (tx, rx) = mpsc::channel::<u8>(); let f = || tx.send(1); }
#[trace_borrow]
fn in_macro() { let (tx, rx) = mpsc::channel::<u8>(); m!(tx); }
#[trace_borrow]
fn stored() { let (tx, rx) = mpsc::channel::<u8>(); let h = Holder(rx); }
#[trace_borrow]
fn bounded() { let (tx, rx) = mpsc::sync_channel::<u8>(1); tx.send(1); }
#[trace_borrow]
fn cloned_elsewhere() { let (tx, rx) = mpsc::channel::<u8>(); elsewhere(tx.clone()); }
#[trace_borrow]
fn iterated() { let (tx, rx) = mpsc::channel::<u8>(); let n = rx.iter().count(); }
fn untraced() { let (tx, rx) = mpsc::channel::<u8>(); tx.send(1); }
"#
    ), @"
6:31 mpsc linked_channel std::sync::mpsc::channel
6:57 send linked_send 6:31
");
}

#[test]
fn a_macro_that_evaluates_its_one_call_first_is_an_expression_macro() {
    // `ready!` as crates define it (items, then a `match` on the argument) is one; so is it
    // with a trailing comma. A macro that evaluates something before its argument, uses it
    // twice, or gets a binding rather than a call is not.
    let (mut entry, text) = entry(
        r#"
//- minicore: copy, clone, option
macro_rules! ready {
    ($e:expr $(,)?) => {{
        use core::option::Option;
        match $e { Option::Some(v) => v, Option::None => return Option::None }
    }};
}
macro_rules! late { ($e:expr) => {{ let first = 1; match $e { Some(v) => v + first, None => 0 } }} }
macro_rules! twice { ($e:expr) => { match $e { Some(v) => v, None => match $e { _ => 0 } } } }
struct Source(u8);
impl Source { fn next(&mut self) -> Option<u8> { Some(self.0) } }
fn get(s: &mut Source) -> Option<u8> { s.next() }
fn main() -> Option<u8> {
    let mut s = Source(1);
    let a = ready!(s.next());
    let b = ready!(get(&mut s),);
    let c = late!(s.next());
    let d = twice!(s.next());
    let o = Some(2);
    let e = ready!(o);
    Some(a + b + c + d + e)
}
"#,
    );
    entry.sites.sort_by_key(|s| (s.line, s.column));
    let lines: Vec<String> = entry
        .sites
        .iter()
        .filter(|s| s.kind == SiteKind::ExprMacro)
        .map(|s| format!("{}:{} {} {}", s.line, s.column, word_at(&text, s.line, s.column), s.target))
        .collect();
    insta::assert_snapshot!(lines.join("\n"), @"
14:13 ready ready
15:13 ready ready");
}

#[test]
fn the_bindings_a_macros_arguments_make_are_found_where_they_are_written() {
    // A closure's parameters in a macro's arguments (`assert_eq!(.., |x, y| x + y)` in
    // itertools' tests) are bindings of the expansion, keyed by their names as written.
    insta::assert_snapshot!(bindings(
        r#"
//- minicore: copy, clone, fn
macro_rules! check { ($e:expr) => { let _ = $e; } }
fn apply(f: impl Fn(i32, i32) -> i32) -> i32 { f(1, 2) }
fn main() {
    check!(apply(|x, y| x + y));
}
"#
    ), @"
f: impl Fn(i32, i32) -> i32 unknown
x: i32 unknown copy
y: i32 unknown copy");
}
