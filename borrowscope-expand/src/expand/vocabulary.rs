//! One vocabulary: what each initializer kind, site kind and use kind of the type-info file,
//! and each constructor syntax recognises, records at run time. Every match here is
//! exhaustive, so a kind added to the schema does not compile until its event is written
//! down in this file.

use proc_macro2::TokenStream;
use quote::quote;
use type_info_schema::{InitializerKind as K, SiteKind, UseKind};

use crate::config::Group;

/// A variant of the runtime's `__private::Op`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Op(&'static str);

impl Op {
    /// The variant's name, as an identifier (`emit` writes its path).
    pub(crate) fn name(self) -> TokenStream {
        let ident = syn::Ident::new(self.0, proc_macro2::Span::mixed_site());
        quote!(#ident)
    }
}

/// `const` items are recorded as evaluated where they are used.
pub(crate) const CONST_EVAL: Op = Op("ConstEval");

// What syntax records where it sees it. A span is a pair: its entry, and its exit when the
// span's value drops.
pub(crate) const FUNCTION: (Op, Op) = (Op("FnEnter"), Op("FnExit"));
pub(crate) const LOOP: (Op, Op) = (Op("LoopEnter"), Op("LoopExit"));
pub(crate) const MATCH: (Op, Op) = (Op("MatchEnter"), Op("MatchExit"));
pub(crate) const UNSAFE_BLOCK: (Op, Op) = (Op("UnsafeBlockEnter"), Op("UnsafeBlockExit"));
pub(crate) const ASYNC_BLOCK: (Op, Op) = (Op("AsyncBlockEnter"), Op("AsyncBlockExit"));
pub(crate) const AWAIT_START: Op = Op("AwaitStart");
pub(crate) const AWAIT_END: Op = Op("AwaitEnd");
pub(crate) const BRANCH: Op = Op("Branch");
pub(crate) const RETURN: Op = Op("Return");
pub(crate) const BREAK: Op = Op("Break");
pub(crate) const CONTINUE: Op = Op("Continue");
pub(crate) const TRY: Op = Op("Try");
pub(crate) const LET_ELSE: Op = Op("LetElse");
/// A borrow with no binding of its own (`&x` as an argument), shared or mutable.
pub(crate) const BORROW: Op = Op("Borrow");
pub(crate) const BORROW_MUT: Op = Op("BorrowMut");
/// A binding initialized by a copy of another.
pub(crate) const COPY: Op = Op("Copy");
pub(crate) const CLOSURE_CREATE: Op = Op("ClosureCreate");
pub(crate) const CLOSURE_CAPTURE: Op = Op("ClosureCapture");
/// A channel's sending end, naming its receiving end's instance.
pub(crate) const CHANNEL: Op = Op("Channel");
/// `x.clone()`, `x.unwrap()` (and its siblings), a lock by the method's name alone.
pub(crate) const CLONE: Op = Op("Clone");
pub(crate) const UNWRAP: Op = Op("Unwrap");
pub(crate) const LOCK: Op = Op("Lock");
pub(crate) const REFCELL_BORROW: Op = Op("RefCellBorrow");
pub(crate) const REFCELL_BORROW_MUT: Op = Op("RefCellBorrowMut");
/// A binding initialized by a read of a place: `*r`, `v[i]`, `s.field`.
pub(crate) const DEREF: Op = Op("Deref");
pub(crate) const INDEX_ACCESS: Op = Op("IndexAccess");
pub(crate) const FIELD_ACCESS: Op = Op("FieldAccess");
pub(crate) const STRUCT_CREATE: Op = Op("StructCreate");
pub(crate) const TUPLE_CREATE: Op = Op("TupleCreate");
pub(crate) const ARRAY_CREATE: Op = Op("ArrayCreate");
pub(crate) const RANGE: Op = Op("Range");
pub(crate) const TYPE_CAST: Op = Op("TypeCast");

/// What a binding's value records beyond its creation (`New`, which every binding gets).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Record {
    /// Nothing more: the creation, or what the expression itself records where it is (a
    /// `?`, an `.await`, a closure's captures, a spawn).
    Creation,
    /// `op` with the pointer's strong count and the instance it came from (`Rc`, `Arc`).
    Counted(Op),
    /// `op` with the pointer's strong count, from no instance the macro can name: an
    /// `Rc`/`Arc` made through an alias's constructor or returned by a factory (whatever
    /// binding the call reads, its receiver or an argument, is not what it shares with).
    Made(Op),
    /// A downgrade to a `Weak`, whose type picks `RcDowngrade` or `ArcDowngrade`, with the
    /// weak count.
    Downgraded,
    /// A `Weak` cloned, with the weak count.
    WeakCloned,
    /// A `Weak` upgraded, with the strong count after it (0: it failed).
    Upgraded,
    /// `op`, plainly.
    Event(Op),
    /// `op` with the raw pointer's address.
    Address(Op),
    /// `op` just before the value drops (a guard's release).
    ReleasedBy(Op),
    /// No drop, ever (`ManuallyDrop`).
    NeverDropped,
}

