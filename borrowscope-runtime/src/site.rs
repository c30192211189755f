//! `CallSite`, the static descriptor of one place in the source, and `Op`, what an event
//! records.

use std::fmt;

/// One place in the user's source that records events: a `static` per call site emitted by
/// `#[trace_borrow]`, or one interned per distinct (caller, name) for the public functions.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct CallSite {
    /// The variable, function, type or label the site is about (`x`, `Rc::new`, `'outer`).
    pub name: &'static str,
    /// A second label some events carry: a field name, a match pattern, a lock or loop type.
    pub detail: &'static str,
    /// The location text the caller gave (`"main.rs:10"`), or empty.
    pub label: &'static str,
    /// The source file, as `file!()` gives it.
    pub file: &'static str,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The initializer kind or construct the macro classified the site as, in snake_case
    /// (`rc_new`, `loop`, `manual` for the public functions).
    pub kind: &'static str,
}

/// One row of [`CallSite::table`]: name, file, line, column, kind and detail.
pub type SiteRow = (&'static str, &'static str, u32, u32, &'static str, &'static str);

impl CallSite {
    /// A descriptor; `const` so that the macro can put one in a `static`.
    pub const fn new(name: &'static str, file: &'static str, line: u32, column: u32, kind: &'static str) -> CallSite {
        CallSite { name, detail: "", label: "", file, line, column, kind }
    }

    /// A function's table of call sites, one per row (name, file, line, column, kind,
    /// detail), as `#[trace_borrow]` writes it into a `static`: a tuple of literals per site
    /// costs the compiler less to read and check than a call to [`CallSite::new`] and one to
    /// [`CallSite::with_detail`] (a third of the tokens).
    pub const fn table<const N: usize>(rows: [SiteRow; N]) -> [CallSite; N] {
        let mut table = [Self::EMPTY; N];
        let mut i = 0;
        while i < N {
            let (name, file, line, column, kind, detail) = rows[i];
            table[i] = CallSite { name, detail, label: "", file, line, column, kind };
            i += 1;
        }
        table
    }

    const EMPTY: CallSite = CallSite::new("", "", 0, 0, "");

    /// The same descriptor with a detail label.
    pub const fn with_detail(mut self, detail: &'static str) -> CallSite {
        self.detail = detail;
        self
    }
}

impl fmt::Display for CallSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

macro_rules! ops {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $sync:literal, $group:ident, $arg:ident; )*) => {
        /// What an event records. Each variant documents what the event's `id` and `arg`
        /// hold; `id` is a variable instance unless it says otherwise.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        #[non_exhaustive]
        pub enum Op {
            $( $(#[$doc])* $variant, )*
        }

        impl Op {
            /// Every operation, in declaration order.
            pub const ALL: &'static [Op] = &[$(Op::$variant,)*];

            /// The operation's name in snake_case, as the exports write it.
            pub fn name(self) -> &'static str {
                match self { $(Op::$variant => $name,)* }
            }

            /// Whether the operation synchronizes threads: such events take a stamp from the
            /// global clock, which orders them after everything they causally follow. A bit
            /// table, so the hot path pays a shift and a mask even where `self` is not a
            /// constant.
            #[inline(always)]
            pub(crate) fn synchronizes(self) -> bool {
                const TABLE: [u64; 2] = {
                    let flags = [$($sync,)*];
                    let mut table = [0u64; 2];
                    let mut i = 0;
                    while i < flags.len() {
                        if flags[i] {
                            table[i / 64] |= 1 << (i % 64);
                        }
                        i += 1;
                    }
                    table
                };
                let index = self as usize;
                TABLE[index / 64] >> (index % 64) & 1 == 1
            }

            /// The group the operation belongs to, as the report's filter and colours show it.
            pub fn group(self) -> OpGroup {
                match self { $(Op::$variant => OpGroup::$group,)* }
            }

            /// Whether the event's `arg` names another variable instance (the owner of a
            /// borrow, the source of a move...), rather than a count, an address or a type.
            pub fn arg_is_instance(self) -> bool {
                match self { $(Op::$variant => ops!(@instance $arg),)* }
            }

            pub(crate) fn from_u8(byte: u8) -> Option<Op> {
                Op::ALL.get(usize::from(byte)).copied()
            }
        }
    };
    (@instance instance) => { true };
    (@instance value) => { false };
}

