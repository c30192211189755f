//! `borrowscope-analyzer`: the pre-build step that resolves types and call targets with
//! rust-analyzer's libraries and writes `.borrowscope/type-info.json`.
//!
//! This crate is the only one that links `ra_ap_*`. What is here so far: finding the
//! standard library's sources ([`std_sources`]) and the Cargo configuration that loads a
//! workspace against them ([`config`]). Walking bodies and writing the file come next.

pub mod config;
pub mod std_sources;
