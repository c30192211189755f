//! What a trace says that cannot all be true: a variable instance used, moved or dropped after
//! its value was dropped or moved out of it, dropped twice, or made twice. A trace read from a
//! correct recording has none, whatever the program did, so the check needs no knowledge of
//! the program: the real-code trial runs it on every trace of every crate's tests.

use std::collections::HashMap;
use std::fmt;

use crate::event::Trace;
use crate::site::Op;

/// Two events of one trace that cannot both be true, as indices into [`Trace::events`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contradiction {
    /// The earlier event: the instance's drop, its end of scope, the move out of it, or its
    /// creation.
    pub earlier: usize,
    /// The event that contradicts it.
    pub later: usize,
    /// What cannot be.
    pub kind: ContradictionKind,
}

/// The kinds of [`Contradiction`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContradictionKind {
    /// Borrowed, copied, moved or cloned after its drop or the end of its scope.
    UsedAfterEnd,
    /// Borrowed, copied, moved again or cloned after its value was moved out.
    UsedAfterMove,
    /// Dropped after its value was moved out.
    DroppedAfterMove,
    /// Dropped, or its scope ended, twice.
    EndedTwice,
    /// Created twice under one id.
    MadeTwice,
}

impl fmt::Display for ContradictionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ContradictionKind::UsedAfterEnd => "used after it was dropped or its scope ended",
            ContradictionKind::UsedAfterMove => "used after its value was moved out",
            ContradictionKind::DroppedAfterMove => "dropped after its value was moved out",
            ContradictionKind::EndedTwice => "dropped or ended twice",
            ContradictionKind::MadeTwice => "created twice",
        })
    }
}

/// What the events so far say of one instance: where it was made, ended and moved out, and
/// where the last of its parts that needed dropping moved out (`move [out.stderr]`: the
/// instance may still be read for the rest, but not dropped).
#[derive(Default)]
struct Seen {
    ended: Option<usize>,
    moved: Option<usize>,
    part_moved: Option<usize>,
}

/// Whether a move's site names a part of the binding (`out.stderr`, `self.items`) rather
/// than the binding itself.
fn moves_a_part(event: &crate::event::Event) -> bool {
    event.site.detail.contains('.')
}

