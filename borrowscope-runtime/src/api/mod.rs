//! The public `track_*` functions, by family; each returns its value unchanged.

pub(crate) mod cells;
pub(crate) mod concurrency;
pub(crate) mod markers;
pub(crate) mod ownership;
pub(crate) mod pointers;
