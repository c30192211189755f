//! `CallSite`, the static descriptor of one place in the source, and `Op`, what an event
//! records.

use std::fmt;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

/// One place in the user's source that records events: a row of a traced function's
/// [`Sites`], or one interned per distinct (caller, name) for the public functions.
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

impl CallSite {
    /// A descriptor; `const` so that the macro can put one in a `static`.
    pub const fn new(name: &'static str, file: &'static str, line: u32, column: u32, kind: &'static str) -> CallSite {
        CallSite { name, detail: "", label: "", file, line, column, kind }
    }

    /// The same descriptor with a detail label.
    pub const fn with_detail(mut self, detail: &'static str) -> CallSite {
        self.detail = detail;
        self
    }
}

/// One of a function's call sites, as `#[trace_borrow]` passes it to the runtime: the
/// function's table and the row's index in it.
pub type Site = (&'static Sites, u32);

/// A traced function's call sites, as `#[trace_borrow]` writes them into one `static`: a
/// single string literal, read into [`CallSite`]s (in system memory, once per process) the
/// first time one of them is recorded. One string costs the compiler a small part of what
/// an array of descriptors cost it (each a value it checks, stores in the crate's metadata
/// and relocates): hashbrown's instrumented library took a sixth fewer instructions to build.
///
/// The text is each file of the function's sites, then each site, with numbers in decimal
/// and each string as its byte length, `:`, and its bytes:
/// `F` *file* … then `R` *file index* `,` *line* `,` *column* `,` *kind* *name* *detail* ….
pub struct Sites {
    text: &'static str,
    /// The sites read from `text` (`len` of them), null until the first is asked for.
    table: AtomicPtr<CallSite>,
    len: AtomicUsize,
}

impl Sites {
    /// The table the text describes; nothing is read until a site is asked for.
    pub const fn new(text: &'static str) -> Sites {
        Sites { text, table: AtomicPtr::new(std::ptr::null_mut()), len: AtomicUsize::new(0) }
    }

    /// A table of descriptors made by hand (a benchmark, a test), read as they are.
    pub const fn prepared(table: &'static [CallSite]) -> Sites {
        Sites { text: "", table: AtomicPtr::new(table.as_ptr().cast_mut()), len: AtomicUsize::new(table.len()) }
    }

    /// The site in row `index`.
    #[inline]
    pub fn get(&'static self, index: u32) -> &'static CallSite {
        let mut table = self.table.load(Ordering::Acquire);
        if table.is_null() {
            table = self.read();
        }
        let len = self.len.load(Ordering::Relaxed);
        if (index as usize) < len {
            // SAFETY: `table` points to `len` sites that live for the rest of the process
            // (`read`), and `len` was stored before `table` was published.
            unsafe { &*table.add(index as usize) }
        } else {
            &MISSING
        }
    }

    /// Reads the text into a table for the rest of the process and publishes it; of two
    /// threads reading at once, the one that publishes second frees its table.
    #[cold]
    fn read(&'static self) -> *mut CallSite {
        let rows = parse_sites(self.text);
        let (table, len) = crate::recorder::leak_slice(rows);
        self.len.store(len, Ordering::Relaxed);
        match self.table.compare_exchange(std::ptr::null_mut(), table, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => table,
            Err(published) => {
                // SAFETY: `table` came from `leak_slice` with `len` elements, and was never
                // published, so nothing else refers to it.
                unsafe { crate::recorder::free_slice(table, len) };
                published
            }
        }
    }
}

/// The descriptor of `site`.
#[inline]
pub(crate) fn at((sites, index): Site) -> &'static CallSite {
    sites.get(index)
}

/// What a row a table does not hold reads as (the macro never asks for one).
static MISSING: CallSite = CallSite::new("", "", 0, 0, "unknown");

/// The sites the text of a [`Sites`] describes, as far as it is well formed (only the macro
/// writes it; a row it cannot read ends the table).
fn parse_sites(text: &'static str) -> crate::recorder::SysVec<CallSite> {
    let mut files = crate::recorder::SysVec::new();
    let mut rows = crate::recorder::SysVec::new();
    let mut rest = text;
    while let Some(tag) = rest.chars().next() {
        rest = &rest[tag.len_utf8()..];
        let parsed = match tag {
            'F' => string(&mut rest).map(|file| files.push(file)),
            'R' => (|| {
                let file = *files.get(number(&mut rest, ',')? as usize)?;
                let line = number(&mut rest, ',')?;
                let column = number(&mut rest, ',')?;
                let kind = string(&mut rest)?;
                let name = string(&mut rest)?;
                let detail = string(&mut rest)?;
                rows.push(CallSite { name, detail, label: "", file, line, column, kind });
                Some(())
            })(),
            _ => None,
        };
        if parsed.is_none() {
            break;
        }
    }
    rows
}

/// The decimal number before `end` at the start of `rest`, which moves past `end`.
fn number(rest: &mut &'static str, end: char) -> Option<u32> {
    let (digits, after) = rest.split_once(end)?;
    *rest = after;
    digits.parse().ok()
}

/// The string `len:bytes` at the start of `rest`, which moves past it.
fn string(rest: &mut &'static str) -> Option<&'static str> {
    let len = number(rest, ':')? as usize;
    let text = rest.get(..len)?;
    *rest = &rest[len..];
    Some(text)
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

    /// Each row reads back with its file, line, column, kind, name and detail, whatever
    /// characters they hold (the separators, digits, tags, text beyond ASCII), from the
    /// table's files in order.
    #[test]
    fn a_table_of_sites_reads_back_row_by_row() {
        static SITES: Sites =
            Sites::new("F10:src/lib.rsF12:src/a/b:c.rsR0,3,9,3:let4:data0:R1,12,30,9:match_arm1:R18:Some(\"R1,2:F\") | _R0,7,1,4:move0:2:é");
        let read = |i: u32| {
            let s = SITES.get(i);
            (s.file, s.line, s.column, s.kind, s.name, s.detail, s.label)
        };
        assert_eq!(read(0), ("src/lib.rs", 3, 9, "let", "data", "", ""));
        assert_eq!(read(1), ("src/a/b:c.rs", 12, 30, "match_arm", "R", "Some(\"R1,2:F\") | _", ""));
        assert_eq!(read(2), ("src/lib.rs", 7, 1, "move", "", "é", ""));
        // The same descriptor every time: events keep its address.
        assert!(std::ptr::eq(SITES.get(1), SITES.get(1)));
    }

    /// A row the table does not hold, or a text that stops making sense, reads as an unknown
    /// site rather than a panic inside the user's program.
    #[test]
    fn a_row_beyond_the_table_or_past_a_broken_text_is_unknown() {
        static BROKEN: Sites = Sites::new("F4:a.rsR0,1,2,3:let1:x0:R0,oops");
        assert_eq!(BROKEN.get(0).name, "x");
        for index in [1, 2, u32::MAX] {
            let site = BROKEN.get(index);
            assert_eq!((site.kind, site.line, site.name), ("unknown", 0, ""));
        }
        static EMPTY: Sites = Sites::new("");
        assert_eq!(EMPTY.get(0).kind, "unknown");
        static NO_FILE: Sites = Sites::new("R4,1,1,3:let1:x0:");
        assert_eq!(NO_FILE.get(0).kind, "unknown");
        // A character beyond ASCII where a tag belongs.
        static BEYOND_ASCII: Sites = Sites::new("F4:a.rsR0,1,1,3:let1:x0:éR0,2,2,3:let1:y0:");
        assert_eq!(BEYOND_ASCII.get(0).name, "x");
        assert_eq!(BEYOND_ASCII.get(1).kind, "unknown");
    }

    /// Threads that ask for a table's sites at once all get the same descriptors: one table
    /// is published, whichever thread read the text first.
    #[test]
    fn threads_reading_a_table_at_once_share_one() {
        static SITES: Sites = Sites::new("F4:x.rsR0,1,1,3:let1:a0:R0,2,1,3:let1:b0:");
        let barrier = std::sync::Barrier::new(8);
        let seen: Vec<(usize, usize)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    scope.spawn(|| {
                        barrier.wait();
                        (SITES.get(0) as *const CallSite as usize, SITES.get(1) as *const CallSite as usize)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
        assert_eq!(SITES.get(1).name, "b");
    }

    /// A table made by hand is read as it is.
    #[test]
    fn a_prepared_table_is_its_own_descriptors() {
        static ROWS: [CallSite; 2] = [CallSite::new("a", "m.rs", 1, 2, "let"), CallSite::new("b", "m.rs", 3, 4, "move")];
        static SITES: Sites = Sites::prepared(&ROWS);
        assert!(std::ptr::eq(SITES.get(1), &ROWS[1]));
        assert_eq!(SITES.get(2).kind, "unknown");
    }

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
