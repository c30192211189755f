//! Classification by resolved types and callees: a binding's initializer kind, and the trait
//! facts of its type. Std items are recognised by their defining crate's origin (core,
//! alloc, std) plus their name, never by path text (`Mutex` lives in
//! `std::sync::poison::mutex` in 1.95).

use ra_ap_base_db::{CrateOrigin, LangCrateOrigin};
use ra_ap_hir as hir;
use ra_ap_hir::Semantics;
use ra_ap_ide_db::RootDatabase;
use ra_ap_syntax::{AstNode, ast};
use type_info_schema::{InitializerKind as K, TraitFacts};

use crate::resolve::{is_std, std_adt, std_owner};

/// The traits whose implementation the type-info file records, found in `core`.
pub(crate) struct Traits {
    copy: Option<hir::Trait>,
    clone: Option<hir::Trait>,
    send: Option<hir::Trait>,
    sync: Option<hir::Trait>,
}

impl Traits {
    pub(crate) fn find(db: &RootDatabase, krate: hir::Crate) -> Traits {
        let core =
            krate.dependencies(db).into_iter().map(|dep| dep.krate).find(|dep| matches!(dep.origin(db), CrateOrigin::Lang(LangCrateOrigin::Core)));
        let find = |module: &str, name: &str| -> Option<hir::Trait> {
            let root = core?.root_module(db);
            let module = root.children(db).find(|m| m.name(db).is_some_and(|n| n.as_str() == module))?;
            module.scope(db, None).into_iter().find_map(|(item, def)| match def {
                hir::ScopeDef::ModuleDef(hir::ModuleDef::Trait(t)) if item.as_str() == name => Some(t),
                _ => None,
            })
        };
        // `Send` and `Sync` are not lang items: they are found by their place in core.
        Traits { copy: find("marker", "Copy"), clone: find("clone", "Clone"), send: find("marker", "Send"), sync: find("marker", "Sync") }
    }

    pub(crate) fn facts(&self, db: &RootDatabase, ty: &hir::Type<'_>) -> TraitFacts {
        let implements = |t: Option<hir::Trait>| t.is_some_and(|t| ty.impls_trait(db, t, &[]));
        TraitFacts {
            copy: ty.is_copy(db),
            clone: implements(self.clone) || implements(self.copy),
            send: implements(self.send),
            sync: implements(self.sync),
            needs_drop: ty.drop_glue(db) != hir::DropGlue::None,
        }
    }
}

/// The kind for a call of `function`, whose result has type `result`.
fn call_kind(db: &RootDatabase, function: hir::Function, result: Option<&hir::Type<'_>>) -> K {
    let name = function.name(db).as_str().to_owned();
    let from_std = is_std(db, function.module(db).krate(db));
    let owner = std_owner(db, function, false).unwrap_or_default();
    if from_std {
        let kind = match (owner.as_str(), name.as_str()) {
            ("Box", "new") => Some(K::BoxNew),
            ("Box", "pin") => Some(K::BoxPin),
            ("Box", "from_raw") => Some(K::BoxFromRaw),
            ("Box", "into_raw") => Some(K::BoxIntoRaw),
            ("Rc", "new") => Some(K::RcNew),
            ("Arc", "new") => Some(K::ArcNew),
            ("Rc", "clone") => Some(K::RcClone),
            ("Arc", "clone") => Some(K::ArcClone),
            ("Rc" | "Arc", "downgrade") => Some(K::WeakDowngrade),
            ("Weak", "new") => Some(K::WeakNew),
            ("Pin", "new" | "new_unchecked") => Some(K::PinNew),
            ("RefCell", "new") => Some(K::RefCellNew),
            ("Cell", "new") => Some(K::CellNew),
            ("OnceCell", "new") => Some(K::OnceCellNew),
            ("OnceLock", "new") => Some(K::OnceLockNew),
            ("UnsafeCell", "new") => Some(K::UnsafeCellNew),
            ("Mutex", "new") => Some(K::MutexNew),
            ("RwLock", "new") => Some(K::RwLockNew),
            ("Vec", "new" | "with_capacity" | "from") => Some(K::VecNew),
            ("String", "new" | "from" | "with_capacity") => Some(K::StringNew),
            ("HashMap", "new" | "with_capacity") => Some(K::HashMapNew),
            ("HashSet" | "BTreeMap" | "BTreeSet" | "VecDeque" | "BinaryHeap" | "LinkedList", "new" | "with_capacity") => Some(K::CollectionNew),
            ("MaybeUninit", "uninit") => Some(K::MaybeUninitUninit),
            ("MaybeUninit", "new") => Some(K::MaybeUninitNew),
            ("MaybeUninit", "assume_init" | "assume_init_read") => Some(K::MaybeUninitAssumeInit),
            ("ManuallyDrop", "new") => Some(K::ManuallyDropNew),
            (owner, "new") if owner.starts_with("Atomic") => Some(K::AtomicNew),
            ("", "spawn") => Some(K::ThreadSpawn),
            ("", "channel" | "sync_channel") => Some(K::ChannelCreate),
            ("", "transmute") => Some(K::Transmute),
            ("", "take" | "replace") => Some(K::MemTake),
            _ => None,
        };
        if let Some(kind) = kind {
            return kind;
        }
    }
    // A function of the user's returning a smart pointer is a factory of one: the binding
    // holds a new pointer as if it were made here (`factory` names the function).
    if !from_std && let Some(result) = result {
        match std_adt(db, result).as_deref() {
            Some("Rc") => return K::RcNew,
            Some("Arc") => return K::ArcNew,
            Some("Box") => return K::BoxNew,
            _ => {}
        }
    }
    if function.self_param(db).is_some() { K::MethodCall } else { K::FunctionCall }
}