impl Trace {
    /// Every pair of events that cannot both be true, in the order of the later one. Only
    /// instances whose creation (`new`) the trace holds are judged; a `receive` names the
    /// instance the value came from, which has rightly left it, and is not a use of it.
    pub fn contradictions(&self) -> Vec<Contradiction> {
        let mut seen: HashMap<u64, (usize, Seen)> = HashMap::new();
        let mut out = Vec::new();
        let mut found = |earlier: usize, later: usize, kind: ContradictionKind| out.push(Contradiction { earlier, later, kind });
        for (index, event) in self.events.iter().enumerate() {
            match event.op {
                Op::New => {
                    if let Some((made, _)) = seen.get(&event.id) {
                        found(*made, index, ContradictionKind::MadeTwice);
                    }
                    seen.insert(event.id, (index, Seen::default()));
                }
                Op::Drop | Op::ScopeEnd => {
                    let Some((_, instance)) = seen.get_mut(&event.id) else { continue };
                    if let Some(ended) = instance.ended {
                        found(ended, index, ContradictionKind::EndedTwice);
                    } else if let (Some(moved), Op::Drop) = (instance.moved.or(instance.part_moved), event.op) {
                        found(moved, index, ContradictionKind::DroppedAfterMove);
                    }
                    instance.ended.get_or_insert(index);
                }
                op if op.arg_is_instance() && op != Op::Receive && event.arg != 0 => {
                    let Some((_, instance)) = seen.get_mut(&event.arg) else { continue };
                    if let Some(ended) = instance.ended {
                        found(ended, index, ContradictionKind::UsedAfterEnd);
                    } else if let Some(moved) = instance.moved {
                        found(moved, index, ContradictionKind::UsedAfterMove);
                    }
                    if op == Op::Move && moves_a_part(event) {
                        instance.part_moved.get_or_insert(index);
                    } else if op == Op::Move {
                        instance.moved.get_or_insert(index);
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// A contradiction as text: what cannot be, and the two events, each as `show` prints it.
    pub fn describe(&self, contradiction: &Contradiction) -> String {
        format!("{}:\n  {}\n  {}", contradiction.kind, self.events[contradiction.earlier], self.events[contradiction.later])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Event;
    use crate::site::CallSite;

    static SITE: CallSite = CallSite::new("x", "src/main.rs", 1, 1, "let");

    fn trace(events: &[(Op, u64, u64)]) -> Trace {
        let events = events
            .iter()
            .enumerate()
            .map(|(i, &(op, id, arg))| Event { order: i as u64, clock: i as u64, thread: 0, op, site: &SITE, id, arg, count: 0, type_name: None })
            .collect();
        Trace { events, ..Trace::default() }
    }

    fn kinds(events: &[(Op, u64, u64)]) -> Vec<(usize, usize, ContradictionKind)> {
        trace(events).contradictions().iter().map(|c| (c.earlier, c.later, c.kind)).collect()
    }

    #[test]
    fn a_life_told_in_order_contradicts_nothing() {
        // x made, borrowed, copied from, moved into y (received by a callee too); y dropped.
        let story = [(Op::New, 1, 0), (Op::Borrow, 5, 1), (Op::Copy, 6, 1), (Op::Move, 2, 1), (Op::Receive, 3, 1), (Op::New, 2, 0), (Op::Drop, 2, 0)];
        assert_eq!(kinds(&story), []);
        // Ended "unknown" after a move: not a contradiction, only less known.
        assert_eq!(kinds(&[(Op::New, 1, 0), (Op::Move, 0, 1), (Op::ScopeEnd, 1, 0)]), []);
        // An instance the trace never saw made (the cap kept only the last events) is not
        // judged.
        assert_eq!(kinds(&[(Op::Drop, 9, 0), (Op::Borrow, 5, 9), (Op::Drop, 9, 0)]), []);
    }

    #[test]
    fn a_part_moved_out_leaves_the_rest_to_be_read_but_not_dropped() {
        static PART: CallSite = CallSite::new("", "src/main.rs", 2, 5, "move").with_detail("out.stderr");
        let mut t = trace(&[(Op::New, 1, 0), (Op::Move, 0, 1), (Op::Borrow, 5, 1), (Op::Drop, 1, 0)]);
        t.events[1].site = &PART;
        let found: Vec<_> = t.contradictions().iter().map(|c| (c.earlier, c.later, c.kind)).collect();
        assert_eq!(found, [(1, 3, ContradictionKind::DroppedAfterMove)]);
    }

    #[test]
    fn each_impossible_pair_is_found_with_both_events() {
        assert_eq!(kinds(&[(Op::New, 1, 0), (Op::Drop, 1, 0), (Op::Borrow, 5, 1)]), [(1, 2, ContradictionKind::UsedAfterEnd)]);
        assert_eq!(kinds(&[(Op::New, 1, 0), (Op::ScopeEnd, 1, 0), (Op::Copy, 5, 1)]), [(1, 2, ContradictionKind::UsedAfterEnd)]);
        assert_eq!(kinds(&[(Op::New, 1, 0), (Op::Move, 0, 1), (Op::BorrowMut, 5, 1)]), [(1, 2, ContradictionKind::UsedAfterMove)]);
        assert_eq!(kinds(&[(Op::New, 1, 0), (Op::Move, 0, 1), (Op::Move, 0, 1)]), [(1, 2, ContradictionKind::UsedAfterMove)]);
        assert_eq!(kinds(&[(Op::New, 1, 0), (Op::Move, 0, 1), (Op::Drop, 1, 0)]), [(1, 2, ContradictionKind::DroppedAfterMove)]);
        assert_eq!(kinds(&[(Op::New, 1, 0), (Op::Drop, 1, 0), (Op::ScopeEnd, 1, 0)]), [(1, 2, ContradictionKind::EndedTwice)]);
        assert_eq!(kinds(&[(Op::New, 1, 0), (Op::New, 1, 0)]), [(0, 1, ContradictionKind::MadeTwice)]);
    }

    #[test]
    fn a_contradiction_is_described_with_both_events() {
        let t = trace(&[(Op::New, 1, 0), (Op::Move, 0, 1), (Op::Drop, 1, 0)]);
        let text = t.describe(&t.contradictions()[0]);
        assert!(text.starts_with("dropped after its value was moved out:\n"), "{text}");
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.lines().nth(2).is_some_and(|l| l.contains("drop")), "{text}");
    }
}
