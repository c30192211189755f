//! A path that names one binding, as every pass over the uses of bindings keys and decides
//! it, and what the type alone decides of a use.

use ra_ap_hir as hir;
use ra_ap_ide_db::RootDatabase;
use ra_ap_syntax::ast;
use type_info_schema::{Position, Use, UseKind};

/// A path that names one binding, as a use of it is keyed and decided: its name and the
/// position of its token as written, and the same path in the expansion rust-analyzer made of
/// an attribute macro around it (`#[trace_borrow]` passes its input through while the
/// analyzer runs), or the path itself outside one; in a function-like macro's arguments, the
/// macro call as written.
pub(crate) struct Named {
    pub(crate) name: String,
    pub(crate) position: Position,
    pub(crate) expanded: ast::PathExpr,
    pub(crate) call: Option<ast::MacroCall>,
}

impl Named {
    pub(crate) fn used(&self, kind: UseKind, reason: Option<String>) -> Use {
        Use {
            line: self.position.line,
            column: self.position.column,
            name: self.name.clone(),
            kind,
            reason,
            ends_with_call: false,
            never_returns: false,
        }
    }
}

/// What matching a binding of type `ty` does to it where the type alone decides: a copy of a
/// `Copy` one, "unknown" for a type not inferred.
pub(crate) fn by_type(db: &RootDatabase, ty: &hir::Type<'_>) -> Option<(UseKind, Option<String>)> {
    if ty.is_unknown() {
        Some(unknown("the binding's type could not be inferred"))
    } else if ty.is_copy(db) {
        Some((UseKind::Copy, None))
    } else {
        None
    }
}

/// A use the analysis cannot tell, with why.
pub(crate) fn unknown(reason: &str) -> (UseKind, Option<String>) {
    (UseKind::Unknown, Some(reason.to_owned()))
}
