//! Parts given a value again: a field of a `Pair` or a `Tagged` (`v.a = new(..)`), and the
//! content of a box (`*v = new(..)`). The old value, if it is still there, is dropped by the
//! assignment; a part that moved out is filled again, and the binding holds it afresh.

use super::{Leaf, Machine, UNBOXED, Val};
use crate::program::Field;

impl Machine<'_> {
    /// A new value named `value`.
    fn leaf(&mut self, value: &str) -> Box<Val> {
        self.next_id += 1;
        Box::new(Val::Noisy(Leaf { name: value.to_owned(), id: self.next_id }))
    }

    /// `v.f = new(value);`
    pub(super) fn field_assign(&mut self, v: &str, f: Field, value: &str) {
        let new = self.leaf(value);
        let old = match (&mut self.binding(v).slot, f) {
            (Some(Val::Pair(a, _)), Field::A) => a.replace(new),
            (Some(Val::Pair(_, b)), Field::B) => b.replace(new),
            (Some(Val::Tagged(item)), Field::Item) => item.replace(new),
            _ => {
                self.stuck = true;
                None
            }
        };
        // The old value of the field is dropped by the assignment, not by the binding's end.
        if let Some(old) = old {
            self.drop_val(&old);
        }
        // A binding filled again holds its value afresh: how it was left no longer decides
        // its end.
        let b = self.binding(v);
        if b.slot.as_ref().is_some_and(|s| matches!(s, Val::Pair(Some(_), Some(_)) | Val::Tagged(Some(_)))) {
            b.left_by = "";
        }
    }

    /// `*v = new(value);` of a box: its content, or the box moved out of.
    pub(super) fn box_refill(&mut self, v: &str, value: &str) {
        let new = self.leaf(value);
        let b = self.binding(v);
        let old = match b.slot.take() {
            Some(Val::Boxed(old)) => Some(old),
            None if b.left_by == UNBOXED => None,
            other => {
                b.slot = other;
                self.stuck = true;
                return;
            }
        };
        b.slot = Some(Val::Boxed(new));
        b.left_by = "";
        if let Some(old) = old {
            self.drop_val(&old);
        }
    }
}
