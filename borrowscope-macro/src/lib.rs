//! `#[trace_borrow]`, the attribute that instruments functions for BorrowScope.
//!
//! Not yet written: the attribute arrives with the macro issue. The crate exists so that the
//! workspace, its manifests and its dependency rules are in place; it exports nothing.

use proc_macro as _;