/// The kind for a method call, from the resolved method and the receiver's type.
fn method_kind(sema: &Semantics<'_, RootDatabase>, call: &ast::MethodCallExpr) -> K {
    let db = sema.db;
    let name = call.name_ref().map(|n| n.text().to_string()).unwrap_or_default();
    let receiver = call.receiver();
    let receiver_ty = receiver.as_ref().and_then(|r| sema.type_of_expr(r)).map(|t| t.adjusted().strip_references());
    let receiver_std = receiver_ty.as_ref().and_then(|t| std_adt(db, t));
    let result = sema.type_of_expr(&ast::Expr::MethodCallExpr(call.clone())).map(|t| t.original);
    let result_std = result.as_ref().and_then(|t| std_adt(db, t));
    let by_receiver = match (receiver_std.as_deref(), name.as_str()) {
        (Some("Rc"), "clone") => Some(K::RcClone),
        (Some("Arc"), "clone") => Some(K::ArcClone),
        (Some("Weak"), "clone") => Some(K::WeakClone),
        (Some("Weak"), "upgrade") => Some(K::WeakUpgrade),
        (Some("RefCell"), "borrow" | "try_borrow") => Some(K::RefCellBorrow),
        (Some("RefCell"), "borrow_mut" | "try_borrow_mut") => Some(K::RefCellBorrowMut),
        (Some("Cell"), "get") => Some(K::CellGet),
        (Some("OnceCell" | "OnceLock"), "get_or_init") => Some(K::OnceGetOrInit),
        (Some("Mutex"), "lock" | "try_lock") => Some(K::MutexLock),
        (Some("RwLock"), "read" | "try_read") => Some(K::RwLockRead),
        (Some("RwLock"), "write" | "try_write") => Some(K::RwLockWrite),
        (Some("JoinHandle"), "join") => Some(K::ThreadJoin),
        (Some("Receiver"), "recv" | "try_recv" | "recv_timeout") => Some(K::ChannelRecv),
        (Some("MaybeUninit"), "assume_init" | "assume_init_read") => Some(K::MaybeUninitAssumeInit),
        (Some("Option"), "take" | "replace") => Some(K::MemTake),
        (_, "clone") => Some(K::Clone),
        (_, "collect") => Some(K::Collect),
        (_, "as_ptr" | "as_mut_ptr") => Some(K::RawPtrNew),
        _ => None,
    };
    if let Some(kind) = by_receiver {
        return kind;
    }
    // `.lock().unwrap()` is the lock; other `unwrap`-likes are unwraps.
    if matches!(name.as_str(), "unwrap" | "expect" | "unwrap_or" | "unwrap_or_else" | "unwrap_or_default") {
        if let Some(ast::Expr::MethodCallExpr(inner)) = &receiver {
            let inner_kind = method_kind(sema, inner);
            if matches!(inner_kind, K::MutexLock | K::RwLockRead | K::RwLockWrite | K::ThreadJoin | K::ChannelRecv) {
                return inner_kind;
            }
        }
        return K::Unwrap;
    }
    match (name.as_str(), result_std.as_deref()) {
        ("into" | "try_into" | "to_owned" | "to_string", Some("Rc")) => return K::RcNew,
        ("into" | "try_into", Some("Arc")) => return K::ArcNew,
        ("to_string" | "to_owned", Some("String")) => return K::StringNew,
        ("into" | "try_into", _) => return K::Conversion,
        _ => {}
    }
    if matches!(name.as_str(), "iter" | "iter_mut" | "into_iter" | "map" | "filter" | "enumerate" | "zip" | "rev" | "chain" | "skip" | "take") {
        return K::Iterator;
    }
    match sema.resolve_method_call(call) {
        Some(function) => call_kind(db, function, result.as_ref()),
        None => K::MethodCall,
    }
}

