//! What a pattern matched by value against a binding, or a field moved out of it, leaves in
//! the binding: whether any part of it moved, and whether a part that needs dropping stays
//! (the binding is then still dropped where it lives, for that part). `let [a, b] = arr;`
//! moves all of `arr`; `let Tagged { item, .. } = t;` moves `t` too when what `..` leaves
//! is `Copy`, and only part of it when what stays needs dropping.

use ra_ap_hir as hir;
use ra_ap_hir::Semantics;
use ra_ap_ide_db::RootDatabase;
use ra_ap_syntax::ast::HasAttrs;
use ra_ap_syntax::{AstNode, ast};
use type_info_schema::UseKind;

/// What matching or moving leaves in a binding.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub(crate) struct Left {
    /// A part that is not `Copy` moved out.
    moved: bool,
    /// A part that needs dropping stays in the binding.
    stays: bool,
    /// A part stays whose need of dropping could not be told (it depends on type parameters,
    /// or its type is not known): it matters only when another part moved.
    unsure: bool,
}

impl Left {
    fn join(self, other: Left) -> Left {
        Left { moved: self.moved || other.moved, stays: self.stays || other.stays, unsure: self.unsure || other.unsure }
    }

    /// The use this is of the binding: moved (nothing that needs dropping stays), moved in
    /// part (the binding is still dropped, for what stays), or only read (nothing moved,
    /// whatever stays: `let _ = range;` with `range: R`). `None` when a part moved and
    /// whether what stays needs dropping could not be told.
    pub(crate) fn kind(self) -> Option<UseKind> {
        match (self.moved, self.stays, self.unsure) {
            (true, true, _) => Some(UseKind::PartialMove),
            (true, false, false) => Some(UseKind::Move),
            (true, false, true) => None,
            (false, _, _) => Some(UseKind::SharedBorrow),
        }
    }
}

impl Left {
    /// [`Left::kind`] as a use and its reason, "unknown" when it cannot be told.
    pub(crate) fn used(self) -> (UseKind, Option<String>) {
        match self.kind() {
            Some(kind) => (kind, None),
            None => (UseKind::Unknown, Some("a part of it moved out, and whether what stays needs dropping could not be told".to_owned())),
        }
    }
}

/// A part whose need of dropping could not be told.
const UNSURE: Left = Left { moved: false, stays: false, unsure: true };

/// Whether a value of type `ty` needs dropping; `None` when it depends on type parameters or
/// the type is not known.
pub(crate) fn needs_drop(db: &RootDatabase, ty: &hir::Type<'_>) -> Option<bool> {
    if ty.contains_unknown() {
        return None;
    }
    match ty.drop_glue(db) {
        hir::DropGlue::None => Some(false),
        hir::DropGlue::HasDropGlue => Some(true),
        hir::DropGlue::DependOnParams => None,
    }
}

/// A part of type `ty` that stays where it is.
fn stays(db: &RootDatabase, ty: &hir::Type<'_>) -> Left {
    match needs_drop(db, ty) {
        Some(stays) => Left { moved: false, stays, unsure: false },
        None => UNSURE,
    }
}

/// What matching `pat` by value leaves in the value it matches; `None` when the analyzer
/// cannot tell (an or-pattern whose alternatives differ, a `box` pattern, a type it does not
/// know).
pub(crate) fn pattern(sema: &Semantics<'_, RootDatabase>, pat: &ast::Pat) -> Option<Left> {
    let db = sema.db;
    // Matched through a reference (a `&` field, or default binding modes): what it binds is
    // borrowed from behind the reference, which itself is `Copy`.
    // (`ref a` itself has a reference's type: what it borrows stays in the value it matched.)
    // A pattern the compiler matches through a reference it peels (`Entry::Value(ref c, _)`
    // against a `&mut Entry<A>`, im-rc's `Node::insert`) binds by reference whatever it
    // binds, and moves nothing out of the value matched, whatever its parts' types are.
    let info = sema.type_of_pat(pat);
    let peeled = info.as_ref().and_then(|t| t.adjusted.as_ref()).is_some_and(|t| t.is_reference());
    let ty = info.map(|t| t.original);
    let explicit_ref = matches!(pat, ast::Pat::IdentPat(p) if p.ref_token().is_some());
    if peeled || (!explicit_ref && ty.as_ref().is_some_and(|t| t.is_reference())) {
        return Some(Left::default());
    }
    match pat {
        ast::Pat::IdentPat(p) => binding(sema, p),
        ast::Pat::WildcardPat(_) => Some(ty.map_or(UNSURE, |ty| stays(db, &ty))),
        ast::Pat::ParenPat(p) => pattern(sema, &p.pat()?),
        // A reference is `Copy`; a literal, a range, a constant or a unit variant binds
        // nothing and leaves nothing that needs dropping.
        ast::Pat::RefPat(_) | ast::Pat::LiteralPat(_) | ast::Pat::RangePat(_) | ast::Pat::PathPat(_) | ast::Pat::ConstBlockPat(_) => {
            Some(Left::default())
        }
        ast::Pat::TuplePat(t) => sequence(sema, t.fields(), &ty?.tuple_fields(db)),
        ast::Pat::TupleStructPat(t) => {
            let fields: Vec<_> = sema.resolve_tuple_struct_pat_fields(t)?.into_iter().map(|(_, ty)| ty).collect();
            sequence(sema, t.fields(), &fields)
        }
        ast::Pat::RecordPat(r) => record(sema, r),
        ast::Pat::SlicePat(s) => slice(sema, s, &ty?),
        ast::Pat::OrPat(o) => {
            let mut alternatives = o.pats().map(|p| pattern(sema, &p));
            let first = alternatives.next()??;
            alternatives.all(|a| a == Some(first)).then_some(first)
        }
        ast::Pat::BoxPat(_) | ast::Pat::DerefPat(_) | ast::Pat::NotNull(_) | ast::Pat::RestPat(_) | ast::Pat::MacroPat(_) => None,
    }
}

