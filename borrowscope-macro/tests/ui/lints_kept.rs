// The compiler's lints see a traced function as the user's code: a method whose `where`
// bounds `Self` cannot meet is reported as plain (combine 4.6.7's `[P]` parsers), here denied.
#![deny(dead_code)]

use borrowscope_macro::trace_borrow;

pub trait Parse {
    fn each<M: Copy>(&mut self, mode: M) -> u8
    where
        Self: Sized;
}

#[trace_borrow]
impl Parse for [u8] {
    fn each<M: Copy>(&mut self, mode: M) -> u8 {
        let kept = mode;
        let _ = kept;
        1
    }
}

fn main() {}
