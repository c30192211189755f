//! `InitializerKind`: the 78 ways a binding can get its value, and their groups.
//!
//! The table below is the single source of truth: each row gives the variant, its
//! snake_case name in the file, its group, the source pattern it stands for and the
//! runtime call the macro emits for it. The variant docs, [`InitializerKind::pattern`],
//! [`InitializerKind::event`] and [`InitializerKind::group`] are all generated from it, so
//! the documentation cannot drift from the code.

use std::fmt;

/// The group an [`InitializerKind`] belongs to, in the order the seeds present them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KindGroup {
    /// `Box`, `Rc`, `Arc`, `Weak`, `Pin`, `Cow`.
    SmartPointers,
    /// `RefCell`, `Cell`, `OnceCell`, `OnceLock`, `UnsafeCell`.
    InteriorMutability,
    /// `Mutex`, `RwLock` and their guards.
    LocksAndGuards,
    /// Threads, channels and atomics.
    ThreadsAndChannels,
    /// `Vec`, `String`, maps, sets and the macros that build them.
    CollectionsAndStrings,
    /// `Some`, `None`, `Ok`, `Err`, unwrapping and `?`.
    OptionAndResult,
    /// Raw pointers, `transmute`, `MaybeUninit` and `ManuallyDrop`.
    RawPointersAndUninit,
    /// `&x`, `&mut x`, moves, copies, clones and conversions.
    ReferencesAndMoves,
    /// Literals, tuples, arrays, user types and calls of user code.
    ValuesAndUserTypes,
    /// Closures, iterators and async.
    ClosuresIteratorsAsync,
    /// What the analyzer could not classify.
    Fallback,
}

impl KindGroup {
    /// Every group, in presentation order.
    pub const ALL: [KindGroup; 11] = [
        KindGroup::SmartPointers,
        KindGroup::InteriorMutability,
        KindGroup::LocksAndGuards,
        KindGroup::ThreadsAndChannels,
        KindGroup::CollectionsAndStrings,
        KindGroup::OptionAndResult,
        KindGroup::RawPointersAndUninit,
        KindGroup::ReferencesAndMoves,
        KindGroup::ValuesAndUserTypes,
        KindGroup::ClosuresIteratorsAsync,
        KindGroup::Fallback,
    ];

    /// The group's name in snake_case.
    pub fn name(self) -> &'static str {
        match self {
            KindGroup::SmartPointers => "smart_pointers",
            KindGroup::InteriorMutability => "interior_mutability",
            KindGroup::LocksAndGuards => "locks_and_guards",
            KindGroup::ThreadsAndChannels => "threads_and_channels",
            KindGroup::CollectionsAndStrings => "collections_and_strings",
            KindGroup::OptionAndResult => "option_and_result",
            KindGroup::RawPointersAndUninit => "raw_pointers_and_uninit",
            KindGroup::ReferencesAndMoves => "references_and_moves",
            KindGroup::ValuesAndUserTypes => "values_and_user_types",
            KindGroup::ClosuresIteratorsAsync => "closures_iterators_async",
            KindGroup::Fallback => "fallback",
        }
    }
}

impl fmt::Display for KindGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! initializer_kinds {
    ($( $variant:ident = $name:literal, $group:ident, $pattern:literal => $event:literal; )*) => {
        /// How a binding got its value: one of exactly 78 kinds.
        ///
        /// Serialized in snake_case (the name after each variant below). Every variant names
        /// the source pattern it stands for and the runtime call that `#[trace_borrow]` emits
        /// for it. Every binding also gets a `New` event carrying its call site (whose
        /// descriptor names this kind) and, unless the value is moved out first, a `Drop`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum InitializerKind {
            $(
                #[doc = concat!("`", $name, "`: ", $pattern, ".\n\nRuntime: ", $event, ".")]
                $variant,
            )*
        }

        impl InitializerKind {
            /// Every kind, in declaration order (grouped as [`KindGroup::ALL`]).
            pub const ALL: &'static [InitializerKind] = &[$(InitializerKind::$variant,)*];

            /// The snake_case name used in the type-info file.
            pub fn name(self) -> &'static str {
                match self { $(InitializerKind::$variant => $name,)* }
            }

