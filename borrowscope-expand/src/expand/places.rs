//! Places the analyzer found or the user declared, recorded before their statement: statics
//! read and written, consts used, union fields and raw-pointer dereferences; and the left
//! side of an assignment, whose place is never rewritten but whose parts are.

use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, Stmt};

use type_info_schema::SiteKind;

use super::{Expander, emit, text, vocabulary};
use crate::config::Group;

/// Records a dereference of a raw pointer that the analyzer found, before the statement;
/// `pointer` is the dereferenced expression as the user wrote it.
pub(super) fn raw_deref(exp: &mut Expander<'_>, u: &syn::ExprUnary, pointer: &str) {
    let syn::UnOp::Deref(star) = u.op else { return };
    let typed = exp.position(star.span).and_then(|(l, c)| exp.types.site(l, c, SiteKind::RawPtrDeref));
    if let Some(known) = typed {
        let site = exp.site(pointer, "", "raw_ptr_deref", u.span());
        if let Some(stmt) = site_event(exp, known.kind, site) {
            exp.before_statement(stmt);
        }
    }
}

/// The statement recording the event of a site the analyzer found (`vocabulary::site`), if
/// its kind records one where it is and its group is enabled.
pub(super) fn site_event(exp: &Expander<'_>, kind: SiteKind, site: TokenStream) -> Option<Stmt> {
    let (op, arg, group) = vocabulary::site(kind)?;
    exp.has(group).then(|| emit::event_stmt(&site, op, emit::Number(0), emit::Number(arg)))
}

/// The left side of an assignment: the place itself is never rewritten, but the values it
/// is computed from are (`*m.lock().unwrap() = v` locks; `*p = v` dereferences a raw
/// pointer; `a[f(i)] = v` calls `f`).
pub(super) fn inside_place(exp: &mut Expander<'_>, place: &mut Expr) {
    match place {
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
            raw_deref(exp, u, &text(&u.expr));
            inside_place(exp, &mut u.expr);
        }
        Expr::Field(f) => inside_place(exp, &mut f.base),
        Expr::Index(i) => {
            inside_place(exp, &mut i.expr);
            exp.visit_expr_mut(&mut i.index);
            index_borrow(exp, i);
        }
        Expr::Paren(p) => inside_place(exp, &mut p.expr),
        // A call's result is a value: expanded like any other, used where it is (a guard
        // there is a temporary of the assignment).
        Expr::MethodCall(_) | Expr::Call(_) => {
            exp.guard_use = super::guards::GuardUse::Place;
            exp.visit_expr_mut(place)
        }
        _ => {}
    }
}

