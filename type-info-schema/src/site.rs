//! `SiteKind`: expressions whose meaning syntax alone cannot tell.

macro_rules! site_kinds {
    ($( $variant:ident = $name:literal, $pattern:literal => $event:literal; )*) => {
        /// An expression the macro cannot classify from syntax alone.
        ///
        /// A site is keyed by the position of the token that names the operation: the
        /// method name of a method call (`clone` in `a.b.clone()`), the field name of a field
        /// access, the `*` of a dereference, and the first token of the path otherwise (the
        /// callee of a call, the static's path). Several sites may share a position when they
        /// differ in kind.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum SiteKind {
            $(
                #[doc = concat!("`", $name, "`: ", $pattern, ".\n\nRuntime: ", $event, ".")]
                $variant,
            )*
        }

        impl SiteKind {
            /// Every site kind, in declaration order.
            pub const ALL: &'static [SiteKind] = &[$(SiteKind::$variant,)*];

            /// The snake_case name used in the type-info file.
            pub fn name(self) -> &'static str {
                match self { $(SiteKind::$variant => $name,)* }
            }

            /// The expression this kind stands for, as documented on the variant.
            pub fn pattern(self) -> &'static str {
                match self { $(SiteKind::$variant => $pattern,)* }
            }

            /// The runtime call the macro emits for this kind, as documented on the variant.
            pub fn event(self) -> &'static str {
                match self { $(SiteKind::$variant => $event,)* }
            }
        }
    };
}

site_kinds! {
    FfiCall = "ffi_call", "a call of a function declared in an `extern` block" => "`track_ffi_call`";
    UnsafeFnCall = "unsafe_fn_call", "a call of an `unsafe fn` (not an FFI function)" => "`track_unsafe_fn_call`";
    UnionFieldAccess = "union_field_access", "a read or write of a union's field, `u.field`" => "`track_union_field_access`";
    StaticRead = "static_read", "a read of a `static` or `static mut`" => "`track_static_access` (read)";
    StaticWrite = "static_write", "an assignment to a `static mut`, or `&mut` of one" => "`track_static_access` (write)";
    ConstUse = "const_use", "a use of a `const` item" => "`track_const_eval`";
    RcClone = "rc_clone", "`.clone()` whose receiver is an `Rc`" => "`track_rc_clone` with the new strong count";
    ArcClone = "arc_clone", "`.clone()` whose receiver is an `Arc`" => "`track_arc_clone` with the new strong count";
    WeakClone = "weak_clone", "`.clone()` whose receiver is an `rc::Weak` or `sync::Weak`" => "`track_weak_clone`";
    GenericClone = "generic_clone", "`.clone()` whose receiver is any other type (the target is the type)" => "`track_clone`";
    PointerFactoryCall = "pointer_factory_call", "a call of a user function returning `Box`, `Rc` or `Arc`" => "`track_box_new`, `track_rc_new` or `track_arc_new`";
    RawPtrDeref = "raw_ptr_deref", "`*p` where `p` is a raw pointer" => "`track_raw_ptr_deref`";
    MutexLock = "mutex_lock", "`.lock()` or `.try_lock()` whose receiver is a `Mutex` (through any `Deref`)" => "`track_lock`";
    RwLockRead = "rwlock_read", "`.read()` or `.try_read()` whose receiver is an `RwLock`" => "`track_lock` (read)";
    RwLockWrite = "rwlock_write", "`.write()` or `.try_write()` whose receiver is an `RwLock`" => "`track_lock` (write)";
    RefCellBorrow = "refcell_borrow", "`.borrow()` whose receiver is a `RefCell` (not `Borrow::borrow`)" => "`track_refcell_borrow`";
    RefCellBorrowMut = "refcell_borrow_mut", "`.borrow_mut()` whose receiver is a `RefCell`" => "`track_refcell_borrow_mut`";
    TracedCall = "traced_call",
        "a call (`f(..)`, or method syntax `r.m(..)`) of a function of the workspace that `#[trace_borrow]` instruments, and that returns"
        => "`track_move` of each argument that is a binding, with the callee's parameter as its destination, and of the binding the callee returns, with the caller's binding as its";
    ExprMacro = "expr_macro",
        "a macro call whose one argument, a call or method call, the macro's expansion evaluates once and first, as a `match`'s scrutinee (`ready!(fut.poll(cx))`, however the crate defines `ready!`; the target is the macro's path; keyed by the macro's name)"
        => "the events of its argument, instrumented as any expression (`track_move` of a binding it moves)";
    LinkedChannel = "linked_channel",
        "`let (tx, rx) = mpsc::channel()` in a traced function, whose ends (and the senders cloned from them) the analyzer found used only by sends, receives, clones bound by `let`, `drop` and `move` closures of that function (the target is `std::sync::mpsc::channel`)"
        => "`track_channel`, with a queue that follows each value sent to the receive that takes it";
    LinkedSend = "linked_send",
        "`tx.send(v)` on a sender of a `linked_channel` (the target is the channel's `line:column`)"
        => "`track_channel_send`, queuing the binding moved in as `v`";
    LinkedRecv = "linked_recv",
        "`rx.recv()`, `rx.try_recv()`, `rx.recv_timeout(..)` on the receiver of a `linked_channel`, or a `for` loop over it (`for x in rx`, `&rx`, `rx.iter()`, `rx.try_iter()`, keyed by `for`; the target is the channel's `line:column`)"
        => "`track_channel_recv`, linking the value received to the binding it initializes (`track_move` to it)";
}

crate::kind::by_name!(SiteKind, "site kind");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_s_site_kinds_exist_and_round_trip() {
        for name in [
            "ffi_call",
            "unsafe_fn_call",
            "union_field_access",
            "static_read",
            "static_write",
            "rc_clone",
            "arc_clone",
            "generic_clone",
            "pointer_factory_call",
            "raw_ptr_deref",
        ] {
            let kind: SiteKind = name.parse().unwrap();
            assert_eq!(kind.to_string(), name);
        }
        for kind in SiteKind::ALL {
            assert_eq!(kind.name().parse::<SiteKind>(), Ok(*kind));
            assert!(kind.event().contains("track_"), "{kind} names no runtime call");
        }
        assert_eq!("ffi".parse::<SiteKind>().unwrap_err().to_string(), "unknown site kind `ffi`");
    }
}