/// The kind of an initializer expression.
pub(crate) fn expression(sema: &Semantics<'_, RootDatabase>, expr: &ast::Expr) -> K {
    let db = sema.db;
    match expr {
        ast::Expr::Literal(_) => K::Literal,
        ast::Expr::TupleExpr(_) => K::Tuple,
        ast::Expr::ArrayExpr(_) => K::Array,
        ast::Expr::RangeExpr(_) => K::Range,
        ast::Expr::ParenExpr(p) => p.expr().map_or(K::Unknown, |e| expression(sema, &e)),
        ast::Expr::RefExpr(r) => {
            if r.raw_token().is_some() {
                K::RawPtrNew
            } else if r.mut_token().is_some() {
                K::BorrowMut
            } else {
                K::Borrow
            }
        }
        ast::Expr::ClosureExpr(_) => K::Closure,
        ast::Expr::AwaitExpr(_) => K::Await,
        ast::Expr::TryExpr(_) => K::TryOperator,
        ast::Expr::BlockExpr(b) if b.async_token().is_some() => K::AsyncBlock,
        // `unsafe { Box::from_raw(p) }`, `{ ..; value }`: the value is the tail's.
        ast::Expr::BlockExpr(b) => b.stmt_list().and_then(|s| s.tail_expr()).map_or(K::Unknown, |tail| expression(sema, &tail)),
        ast::Expr::CastExpr(c) => {
            let to_pointer = sema.type_of_expr(expr).is_some_and(|t| t.original.is_raw_ptr());
            if to_pointer || c.ty().is_some_and(|t| matches!(t, ast::Type::PtrType(_))) { K::RawPtrNew } else { K::Conversion }
        }
        ast::Expr::PrefixExpr(p) if p.op_kind() == Some(ast::UnaryOp::Deref) => {
            let raw = p.expr().and_then(|e| sema.type_of_expr(&e)).is_some_and(|t| t.original.is_raw_ptr());
            if raw { K::RawPtrDeref } else { K::Deref }
        }
        // Macros are resolved: only std's `vec!`, `format!`, `pin!`, `addr_of!` count.
        ast::Expr::MacroExpr(m) => {
            let resolved = m.macro_call().and_then(|call| sema.resolve_macro_call(&call));
            match resolved.filter(|mac| is_std(db, mac.module(db).krate(db))).map(|mac| mac.name(db)) {
                Some(name) => match name.as_str() {
                    "vec" => K::VecMacro,
                    "format" => K::FormatMacro,
                    "pin" => K::PinNew,
                    "addr_of" | "addr_of_mut" => K::RawPtrNew,
                    _ => K::Unknown,
                },
                None => K::Unknown,
            }
        }
        ast::Expr::RecordExpr(_) => match sema.type_of_expr(expr).and_then(|t| t.original.as_adt()) {
            Some(hir::Adt::Union(_)) => K::UserUnion,
            Some(hir::Adt::Enum(_)) => K::UserEnum,
            _ => K::UserStruct,
        },
        ast::Expr::PathExpr(p) => match p.path().and_then(|path| sema.resolve_path(&path)) {
            Some(hir::PathResolution::Local(local)) => {
                if local.ty(db).is_copy(db) {
                    K::CopyFrom
                } else {
                    K::MoveFrom
                }
            }
            Some(hir::PathResolution::Def(hir::ModuleDef::Static(_))) => K::StaticRead,
            Some(hir::PathResolution::Def(hir::ModuleDef::Const(_))) => K::ConstItem,
            Some(hir::PathResolution::Def(hir::ModuleDef::EnumVariant(v))) => variant_kind(db, v),
            _ => K::Unknown,
        },
        ast::Expr::CallExpr(call) => {
            let callee = call.expr();
            let resolved = match &callee {
                Some(ast::Expr::PathExpr(p)) => p.path().and_then(|path| sema.resolve_path(&path)),
                _ => None,
            };
            let result = sema.type_of_expr(expr).map(|t| t.original);
            match resolved {
                Some(hir::PathResolution::Def(hir::ModuleDef::Function(f))) => call_kind(db, f, result.as_ref()),
                Some(hir::PathResolution::Def(hir::ModuleDef::EnumVariant(v))) => variant_kind(db, v),
                Some(hir::PathResolution::Def(hir::ModuleDef::Adt(_))) => K::UserStruct,
                _ => K::FunctionCall,
            }
        }
        ast::Expr::MethodCallExpr(call) => method_kind(sema, call),
        _ => K::Unknown,
    }
}

