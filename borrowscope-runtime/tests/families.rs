//! Every family of the public API, run in a session of its own and rendered as text.
//! Values come back unchanged; the events read as the seeds describe them.
#![cfg(feature = "track")]

use std::borrow::Cow;
use std::cell::{Cell, OnceCell, RefCell};
use std::mem::MaybeUninit;
use std::rc::Rc;
use std::sync::{Arc, Mutex, OnceLock, mpsc};

use borrowscope_runtime::*;

/// Runs `f` in a fresh session and returns its events as text, without the `@file:line`
/// column (line numbers would make every edit of this file churn the snapshots).
fn events_of(f: impl FnOnce()) -> String {
    let session = Session::new();
    session.record(f);
    session.trace().to_text().lines().map(|line| line.rsplit_once(" @").map_or(line, |(head, _)| head)).collect::<Vec<_>>().join("\n")
}

#[test]
fn ownership() {
    let text = events_of(|| {
        let x = track_new("x", String::from("hi"));
        let r = track_borrow("r", &x);
        assert_eq!(r, "hi");
        track_drop("r");
        let mut y = track_move("x", "y", x);
        let m = track_borrow_mut("m", &mut y);
        m.push('!');
        track_drop("m");
        assert_eq!(y, "hi!");
        track_drop("y");
        let a = track_new_with_id(1, "a", "lib.rs:1", 5u8);
        let b = track_copy_with_id(1, 2, "b", "lib.rs:2", a);
        let c = track_borrow_with_id(3, 1, "c", "lib.rs:3", false, &a);
        assert_eq!(a + b + *c, 15);
        track_drop_with_id(3, "c", "lib.rs:4");
        let moved = track_move_with_id(2, 4, "d", "lib.rs:5", b);
        track_drop_with_id(4, "d", "lib.rs:6");
        track_drop_with_id(1, "a", "lib.rs:7");
        assert_eq!(moved, 5);
    });
    insta::assert_snapshot!(text);
}

#[test]
fn smart_pointers() {
    let text = events_of(|| {
        let shared = track_rc_new("shared", Rc::new(42));
        let other = track_rc_clone("other", Rc::clone(&shared));
        let weak = track_rc_downgrade("weak", Rc::downgrade(&shared));
        let weak2 = track_weak_clone("weak2", weak.clone());
        let up = track_weak_upgrade("up", weak.upgrade());
        assert_eq!(up.as_deref(), Some(&42));
        drop((up, other, shared));
        assert!(track_weak_upgrade("gone", weak2.upgrade()).is_none());
        let empty: std::rc::Weak<i32> = track_weak_new("empty", std::rc::Weak::new());
        assert!(empty.upgrade().is_none());
        let arc = track_arc_new("arc", Arc::new(1));
        let arc2 = track_arc_clone("arc2", Arc::clone(&arc));
        let aweak = track_arc_downgrade("aweak", Arc::downgrade(&arc2));
        assert_eq!(aweak.strong_count(), 2);
        let boxed = track_box_new("boxed", Box::new(7));
        let raw = track_box_into_raw("raw", Box::into_raw(boxed));
        // SAFETY: `raw` came from `Box::into_raw` just above.
        let back = track_box_from_raw("back", unsafe { Box::from_raw(raw) });
        assert_eq!(*back, 7);
        let pinned = track_box_pin("pinned", Box::pin(3));
        assert_eq!(*pinned, 3);
        let mut value = 9;
        let pin = track_pin_new("pin", std::pin::Pin::new(&mut value));
        let inner = track_pin_into_inner("inner", std::pin::Pin::into_inner(pin));
        assert_eq!(*inner, 9);
        let mut cow: Cow<'_, str> = track_cow_borrowed("cow", Cow::Borrowed("text"));
        track_cow_to_mut("cow", &mut cow).push('!');
        let owned: Cow<'_, str> = track_cow_owned("owned", Cow::Owned(String::from("o")));
        assert_eq!((cow.as_ref(), owned.as_ref()), ("text!", "o"));
    });
    insta::assert_snapshot!(text);
}

