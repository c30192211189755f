//! `borrowscope-analyzer`: the pre-build step that resolves types and call targets with
//! rust-analyzer's libraries and writes `.borrowscope/type-info.json`.
//!
//! This crate is the only one that links `ra_ap_*`: [`std_sources`] finds the standard
//! library's sources, [`config`] builds the rust-analyzer load configuration, [`load`] loads
//! a Cargo workspace, and [`walk`] turns it into the type-info file (with `classify`
//! deciding initializer kinds and trait facts).

mod captures;
mod channels;
mod classify;
pub mod config;
pub mod load;
#[cfg(test)]
mod macro_tests;
mod macro_uses;
mod named;
mod partial;
#[cfg(test)]
mod partial_tests;
mod places;
mod resolve;
mod settle;
mod sites;
pub mod std_sources;
#[cfg(test)]
mod tests;
mod uses;
pub mod walk;