            /// The group this kind belongs to.
            pub fn group(self) -> KindGroup {
                match self { $(InitializerKind::$variant => KindGroup::$group,)* }
            }

            /// The source pattern this kind stands for, as documented on the variant.
            pub fn pattern(self) -> &'static str {
                match self { $(InitializerKind::$variant => $pattern,)* }
            }

            /// The runtime call the macro emits for this kind, as documented on the variant.
            pub fn event(self) -> &'static str {
                match self { $(InitializerKind::$variant => $event,)* }
            }
        }
    };
}

initializer_kinds! {
    // Smart pointers.
    BoxNew = "box_new", SmartPointers, "`Box::new(v)`, or a call of a user function or method returning a `Box` (`fn make() -> Box<T>`, see [`crate::Binding::factory`])" => "`track_box_new`";
    BoxPin = "box_pin", SmartPointers, "`Box::pin(v)`" => "`track_box_pin`";
    BoxFromRaw = "box_from_raw", SmartPointers, "`unsafe { Box::from_raw(p) }`" => "`track_box_from_raw`";
    RcNew = "rc_new", SmartPointers,
        "`Rc::new(v)`, also through a type alias (`MyRc::new(v)`), `Rc::from(v)`, `.into()` whose target is an `Rc`, or a call of a user function or method returning an `Rc` (`fn make_rc() -> Rc<i32>`, see [`crate::Binding::factory`])"
        => "`track_rc_new` with the strong and weak counts";
    RcClone = "rc_clone", SmartPointers, "`Rc::clone(&rc)` or `rc.clone()` where `rc: Rc<T>`" => "`track_rc_clone` with the new strong count";
    ArcNew = "arc_new", SmartPointers,
        "`Arc::new(v)`, also through a type alias, `Arc::from(v)`, `.into()` whose target is an `Arc`, or a call of a user function or method returning an `Arc` (see [`crate::Binding::factory`])"
        => "`track_arc_new` with the strong and weak counts";
    ArcClone = "arc_clone", SmartPointers, "`Arc::clone(&arc)` or `arc.clone()` where `arc: Arc<T>`" => "`track_arc_clone` with the new strong count";
    WeakNew = "weak_new", SmartPointers, "`Weak::new()` (a `Weak` that never upgrades)" => "`track_weak_new`";
    WeakDowngrade = "weak_downgrade", SmartPointers, "`Rc::downgrade(&rc)` or `Arc::downgrade(&arc)`" => "`track_rc_downgrade` or `track_arc_downgrade` with the new weak count";
    WeakClone = "weak_clone", SmartPointers, "`weak.clone()` where `weak` is an `rc::Weak` or `sync::Weak`" => "`track_weak_clone`";
    WeakUpgrade = "weak_upgrade", SmartPointers, "`weak.upgrade()`" => "`track_weak_upgrade` with whether it succeeded";
    PinNew = "pin_new", SmartPointers, "`Pin::new(p)`, `Pin::new_unchecked(p)` or `pin!(v)`" => "`track_pin_new`";
    CowBorrowed = "cow_borrowed", SmartPointers, "`Cow::Borrowed(r)`" => "`track_cow_borrowed`";
    CowOwned = "cow_owned", SmartPointers, "`Cow::Owned(v)`" => "`track_cow_owned`";

    // Interior mutability.
    RefCellNew = "refcell_new", InteriorMutability, "`RefCell::new(v)`" => "`track_refcell_new`";
    RefCellBorrow = "refcell_borrow", InteriorMutability, "`cell.borrow()` where `cell: RefCell<T>` (not `Borrow::borrow`)" => "`track_refcell_borrow`, and `track_refcell_borrow_end` when the `Ref` drops";
    RefCellBorrowMut = "refcell_borrow_mut", InteriorMutability, "`cell.borrow_mut()` where `cell: RefCell<T>`" => "`track_refcell_borrow_mut`, and `track_refcell_borrow_end` when the `RefMut` drops";
    CellNew = "cell_new", InteriorMutability, "`Cell::new(v)`" => "`track_cell_new`";
    CellGet = "cell_get", InteriorMutability, "`cell.get()` where `cell: Cell<T>`" => "`track_cell_get`";
    OnceCellNew = "once_cell_new", InteriorMutability, "`OnceCell::new()`" => "`track_once_cell_new`";
    OnceLockNew = "once_lock_new", InteriorMutability, "`OnceLock::new()`" => "`track_once_lock_new`";
    OnceGetOrInit = "once_get_or_init", InteriorMutability, "`once.get_or_init(f)` on a `OnceCell` or `OnceLock`" => "`track_once_cell_get_or_init` or `track_once_lock_get_or_init`";
    UnsafeCellNew = "unsafe_cell_new", InteriorMutability, "`UnsafeCell::new(v)`" => "`track_new`";

    // Locks and guards.
    MutexNew = "mutex_new", LocksAndGuards, "`Mutex::new(v)`" => "`track_new`";
    MutexLock = "mutex_lock", LocksAndGuards,
        "`m.lock()` or `m.try_lock()` on a `Mutex`, also through `Arc<Mutex<_>>` and followed by `.unwrap()`"
        => "`track_lock`, and `track_lock_release` when the guard drops";
    RwLockNew = "rwlock_new", LocksAndGuards, "`RwLock::new(v)`" => "`track_new`";
    RwLockRead = "rwlock_read", LocksAndGuards, "`l.read()` or `l.try_read()` on an `RwLock`" => "`track_lock` (read), and `track_lock_release` when the guard drops";
    RwLockWrite = "rwlock_write", LocksAndGuards, "`l.write()` or `l.try_write()` on an `RwLock`" => "`track_lock` (write), and `track_lock_release` when the guard drops";

    // Threads and channels.
    ThreadSpawn = "thread_spawn", ThreadsAndChannels, "`thread::spawn(f)`, `Builder::spawn` or a scoped `s.spawn(f)`" => "`track_thread_spawn`";
    ThreadJoin = "thread_join", ThreadsAndChannels, "`handle.join()`" => "`track_thread_join`";
    ChannelCreate = "channel_create", ThreadsAndChannels, "`mpsc::channel()` or `mpsc::sync_channel(n)`" => "`track_channel`";
    ChannelRecv = "channel_recv", ThreadsAndChannels, "`rx.recv()`, `rx.try_recv()` or `rx.recv_timeout(d)`" => "`track_channel_recv` or `track_channel_try_recv`";
    AtomicNew = "atomic_new", ThreadsAndChannels, "`AtomicUsize::new(v)` and the other `std::sync::atomic` types" => "`track_new`";

    // Collections and strings.
    VecNew = "vec_new", CollectionsAndStrings, "`Vec::new()`, `Vec::with_capacity(n)` or `Vec::from(..)`" => "`track_new`";
    VecMacro = "vec_macro", CollectionsAndStrings, "`vec![..]`" => "`track_new`";
    StringNew = "string_new", CollectionsAndStrings, "`String::new()`, `String::from(s)`, `s.to_string()` or `s.to_owned()` producing a `String`" => "`track_new`";
    FormatMacro = "format_macro", CollectionsAndStrings, "`format!(..)`" => "`track_new`";
    HashMapNew = "hashmap_new", CollectionsAndStrings, "`HashMap::new()` or `HashMap::with_capacity(n)`" => "`track_new`";
    CollectionNew = "collection_new", CollectionsAndStrings, "a constructor of another std collection: `HashSet`, `BTreeMap`, `BTreeSet`, `VecDeque`, `BinaryHeap`, `LinkedList`" => "`track_new`";

    // Option and Result.
    OptionSome = "option_some", OptionAndResult, "`Some(v)`" => "`track_new`";
    OptionNone = "option_none", OptionAndResult, "`None`" => "`track_new`";
    ResultOk = "result_ok", OptionAndResult, "`Ok(v)`" => "`track_new`";
    ResultErr = "result_err", OptionAndResult, "`Err(e)`" => "`track_new`";
    Unwrap = "unwrap", OptionAndResult, "`x.unwrap()`, `x.expect(..)`, `x.unwrap_or(..)`, `x.unwrap_or_else(..)` or `x.unwrap_or_default()`" => "`track_unwrap`";
    TryOperator = "try_operator", OptionAndResult, "`expr?`" => "`track_try`";

    // Raw pointers, MaybeUninit and ManuallyDrop.
    RawPtrNew = "raw_ptr_new", RawPointersAndUninit, "`&x as *const T`, `&mut x as *mut T`, `&raw const x`, `ptr::addr_of!(x)` or `v.as_ptr()`" => "`track_raw_ptr`";
    BoxIntoRaw = "box_into_raw", RawPointersAndUninit, "`Box::into_raw(b)`" => "`track_box_into_raw`";
    RawPtrDeref = "raw_ptr_deref", RawPointersAndUninit, "`unsafe { *p }` where `p` is a raw pointer" => "`track_raw_ptr_deref`";
    Transmute = "transmute", RawPointersAndUninit, "`mem::transmute(v)`" => "`track_transmute`";
    MaybeUninitUninit = "maybe_uninit_uninit", RawPointersAndUninit, "`MaybeUninit::uninit()`" => "`track_maybe_uninit_uninit`";
    MaybeUninitNew = "maybe_uninit_new", RawPointersAndUninit, "`MaybeUninit::new(v)`" => "`track_maybe_uninit_new`";
    MaybeUninitAssumeInit = "maybe_uninit_assume_init", RawPointersAndUninit, "`m.assume_init()` or `m.assume_init_read()`" => "`track_maybe_uninit_assume_init`";
    ManuallyDropNew = "manually_drop_new", RawPointersAndUninit, "`ManuallyDrop::new(v)` (never dropped unless `ManuallyDrop::drop` is called)" => "`track_new` and no drop";

    // References and moves.
    Borrow = "borrow", ReferencesAndMoves, "`&x`" => "`track_borrow` naming the owner";
    BorrowMut = "borrow_mut", ReferencesAndMoves, "`&mut x`" => "`track_borrow_mut` naming the owner";
    MoveFrom = "move_from", ReferencesAndMoves, "`let y = x;` where the type of `x` is not `Copy`" => "`track_move` from `x` (which is then not reported dropped)";
    CopyFrom = "copy_from", ReferencesAndMoves, "`let y = x;` where the type of `x` is `Copy`" => "`track_copy` (`x` stays alive)";
    Clone = "clone", ReferencesAndMoves, "`x.clone()` or `Clone::clone(&x)` on a type other than `Rc`, `Arc` or `Weak`" => "`track_clone`";
    Conversion = "conversion", ReferencesAndMoves, "`x.into()`, `T::from(x)`, `x.try_into()` or `x as T` (not producing a smart pointer)" => "`track_new`";
    MemTake = "mem_take", ReferencesAndMoves,
        "`mem::take(&mut p)`, `mem::replace(&mut p, v)`, or `o.take()` / `o.replace(v)` on an `Option`: the value moved out of a place, which keeps another"
        => "`track_new`";
    Deref = "deref", ReferencesAndMoves, "`*r` where `r` is a reference or implements `Deref`" => "`track_deref`";

    // Values and user types.
    Literal = "literal", ValuesAndUserTypes, "a literal: `42`, `\"text\"`, `'c'`, `true`" => "`track_new`";
    Tuple = "tuple", ValuesAndUserTypes, "`(a, b, ..)`" => "`track_tuple_create`";
    Array = "array", ValuesAndUserTypes, "`[a, b, ..]` or `[v; n]`" => "`track_array_create`";
    Range = "range", ValuesAndUserTypes, "`a..b`, `a..=b`, `..b` or `a..`" => "`track_range`";
    UserStruct = "user_struct", ValuesAndUserTypes, "a struct literal `Point { x, y }` or tuple-struct constructor `Meters(3)`" => "`track_struct_create`";
    UserEnum = "user_enum", ValuesAndUserTypes, "a variant of a user enum, `Shape::Circle(r)`" => "`track_new`";
    UserUnion = "user_union", ValuesAndUserTypes, "a union literal `IntOrFloat { i: 1 }`" => "`track_new`";
    FunctionCall = "function_call", ValuesAndUserTypes, "a call of a function returning a value no other kind describes" => "`track_new`";
    MethodCall = "method_call", ValuesAndUserTypes, "a method call returning a value no other kind describes" => "`track_new`";
    StaticRead = "static_read", ValuesAndUserTypes, "a read of a `static` or `static mut`" => "`track_static_access` (read)";
    ConstItem = "const_item", ValuesAndUserTypes, "a use of a `const` item" => "`track_const_eval`";

    // Closures, iterators and async.
    Closure = "closure", ClosuresIteratorsAsync, "`|args| body` or `move |args| body`" => "`track_closure_create` and `track_closure_capture` per captured variable";
    Iterator = "iterator", ClosuresIteratorsAsync, "`v.iter()`, `v.into_iter()`, `v.iter_mut()` or an iterator adapter" => "`track_new`";
    Collect = "collect", ClosuresIteratorsAsync, "`it.collect()`, with the target type resolved (`let v: Vec<_> = it.collect()`)" => "`track_new`";
    AsyncBlock = "async_block", ClosuresIteratorsAsync, "`async { .. }` or `async move { .. }`" => "`track_async_block_enter` and `track_async_block_exit` when it runs";
    Await = "await", ClosuresIteratorsAsync, "`fut.await`" => "`track_await_start` and `track_await_end`";

    // Fallback.
    Unknown = "unknown", Fallback, "an initializer the analyzer could not classify, or a binding without one (`let x;`)" => "`track_new`";
}