#[test]
fn cells() {
    let text = events_of(|| {
        let cell = track_refcell_new("cell", RefCell::new(vec![1]));
        {
            let guard = track_refcell_try_borrow("guard", &cell);
            assert_eq!(guard.len(), 1);
            track_refcell_borrow_end("guard");
        }
        track_refcell_try_borrow_mut("writer", &cell).push(2);
        track_refcell_borrow_end("writer");
        let r = track_refcell_borrow("r", cell.borrow());
        let r2 = track_refcell_borrow("r2", cell.borrow());
        assert_eq!(*r, *r2);
        drop((r, r2));
        let c = track_cell_new("c", Cell::new(1));
        c.set(2);
        track_cell_set("c");
        assert_eq!(track_cell_get("c", c.get()), 2);
        let once: OnceCell<i32> = track_once_cell_new("once", OnceCell::new());
        assert!(track_once_cell_set("once", once.set(1)).is_ok());
        assert_eq!(track_once_cell_get("once", once.get()), Some(&1));
        assert_eq!(*track_once_cell_get_or_init("once", once.get_or_init(|| 2)), 1);
        let lock: OnceLock<i32> = track_once_lock_new("lock", OnceLock::new());
        assert_eq!(*track_once_lock_get_or_init("lock", lock.get_or_init(|| 5)), 5);
        assert!(track_once_lock_set("lock", lock.set(6)).is_err());
        assert_eq!(track_once_lock_get("lock", lock.get()), Some(&5));
        let mut m = track_maybe_uninit_uninit("m", MaybeUninit::<u32>::uninit());
        *track_maybe_uninit_write("m", m.write(4)) += 1;
        // SAFETY: `m` was written just above.
        let v = track_maybe_uninit_assume_init("m", unsafe { m.assume_init() });
        let n = track_maybe_uninit_new("n", MaybeUninit::new(String::from("s")));
        // SAFETY: `n` was created initialised, and is read once.
        let s = track_maybe_uninit_assume_init_read("n", unsafe { n.assume_init_read() });
        let mut k = MaybeUninit::new(String::from("k"));
        // SAFETY: `k` is initialised and not used after the drop.
        unsafe { k.assume_init_drop() };
        track_maybe_uninit_assume_init_drop("k");
        assert_eq!((v, s.as_str()), (5, "s"));
    });
    insta::assert_snapshot!(text);
}

#[test]
fn a_failed_borrow_mut_is_recorded_and_panics_as_refcell_does() {
    let session = Session::new();
    let cell = RefCell::new(0);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        session.record(|| {
            let _reader = track_refcell_try_borrow("reader", &cell);
            let _writer = track_refcell_try_borrow_mut("writer", &cell);
        })
    }));
    let message = result.unwrap_err();
    let message = message.downcast_ref::<String>().map(String::as_str).or(message.downcast_ref::<&str>().copied());
    assert_eq!(message, Some("RefCell already borrowed"));
    let graph = session.graph();
    let failure = graph.cell_borrows.iter().find(|b| b.failed).expect("the failure is recorded");
    assert!(failure.mutable);
    let blockers: Vec<_> = graph.blocking_borrows(failure).iter().map(|b| b.name).collect();
    assert_eq!(blockers, ["reader"]);
}

#[test]
fn concurrency() {
    let text = events_of(|| {
        let data = Arc::new(Mutex::new(0));
        let (tx, rx) = track_channel("chan", mpsc::channel());
        let worker = Arc::clone(&data);
        let handle = track_thread_spawn(
            "handle",
            std::thread::spawn(move || {
                *worker.lock().unwrap() += 1;
                tx.send(7).unwrap();
            }),
        );
        assert_eq!(track_channel_recv("chan", rx.recv()), Ok(7));
        assert!(track_channel_try_recv("chan", rx.try_recv()).is_err());
        track_thread_join("handle", handle.join()).unwrap();
        let guard = data.lock().unwrap();
        track_lock(1, "mutex_lock", "data", "lib.rs:1");
        assert_eq!(*guard, 1);
        drop(guard);
        track_lock_release(1, "data", "lib.rs:2");
        let (tx2, _rx2) = mpsc::channel::<i32>();
        assert!(track_channel_send("closed", tx2.send(1)).is_ok());
    });
    insta::assert_snapshot!(text);
}