/// A name in a pattern: a constant or unit variant matched, a binding by value (a move
/// unless `Copy`), or by reference (the part stays).
fn binding(sema: &Semantics<'_, RootDatabase>, p: &ast::IdentPat) -> Option<Left> {
    let db = sema.db;
    if sema.resolve_bind_pat_to_const(p).is_some() {
        return Some(Left::default());
    }
    let ty = sema.type_of_binding_in_pat(p)?;
    if ty.contains_unknown() {
        return None;
    }
    match sema.binding_mode_of_pat(p)? {
        hir::BindingMode::Move if ty.is_copy(db) => Some(Left::default()),
        hir::BindingMode::Move => Some(Left { moved: true, ..Left::default() }),
        // `ref a`: the binding's type is a reference to the part, which stays.
        hir::BindingMode::Ref(_) if p.ref_token().is_some() => Some(stays(db, &ty.as_reference()?.0)),
        hir::BindingMode::Ref(_) => {
            let part = sema.type_of_pat(&ast::Pat::IdentPat(p.clone()))?.original;
            Some(stays(db, &part))
        }
    }
}

/// The subpatterns of a tuple or tuple struct against its fields' types, a `..` standing for
/// the fields it skips.
fn sequence(sema: &Semantics<'_, RootDatabase>, pats: impl Iterator<Item = ast::Pat>, fields: &[hir::Type<'_>]) -> Option<Left> {
    let pats: Vec<ast::Pat> = pats.collect();
    let rest = pats.iter().position(|p| matches!(p, ast::Pat::RestPat(_)));
    let mut left = Left::default();
    match rest {
        None => {
            for pat in &pats {
                left = left.join(pattern(sema, pat)?);
            }
        }
        Some(at) => {
            let after = pats.len() - at - 1;
            let skipped = fields.len().checked_sub(at + after)?;
            for pat in pats.iter().filter(|p| !matches!(p, ast::Pat::RestPat(_))) {
                left = left.join(pattern(sema, pat)?);
            }
            for ty in &fields[at..at + skipped] {
                left = left.join(stays(sema.db, ty));
            }
        }
    }
    Some(left)
}

/// A struct pattern: each field's subpattern, and the fields a `..` leaves.
fn record(sema: &Semantics<'_, RootDatabase>, r: &ast::RecordPat) -> Option<Left> {
    let list = r.record_pat_field_list()?;
    let mut left = Left::default();
    // A field under a `cfg` makes the whole pattern "unknown": the analysis's `cfg`s may not
    // be the build's (proc-macro2's build script set `wrap_proc_macro` for rust-analyzer and
    // not for the test build, where `#[cfg(not(wrap_proc_macro))] inner: literal` was the
    // field matched), and what the build's field takes only its types tell.
    for field in list.fields() {
        if field.attrs().any(|a| matches!(a.meta(), Some(ast::Meta::CfgMeta(_)))) {
            return None;
        }
        left = left.join(pattern(sema, &field.pat()?)?);
    }
    if list.rest_pat().is_some() {
        let whole = sema.type_of_pat(&ast::Pat::RecordPat(r.clone()))?.original;
        let written: Vec<hir::Field> = list.fields().filter_map(|f| sema.resolve_record_pat_field(&f)).map(|(f, _)| f).collect();
        // An enum variant's other fields, by their declared types (what a field of a type
        // parameter's type needs is not told). What `..` leaves needs no dropping when nothing
        // of the whole type does (`Frame::Concat { tail, .. }` of references); otherwise,
        // when the variant is not found, what the other fields need is not told.
        let rest = untaken(sema.db, &whole, &written).or_else(|| variant_untaken(sema, r, &written)).unwrap_or_else(|| {
            let whole = stays(sema.db, &whole);
            if whole.stays { UNSURE } else { whole }
        });
        left = left.join(rest);
    }
    Some(left)
}

