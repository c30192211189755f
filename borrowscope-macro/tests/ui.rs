//! Every diagnostic of `#[trace_borrow]`, checked against its expected message.

#[test]
fn diagnostics() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
