//! Who decides whether a by-value use of a binding copies or moves it (`Copies`): the
//! analyzer's trait facts when the type-info file has them, otherwise what the code as written
//! tells for sure, otherwise nobody.

use syn::{Expr, Pat};

use super::{Copies, Expander};

/// Whether the analyzer's trait facts say the binding's type is `Copy`: `None` when it could
/// not resolve the whole type (a `{unknown}` part would make the fact a guess).
pub(crate) fn analyzer_copies(known: &type_info_schema::Binding) -> Option<Copies> {
    let type_info_schema::ResolvedType::Known(ty) = &known.ty else { return None };
    if ty.contains("{unknown}") {
        return None;
    }
    known.traits.map(|t| if t.copy { Copies::Yes } else { Copies::No })
}

/// Whether the analyzer says dropping the binding's value runs no code (`Copy` types, shared
/// and mutable references, plain data): the bindings a run's one destructor may end (`runs`).
pub(crate) fn analyzer_drops_nothing(known: &type_info_schema::Binding) -> bool {
    let type_info_schema::ResolvedType::Known(ty) = &known.ty else { return false };
    !ty.contains("{unknown}") && known.traits.is_some_and(|t| !t.needs_drop)
}

/// Whether the analyzer says the binding is a reference (`&T`, `&mut T`): a method called on
/// it reborrows through it, and borrows nothing of the binding's own.
pub(crate) fn analyzer_reference(known: &type_info_schema::Binding) -> bool {
    matches!(&known.ty, type_info_schema::ResolvedType::Known(ty) if ty.starts_with('&') && !ty.contains("{unknown}"))
}

/// Who can tell, from the code as written, whether a by-value use of a single-name binding
/// copies or moves it. A written-out type (`let x: T`) lets a probe ask the compiler at each
/// use; some initializers tell by themselves (a literal or `&x` is `Copy`, `vec![]` or
/// `String::new()` is not; `let y = x` is what `x` is). Anything else, closures above all,
/// may have a type the compiler does not know yet where the binding is used: `Unknown`.
pub(crate) fn syntactic_copies(exp: &Expander<'_>, pat: &Pat, init: &Expr) -> Copies {
    if let Pat::Type(typed) = pat {
        return written_type_copies(&typed.ty);
    }
    initializer_copies(exp, init)
}

/// Who can tell the copies of a binding whose type is written `ty` (a `let x: T` or a
/// parameter): `&T` is `Copy`; a `&mut T` is not, but passed where a `&mut` is expected it is
/// reborrowed (`&mut *r`) and stays, and passed where a generic `T` is expected it moves,
/// which syntax cannot tell apart; any other type written out in full lets a probe ask the
/// compiler.
pub(crate) fn written_type_copies(ty: &syn::Type) -> Copies {
    match ty {
        syn::Type::Reference(r) if r.mutability.is_some() => Copies::Unknown,
        syn::Type::Reference(_) => Copies::Yes,
        ty if written_out(ty) => Copies::Probe,
        _ => Copies::Unknown,
    }
}

fn initializer_copies(exp: &Expander<'_>, init: &Expr) -> Copies {
    match init {
        // Every literal's type is `Copy`: numbers, `bool`, `char`, `&str`, `&[u8; N]`, `&CStr`.
        Expr::Lit(_) => Copies::Yes,
        // Reborrowed or moved where it is used, as for a written `&mut T`.
        Expr::Reference(r) if r.mutability.is_some() => Copies::Unknown,
        Expr::Reference(_) => Copies::Yes,
        Expr::Paren(p) => initializer_copies(exp, &p.expr),
        Expr::Path(p) if p.qself.is_none() => match p.path.get_ident().and_then(|i| exp.tracked(&i.to_string())) {
            Some((_, copies)) => copies,
            None => Copies::Unknown,
        },
        Expr::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "vec" || s.ident == "format") => Copies::No,
        Expr::Call(call) => match &*call.func {
            Expr::Path(p) if owned_constructor(&p.path) => Copies::No,
            _ => Copies::Unknown,
        },
        _ => Copies::Unknown,
    }
}

/// `String::new()`, `Vec::with_capacity(n)`, `Box::new(v)`, `Rc::clone(&r)`...: constructors
/// of std types that are never `Copy`, whatever their parameters turn out to be.
fn owned_constructor(path: &syn::Path) -> bool {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let [.., ty, function] = segments.as_slice() else { return false };
    let owned = matches!(
        ty.as_str(),
        "String"
            | "Vec"
            | "VecDeque"
            | "Box"
            | "Rc"
            | "Arc"
            | "HashMap"
            | "HashSet"
            | "BTreeMap"
            | "BTreeSet"
            | "BinaryHeap"
            | "RefCell"
            | "Cell"
            | "Mutex"
            | "RwLock"
            | "OnceCell"
            | "OnceLock"
            | "PathBuf"
            | "OsString"
    );
    owned && matches!(function.as_str(), "new" | "with_capacity" | "from" | "default" | "clone" | "pin")
}

/// A type written out in full: no `_` to infer and no `impl Trait` anywhere in it.
fn written_out(ty: &syn::Type) -> bool {
    struct Holes(bool);
    impl<'ast> syn::visit::Visit<'ast> for Holes {
        fn visit_type_infer(&mut self, _: &'ast syn::TypeInfer) {
            self.0 = true;
        }
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
            self.0 = true;
        }
        fn visit_type_macro(&mut self, _: &'ast syn::TypeMacro) {
            self.0 = true;
        }
    }
    let mut holes = Holes(false);
    syn::visit::Visit::visit_type(&mut holes, ty);
    !holes.0
}
