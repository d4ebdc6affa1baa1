//! The native scanner of newsrecord: the front matter subset its pure-Python scanner
//! reads, read in Rust, giving the very same nodes.
//!
//! [`scan`] is plain Rust and is tested with `cargo test --no-default-features`; the
//! `python` feature (on by default, and what maturin builds) adds the extension module
//! `newsrecord_native`, which builds newsrecord's own node objects.

#[cfg(feature = "python")]
mod edits;
#[cfg(all(feature = "python", unix))]
mod files;
#[cfg(feature = "python")]
mod python;
pub mod scan;