/// `m[k]` on a tracked binding that the analyzer says the overloaded `index` (or `index_mut`)
/// borrows (`m["a"]` of a `HashMap`, `v[i]` of a `Vec`): the borrow, recorded in the index
/// operand, which runs after the base is reached and before the call. Only a literal or a
/// name as the index: a block around anything else would end its temporaries early.
pub(super) fn index_borrow(exp: &mut Expander<'_>, index: &mut syn::ExprIndex) {
    let Expr::Path(base) = &*index.expr else { return };
    let Some(ident) = base.path.get_ident().filter(|_| base.qself.is_none()) else { return };
    let simple = match &*index.index {
        Expr::Lit(_) => true,
        Expr::Path(p) => p.qself.is_none() && p.path.get_ident().is_some(),
        _ => false,
    };
    let op = match exp.analyzed_use(ident) {
        Some(type_info_schema::UseKind::SharedBorrow) => vocabulary::BORROW,
        Some(type_info_schema::UseKind::MutableBorrow) => vocabulary::BORROW_MUT,
        _ => return,
    };
    let Some(guard) = exp.lookup(&ident.to_string()) else { return };
    if !simple || !exp.has(Group::Ownership) {
        return;
    }
    // Named by the method it is (`why`: "borrowed shared by `index`"); its result is a
    // reference, which may keep the borrow, so no end is claimed.
    let method = if op == vocabulary::BORROW_MUT { "index_mut" } else { "index" };
    let site = exp.site(method, &ident.to_string(), "receiver", index.expr.span());
    let event = emit::event(&site, op, emit::Number(0), quote::quote!(#guard.id()));
    let value = std::mem::replace(&mut *index.index, Expr::Verbatim(TokenStream::new()));
    *index.index = super::tail_block(vec![Stmt::Expr(event, Some(Default::default()))], value);
}

/// Records the static access or const use the analyzer found at this path, before the
/// statement; returns whether there was one.
pub(super) fn record_typed_path(exp: &mut Expander<'_>, path: &syn::ExprPath) -> bool {
    let Some((op, arg, name)) = typed_path(exp, path) else { return false };
    let site = if op == vocabulary::CONST_EVAL {
        exp.site(&name, "", "const", path.span())
    } else {
        exp.site(&name, if arg == 1 { "write" } else { "read" }, "static", path.span())
    };
    exp.before_statement(emit::event_stmt(&site, op, emit::Number(0), emit::Number(arg)));
    true
}

/// A static read or write, or a const use, that the analyzer recorded at this path: the
/// operation, its argument (1 for a write) and the name.
fn typed_path(exp: &Expander<'_>, path: &syn::ExprPath) -> Option<(vocabulary::Op, u64, String)> {
    let (line, column) = exp.position(path.span())?;
    let site = exp.types.sites(line, column).iter().find(|s| matches!(s.kind, SiteKind::StaticRead | SiteKind::StaticWrite | SiteKind::ConstUse))?;
    let (op, arg, group) = vocabulary::site(site.kind)?;
    exp.has(group).then(|| (op, arg, site.target.clone()))
}

/// Notes the left side of `=` or `op=` when it is a declared static (a write) or a declared
/// union's field.
pub(super) fn place_written(exp: &mut Expander<'_>, place: &Expr) {
    match place {
        Expr::Path(p) => {
            if record_typed_path(exp, p) {
                // The analyzer's site told what this path is.
            } else if let Some(name) = declared_static(exp, &p.path) {
                let site = exp.site(&name, "write", "static", p.span());
                if let Some(stmt) = site_event(exp, SiteKind::StaticWrite, site) {
                    exp.before_statement(stmt);
                }
            }
        }
        Expr::Field(f) => union_field(exp, f),
        _ => {}
    }
}

/// The name of a static the user declared with `statics = [..]`, if `path` names one.
pub(super) fn declared_static(exp: &Expander<'_>, path: &syn::Path) -> Option<String> {
    let name = path.segments.last()?.ident.to_string();
    (exp.config.statics.contains(&name) && exp.lookup(&name).is_none()).then_some(name)
}

/// Records `u.field` when `u` is a binding of a union type the user declared.
pub(super) fn union_field(exp: &mut Expander<'_>, field: &syn::ExprField) {
    let Expr::Path(base) = &*field.base else { return };
    let Some(ident) = base.path.get_ident() else { return };
    let found = exp.unions_in_scope.iter().rev().find(|(name, _)| ident == name).map(|(_, ty)| ty.clone());
    if let Some(union) = found {
        let site = exp.site(&union, &text(&field.member), "union_field", field.span());
        if let Some(stmt) = site_event(exp, SiteKind::UnionFieldAccess, site) {
            exp.before_statement(stmt);
        }
    } else if exp.unsafe_depth > 0 {
        let message = format!(
            "`{ident}.{}` in an `unsafe` block may read a union field, which syntax cannot tell; declare the union type with `unions = [..]` to track it, or run borrowscope-analyzer",
            text(&field.member)
        );
        exp.warn(field.span(), &message);
    }
}

/// The guard of the tracked binding whose field (reached through fields only, `x.f`,
/// `x.0.g`, never through a dereference or an index) an assignment's left side writes.
pub(super) fn refilled_binding(exp: &Expander<'_>, left: &Expr) -> Option<syn::Ident> {
    let mut place = left;
    let Expr::Field(_) = place else { return None };
    while let Expr::Field(f) = place {
        place = &f.base;
    }
    let Expr::Path(p) = place else { return None };
    if p.qself.is_some() {
        return None;
    }
    exp.tracked(&p.path.get_ident()?.to_string()).filter(|(_, copies)| *copies != super::Copies::Yes).map(|(guard, _)| guard)
}

/// The tracked binding `b` and its guard, where an assignment's left side is `*b` and the
/// function also takes `*b` by value somewhere: the content of a box may have moved out.
pub(super) fn refilled_box(exp: &Expander<'_>, left: &Expr) -> Option<(syn::Ident, syn::Ident)> {
    let Expr::Unary(syn::ExprUnary { op: syn::UnOp::Deref(_), expr, .. }) = left else { return None };
    let (ident, guard, copies) = exp.tracked_path(expr)?;
    (copies != super::Copies::Yes && exp.derefs.read.contains(&ident.to_string())).then_some((ident, guard))
}

/// What a function does through the names it dereferences (`places::derefs`).
#[derive(Default)]
pub(crate) struct Derefs {
    /// `*b = v`: what `b` points to is given a value (a box's content moved out is filled
    /// again).
    pub(crate) written: std::collections::HashSet<String>,
    /// `*b` anywhere else that is not borrowed (`&*b`) or written through (`*b += 1`): the
    /// content may be taken by value.
    pub(crate) read: std::collections::HashSet<String>,
}

/// The names of a function body dereferenced as `*name`, by what is done through them.
pub(crate) fn derefs(block: &syn::Block) -> Derefs {
    use syn::visit::{self, Visit};
    struct Found(Derefs);
    fn named(expr: &Expr) -> Option<String> {
        match expr {
            Expr::Unary(unary) => deref_name(unary),
            _ => None,
        }
    }
    fn deref_name(unary: &syn::ExprUnary) -> Option<String> {
        let (syn::UnOp::Deref(_), Expr::Path(p)) = (&unary.op, &*unary.expr) else { return None };
        p.path.get_ident().map(|i| i.to_string())
    }
    impl<'ast> Visit<'ast> for Found {
        fn visit_expr_assign(&mut self, assign: &'ast syn::ExprAssign) {
            match named(&assign.left) {
                Some(name) => {
                    self.0.written.insert(name);
                }
                None => self.visit_expr(&assign.left),
            }
            self.visit_expr(&assign.right);
        }
        fn visit_expr_binary(&mut self, binary: &'ast syn::ExprBinary) {
            // `*b += 1` writes through `b`.
            use syn::BinOp::*;
            let compound = matches!(
                binary.op,
                AddAssign(_)
                    | SubAssign(_)
                    | MulAssign(_)
                    | DivAssign(_)
                    | RemAssign(_)
                    | BitXorAssign(_)
                    | BitAndAssign(_)
                    | BitOrAssign(_)
                    | ShlAssign(_)
                    | ShrAssign(_)
            );
            if !compound || named(&binary.left).is_none() {
                self.visit_expr(&binary.left);
            }
            self.visit_expr(&binary.right);
        }
        fn visit_expr_reference(&mut self, reference: &'ast syn::ExprReference) {
            if named(&reference.expr).is_none() {
                visit::visit_expr_reference(self, reference);
            }
        }
        fn visit_expr_unary(&mut self, unary: &'ast syn::ExprUnary) {
            if let Some(name) = deref_name(unary) {
                self.0.read.insert(name);
            }
            visit::visit_expr_unary(self, unary);
        }
        fn visit_macro(&mut self, _: &'ast syn::Macro) {}
    }
    let mut found = Found(Derefs::default());
    found.visit_block(block);
    found.0
}
