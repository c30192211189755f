//! Each attribute option changes what is recorded, and only that.

use borrowscope_macro::trace_borrow;
use borrowscope_runtime::{Op, Session};

fn ops<R>(f: impl FnOnce() -> R) -> (R, Vec<(Op, &'static str)>) {
    let session = Session::new();
    let value = session.record(f);
    (value, session.events().iter().map(|e| (e.op, e.site.name)).collect())
}

fn names(events: &[(Op, &'static str)], op: Op) -> Vec<&'static str> {
    events.iter().filter(|(o, _)| *o == op).map(|(_, n)| *n).collect()
}

#[trace_borrow(filter = "data*", filter = "*_count")]
fn filtered() -> usize {
    let data_a = vec![1];
    let item_count = 2;
    let other = 3;
    data_a.len() + item_count + other
}

#[test]
fn filter_keeps_only_matching_variables() {
    let (value, events) = ops(filtered);
    assert_eq!(value, 6);
    assert_eq!(names(&events, Op::New), ["data_a", "item_count"]);
}

#[trace_borrow(quiet)]
fn quiet(n: u32) -> u32 {
    let mut total = 0;
    for i in 0..n {
        total += i;
    }
    total
}

#[trace_borrow(skip = "loops", skip = "ownership")]
fn skipped(n: u32) -> u32 {
    let mut total = 0;
    for i in 0..n {
        if i > 0 {
            total += i;
        }
    }
    total
}

#[trace_borrow(only = "loops")]
fn only_loops(n: u32) -> u32 {
    let mut total = 0;
    for i in 0..n {
        if i > 0 {
            total += i;
        }
    }
    total
}

#[trace_borrow(verbose)]
fn verbose() -> u8 {
    1
}

#[test]
fn presets_and_groups_choose_what_is_recorded() {
    let (value, events) = ops(|| quiet(3));
    assert_eq!(value, 3);
    // Ownership only: creations, copies and ends (`i`, a `for` binding used by value, ends as
    // `scope_end` without the type-info file to say it is `Copy`; `total`, made from a
    // literal, is `Copy`, and returning it copies it).
    assert!(events.iter().all(|(op, _)| matches!(op, Op::New | Op::Drop | Op::ScopeEnd | Op::Copy)), "{events:?}");
    assert_eq!(events.iter().filter(|(op, _)| *op == Op::Copy).count(), 1, "{events:?}");
    assert_eq!(events.iter().filter(|(op, name)| *op == Op::New && *name == "i").count(), 3, "{events:?}");
    let (value, events) = ops(|| skipped(3));
    assert_eq!(value, 3);
    // Both skips apply; the other groups (branches, expressions) still record.
    assert!(events.iter().all(|(op, _)| matches!(op, Op::Branch | Op::Range)), "skip combines: {events:?}");
    assert!(events.iter().any(|(op, _)| *op == Op::Branch));
    let (_, events) = ops(|| only_loops(3));
    assert!(events.iter().all(|(op, _)| matches!(op, Op::LoopEnter | Op::LoopIteration | Op::LoopExit)), "{events:?}");
    let (_, events) = ops(verbose);
    assert_eq!(names(&events, Op::FnEnter), ["verbose"]);
    assert_eq!(names(&events, Op::FnExit), ["verbose"]);
}

#[trace_borrow(quiet, sample = 0.5)]
fn sampled(n: usize) -> usize {
    let mut seen = 0;
    for _ in 0..n {
        let value = vec![1u8];
        seen += value.len();
        // A later use: `len` above cannot have moved it, so its drop is certain.
        let _still_here = &value;
    }
    seen
}

#[test]
fn sampling_keeps_or_drops_a_variables_events_together() {
    let (value, events) = ops(|| sampled(2000));
    assert_eq!(value, 2000);
    let news = names(&events, Op::New).iter().filter(|n| **n == "value").count();
    let drops = names(&events, Op::Drop).iter().filter(|n| **n == "value").count();
    assert_eq!(news, drops, "each kept instance has both its creation and its drop");
    assert!((700..1300).contains(&news), "about half kept: {news}");
}

#[trace_borrow(debug_only)]
fn debug_only() -> u8 {
    let x = 1u8;
    x.wrapping_add(1)
}

#[trace_borrow(release_only)]
fn release_only() -> u8 {
    let x = 1u8;
    x.wrapping_add(1)
}

// The feature does not exist in this crate: declared-but-unknown features are the user's own
// warning to silence, not the macro's.
#[allow(unexpected_cfgs)]
mod gated {
    #[borrowscope_macro::trace_borrow(feature = "no-such-feature")]
    pub(crate) fn behind_feature() -> u8 {
        let x = 1u8;
        x.wrapping_add(1)
    }
}
use gated::behind_feature;

#[test]
fn conditional_options_follow_the_build() {
    let debug = cfg!(debug_assertions);
    assert_eq!(ops(debug_only).1.is_empty(), !debug);
    assert_eq!(ops(release_only).1.is_empty(), debug);
    assert!(ops(behind_feature).1.is_empty(), "the feature is off, so the original function is built");
}

unsafe extern "C" {
    fn abs(x: i32) -> i32;
}

static mut COUNTER: u32 = 0;

#[repr(C)]
union IntOrFloat {
    i: u32,
    f: f32,
}

#[trace_borrow(ffi = ["abs"], statics = ["COUNTER"], unions = ["IntOrFloat"])]
fn declared(x: i32) -> (i32, u32, u32) {
    let a = unsafe { abs(x) };
    unsafe {
        COUNTER += 1;
    }
    let c = unsafe { COUNTER };
    let u = IntOrFloat { f: 1.0 };
    let bits = unsafe { u.i };
    (a, c, bits)
}

#[test]
fn declared_ffi_statics_and_unions_are_tracked() {
    let (value, events) = ops(|| declared(-3));
    assert_eq!(value.0, 3);
    assert_eq!(value.2, 1.0f32.to_bits());
    assert_eq!(names(&events, Op::FfiCall), ["abs"]);
    let statics: Vec<_> = events.iter().filter(|(op, _)| *op == Op::StaticAccess).collect();
    assert_eq!(statics.len(), 2, "a write (+=) and a read: {events:?}");
    assert_eq!(names(&events, Op::UnionFieldAccess), ["IntOrFloat"]);
}