/// The groups of operations, for filtering and colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpGroup {
    /// Values made, moved, copied, received, cloned, dropped.
    Ownership,
    /// References taken and dereferenced.
    Borrows,
    /// `Rc`, `Arc`, `Weak`, `Box`, `Pin`, `Cow`.
    Pointers,
    /// `RefCell`, `Cell`, `OnceCell`, `OnceLock`, `MaybeUninit`.
    Cells,
    /// Locks, threads, channels.
    Concurrency,
    /// Unsafe blocks, raw pointers, FFI, unions, statics.
    Unsafe,
    /// Async blocks and awaits.
    Async,
    /// Loops, matches, branches, returns, function entry and exit.
    Control,
    /// Other expressions: literals, casts, calls, closures, regions.
    Expressions,
}

impl OpGroup {
    /// Every group, in the order the report lists them.
    pub const ALL: [OpGroup; 9] = [
        OpGroup::Ownership,
        OpGroup::Borrows,
        OpGroup::Pointers,
        OpGroup::Cells,
        OpGroup::Concurrency,
        OpGroup::Unsafe,
        OpGroup::Async,
        OpGroup::Control,
        OpGroup::Expressions,
    ];

    /// The group's name in lower case, as the report writes it.
    pub fn name(self) -> &'static str {
        match self {
            OpGroup::Ownership => "ownership",
            OpGroup::Borrows => "borrows",
            OpGroup::Pointers => "pointers",
            OpGroup::Cells => "cells",
            OpGroup::Concurrency => "concurrency",
            OpGroup::Unsafe => "unsafe",
            OpGroup::Async => "async",
            OpGroup::Control => "control",
            OpGroup::Expressions => "expressions",
        }
    }
}

