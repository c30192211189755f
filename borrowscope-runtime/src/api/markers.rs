//! Events that mark a point in the program rather than a value: unsafe code, statics,
//! async, control flow, expressions, closures and regions. Their signatures are the seeds'.

use crate::emit::emit;
use crate::site::Op;

macro_rules! marker {
    ($(#[$doc:meta])* $fn:ident($($param:ident: $ty:ty),*) => $op:ident { name: $name:expr, detail: $detail:expr, location: $loc:expr, id: $id:expr, arg: $arg:expr }) => {
        $(#[$doc])*
        #[inline]
        #[track_caller]
        pub fn $fn($($param: $ty),*) {
            emit($name, $detail, $loc, Op::$op, $id, $arg);
        }
    };
}

marker!(/// Records entering an `unsafe` block.
    track_unsafe_block_enter(block_id: usize, location: &str) => UnsafeBlockEnter { name: "", detail: "", location: location, id: block_id as u64, arg: 0 });
marker!(/// Records leaving an `unsafe` block.
    track_unsafe_block_exit(block_id: usize, location: &str) => UnsafeBlockExit { name: "", detail: "", location: location, id: block_id as u64, arg: 0 });
marker!(/// Records a dereference of the raw pointer `name`.
    track_raw_ptr_deref(name: &str, location: &str) => RawPtrDeref { name: name, detail: "", location: location, id: 0, arg: 0 });
marker!(/// Records a `mem::transmute`.
    track_transmute(location: &str) => Transmute { name: "transmute", detail: "", location: location, id: 0, arg: 0 });
marker!(/// Records a call of the FFI function `fn_name`.
    track_ffi_call(fn_name: &str, location: &str) => FfiCall { name: fn_name, detail: "", location: location, id: 0, arg: 0 });
marker!(/// Records a call of the `unsafe fn` `fn_name`.
    track_unsafe_fn_call(fn_name: &str, location: &str) => UnsafeFnCall { name: fn_name, detail: "", location: location, id: 0, arg: 0 });
marker!(/// Records an access to field `field` of a union of type `union_name`.
    track_union_field_access(union_name: &str, field: &str, location: &str) => UnionFieldAccess { name: union_name, detail: field, location: location, id: 0, arg: 0 });
marker!(/// Records the initialisation of the static `name`.
    track_static_init(name: &str, location: &str) => StaticInit { name: name, detail: "", location: location, id: 0, arg: 0 });
marker!(/// Records a read (or, with `is_write`, a write) of the static `name`.
    track_static_access(id: usize, name: &str, is_write: bool, location: &str) => StaticAccess { name: name, detail: if is_write { "write" } else { "read" }, location: location, id: id as u64, arg: u64::from(is_write) });
marker!(/// Records the evaluation of the const `name`.
    track_const_eval(name: &str, location: &str) => ConstEval { name: name, detail: "", location: location, id: 0, arg: 0 });
marker!(/// Records entering an `async` block.
    track_async_block_enter(block_id: usize, location: &str) => AsyncBlockEnter { name: "", detail: "", location: location, id: block_id as u64, arg: 0 });
marker!(/// Records leaving an `async` block.
    track_async_block_exit(block_id: usize, location: &str) => AsyncBlockExit { name: "", detail: "", location: location, id: block_id as u64, arg: 0 });
marker!(/// Records the start of `.await` on the future `future_name`.
    track_await_start(await_id: usize, future_name: &str, location: &str) => AwaitStart { name: future_name, detail: "", location: location, id: await_id as u64, arg: 0 });
marker!(/// Records the end of an `.await`.
    track_await_end(await_id: usize, location: &str) => AwaitEnd { name: "", detail: "", location: location, id: await_id as u64, arg: 0 });
marker!(/// Records entering a loop (`loop_type`: `for`, `while`, `loop`).
    track_loop_enter(loop_id: usize, loop_type: &str, location: &str) => LoopEnter { name: "", detail: loop_type, location: location, id: loop_id as u64, arg: 0 });
marker!(/// Records the start of iteration `iteration` (from 0) of a loop.
    track_loop_iteration(loop_id: usize, iteration: usize, location: &str) => LoopIteration { name: "", detail: "", location: location, id: loop_id as u64, arg: iteration as u64 });
marker!(/// Records leaving a loop.
    track_loop_exit(loop_id: usize, location: &str) => LoopExit { name: "", detail: "", location: location, id: loop_id as u64, arg: 0 });
marker!(/// Records entering a `match`.
    track_match_enter(match_id: usize, location: &str) => MatchEnter { name: "", detail: "", location: location, id: match_id as u64, arg: 0 });
marker!(/// Records the arm taken in a `match`.
    track_match_arm(match_id: usize, arm_index: usize, pattern: &str, location: &str) => MatchArm { name: "", detail: pattern, location: location, id: match_id as u64, arg: arm_index as u64 });
marker!(/// Records leaving a `match`.
    track_match_exit(match_id: usize, location: &str) => MatchExit { name: "", detail: "", location: location, id: match_id as u64, arg: 0 });
marker!(/// Records a branch (`branch_type`: `if_then`, `if_else`) and whether it was taken.
    track_branch(branch_id: usize, branch_type: &str, taken: bool, location: &str) => Branch { name: "", detail: branch_type, location: location, id: branch_id as u64, arg: u64::from(taken) });
marker!(/// Records a `return`.
    track_return(return_id: usize, has_value: bool, location: &str) => Return { name: "", detail: "", location: location, id: return_id as u64, arg: u64::from(has_value) });
marker!(/// Records a `?`.
    track_try(try_id: usize, location: &str) => Try { name: "", detail: "", location: location, id: try_id as u64, arg: 0 });
marker!(/// Records a `break`, with its label if it has one.
    track_break(break_id: usize, loop_label: Option<&str>, location: &str) => Break { name: loop_label.unwrap_or(""), detail: "", location: location, id: break_id as u64, arg: 0 });
marker!(/// Records a `continue`, with its label if it has one.
    track_continue(continue_id: usize, loop_label: Option<&str>, location: &str) => Continue { name: loop_label.unwrap_or(""), detail: "", location: location, id: continue_id as u64, arg: 0 });
marker!(/// Records entering the traced function `fn_name`.
    track_fn_enter(fn_id: usize, fn_name: &str, location: &str) => FnEnter { name: fn_name, detail: "", location: location, id: fn_id as u64, arg: 0 });
marker!(/// Records leaving the traced function `fn_name`.
    track_fn_exit(fn_id: usize, fn_name: &str, location: &str) => FnExit { name: fn_name, detail: "", location: location, id: fn_id as u64, arg: 0 });
marker!(/// Records a struct literal of type `type_name`.
    track_struct_create(struct_id: usize, type_name: &str, location: &str) => StructCreate { name: type_name, detail: "", location: location, id: struct_id as u64, arg: 0 });
marker!(/// Records a tuple of `len` elements.
    track_tuple_create(tuple_id: usize, len: usize, location: &str) => TupleCreate { name: "", detail: "", location: location, id: tuple_id as u64, arg: len as u64 });
marker!(/// Records an array of `len` elements.
    track_array_create(array_id: usize, len: usize, location: &str) => ArrayCreate { name: "", detail: "", location: location, id: array_id as u64, arg: len as u64 });
marker!(/// Records a range expression (`range_type`: `Range`, `RangeInclusive`, `RangeTo`, ...).
    track_range(range_id: usize, range_type: &str, location: &str) => Range { name: "", detail: range_type, location: location, id: range_id as u64, arg: 0 });
marker!(/// Records a cast `x as to_type`.
    track_type_cast(cast_id: usize, to_type: &str, location: &str) => TypeCast { name: "", detail: to_type, location: location, id: cast_id as u64, arg: 0 });
marker!(/// Records a binary operation.
    track_binary_op(op_id: usize, operator: &str, location: &str) => BinaryOp { name: "", detail: operator, location: location, id: op_id as u64, arg: 0 });
marker!(/// Records an index access into `container`.
    track_index_access(access_id: usize, container: &str, location: &str) => IndexAccess { name: container, detail: "", location: location, id: access_id as u64, arg: 0 });
marker!(/// Records an access to `base.field`.
    track_field_access(access_id: usize, base: &str, field: &str, location: &str) => FieldAccess { name: base, detail: field, location: location, id: access_id as u64, arg: 0 });
marker!(/// Records a dereference of `var_name`.
    track_deref(deref_id: usize, var_name: &str, location: &str) => Deref { name: var_name, detail: "", location: location, id: deref_id as u64, arg: 0 });
marker!(/// Records a call of `fn_name`.
    track_call(call_id: usize, fn_name: &str, location: &str) => Call { name: fn_name, detail: "", location: location, id: call_id as u64, arg: 0 });
marker!(/// Records `var_name.clone()`.
    track_clone(clone_id: usize, var_name: &str, location: &str) => Clone { name: var_name, detail: "", location: location, id: clone_id as u64, arg: 0 });
marker!(/// Records `var_name.method()` for `unwrap`, `expect` and friends.
    track_unwrap(unwrap_id: usize, method: &str, var_name: &str, location: &str) => Unwrap { name: var_name, detail: method, location: location, id: unwrap_id as u64, arg: 0 });
marker!(/// Records that the `else` of `let pattern = .. else` ran.
    track_let_else(let_id: usize, pattern: &str, location: &str) => LetElse { name: "", detail: pattern, location: location, id: let_id as u64, arg: 0 });
marker!(/// Records the creation of a closure (`capture_mode`: `move` or `ref`).
    track_closure_create(closure_id: usize, capture_mode: &str, location: &str) => ClosureCreate { name: "", detail: capture_mode, location: location, id: closure_id as u64, arg: 0 });
marker!(/// Records that a closure captures `var_name` (`capture_mode`: `ref`, `mut`, `move`, `copy`).
    track_closure_capture(closure_id: usize, var_name: &str, capture_mode: &str, location: &str) => ClosureCapture { name: var_name, detail: capture_mode, location: location, id: closure_id as u64, arg: 0 });
marker!(/// Records entering the region `name`; see [`crate::region!`].
    track_region_enter(region_id: usize, name: &str, location: &str) => RegionEnter { name: name, detail: "", location: location, id: region_id as u64, arg: 0 });
marker!(/// Records leaving a region.
    track_region_exit(region_id: usize, location: &str) => RegionExit { name: "", detail: "", location: location, id: region_id as u64, arg: 0 });

/// Records the creation of the raw pointer `name` (with its address) and returns it.
#[inline]
#[track_caller]
pub fn track_raw_ptr<P: RawPointer>(name: &str, ptr: P) -> P {
    emit(name, "", "", Op::RawPtr, crate::emit::fresh(), ptr.address());
    ptr
}

/// `*const T` and `*mut T`.
pub trait RawPointer: Copy {
    /// The address the pointer holds.
    fn address(self) -> u64;
}

impl<T: ?Sized> RawPointer for *const T {
    fn address(self) -> u64 {
        self.cast::<u8>() as usize as u64
    }
}

impl<T: ?Sized> RawPointer for *mut T {
    fn address(self) -> u64 {
        self.cast::<u8>() as usize as u64
    }
}

/// Runs a block as a named region: `region!("setup", { ... })` records the region's entry
/// and exit around the block (also when it is left by `return`, `?` or a panic) and
/// evaluates to the block's value.
#[macro_export]
macro_rules! region {
    ($name:expr, $body:block) => {{
        let __borrowscope_region = $crate::__private::RegionGuard::enter($name);
        let __borrowscope_result = $body;
        ::core::mem::drop(__borrowscope_region);
        __borrowscope_result
    }};
}
