#[borrowscope_macro::trace_borrow(skip = "loops,brnaches")]
fn f() {}

fn main() {
    f();
}