/// What stays of an enum variant's value matched by the struct pattern `r` whose fields
/// `taken` were taken: its other fields, by their declared types.
fn variant_untaken(sema: &Semantics<'_, RootDatabase>, r: &ast::RecordPat, taken: &[hir::Field]) -> Option<Left> {
    let Some(hir::PathResolution::Def(hir::ModuleDef::EnumVariant(variant))) = sema.resolve_path(&r.path()?) else { return None };
    let mut left = Left::default();
    for field in variant.fields(sema.db) {
        if !taken.contains(&field) {
            left = left.join(stays(sema.db, &field.ty(sema.db)));
        }
    }
    Some(left)
}

/// What stays of a struct value of type `whole` whose fields `taken` were taken: its other
/// fields. `None` for an enum variant's fields, which the type does not list.
fn untaken(db: &RootDatabase, whole: &hir::Type<'_>, taken: &[hir::Field]) -> Option<Left> {
    if !matches!(whole.as_adt(), Some(hir::Adt::Struct(_))) {
        return None;
    }
    let mut left = Left::default();
    for (field, ty) in whole.fields(db) {
        if !taken.contains(&field) {
            left = left.join(stays(db, &ty));
        }
    }
    Some(left)
}

/// The base of struct update syntax (`S { a, ..base }`), a value of type `whole` from which
/// the fields not written (`written`) are taken: moved out unless `Copy`; the written ones
/// stay in it.
pub(crate) fn spread(sema: &Semantics<'_, RootDatabase>, literal: &ast::RecordExpr) -> Option<UseKind> {
    let db = sema.db;
    let whole = sema.type_of_expr(&ast::Expr::RecordExpr(literal.clone()))?.original;
    if !matches!(whole.as_adt(), Some(hir::Adt::Struct(_))) || whole.contains_unknown() {
        return None;
    }
    let written: Vec<hir::Field> =
        literal.record_expr_field_list()?.fields().filter_map(|f| sema.resolve_record_field(&f)).map(|(f, _, _)| f).collect();
    let mut left = Left::default();
    for (field, ty) in whole.fields(db) {
        left = left.join(match (written.contains(&field), ty.is_copy(db)) {
            (true, _) => stays(db, &ty),
            (false, true) => Left::default(),
            (false, false) => Left { moved: true, ..Left::default() },
        });
    }
    if left.moved { left.kind() } else { Some(UseKind::Copy) }
}

/// What the left side of a destructuring assignment (`(x, _) = pair`, `[a, .., b] = arr`)
/// leaves in the value of type `ty` it takes apart: a place assigned takes its part (moved
/// unless `Copy`), `_` and `..` leave theirs. `None` for a struct or tuple struct on the left
/// (their fields are not looked up) or a type the analyzer does not know.
pub(crate) fn assignee<'db>(sema: &Semantics<'db, RootDatabase>, lhs: &ast::Expr, ty: &hir::Type<'db>) -> Option<Left> {
    let db = sema.db;
    if ty.contains_unknown() {
        return None;
    }
    match lhs {
        ast::Expr::UnderscoreExpr(_) => Some(stays(db, ty)),
        ast::Expr::ParenExpr(p) => assignee(sema, &p.expr()?, ty),
        ast::Expr::TupleExpr(t) => assigned_parts(sema, t.fields().collect(), &ty.tuple_fields(db)),
        ast::Expr::ArrayExpr(a) => {
            let (element, len) = ty.as_array(db)?;
            assigned_parts(sema, a.exprs().collect(), &vec![element; len])
        }
        ast::Expr::RecordExpr(_) | ast::Expr::CallExpr(_) => None,
        _ => Some(Left { moved: !ty.is_copy(db), ..Left::default() }),
    }
}