/// How the macro records a kind when the analyzer names it: the record, the group that
/// must be enabled, whether only when syntax recorded nothing of its own (an alias's
/// constructor, a factory; syntax records `Rc::new(..)` itself), and the type prefixes the
/// binding's resolved type must have for the runtime call to compile (empty: any).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Typed {
    pub(crate) record: Record,
    pub(crate) group: Option<Group>,
    pub(crate) untracked_only: bool,
    pub(crate) types: &'static [&'static str],
}

const fn typed(record: Record, group: Group, untracked_only: bool, types: &'static [&'static str]) -> Typed {
    Typed { record, group: Some(group), untracked_only, types }
}

const CREATION: Typed = Typed { record: Record::Creation, group: None, untracked_only: false, types: &[] };

/// A plain pointer-group constructor event, recorded when syntax did not see the call.
const fn constructor(op: &'static str) -> Typed {
    typed(Record::Event(Op(op)), Group::SmartPointers, true, &[])
}

/// What each initializer kind records.
pub(crate) fn initializer(kind: K) -> Typed {
    use Record::*;
    let pointers = Group::SmartPointers;
    match kind {
        K::BoxNew => constructor("BoxNew"),
        K::BoxPin => constructor("BoxPin"),
        K::BoxFromRaw => constructor("BoxFromRaw"),
        K::RcNew => typed(Made(Op("RcNew")), pointers, true, &["Rc<"]),
        K::RcClone => typed(Counted(Op("RcClone")), pointers, true, &["Rc<"]),
        K::ArcNew => typed(Made(Op("ArcNew")), pointers, true, &["Arc<"]),
        K::ArcClone => typed(Counted(Op("ArcClone")), pointers, true, &["Arc<"]),
        K::WeakNew => constructor("WeakNew"),
        K::WeakDowngrade => typed(Downgraded, pointers, true, &["Weak<"]),
        K::WeakClone => typed(WeakCloned, pointers, true, &["Weak<"]),
        K::WeakUpgrade => typed(Upgraded, pointers, false, &["Option<Rc<", "Option<Arc<"]),
        K::PinNew => constructor("PinNew"),
        K::CowBorrowed => constructor("CowBorrowed"),
        K::CowOwned => constructor("CowOwned"),
        K::RefCellNew => constructor("RefCellNew"),
        K::RefCellBorrow | K::RefCellBorrowMut => typed(ReleasedBy(Op("RefCellBorrowEnd")), pointers, false, &[]),
        K::CellNew => constructor("CellNew"),
        K::OnceCellNew => constructor("OnceCellNew"),
        K::OnceLockNew => constructor("OnceLockNew"),
        K::MutexLock | K::RwLockRead | K::RwLockWrite => typed(ReleasedBy(Op("LockRelease")), Group::Methods, false, &[]),
        K::BoxIntoRaw => typed(Address(Op("BoxIntoRaw")), Group::Unsafe, true, &["*mut "]),
        K::Transmute => typed(Event(Op("Transmute")), Group::Unsafe, false, &[]),
        K::MaybeUninitUninit => constructor("MaybeUninitUninit"),
        K::MaybeUninitNew => constructor("MaybeUninitNew"),
        K::ManuallyDropNew => Typed { record: NeverDropped, group: None, untracked_only: false, types: &[] },
        // The creation is the event, or the expression records its own where it is.
        K::CellGet
        | K::OnceGetOrInit
        | K::UnsafeCellNew
        | K::MutexNew
        | K::RwLockNew
        | K::ThreadSpawn
        | K::ThreadJoin
        | K::ChannelCreate
        | K::ChannelRecv
        | K::AtomicNew
        | K::VecNew
        | K::VecMacro
        | K::StringNew
        | K::FormatMacro
        | K::HashMapNew
        | K::CollectionNew
        | K::OptionSome
        | K::OptionNone
        | K::ResultOk
        | K::ResultErr
        | K::Unwrap
        | K::TryOperator
        | K::RawPtrNew
        | K::RawPtrDeref
        | K::MaybeUninitAssumeInit
        | K::Borrow
        | K::BorrowMut
        | K::MoveFrom
        | K::CopyFrom
        | K::Clone
        | K::Conversion
        | K::MemTake
        | K::Deref
        | K::Literal
        | K::Tuple
        | K::Array
        | K::Range
        | K::UserStruct
        | K::UserEnum
        | K::UserUnion
        | K::FunctionCall
        | K::MethodCall
        | K::StaticRead
        | K::ConstItem
        | K::Closure
        | K::Iterator
        | K::Collect
        | K::AsyncBlock
        | K::Await
        | K::Unknown => CREATION,
    }
}