/// The error of [`InitializerKind::from_str`] and [`crate::SiteKind::from_str`]: the name
/// is not one this version of the schema knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKindName {
    /// What was being parsed: "initializer kind" or "site kind".
    pub what: &'static str,
    /// The name that was not recognised.
    pub name: String,
}

impl std::fmt::Display for UnknownKindName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} `{}`", self.what, self.name)
    }
}

impl std::error::Error for UnknownKindName {}

/// `Display`, `FromStr` and serde for an enum with `ALL` and `name()`, by its snake_case
/// name; `$what` names it in errors.
macro_rules! by_name {
    ($ty:ident, $what:literal) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::kind::UnknownKindName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::ALL
                    .iter()
                    .copied()
                    .find(|kind| kind.name() == s)
                    .ok_or_else(|| $crate::kind::UnknownKindName { what: $what, name: s.to_owned() })
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                name.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use by_name;

by_name!(InitializerKind, "initializer kind");

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn there_are_exactly_78_kinds_with_unique_names() {
        assert_eq!(InitializerKind::ALL.len(), 78);
        let names: HashSet<_> = InitializerKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), 78, "two kinds share a name");
    }

    #[test]
    fn every_kind_has_a_pattern_an_event_and_a_snake_case_name() {
        for kind in InitializerKind::ALL {
            assert!(!kind.pattern().is_empty(), "{kind} has no pattern");
            assert!(kind.event().contains("track_"), "{kind} names no runtime call");
            assert!(kind.name().chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{kind} is not snake_case");
        }
    }

    #[test]
    fn every_group_has_a_kind_and_kinds_are_listed_group_by_group() {
        for group in KindGroup::ALL {
            assert!(InitializerKind::ALL.iter().any(|k| k.group() == group), "{group} is empty");
        }
        let groups: Vec<_> = InitializerKind::ALL.iter().map(|k| k.group()).collect();
        let mut sorted = groups.clone();
        sorted.sort();
        assert_eq!(groups, sorted, "ALL must list the kinds group by group");
    }

    #[test]
    fn names_round_trip_through_display_and_from_str() {
        for kind in InitializerKind::ALL {
            assert_eq!(kind.to_string().parse::<InitializerKind>(), Ok(*kind));
        }
        let err = "rc_neww".parse::<InitializerKind>().unwrap_err();
        assert_eq!(err.to_string(), "unknown initializer kind `rc_neww`");
    }

    #[test]
    fn the_readme_examples_are_kinds() {
        for name in [
            "rc_new",
            "rc_clone",
            "arc_new",
            "box_new",
            "weak_downgrade",
            "refcell_new",
            "mutex_lock",
            "vec_macro",
            "hashmap_new",
            "user_struct",
            "user_enum",
            "user_union",
        ] {
            assert!(name.parse::<InitializerKind>().is_ok(), "{name} is missing");
        }
    }
}
