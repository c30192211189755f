//! The oracle's model checked on small programs whose drop logs are known by hand.

use super::*;
use crate::program::{Cond, Destructure, Init, Program, Stmt, Ty};

fn names(n: &[&str]) -> Vec<String> {
    n.iter().map(|s| (*s).to_owned()).collect()
}

fn fate_of(run: &Run, name: &str, occurrence: usize) -> (Fate, Vec<String>) {
    let i = run.instances.iter().find(|i| i.name == name && i.occurrence == occurrence).expect("the instance was made");
    (i.fate, i.dropped.clone())
}

#[test]
fn a_right_side_that_consumes_the_old_value_moves_it_and_the_old_value_is_not_dropped_there() {
    let body = vec![
        Stmt::Let("b".into(), Ty::Noisy, Init::Fresh(Ty::Noisy, names(&["first"]))),
        Stmt::Assign("b".into(), Init::Pass("b".into())),
        Stmt::Assign("b".into(), Init::Fresh(Ty::Noisy, names(&["second"]))),
    ];
    let run = run(&Program { id: 0, body }, 0).expect("a valid program");
    assert_eq!(fate_of(&run, "b", 0), (Fate::Move, vec![]));
    assert_eq!(fate_of(&run, "b", 1), (Fate::Drop, names(&["first"])));
    assert_eq!(fate_of(&run, "b", 2), (Fate::Drop, names(&["second"])));
    assert_eq!(run.log, names(&["first", "second"]));
}

#[test]
fn a_pattern_that_leaves_a_part_that_needs_dropping_leaves_the_binding_dropped() {
    let body = vec![
        Stmt::Let("p".into(), Ty::Pair, Init::Fresh(Ty::Pair, names(&["a", "b"]))),
        Stmt::Destructure("p".into(), Destructure::One(crate::program::Field::A, "x".into())),
        Stmt::Let("t".into(), Ty::Tagged, Init::Fresh(Ty::Tagged, names(&["item"]))),
        Stmt::Destructure("t".into(), Destructure::Item("y".into())),
    ];
    let run = run(&Program { id: 0, body }, 0).expect("a valid program");
    // Locals drop in reverse: y, t (nothing left), x, p (its `b`).
    assert_eq!(run.log, names(&["item", "a", "b"]));
    assert_eq!(fate_of(&run, "p", 0), (Fate::Drop, names(&["b"])));
    assert_eq!(fate_of(&run, "t", 0).0, Fate::Move);
}

#[test]
fn the_arm_taken_decides_whether_a_match_moves() {
    let arm = |by_ref| Stmt::Match("o".into(), "x".into(), by_ref, vec![], vec![]);
    for (k, by_ref, fate) in [(0, false, Fate::Move), (0, true, Fate::Drop)] {
        let body = vec![Stmt::Let("o".into(), Ty::Opt, Init::Fresh(Ty::Opt, names(&["v"]))), arm(by_ref)];
        let run = run(&Program { id: 0, body }, k).expect("a valid program");
        assert_eq!(fate_of(&run, "o", 0).0, fate, "by ref: {by_ref}");
    }
    let none = vec![Stmt::Let("o".into(), Ty::Opt, Init::Fresh(Ty::Opt, vec![])), arm(false)];
    assert_eq!(fate_of(&run(&Program { id: 0, body: none }, 0).expect("valid"), "o", 0).0, Fate::Drop);
}

#[test]
fn an_early_return_drops_what_is_in_scope_in_reverse_and_a_moved_value_is_not_used() {
    let body = vec![
        Stmt::Let("a".into(), Ty::Noisy, Init::Fresh(Ty::Noisy, names(&["a"]))),
        Stmt::Let("b".into(), Ty::Noisy, Init::Fresh(Ty::Noisy, names(&["b"]))),
        Stmt::ReturnIf(Cond { modulus: 2, equals: 0 }),
        Stmt::Consume("a".into()),
    ];
    let program = Program { id: 0, body };
    assert_eq!(run(&program, 0).expect("valid").log, names(&["b", "a"]));
    assert_eq!(run(&program, 1).expect("valid").log, names(&["a", "b"]));
    let moved_twice = Program { id: 0, body: vec![program.body[0].clone(), Stmt::Consume("a".into()), Stmt::Consume("a".into())] };
    assert!(run(&moved_twice, 0).is_none(), "a use of a moved value has no prediction");
}

