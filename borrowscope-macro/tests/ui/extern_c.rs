#[borrowscope_macro::trace_borrow]
extern "C" fn callback(x: i32) -> i32 {
    x
}

fn main() {
    let _ = callback(1);
}