/// The elements of a tuple or array on an assignment's left side against the parts' types,
/// a `..` standing for the parts it skips.
fn assigned_parts<'db>(sema: &Semantics<'db, RootDatabase>, elements: Vec<ast::Expr>, types: &[hir::Type<'db>]) -> Option<Left> {
    let is_rest = |e: &ast::Expr| matches!(e, ast::Expr::RangeExpr(r) if r.is_range_full());
    let written = elements.iter().filter(|e| !is_rest(e)).count();
    let skipped = types.len().checked_sub(written)?;
    let mut types = types.iter();
    let mut left = Left::default();
    for element in &elements {
        if is_rest(element) {
            for ty in types.by_ref().take(skipped) {
                left = left.join(stays(sema.db, ty));
            }
        } else {
            left = left.join(assignee(sema, element, types.next()?)?);
        }
    }
    types.next().is_none().then_some(left)
}

/// An array pattern: each element's subpattern, and the elements an unbound `..` leaves.
fn slice(sema: &Semantics<'_, RootDatabase>, s: &ast::SlicePat, ty: &hir::Type<'_>) -> Option<Left> {
    let (element, len) = ty.as_array(sema.db)?;
    let pats: Vec<ast::Pat> = s.pats().collect();
    let mut left = Left::default();
    for pat in pats.iter().filter(|p| !matches!(p, ast::Pat::RestPat(_))) {
        left = left.join(pattern(sema, pat)?);
    }
    let named = pats.iter().filter(|p| !matches!(p, ast::Pat::RestPat(_))).count();
    if named < len && pats.iter().any(|p| matches!(p, ast::Pat::RestPat(_))) {
        left = left.join(stays(sema.db, &element));
    }
    Some(left)
}

/// The reason a field of the binding itself moved out with [`field`]'s `PartialMove` carries
/// when whether the other fields need dropping depends on type parameters (`rhs.numer` of a
/// `Ratio<T>`). Only [`crate::settle`] reads it: when the other fields are taken too, one
/// after the other, the last take moves the binding; otherwise the use is "unknown", with
/// this reason.
pub(crate) const REST_UNKNOWN: &str = "a part of it moved out, and whether what stays needs dropping depends on type parameters";

/// A field (`w.0`, `c.inner.name`) used by value: a copy when its type is `Copy`; otherwise
/// it moves out of the binding, and what stays is every other field on the way to it.
/// `None` when the analyzer cannot tell (a field reached through a `Box` or another
/// dereference, a type it does not know). A field of the binding itself whose siblings' need
/// of dropping depends on type parameters is a `PartialMove` with [`REST_UNKNOWN`] as its
/// reason, for [`crate::settle`] to decide.
pub(crate) fn field(sema: &Semantics<'_, RootDatabase>, outer: &ast::FieldExpr) -> Option<(UseKind, Option<String>)> {
    let db = sema.db;
    let moved = sema.type_of_expr(&ast::Expr::FieldExpr(outer.clone()))?.original;
    if moved.contains_unknown() {
        return None;
    }
    if moved.is_copy(db) {
        return Some((UseKind::Copy, None));
    }
    // From the binding out: each step's siblings stay.
    let mut chain = vec![outer.clone()];
    while let Some(ast::Expr::FieldExpr(inner)) = chain.last().and_then(|f| f.expr()) {
        chain.push(inner);
    }
    let mut left = Left { moved: true, ..Left::default() };
    let mut rest_unknown = false;
    for step in chain.iter().rev() {
        let base = sema.type_of_expr(&step.expr()?)?;
        // Through a box (`node.next` with `node: Box<Node>`): a field of its content moves out
        // and the rest stays in the box, as in a struct of its own (a box whose whole content
        // moved out is moved, `moved_out_of_box`). Through any other dereference (a reference,
        // an `Rc`): not the binding's own field.
        let container = if base.original.is_reference() {
            return None;
        } else if base.has_adjustment() {
            let boxed = crate::resolve::std_adt(db, &base.original).as_deref() == Some("Box");
            let content = base.original.type_arguments().next()?;
            if !boxed || content.is_reference() || base.adjusted.as_ref() != Some(&content) {
                return None;
            }
            content
        } else {
            base.original
        };
        let taken = sema.resolve_field(step)?;
        let siblings: Vec<hir::Type<'_>> = match (taken.left(), taken.right()) {
            (Some(field), _) => container.fields(db).into_iter().filter(|(f, _)| *f != field).map(|(_, ty)| ty).collect(),
            (None, Some(tuple_field)) => {
                container.tuple_fields(db).into_iter().enumerate().filter(|(i, _)| *i as u32 != tuple_field.index).map(|(_, ty)| ty).collect()
            }
            (None, None) => return None,
        };
        for ty in &siblings {
            match stays(db, ty) {
                // Only a field of the binding itself, one level deep, can be weighed against the
                // binding's other fields taken after it.
                part if part.unsure && chain.len() == 1 => rest_unknown = true,
                part if part.unsure => return None,
                part => left = left.join(part),
            }
        }
    }
    if rest_unknown {
        return Some((UseKind::PartialMove, Some(REST_UNKNOWN.to_owned())));
    }
    Some((left.kind()?, None))
}