ops! {
    /// A variable is created. `arg`: its type name, when known.
    New = "new", false, Ownership, value;
    /// `&x`. `id`: the reference; `arg`: the owner (0 if unknown).
    Borrow = "borrow", false, Borrows, instance;
    /// `&mut x`. `id`: the reference; `arg`: the owner (0 if unknown).
    BorrowMut = "borrow_mut", false, Borrows, instance;
    /// A move. `id`: the destination (0: into a call or an expression); `arg`: the source
    /// (0 if unknown).
    Move = "move", false, Ownership, instance;
    /// A value that moved into a traced call or out of one (the instance `arg`, recorded as
    /// moved into "a call or an expression" where it was passed or returned) is bound on the
    /// other side by `id`: the callee's parameter or the caller's binding, the destination of
    /// that move.
    Receive = "receive", false, Ownership, instance;
    /// A copy of a `Copy` value. `id`: the destination; `arg`: the source.
    Copy = "copy", false, Ownership, instance;
    /// A variable is dropped. `id`: the variable (0 when known only by name).
    Drop = "drop", false, Ownership, value;
    /// A variable's scope ended after it was used in a way the macro could not classify (a
    /// by-value method call, say): it was dropped there unless that use moved it.
    ScopeEnd = "scope_end", false, Ownership, value;
    /// `Rc::new`. `count`: the strong count.
    RcNew = "rc_new", false, Pointers, value;
    /// `Rc::clone`. `id`: the clone; `arg`: the source (0 if unknown); `count`: the strong
    /// count after cloning.
    RcClone = "rc_clone", false, Pointers, instance;
    /// `Rc::downgrade`. `id`: the `Weak`; `arg`: the `Rc`; `count`: the weak count after.
    RcDowngrade = "rc_downgrade", false, Pointers, instance;
    /// `Arc::new`. `count`: the strong count.
    ArcNew = "arc_new", false, Pointers, value;
    /// `Arc::clone`. `arg`: the source; `count`: the strong count after cloning.
    ArcClone = "arc_clone", false, Pointers, instance;
    /// `Arc::downgrade`. `arg`: the `Arc`; `count`: the weak count after.
    ArcDowngrade = "arc_downgrade", false, Pointers, instance;
    /// `Weak::new`.
    WeakNew = "weak_new", false, Pointers, value;
    /// `weak.clone()`. `arg`: the source; `count`: the weak count after.
    WeakClone = "weak_clone", false, Pointers, instance;
    /// `weak.upgrade()`. `arg`: the `Weak`; `count`: the strong count after, 0 when the
    /// upgrade failed.
    WeakUpgrade = "weak_upgrade", false, Pointers, instance;
    /// `Box::new`.
    BoxNew = "box_new", false, Pointers, value;
    /// `Box::pin`.
    BoxPin = "box_pin", false, Pointers, value;
    /// `Box::into_raw`. `arg`: the pointer's address.
    BoxIntoRaw = "box_into_raw", false, Pointers, value;
    /// `Box::from_raw`. `arg`: the pointer's address.
    BoxFromRaw = "box_from_raw", false, Pointers, value;
    /// `Pin::new`.
    PinNew = "pin_new", false, Pointers, value;
    /// `Pin::into_inner`.
    PinIntoInner = "pin_into_inner", false, Pointers, value;
    /// `Cow::Borrowed`.
    CowBorrowed = "cow_borrowed", false, Pointers, value;
    /// `Cow::Owned`.
    CowOwned = "cow_owned", false, Pointers, value;
    /// `cow.to_mut()`. `arg`: 1 if the `Cow` was borrowed and is now owned.
    CowToMut = "cow_to_mut", false, Pointers, value;
    /// `RefCell::new`.
    RefCellNew = "refcell_new", false, Cells, value;
    /// `cell.borrow()`. `id`: the guard (0 when it is not followed); `arg`: the `RefCell`
    /// (0 if unknown).
    RefCellBorrow = "refcell_borrow", false, Cells, instance;
    /// `cell.borrow_mut()`. `id`: the guard; `arg`: the `RefCell` (0 if unknown).
    RefCellBorrowMut = "refcell_borrow_mut", false, Cells, instance;
    /// A `borrow`/`borrow_mut` that failed because of a live borrow. `arg`: the `RefCell`.
    RefCellBorrowFailed = "refcell_borrow_failed", false, Cells, instance;
    /// A `Ref`/`RefMut` ends. `id`: the guard.
    RefCellBorrowEnd = "refcell_borrow_end", false, Cells, value;
    /// `Cell::new`.
    CellNew = "cell_new", false, Cells, value;
    /// `cell.get()`.
    CellGet = "cell_get", false, Cells, value;
    /// `cell.set(v)`.
    CellSet = "cell_set", false, Cells, value;
    /// `OnceCell::new`.
    OnceCellNew = "once_cell_new", false, Cells, value;
    /// `once_cell.set(v)`. `arg`: 1 if it was set by this call.
    OnceCellSet = "once_cell_set", false, Cells, value;
    /// `once_cell.get()`. `arg`: 1 if it held a value.
    OnceCellGet = "once_cell_get", false, Cells, value;
    /// `once_cell.get_or_init(f)`.
    OnceCellGetOrInit = "once_cell_get_or_init", false, Cells, value;
    /// `OnceLock::new`.
    OnceLockNew = "once_lock_new", false, Cells, value;
    /// `once_lock.set(v)`. `arg`: 1 if it was set by this call.
    OnceLockSet = "once_lock_set", true, Cells, value;
    /// `once_lock.get()`. `arg`: 1 if it held a value.
    OnceLockGet = "once_lock_get", true, Cells, value;
    /// `once_lock.get_or_init(f)`.
    OnceLockGetOrInit = "once_lock_get_or_init", true, Cells, value;
    /// `MaybeUninit::uninit`.
    MaybeUninitUninit = "maybe_uninit_uninit", false, Cells, value;
    /// `MaybeUninit::new`.
    MaybeUninitNew = "maybe_uninit_new", false, Cells, value;
    /// `m.write(v)`.
    MaybeUninitWrite = "maybe_uninit_write", false, Cells, value;
    /// `m.assume_init()`.
    MaybeUninitAssumeInit = "maybe_uninit_assume_init", false, Cells, value;
    /// `m.assume_init_read()`.
    MaybeUninitAssumeInitRead = "maybe_uninit_assume_init_read", false, Cells, value;
    /// `m.assume_init_drop()`.
    MaybeUninitAssumeInitDrop = "maybe_uninit_assume_init_drop", false, Cells, value;
    /// A `Mutex` or `RwLock` is acquired. `id`: the guard's instance, which its release
    /// shares (0 when the guard is not followed; the lock id from `track_lock`); `arg`: 0
    /// mutex, 1 read, 2 write.
    Lock = "lock", true, Concurrency, value;
    /// A lock guard is released. `id`: the guard's instance (the lock id from `track_lock`).
    LockRelease = "lock_release", true, Concurrency, value;
    /// `thread::spawn`. `id`: the handle; `arg`: the spawned thread's BorrowScope index + 1
    /// when known.
    ThreadSpawn = "thread_spawn", true, Concurrency, value;
    /// `handle.join()`. `id`: the handle.
    ThreadJoin = "thread_join", true, Concurrency, value;
    /// `mpsc::channel()`. `id`: the channel.
    Channel = "channel", false, Concurrency, value;
    /// `tx.send(v)`. `id`: the channel; `arg`: 1 if the send succeeded.
    ChannelSend = "channel_send", true, Concurrency, value;
    /// `rx.recv()`. `id`: the channel; `arg`: 1 if a value was received.
    ChannelRecv = "channel_recv", true, Concurrency, value;
    /// `rx.try_recv()`. `id`: the channel; `arg`: 1 if a value was received.
    ChannelTryRecv = "channel_try_recv", true, Concurrency, value;
    /// Entering an `unsafe` block. `id`: the block id.
    UnsafeBlockEnter = "unsafe_block_enter", false, Unsafe, value;
    /// Leaving an `unsafe` block. `id`: the block id.
    UnsafeBlockExit = "unsafe_block_exit", false, Unsafe, value;
    /// A raw pointer is created. `arg`: its address.
    RawPtr = "raw_ptr", false, Unsafe, value;
    /// A raw pointer is dereferenced.
    RawPtrDeref = "raw_ptr_deref", false, Unsafe, value;
    /// `mem::transmute`.
    Transmute = "transmute", false, Unsafe, value;
    /// A call of an FFI function (the site's name).
    FfiCall = "ffi_call", false, Unsafe, value;
    /// A call of an `unsafe fn` (the site's name).
    UnsafeFnCall = "unsafe_fn_call", false, Unsafe, value;
    /// A union field access (union in the site's name, field in its detail).
    UnionFieldAccess = "union_field_access", false, Unsafe, value;
    /// A `static` is initialised.
    StaticInit = "static_init", false, Unsafe, value;
    /// A `static` is read or written. `id`: the static's id; `arg`: 1 for a write.
    StaticAccess = "static_access", true, Unsafe, value;
    /// A `const` is evaluated.
    ConstEval = "const_eval", false, Unsafe, value;
    /// Entering an `async` block. `id`: the block id.
    AsyncBlockEnter = "async_block_enter", false, Async, value;
    /// Leaving an `async` block. `id`: the block id.
    AsyncBlockExit = "async_block_exit", false, Async, value;
    /// `.await` starts. `id`: the await id.
    AwaitStart = "await_start", false, Async, value;
    /// `.await` completes. `id`: the await id.
    AwaitEnd = "await_end", false, Async, value;
    /// Entering a loop. `id`: the loop id; detail: `for`, `while` or `loop`.
    LoopEnter = "loop_enter", false, Control, value;
    /// A loop iteration starts. `id`: the loop id; `arg`: the iteration, from 0.
    LoopIteration = "loop_iteration", false, Control, value;
    /// Leaving a loop. `id`: the loop id.
    LoopExit = "loop_exit", false, Control, value;
    /// Entering a `match`. `id`: the match id.
    MatchEnter = "match_enter", false, Control, value;
    /// The arm taken. `id`: the match id; `arg`: the arm index; detail: its pattern.
    MatchArm = "match_arm", false, Control, value;
    /// Leaving a `match`. `id`: the match id.
    MatchExit = "match_exit", false, Control, value;
    /// A branch. `id`: the branch id; `arg`: 1 if taken; detail: `if_then`, `if_else`.
    Branch = "branch", false, Control, value;
    /// `return`. `id`: the return id; `arg`: 1 if it returns a value.
    Return = "return", false, Control, value;
    /// `?`. `id`: the try id.
    Try = "try", false, Control, value;
    /// `break`. `id`: the break id; name: the label, if any.
    Break = "break", false, Control, value;
    /// `continue`. `id`: the continue id; name: the label, if any.
    Continue = "continue", false, Control, value;
    /// Entering a traced function. `id`: the function id.
    FnEnter = "fn_enter", false, Control, value;
    /// Leaving a traced function. `id`: the function id.
    FnExit = "fn_exit", false, Control, value;
    /// A struct literal. `id`: the expression id; name: the type.
    StructCreate = "struct_create", false, Expressions, value;
    /// A tuple. `arg`: its length.
    TupleCreate = "tuple_create", false, Expressions, value;
    /// An array. `arg`: its length.
    ArrayCreate = "array_create", false, Expressions, value;
    /// A range; detail: `Range`, `RangeInclusive`, ...
    Range = "range", false, Expressions, value;
    /// `x as T`; detail: the target type.
    TypeCast = "type_cast", false, Expressions, value;
    /// A binary operation; detail: the operator.
    BinaryOp = "binary_op", false, Expressions, value;
    /// `a[i]`; name: the container.
    IndexAccess = "index_access", false, Expressions, value;
    /// `a.f`; name: the base, detail: the field.
    FieldAccess = "field_access", false, Expressions, value;
    /// `*r`; name: the variable.
    Deref = "deref", false, Borrows, value;
    /// A function call; name: the function.
    Call = "call", false, Expressions, value;
    /// `.clone()`; name: the variable.
    Clone = "clone", false, Ownership, value;
    /// `.unwrap()` and friends; name: the variable, detail: the method.
    Unwrap = "unwrap", false, Expressions, value;
    /// A `let ... else` whose else branch ran; detail: the pattern.
    LetElse = "let_else", false, Control, value;
    /// A closure is created; detail: `move` or `ref`.
    ClosureCreate = "closure_create", false, Expressions, value;
    /// A closure captures a variable; name: the variable, detail: the capture mode.
    ClosureCapture = "closure_capture", false, Expressions, value;
    /// Entering a region. `id`: the region id; name: its name.
    RegionEnter = "region_enter", false, Expressions, value;
    /// Leaving a region. `id`: the region id.
    RegionExit = "region_exit", false, Expressions, value;
    /// The end of a borrow with no binding of its own, at the same site as the `borrow` or
    /// `borrow_mut` it ends: a method call's borrow of its receiver, when the call's result
    /// cannot hold it (`v.len()`), ends as the call returns. `arg`: the owner.
    BorrowEnd = "borrow_end", false, Borrows, instance;
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_bytes_round_trip_and_names_are_unique() {
        let mut names = std::collections::HashSet::new();
        for (index, op) in Op::ALL.iter().enumerate() {
            assert_eq!(*op as usize, index);
            assert_eq!(Op::from_u8(*op as u8), Some(*op));
            assert!(names.insert(op.name()), "{op} twice");
        }
        assert!(Op::ALL.len() <= 128, "the synchronizes table holds 128 operations");
        assert!(Op::Lock.synchronizes() && Op::ChannelRecv.synchronizes() && !Op::New.synchronizes());
        assert_eq!(Op::from_u8(255), None);
    }
}
