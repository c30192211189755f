//! With the `track` feature off (`--no-default-features`), every hook returns its value
//! unchanged and records nothing. CI runs this file that way.
#![cfg(not(feature = "track"))]

use borrowscope_runtime::*;

#[test]
fn hooks_pass_values_through_and_record_nothing() {
    let x = track_new("x", vec![1]);
    let r = track_borrow("r", &x);
    let rc = track_rc_new("rc", std::rc::Rc::new(5));
    track_loop_iteration(1, 0, "");
    track_drop("r");
    assert_eq!((r.as_slice(), *rc), (&[1][..], 5));
    assert!(get_events().is_empty());
    assert_eq!(get_graph().nodes.len(), 0);
}
