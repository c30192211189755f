//! What patterns, fields and struct update syntax move out of a binding: a pattern that
//! destructures it (`let [a, b] = arr;`, `if let`, a `match` arm), a field used by value
//! (`w.0`), the base of `S { a, ..base }`. The analyzer's use there says whether what needs
//! dropping all left (a move where it happens) or some of it stays (the binding is dropped
//! where it lives); without it, the binding's end is unknown.

use quote::quote;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Stmt};

use super::text;
use super::vocabulary::{self, Fate};
use super::{Copies, Expander, emit};

/// The tracked binding at the root of a chain of fields (`w.0`, `c.inner.name`).
fn field_root(exp: &Expander<'_>, expr: &Expr) -> Option<(syn::Ident, syn::Ident, Copies)> {
    match expr {
        Expr::Field(f) => field_root(exp, &f.base),
        Expr::Paren(p) => field_root(exp, &p.expr),
        path => exp.tracked_path(path),
    }
}

/// A field of a binding used by value (`let inner = w.0;`, `consume(c.name)`, a closure's
/// `owned.inner`): the analyzer's use at the binding's name tells whether it moved all of
/// what needs dropping (recorded as a move where the field is taken), part of it or a copy
/// (the binding is still dropped where it lives). Without it, a binding that is not `Copy`
/// may have lost what needed dropping, so its end is unknown.
pub(crate) fn field_by_value(exp: &mut Expander<'_>, expr: &mut Expr) {
    let Some((ident, guard, copies)) = field_root(exp, expr) else { return };
    match exp.analyzed_fate(&ident) {
        Some(Fate::Moves) => {
            let site = exp.site("", &text(expr), "move", ident.span());
            *expr = emit::first_then(quote!(#guard.moved(#site, 0);), emit::take(expr));
        }
        Some(Fate::Stays) => {}
        Some(Fate::Unknown) | None if copies == Copies::Yes => {}
        // Recorded before the statement: it records no event, and a binding whose field
        // may have moved on some path only is as unknown as one whose field did.
        Some(Fate::Unknown) | None => exp.before_statement(emit::stmt(quote!(#guard.maybe_moved();))),
    }
}

/// A field of a binding that a destructuring assignment takes apart (`(x, _) = w.pair`): it
/// stays a place, so the binding's end is unknown unless its type is `Copy` or the analyzer
/// says nothing moves out of it.
pub(crate) fn field_taken_apart(exp: &mut Expander<'_>, expr: &Expr) {
    let Some((ident, guard, copies)) = field_root(exp, expr) else { return };
    if copies != Copies::Yes && exp.analyzed_fate(&ident) != Some(Fate::Stays) {
        exp.before_statement(emit::stmt(quote!(#guard.maybe_moved();)));
    }
}

/// What a pattern that destructures the tracked binding `value` records where it matched
/// (`let [a, b] = arr;`, `if let Some(x) = o`, a `match` arm; `None` for the base of struct
/// update syntax, `S { a, ..value }`, which takes the fields not written): the analyzer's
/// use at `key` (the binding's name, or the arm's pattern), a move when what needs dropping
/// all left; without it, "unknown" when the pattern binds anything by value.
pub(crate) fn destructured(exp: &mut Expander<'_>, value: &Expr, pat: Option<&syn::Pat>, key: proc_macro2::Span) -> Option<Stmt> {
    let (ident, guard, copies) = exp.tracked_path(value)?;
    if copies == Copies::Yes {
        return None;
    }
    let kind = exp.position(key).and_then(|(line, column)| exp.types.use_kind(line, column));
    match kind.map(vocabulary::use_fate) {
        Some(Fate::Moves) => {
            let site = exp.site("", &ident.to_string(), "move", key);
            Some(emit::stmt(quote!(#guard.moved(#site, 0);)))
        }
        Some(Fate::Stays) => None,
        Some(Fate::Unknown) => Some(emit::stmt(quote!(#guard.maybe_moved();))),
        None => pat.is_none_or(binds_by_value).then(|| emit::stmt(quote!(#guard.maybe_moved();))),
    }
}

/// Whether the analyzer says what the `match` arm with pattern `pat` does to its scrutinee.
pub(crate) fn arm_analyzed(exp: &Expander<'_>, pat: &syn::Pat) -> bool {
    let key = pat.span();
    exp.position(key).and_then(|(line, column)| exp.types.use_kind(line, column)).is_some()
}

/// Whether a pattern binds a name by value (`x`, `x @ ..`, not `ref x`): a name that is a
/// constant or a unit variant counts too, since syntax cannot tell them apart.
pub(crate) fn binds_by_value(pat: &syn::Pat) -> bool {
    struct ByValue(bool);
    impl<'ast> Visit<'ast> for ByValue {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            if p.by_ref.is_none() {
                self.0 = true;
            }
            visit::visit_pat_ident(self, p);
        }
    }
    let mut found = ByValue(false);
    found.visit_pat(pat);
    found.0
}
