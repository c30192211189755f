//! The generator checked against the forms it must write.

use super::*;

/// Every form the language has is written by the generator, in a thousand programs.
#[test]
fn the_generator_writes_every_form() {
    let mut rng = Rng::new(43);
    let text: String = (0..1000).map(|id| program(&mut rng, id).rust(true)).collect();
    let forms = [
        ("a field assignment", ".a = new("),
        ("a guarded arm", "if k % "),
        ("`Option::take`", ".take()"),
        ("`mem::replace`", "std::mem::replace(&mut "),
        ("a block whose tail moves its binding", "{ let mut b"),
        ("a `match` giving its arm's binding", " => a"),
        ("a box's content to a method that takes `self`", ").itself()"),
        ("a box filled again", "    *v"),
        ("a method that takes a pair by value", ".into_a()"),
        ("a `for` loop that takes a list", "for x"),
        ("a `let`-`else`", " else { return; };"),
        ("a move out of a box", "= *v"),
        ("`while let` over a popped list", "while let Some("),
        ("a destructuring swap", ") = ("),
    ];
    for (what, needle) in forms {
        assert!(text.contains(needle), "no program has {what} (`{needle}`)");
    }
    let autoderef = text.lines().any(|l| l.contains(".itself()") && !l.contains("(*"));
    assert!(autoderef, "no program has a boxed value's method reached by autoderef");
    let field_captured = text.lines().any(|l| l.contains("move || consume(") && l.contains('.'));
    assert!(field_captured, "no program has a field captured by a move closure");
}
