#[borrowscope_macro::trace_borrow(sample = 1.5)]
fn a() {}

#[borrowscope_macro::trace_borrow(quiet = true)]
fn b() {}

#[borrowscope_macro::trace_borrow(filter)]
fn c() {}

#[borrowscope_macro::trace_borrow(debug_only, release_only)]
fn d() {}

#[borrowscope_macro::trace_borrow(ffi = "malloc")]
fn e() {}

fn main() {
    a();
    b();
    c();
    d();
    e();
}
