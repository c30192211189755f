#[borrowscope_macro::trace_borrow]
struct Point {
    x: i32,
}

fn main() {
    let _ = Point { x: 1 }.x;
}