/// The kind a constructor path stands for when syntax alone sees it (`Rc::new`, by the last
/// two segments), whose `initializer` record the macro emits at the `let`.
pub(crate) fn constructor_path(path: &syn::Path) -> Option<K> {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let tail: Vec<&str> = segments.iter().rev().take(2).rev().map(String::as_str).collect();
    Some(match tail.as_slice() {
        ["Rc", "new"] => K::RcNew,
        ["Rc", "clone"] => K::RcClone,
        ["Arc", "new"] => K::ArcNew,
        ["Arc", "clone"] => K::ArcClone,
        ["Rc" | "Arc", "downgrade"] => K::WeakDowngrade,
        ["Box", "new"] => K::BoxNew,
        ["Box", "pin"] => K::BoxPin,
        ["Box", "from_raw"] => K::BoxFromRaw,
        ["Box", "into_raw"] => K::BoxIntoRaw,
        ["RefCell", "new"] => K::RefCellNew,
        ["Cell", "new"] => K::CellNew,
        ["OnceCell", "new"] => K::OnceCellNew,
        ["OnceLock", "new"] => K::OnceLockNew,
        ["Pin", "new"] => K::PinNew,
        ["Weak", "new"] => K::WeakNew,
        ["MaybeUninit", "uninit"] => K::MaybeUninitUninit,
        ["MaybeUninit", "new"] => K::MaybeUninitNew,
        ["Cow", "Borrowed"] => K::CowBorrowed,
        ["Cow", "Owned"] => K::CowOwned,
        _ => return None,
    })
}