#[test]
fn a_field_filled_again_is_dropped_with_the_binding_and_an_old_field_value_at_the_assignment() {
    let body = vec![
        Stmt::Let("t".into(), Ty::Tagged, Init::Fresh(Ty::Tagged, names(&["first"]))),
        Stmt::ConsumeField("t".into(), crate::program::Field::Item),
        Stmt::FieldAssign("t".into(), crate::program::Field::Item, "second".into()),
        Stmt::FieldAssign("t".into(), crate::program::Field::Item, "third".into()),
    ];
    let run = run(&Program { id: 0, body }, 0).expect("a valid program");
    // `first` moved into the call, `second` dropped by the last assignment, `third` with `t`.
    assert_eq!(run.log, names(&["first", "second", "third"]));
    assert_eq!(fate_of(&run, "t", 0), (Fate::Drop, names(&["third"])));
}

#[test]
fn a_guard_that_fails_moves_nothing() {
    let body = vec![
        Stmt::Let("o".into(), Ty::Opt, Init::Fresh(Ty::Opt, names(&["v"]))),
        Stmt::Guarded("o".into(), "x".into(), Cond { modulus: 2, equals: 0 }, vec![], vec![]),
        Stmt::Let("after".into(), Ty::Noisy, Init::Fresh(Ty::Noisy, names(&["after"]))),
    ];
    let program = Program { id: 0, body };
    let held = run(&program, 0).expect("valid");
    assert_eq!(fate_of(&held, "o", 0).0, Fate::Move);
    assert_eq!(fate_of(&held, "x", 0), (Fate::Drop, names(&["v"])));
    assert_eq!(held.log, names(&["v", "after"]));
    let failed = run(&program, 1).expect("valid");
    assert_eq!(fate_of(&failed, "o", 0), (Fate::Drop, names(&["v"])));
    assert!(failed.instances.iter().all(|i| i.name != "x"), "no binding was made");
    assert_eq!(failed.log, names(&["after", "v"]));
}

#[test]
fn take_and_replace_leave_the_binding_living_and_a_block_tail_moves_its_binding() {
    let body = vec![
        Stmt::Let("o".into(), Ty::Opt, Init::Fresh(Ty::Opt, names(&["payload"]))),
        Stmt::Let("t".into(), Ty::Opt, Init::TakeOpt("o".into())),
        Stmt::Let("n".into(), Ty::Noisy, Init::Fresh(Ty::Noisy, names(&["old"]))),
        Stmt::Let("r".into(), Ty::Noisy, Init::Replace("n".into(), Ty::Noisy, names(&["new"]))),
        Stmt::Let("b".into(), Ty::Noisy, Init::Block("inner".into(), Ty::Noisy, Box::new(Init::Fresh(Ty::Noisy, names(&["blocked"]))))),
    ];
    let run = run(&Program { id: 0, body }, 0).expect("a valid program");
    assert_eq!(run.log, names(&["blocked", "old", "new", "payload"]));
    assert_eq!(fate_of(&run, "o", 0), (Fate::Drop, vec![]));
    assert_eq!(fate_of(&run, "n", 0), (Fate::Drop, names(&["new"])));
    assert_eq!(fate_of(&run, "inner", 0).0, Fate::Move);
    assert_eq!(fate_of(&run, "b", 0), (Fate::Drop, names(&["blocked"])));
}

#[test]
fn a_box_moved_out_of_and_filled_again_drops_the_new_value_and_a_full_one_drops_the_old_at_once() {
    let body = vec![
        Stmt::Let("b".into(), Ty::Boxed, Init::Fresh(Ty::Boxed, names(&["first"]))),
        Stmt::Let("x".into(), Ty::Noisy, Init::UnboxCall("b".into(), true)),
        Stmt::BoxRefill("b".into(), "second".into()),
        Stmt::BoxRefill("b".into(), "third".into()),
        Stmt::Let("e".into(), Ty::Boxed, Init::Fresh(Ty::Boxed, names(&["empty"]))),
        Stmt::Let("y".into(), Ty::Noisy, Init::Unbox("e".into())),
    ];
    let run = run(&Program { id: 0, body }, 0).expect("a valid program");
    // `*b = third` drops `second` at once; at the end y, e (nothing), x, b.
    assert_eq!(run.log, names(&["second", "empty", "first", "third"]));
    assert_eq!(fate_of(&run, "b", 0), (Fate::Drop, names(&["third"])));
    assert_eq!(fate_of(&run, "e", 0).0, Fate::Move);
}