#[test]
fn markers() {
    let text = events_of(|| {
        track_fn_enter(1, "demo", "lib.rs:1");
        track_unsafe_block_enter(2, "lib.rs:2");
        let x = 5;
        let p = track_raw_ptr("p", &x as *const i32);
        track_raw_ptr_deref("p", "lib.rs:3");
        // SAFETY: `p` points at `x`, which is alive.
        assert_eq!(unsafe { *p }, 5);
        track_transmute("lib.rs:4");
        track_ffi_call("abs", "lib.rs:5");
        track_unsafe_fn_call("get_unchecked", "lib.rs:6");
        track_union_field_access("IntOrFloat", "i", "lib.rs:7");
        track_unsafe_block_exit(2, "lib.rs:8");
        track_static_init("COUNTER", "lib.rs:9");
        track_static_access(3, "COUNTER", false, "lib.rs:10");
        track_static_access(3, "COUNTER", true, "lib.rs:11");
        track_const_eval("LIMIT", "lib.rs:12");
        track_async_block_enter(4, "lib.rs:13");
        track_await_start(5, "fetch", "lib.rs:14");
        track_await_end(5, "lib.rs:15");
        track_async_block_exit(4, "lib.rs:16");
        track_loop_enter(6, "for", "lib.rs:17");
        for i in 0..2 {
            track_loop_iteration(6, i, "lib.rs:18");
            if i == 1 {
                track_break(7, Some("outer"), "lib.rs:19");
                break;
            }
            track_continue(8, None, "lib.rs:20");
        }
        track_loop_exit(6, "lib.rs:21");
        track_match_enter(9, "lib.rs:22");
        track_match_arm(9, 1, "Some(_)", "lib.rs:23");
        track_match_exit(9, "lib.rs:24");
        track_branch(10, "if_then", true, "lib.rs:25");
        track_try(11, "lib.rs:26");
        track_struct_create(12, "Point", "lib.rs:27");
        track_tuple_create(13, 3, "lib.rs:28");
        track_array_create(14, 10, "lib.rs:29");
        track_range(15, "RangeInclusive", "lib.rs:30");
        track_type_cast(16, "i64", "lib.rs:31");
        track_binary_op(17, "+", "lib.rs:32");
        track_index_access(18, "arr", "lib.rs:33");
        track_field_access(19, "point", "x", "lib.rs:34");
        track_deref(20, "r", "lib.rs:35");
        track_call(21, "compute", "lib.rs:36");
        track_clone(22, "data", "lib.rs:37");
        track_unwrap(23, "expect", "opt", "lib.rs:38");
        track_let_else(24, "Some(x)", "lib.rs:39");
        track_closure_create(25, "move", "lib.rs:40");
        track_closure_capture(25, "y", "move", "lib.rs:41");
        let value = region!("setup", { 40 + 2 });
        assert_eq!(value, 42);
        track_return(26, true, "lib.rs:42");
        track_fn_exit(1, "demo", "lib.rs:43");
    });
    insta::assert_snapshot!(text);
}

#[test]
fn a_region_left_early_is_still_closed() {
    fn early(flag: bool) -> i32 {
        region!("early", {
            if flag {
                return 1;
            }
            2
        })
    }
    let session = Session::new();
    session.record(|| assert_eq!(early(true), 1));
    let ops: Vec<_> = session.events().iter().map(|e| e.op).collect();
    assert_eq!(ops, [Op::RegionEnter, Op::RegionExit]);
}

#[test]
fn every_event_carries_its_call_site_and_thread() {
    let session = Session::new();
    let line = line!() + 2;
    session.record(|| {
        let _value = track_new("located", 1);
    });
    let events = session.events();
    assert_eq!(events.len(), 1);
    let site = events[0].site;
    assert_eq!((site.file, site.line, site.name, site.kind), (file!(), line, "located", "manual"));
    assert_eq!(events[0].type_name, Some("i32"));
    assert_eq!(session.trace().threads.len(), 1);
}
