//! Typed helpers, one file per command family. Each function builds a [`TypedCommand`]
//! (usable in pipelines); the matching `Client` method runs it.
//!
//! [`TypedCommand`]: crate::TypedCommand

pub mod hashes;
pub mod keys;
pub mod scripts;
pub mod sorted_sets;
pub mod stream_types;
pub mod streams;
pub mod strings;

#[cfg(test)]
pub(crate) fn wire(c: &crate::Command) -> String {
    c.to_json()
        .map(|j| j.to_string())
        .unwrap_or_else(|e| e.to_string())
}