/// What a site the analyzer found records where it is: the operation, its argument and the
/// group it belongs to; `None` for the sites whose event the binding's kind or a probe of
/// the receiver records instead.
pub(crate) fn site(kind: SiteKind) -> Option<(Op, u64, Group)> {
    match kind {
        SiteKind::FfiCall => Some((Op("FfiCall"), 0, Group::Unsafe)),
        SiteKind::UnsafeFnCall => Some((Op("UnsafeFnCall"), 0, Group::Unsafe)),
        SiteKind::UnionFieldAccess => Some((Op("UnionFieldAccess"), 0, Group::Unsafe)),
        SiteKind::StaticRead => Some((Op("StaticAccess"), 0, Group::Unsafe)),
        SiteKind::StaticWrite => Some((Op("StaticAccess"), 1, Group::Unsafe)),
        SiteKind::ConstUse => Some((CONST_EVAL, 0, Group::Expressions)),
        SiteKind::RawPtrDeref => Some((Op("RawPtrDeref"), 0, Group::Unsafe)),
        SiteKind::RcClone
        | SiteKind::ArcClone
        | SiteKind::WeakClone
        | SiteKind::GenericClone
        | SiteKind::PointerFactoryCall
        | SiteKind::MutexLock
        | SiteKind::RwLockRead
        | SiteKind::RwLockWrite
        | SiteKind::RefCellBorrow
        | SiteKind::RefCellBorrowMut
        // The arguments and the returned binding record their moves, linked (`links`).
        | SiteKind::TracedCall
        // The channel, its sends and receives record their events through the receiver's
        // probe; the queue links what they carry (`channels`).
        | SiteKind::LinkedChannel
        | SiteKind::LinkedSend
        | SiteKind::LinkedRecv
        // The macro's argument records its own events (`macros::expression`).
        | SiteKind::ExprMacro => None,
    }
}

/// What a use the analyzer classified does to the binding used.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Fate {
    /// Its value moves out here: recorded as a move, and no drop later.
    Moves,
    /// It stays (a copy is taken, or it is borrowed).
    Stays,
    /// Nobody could tell: its end is `scope_end`.
    Unknown,
}

/// The fate of a binding at a use of each kind.
pub(crate) fn use_fate(kind: UseKind) -> Fate {
    match kind {
        UseKind::Move => Fate::Moves,
        // What needs dropping stays: the binding is still dropped where it lives.
        UseKind::PartialMove | UseKind::Copy | UseKind::SharedBorrow | UseKind::MutableBorrow => Fate::Stays,
        UseKind::Unknown => Fate::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_that_records_more_than_its_creation_names_a_runtime_call_its_docs_name() {
        for kind in K::ALL {
            let typed = initializer(*kind);
            let op = match typed.record {
                Record::Counted(op) | Record::Made(op) | Record::Event(op) | Record::Address(op) => Some(op),
                Record::ReleasedBy(_) | Record::Creation | Record::Downgraded | Record::WeakCloned | Record::Upgraded | Record::NeverDropped => None,
            };
            if let Some(Op(name)) = op {
                // `RcNew` is `track_rc_new` in the kind's documentation (`RefCellNew` is
                // `track_refcell_new`): compared without the underscores.
                let documented = kind.event().replace('_', "").to_ascii_lowercase();
                let wanted = format!("track{}", name.to_ascii_lowercase());
                assert!(documented.contains(&wanted), "{kind}: {name} is not in {:?}", kind.event());
            }
        }
    }

    #[test]
    fn every_constructor_path_is_a_kind_that_records_its_constructor() {
        for path in ["Rc::new", "std::rc::Rc::clone", "Arc::new", "Arc::clone", "Rc::downgrade", "Box::new", "Box::into_raw", "Cow::Owned"] {
            let kind = constructor_path(&syn::parse_str(path).unwrap()).unwrap_or_else(|| panic!("{path}"));
            assert_ne!(initializer(kind).record, Record::Creation, "{path} is {kind}, which records nothing more");
        }
        assert_eq!(constructor_path(&syn::parse_str("Arc::clone").unwrap()), Some(K::ArcClone));
        assert_eq!(constructor_path(&syn::parse_str("Vec::new").unwrap()), None);
    }
}
