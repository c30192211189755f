#![deny(deprecated)]

unsafe extern "C" {
    fn abs(x: i32) -> i32;
}

static LIMIT: i32 = 3;

#[borrowscope_macro::trace_borrow(warn)]
fn f(x: i32) -> i32 {
    let a = unsafe { abs(x) };
    a + LIMIT
}

fn main() {
    let _ = f(1);
}