/// The user function or method a binding's initializer calls to make a `Box`, `Rc` or `Arc`
/// (the `factory` of an `rc_new`...), as `krate::module::Type::name`.
pub(crate) fn factory(sema: &Semantics<'_, RootDatabase>, pat: &ast::IdentPat) -> Option<String> {
    let db = sema.db;
    let local = pat.syntax().ancestors().find_map(ast::LetStmt::cast)?;
    let mut init = local.initializer()?;
    // `(make())`, `unsafe { make() }`: the value is the inner call's.
    let init = loop {
        init = match init {
            ast::Expr::ParenExpr(p) => p.expr()?,
            ast::Expr::BlockExpr(b) if b.async_token().is_none() => b.stmt_list()?.tail_expr()?,
            other => break other,
        };
    };
    let function = match &init {
        ast::Expr::CallExpr(call) => match call.expr()? {
            ast::Expr::PathExpr(p) => match sema.resolve_path(&p.path()?)? {
                hir::PathResolution::Def(hir::ModuleDef::Function(f)) => f,
                _ => return None,
            },
            _ => return None,
        },
        ast::Expr::MethodCallExpr(call) => sema.resolve_method_call(call)?,
        _ => return None,
    };
    if is_std(db, function.module(db).krate(db)) {
        return None;
    }
    let result = sema.type_of_expr(&init)?.original;
    matches!(std_adt(db, &result).as_deref(), Some("Rc" | "Arc" | "Box")).then(|| crate::resolve::path_of(db, function))
}

/// `Some`, `None`, `Ok`, `Err`, `Cow::Borrowed`/`Owned`, or a user enum's variant.
fn variant_kind(db: &RootDatabase, variant: hir::EnumVariant) -> K {
    let parent = variant.parent_enum(db);
    let from_std = is_std(db, parent.module(db).krate(db));
    match (from_std, parent.name(db).as_str(), variant.name(db).as_str()) {
        (true, "Option", "Some") => K::OptionSome,
        (true, "Option", "None") => K::OptionNone,
        (true, "Result", "Ok") => K::ResultOk,
        (true, "Result", "Err") => K::ResultErr,
        (true, "Cow", "Borrowed") => K::CowBorrowed,
        (true, "Cow", "Owned") => K::CowOwned,
        _ => K::UserEnum,
    }
}

/// The initializer kind of the binding `pat`: from the `let` it belongs to, a `for` loop's
/// iterator, or `unknown` (parameters, `match` arms, `let x;`).
pub(crate) fn initializer(sema: &Semantics<'_, RootDatabase>, pat: &ast::IdentPat) -> K {
    for ancestor in pat.syntax().ancestors().skip(1) {
        if let Some(local) = ast::LetStmt::cast(ancestor.clone()) {
            return local.initializer().map_or(K::Unknown, |init| expression(sema, &init));
        }
        if ast::ForExpr::can_cast(ancestor.kind()) {
            return K::Iterator;
        }
        // A pattern ends at the first node that is not part of one.
        if !ast::Pat::can_cast(ancestor.kind())
            && !ast::RecordPatFieldList::can_cast(ancestor.kind())
            && !ast::RecordPatField::can_cast(ancestor.kind())
        {
            break;
        }
    }
    K::Unknown
}
