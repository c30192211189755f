//! `#[trace_borrow]`: instruments a function, method or `impl` block so that it records its
//! ownership operations into `borrowscope-runtime`.
//!
//! ```
//! use borrowscope_macro::trace_borrow;
//!
//! #[trace_borrow]
//! fn example() -> usize {
//!     let data = vec![1, 2, 3];   // new data
//!     let r = &data;              // new r, borrow r -> data
//!     let n: usize = r.len();     // new n (its type written out: the compiler tells it is Copy)
//!     n                           // copy of n returned; drops of n, r and data, in order
//! }
//!
//! let session = borrowscope_runtime::Session::new();
//! assert_eq!(session.record(example), 3);
//! // Each event with the binding it is about (a copy names its source as the detail).
//! let names: Vec<_> = session.events().iter().map(|e| {
//!     format!("{} {}", e.op, if e.site.name.is_empty() { e.site.detail } else { e.site.name })
//! }).collect();
//! let expected =
//!     ["new data", "new r", "borrow r", "new n", "copy n", "drop n", "drop r", "drop data"];
//! assert_eq!(names, expected);
//! ```
//!
//! What is recorded: every `let` (destructuring, let-else, `ref`/`mut`), parameter, closure
//! parameter and binding of a `for`, `while let`, `if let` or `match` arm pattern (created
//! when the body it is in scope for starts), its drop when its value really drops (end of scope,
//! `return`, `?`, `break`, unwinding, or a
//! `drop(x)` call), moves and copies out of a binding (see "Moves and copies" below),
//! `&x`/`&mut x` with their owner, `Rc`/`Arc`/`Box`/`Weak`/`Pin`/`Cow`/`RefCell`/
//! `Cell`/`OnceCell`/`OnceLock`/`MaybeUninit` constructors (with strong or weak counts,
//! `Box::into_raw` with its address; `ManuallyDrop::new` is never reported dropped), loops
//! with iterations, `match` arms and `if` branches taken, `return`, `?`, labelled
//! `break`/`continue`, struct/tuple/array/range/cast expressions, reads through `*r`, `a[i]`
//! and `s.f` in initializers, closures with their capture mode and captures, `unsafe` and
//! `async` blocks, `.await`, raw pointer casts, `.clone()` and `.unwrap()`-like methods, calls
//! inside the left side of an assignment (`*m.lock().unwrap() += 1`), and with the
//! `functions` group (`verbose`) function entry and exit. Where the compiler knows a type at
//! the call site, it decides the event through method resolution on a probe: a `Copy` use
//! is a copy, anything else a move; `x.clone()` of an `Rc`/`Arc`/`Weak` (also behind an
//! alias) is a pointer clone with its count; on a receiver that is a binding or a field of
//! one (`x`, `self.state`), `join` on a `JoinHandle`, `send`/`recv` on a channel's ends,
//! `lock`/`read`/`write` on a `Mutex`/`RwLock` (also in an `Arc`), `borrow`/`borrow_mut` on
//! a `RefCell`, `get`/`set` on a `Cell`, `get`/`set`/`get_or_init` on a `OnceCell` or
//! `OnceLock` and `write`/`assume_init` on a `MaybeUninit` record their events after the
//! call returns; the same method names on other types record nothing. `thread::spawn` and
//! `s.spawn` (in `thread::scope`) record the spawn with the new thread wherever they are
//! written (`handles.push(thread::spawn(..))` too), on the handle's binding when a `let`
//! binds it; `mpsc::channel()` records the channel. The arguments of `println!`,
//! `print!`, `eprintln!`, `eprint!`, `format!`, `write!`, `writeln!`, `panic!`, `assert!`,
//! `assert_eq!`, `assert_ne!`, the `debug_` assertions, `unreachable!`, `todo!` and
//! `unimplemented!` are expressions like any other (calls in them are instrumented), and each
//! formatted or compared binding, inline captures (`"{x}"`) too, is recorded borrowed by the
//! macro (`x` becomes `*{ event; &x }`, a place of the same type, and `{x}` the named
//! argument `x = *{ event; &x }`): the output, the panic message and every argument's
//! evaluation stay exactly as they were. Any other macro's input is left as written.
//!
//! With the analyzer's type-info file (see `types`), each binding's event carries the
//! analyzer's initializer kind, and every kind records the runtime event its documentation
//! in `type-info-schema` names: `Rc`/`Arc`/`Weak`/`Box` and cell constructors reached through
//! a type alias or a factory function, `weak.upgrade()` with the strong count, `transmute`,
//! the release of a lock guard and the end of a `RefCell` borrow when the guard drops, a
//! copy from a binding used again later (the type's `Copy` fact); and the analyzer's sites
//! record FFI and `unsafe fn` calls (methods too), union field accesses, static reads and
//! writes, `const` uses and raw-pointer dereferences with no `ffi`/`unions`/`statics` option.
//!
//! Moves and copies: whether the last by-value use of a binding moves it or copies it is
//! decided, in this order, by the analyzer's `Copy` fact for the binding's type (in generic
//! code a `T` without a `Copy` bound is moved); by the syntax where it tells (a literal or
//! `&x` is `Copy`; `vec![..]`, `format!(..)`, `String::new()`, `Box::new(..)` and other std
//! constructors are not; `let y = x` is what `x` is; a `&mut` is reborrowed where a `&mut` is
//! expected and moved where a generic `T` is, so its last use is "unknown"); by the
//! compiler, through a probe (method resolution on `Probe(&x)`), for a binding whose type is
//! written out
//! (`let x: T = ..`); and otherwise by nobody: the binding's end is then recorded as
//! `scope_end` ("unknown"), never as a guessed drop. A probe is only sound where the compiler
//! already knows the type: for `let v = iter.collect();` typed by a later use, or a closure
//! (whose `Copy`-ness is settled after the function's capture analysis), it would commit to
//! the wrong answer and the code would no longer compile, so none is emitted there.
//!
//! Once no event could be kept (the process-wide recorder's cap reached and no `Session`
//! entered), a traced function runs its body exactly as written, at the cost of one check
//! per call; its events are then neither recorded nor counted as dropped. (A body with a
//! nested item, an item-defining macro statement or an `impl Trait` return type is
//! instrumented without this check, since its two copies would not be the same program.)
//!
//! What it never does: change what the code does. Values pass through generic runtime
//! functions (types, coercions and temporaries stay as they were), place expressions and the
//! left side of assignments are never wrapped, nested items and constant expressions are left
//! alone, generated names are hygienic, `const fn` and foreign-ABI functions are refused. A
//! constant that Rust may promote to a `'static` value where it is borrowed (`&[]`,
//! `[].iter()`, `[X; N]`, `&Some(1)`) and an aggregate through which a `let` extends a
//! borrowed temporary's life (`let h = H { r: &String::new() }`) are left exactly as written
//! and record no event: passing them through a call would end their life at the statement's
//! end.
//!
//! Where a value leaves a binding: an argument, a struct field or element, a `return`, a
//! block's tail (the value of a function, a branch), `v?`, `let y = x`, `let y = *boxed` (out of
//! the box unless the value is `Copy`), and a closure's or `async` block's capture. Every
//! closure and `async` block, wherever it is written (`thread::spawn(move || ..)` too),
//! records at its creation what it does to the
//! bindings it mentions: a `move` closure moves (or copies) a binding it uses as a whole; a
//! closure that uses only fields of it (edition 2021 captures just those places), or one
//! without `move` that does more than borrow it (`|| drop(x)` takes it by value), leaves the
//! binding's end unknown; with the type-info file, rust-analyzer's capture analysis decides
//! instead. Assigning over a binding (`x = v`) records the old value's drop
//! there, once `v` is computed (or "unknown" where it may have moved before), and the new
//! value is a new instance of the variable. A borrow that is a temporary (`f(&x)`) is
//! recorded without a variable of its own; it lasts until the end of its statement. A lock's
//! or `RefCell`'s guard (`borrow`, `borrow_mut`, `lock`, `read`, `write`; decided by the
//! analyzer's site, or by the receiver's type where the receiver is a binding or a field of
//! one) records its acquisition wherever it is taken, and its release where Rust releases
//! it: a guard used in place (a method chain, a field, `*`, `[]`, `&`, a formatting macro's
//! argument, an assignment's place) becomes `hold(site, event, call).0`, a temporary tuple
//! that drops where the guard would have, guard first; one a `let` binds is that binding's
//! instance (with the type-info file), released when it drops; one passed on records only
//! its acquisition. The `try_` forms record nothing. With the type-info file, a method call
//! that borrows its receiver binding records the borrow, named by the method (none for a
//! receiver that is itself a reference, which is reborrowed through), and its end as the call
//! returns where the analyzer found that the result cannot hold it:
//! `borrowed_for(probe, v.len())`. `write!`/`writeln!` record the borrow of their
//! destination the same way, and `&x.field` a borrow of `x` where `x` is not a reference.
//!
//! Parameters are tracked like `let` bindings: each gets its creation when the body starts
//! and its drop after the body's locals (in reverse order, as they drop), or its move. With
//! the type-info file, at a call the analyzer found to call a traced function (a
//! `traced_call` site), a binding moved in as an argument is linked to the callee's parameter
//! and a binding the callee returns to the caller's `let x = f(..)`: the move is recorded
//! where it happens, and the other side records `receive`, naming the move's destination.
//! An argument is linked only when the arguments after it run no code of their own (paths,
//! literals, references), when the parameter at its position has its type, and not for an
//! `async fn` (whose parameters are bound when it is first polled); a returned value only
//! when the callee's return type can hold one (not `()`, a primitive or a reference) and
//! the note it leaves is from the call just made (see the runtime's `__private::links`).
//! Without the file nothing is linked: the macro cannot know that a callee is traced.
//!
//! Channels: with the type-info file, a channel the analyzer saw whole (a `linked_channel`
//! site: `let (tx, rx) = mpsc::channel()` whose ends, and the senders cloned from them by
//! `let`, are used in the function only by sends, receives, `drop` and `move` closures) gets
//! a queue declared with it; each `tx.send(x)` queues the binding moved in and each
//! receive pops the oldest, so the binding `let got = rx.recv().unwrap()` (or `.expect("..")`,
//! `?`, `got` in `while let Ok(got) = rx.recv()` or `if let`, or the binding of `for got in rx`)
//! records `receive` naming `x`'s move, on whatever
//! thread either runs. The queue is linked only if the macro rewrote every send and receive
//! the analyzer listed; otherwise, and for any other channel, a send is a move into the
//! call (see the runtime's `__private::channels`).
//!
//! Known limits: the last use of a non-`Copy` binding as a method receiver may have moved it
//! (`into_iter`) or not (`len`): with the type-info file (which records what each method
//! call does to its receiver) that use is exact; without it syntax cannot tell, so its end is
//! recorded as `scope_end` rather than a guessed drop, and so is a callable binding's last
//! call (an `FnOnce` closure or `Box<dyn FnOnce()>` is consumed, an `Fn` one is not; the file
//! tells which); without the file, a
//! by-value last use of a binding whose type is neither written out nor told by its
//! initializer ends it as `scope_end` too; `self` taken by value is not tracked (a receiver
//! is not a parameter binding); a capitalised name in a pattern is not tracked (`None`, `MAX`:
//! Rust's
//! conventions make it a variant or a constant being matched); a
//! binding declared without a value (`let x;`) is tracked from its first assignment only
//! when its type may need dropping (a `Copy` one, as the file tells, is not tracked); a pattern
//! that destructures a binding (`let [a, b] = arr;`, `if let Some(x) = o`, a `match` arm),
//! a field used by value (`w.0`) and the base of struct update syntax (`S { a, ..base }`)
//! move what they take out of the binding: with the file, the binding is moved when nothing
//! that needs dropping stays (in a `match`, the arm taken decides) and still dropped where it
//! lives when something does; without it, its end is `scope_end`; in both modes, so is the
//! end of a value moved out part by part in two places (what stays depends on the path); a by-value
//! use of a binding used again later, in a function that assigns it a new value, may have
//! been a move before that assignment: without the file (which tells moves from reborrows)
//! the old value's end is `scope_end`; a lock or `RefCell` guard that
//! is a temporary (`*m.lock().unwrap() += 1`) records the lock but not its release, and one
//! bound by `let` records its release only with the type-info file.
//!
//! The expansion itself is the library `borrowscope-expand`, on `proc_macro2` tokens (so
//! that it can be tested and fuzzed outside a compiler); this crate is its entry point.
//! When anything is refused, the error is emitted together with the user's code unchanged,
//! never a half-rewritten function.

use proc_macro::TokenStream;

/// Records the ownership operations of a function (or of every method of an `impl` block):
/// variable creation, borrows, moves and drops, smart pointers, control flow and more, as the
/// crate README describes. The function behaves exactly as before.
///
/// Options: `quiet`, `verbose`, `skip = "groups"`, `only = "groups"`, `filter = "glob"`,
/// `sample = 0.1`, `debug_only`, `release_only`, `feature = "name"`, `warn`,
/// `ffi = [..]`, `unions = [..]`, `statics = [..]`.
#[proc_macro_attribute]
pub fn trace_borrow(attr: TokenStream, item: TokenStream) -> TokenStream {
    // While borrowscope-analyzer runs, rust-analyzer expands this attribute too; the
    // analyzer needs the positions of the code as written, so the input passes through.
    if std::env::var_os(type_info_schema::ANALYZING_ENV).is_some_and(|v| v == "1") {
        return item;
    }
    borrowscope_expand::trace_borrow(attr.into(), item.into()).into()
}