#[test]
fn a_pair_taken_by_a_method_drops_the_other_field_and_a_captured_field_leaves_the_rest() {
    let body = vec![
        Stmt::Let("p".into(), Ty::Pair, Init::Fresh(Ty::Pair, names(&["pa", "pb"]))),
        Stmt::Let("a".into(), Ty::Noisy, Init::IntoA("p".into())),
        Stmt::Let("q".into(), Ty::Pair, Init::Fresh(Ty::Pair, names(&["qa", "qb"]))),
        Stmt::FieldClosure("c".into(), "q".into(), crate::program::Field::A, false),
    ];
    let run = run(&Program { id: 0, body }, 0).expect("a valid program");
    // `pb` as the method returns; at the end c (its `qa`), q (its `qb`), a.
    assert_eq!(run.log, names(&["pb", "qa", "qb", "pa"]));
    assert_eq!(fate_of(&run, "p", 0).0, Fate::Move);
    assert_eq!(fate_of(&run, "q", 0), (Fate::Drop, names(&["qb"])));
    let q = run.instances.iter().find(|i| i.name == "q").expect("made");
    let c = run.instances.iter().find(|i| i.name == "c").expect("made");
    assert_eq!(q.moved, c.made_of, "what the closure holds moved out of `q`");
}

#[test]
fn a_for_loop_left_early_drops_what_it_did_not_reach_before_the_blocks_around_it() {
    let list = || Stmt::Let("l".into(), Ty::List, Init::Fresh(Ty::List, names(&["i0", "i1", "i2"])));
    let outer = || Stmt::Let("o".into(), Ty::Noisy, Init::Fresh(Ty::Noisy, names(&["outer"])));
    // k = 0: the first item is consumed, then the loop breaks; k = 1 returns from inside.
    let body = vec![Stmt::Consume("x".into()), Stmt::ReturnIf(Cond { modulus: 2, equals: 1 })];
    let program = Program { id: 0, body: vec![outer(), list(), Stmt::ForEach("l".into(), "x".into(), body, Some(Cond { modulus: 2, equals: 0 }))] };
    let broke = run(&program, 0).expect("a valid program");
    assert_eq!(broke.log, names(&["i0", "i1", "i2", "outer"]));
    assert_eq!(fate_of(&broke, "l", 0).0, Fate::Move);
    assert_eq!(fate_of(&broke, "x", 0).0, Fate::Move);
    let returned = run(&program, 1).expect("a valid program");
    assert_eq!(returned.log, names(&["i0", "i1", "i2", "outer"]));
}

#[test]
fn let_else_moves_the_payload_into_the_enclosing_block_or_leaves_the_function() {
    let body = |payload: &[&str]| {
        vec![
            Stmt::Let("o".into(), Ty::Opt, Init::Fresh(Ty::Opt, names(payload))),
            Stmt::LetElse("o".into(), "x".into()),
            Stmt::Let("after".into(), Ty::Noisy, Init::Fresh(Ty::Noisy, names(&["after"]))),
        ]
    };
    let some = run(&Program { id: 0, body: body(&["p"]) }, 0).expect("a valid program");
    // `after`, then `x` (declared before it), at the end; `o` holds nothing.
    assert_eq!(some.log, names(&["after", "p"]));
    assert_eq!(fate_of(&some, "o", 0).0, Fate::Move);
    let none = run(&Program { id: 0, body: body(&[]) }, 0).expect("a valid program");
    assert!(none.log.is_empty() && none.instances.iter().all(|i| i.name != "after"));
    assert_eq!(fate_of(&none, "o", 0).0, Fate::Drop);
}