/// `kind`, unless it says a part of the binding moved and nothing that needs dropping stayed
/// while the function gives a field of the binding a value again (`let Tagged { item, .. } =
/// t; .. t.item = new;`), or the content of a box (`*b = new`): the binding may then hold a
/// value to drop at its end, or not, as the path taken decides. Such a use is "unknown".
pub(crate) fn unless_refilled(
    sema: &Semantics<'_, RootDatabase>,
    kind: (UseKind, Option<String>),
    node: &ra_ap_syntax::SyntaxNode,
    file: &ra_ap_syntax::SyntaxNode,
    name: &str,
) -> (UseKind, Option<String>) {
    if kind.0 == UseKind::Move && crate::places::refilled(sema, node, file, name) {
        return (
            UseKind::Unknown,
            Some("a field of it or what it points to is given a value again in the function: whether what moved out was refilled depends on the path taken".to_owned()),
        );
    }
    kind
}

/// What a closure's captures of one binding leave in it, when the binding is a struct of the
/// workspace's and every capture is a field of it (`book.title`, reached without a
/// dereference): the fields captured by value in whole are taken, and the rest stays (with
/// what needs dropping in it). `None` when a capture is deeper than a field and moves a part
/// of it that is not `Copy` (what stays of that field could not be told), or the binding is
/// anything else.
pub(crate) fn captured_fields(db: &RootDatabase, captures: &[&hir::ClosureCapture<'_>]) -> Option<Left> {
    let local = captures.first()?.local();
    let whole = local.ty(db);
    let hir::Adt::Struct(_) = whole.as_adt()? else { return None };
    if crate::resolve::is_std(db, whole.as_adt()?.module(db).krate(db)) {
        return None;
    }
    let edition = local.module(db).krate(db).edition(db);
    let name = local.name(db).display(db, edition).to_string();
    let fields = whole.fields(db);
    let mut taken = Vec::new();
    for capture in captures.iter().filter(|c| matches!(c.kind(), hir::CaptureKind::Move)) {
        let place = capture.display_place_source_code(db, edition);
        let path: Vec<&str> = place.strip_prefix(&format!("{name}."))?.split('.').collect();
        let (field, _) = fields.iter().find(|(f, _)| f.name(db).display(db, edition).to_string() == path[0])?;
        match path.len() {
            1 if capture.ty(db) == fields.iter().find(|(f, _)| f == field)?.1 => taken.push(*field),
            _ if capture.ty(db).is_copy(db) => {}
            _ => return None,
        }
    }
    // Called only when a capture by value is not `Copy`, and that one is a whole field here.
    untaken(db, &whole, &taken).map(|left| Left { moved: true, ..left })
}

/// Whether `*b` (`deref`, with `b` of type `ty`) moves the content out of a box: `b` is a
/// `Box` of a type that is not `Copy`, and the dereference is used by value (not borrowed, by
/// `&` or by a method's autoref, nor a place written, reached through or matched on): a
/// value, or the receiver of a method that takes `self` (`(*b).into_inner()`).
pub(crate) fn moved_out_of_box(sema: &Semantics<'_, RootDatabase>, deref: &ast::PrefixExpr, ty: &hir::Type<'_>) -> bool {
    let db = sema.db;
    if crate::resolve::std_adt(db, ty).as_deref() != Some("Box") {
        return false;
    }
    let Some(content) = ty.type_arguments().next() else { return false };
    if content.is_unknown() || content.is_copy(db) {
        return false;
    }
    let mut node = deref.syntax().clone();
    while let Some(up) = node.parent().filter(|p| ast::ParenExpr::can_cast(p.kind())) {
        node = up;
    }
    let Some(up) = node.parent() else { return false };
    let receiver = ast::MethodCallExpr::cast(up.clone()).and_then(|c| c.receiver()).is_some_and(|r| r.syntax() == &node);
    let place = !receiver && crate::places::placed(&up, &node)
        || ast::RefExpr::can_cast(up.kind())
        || ast::FieldExpr::can_cast(up.kind())
        || ast::LetStmt::can_cast(up.kind())
        || ast::LetExpr::can_cast(up.kind());
    let borrowed =
        sema.expr_adjustments(&ast::Expr::PrefixExpr(deref.clone())).unwrap_or_default().iter().any(|a| matches!(a.kind, hir::Adjust::Borrow(_)));
    !place && !borrowed
}
