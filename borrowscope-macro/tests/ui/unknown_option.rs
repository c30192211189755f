#[borrowscope_macro::trace_borrow(loud)]
fn f() {}

fn main() {
    f();
}
